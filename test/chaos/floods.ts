import { randomUUID } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import { defaultHeaders, fetchAs } from '../support/auth';
import type { Cluster } from './cluster';
import type { Row } from './scenarios';

// The floods a signed-in client can send: they are judged on staying up with no 5xx, and their
// peak RSS is reported (the limits that bound it are configured elsewhere).

/** Many shape requests for boards that do not exist; the web process must stay up and bounded. */
export async function shapeFlood(c: Cluster, requests: number, concurrency: number): Promise<Row> {
  const statuses = new Map<number, number>();
  let next = 0;
  const one = async () => {
    while (next < requests) {
      next++;
      try {
        const res = await fetchAs(`${c.url}/api/shapes/tasks?board=${randomUUID()}&offset=-1`, {
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  c.samplePeaks();
  const fiveXX = [...statuses].filter(([s]) => s >= 500 || s === 0).reduce((n, [, k]) => n + k, 0);
  const alive = (await fetch(`${c.url}/healthz`).catch(() => undefined))?.status === 200;
  return {
    scenario: 'shape flood',
    trials: requests,
    lost: 0,
    stuck: 0,
    fiveXX,
    recoveryMs: alive ? 0 : Number.POSITIVE_INFINITY,
    webPeakMb: c.peak.web,
    workerPeakMb: c.peak.worker,
    note: `statuses ${[...statuses].map(([s, k]) => `${s || 'error'}×${k}`).join(' ')}`,
  };
}

/** task.subscribe for random task ids, as fast as one socket can send them. */
export async function subscribeFlood(c: Cluster, count: number): Promise<Row> {
  const socket = connect(c.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { cookie: defaultHeaders(c.url).cookie ?? '' },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const acks = new Map<string, number>();
  let disconnected = '';
  socket.on('disconnect', (reason) => (disconnected = reason));
  const answered = Array.from({ length: count }, () =>
    socket
      .timeout(30_000)
      .emitWithAck('task.subscribe', { taskId: randomUUID() })
      .then((a: { ok: boolean; error?: { code?: string } }) => (a.ok ? 'ok' : (a.error?.code ?? 'refused')))
      .catch(() => (disconnected ? 'disconnected' : 'no ack')),
  );
  for (const r of await Promise.all(answered)) acks.set(r, (acks.get(r) ?? 0) + 1);
  socket.disconnect();
  c.samplePeaks();
  const alive = (await fetch(`${c.url}/healthz`).catch(() => undefined))?.status === 200;
  return {
    scenario: 'subscribe flood',
    trials: count,
    lost: 0,
    stuck: 0,
    fiveXX: 0,
    recoveryMs: alive ? 0 : Number.POSITIVE_INFINITY,
    webPeakMb: c.peak.web,
    workerPeakMb: c.peak.worker,
    note: `acks ${[...acks].map(([s, k]) => `${s}×${k}`).join(' ')}${disconnected ? `; socket closed: ${disconnected}` : ''}`,
  };
}
