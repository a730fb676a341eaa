import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTH_TEST_ENV, signUpDefault } from '../test/support/auth';
import { startFakeLlm } from '../test/support/fake-llm';
import { forkChild } from './lib/child';
import { bundleRoleProcess } from './lib/role-bundle';
import { benchDatabase } from './lib/database';
import { closeHttpClients, postJson } from './lib/http';
import type { ClientsMessage, ClientsRequest } from './lib/load-clients';
import { row, type BenchReport } from './lib/report';
import type { RoleMessage } from './lib/role-process';

// Issue 13 item 3: what the server process holds for its clients. One server process (web and
// worker roles, as `npm start` runs them) and, in a second process, 1,000 Socket.IO clients
// subscribed to 100 tasks, then 1,000 held live shape requests across 100 boards. Reported: the
// server's RSS beside the idle server's (same process, same run, after a forced GC), the RSS delta
// per socket and per held shape request, and the RSS over a window in which 10 replies stream
// (the fake model paced so the replies last the whole window): growth must stay under 10 %.
// BENCH_MEMORY_SCALE=0.1 scales the counts (and the window, to at least 10 s) for a quick run.

const DIR = path.dirname(fileURLToPath(import.meta.url));
const SCALE = Number(process.env.BENCH_MEMORY_SCALE ?? 1);
const SOCKETS = Math.max(10, Math.round(1000 * SCALE));
const SHAPES = Math.max(10, Math.round(1000 * SCALE));
const BOARDS = Math.max(1, Math.round(100 * SCALE)); // one task per board: the sockets' 100 tasks
const REPLIES = 10;
const WINDOW_S = Number(process.env.BENCH_MEMORY_WINDOW_S ?? Math.max(10, Math.round(60 * SCALE)));
const SAMPLE_MS = 2000;
const PACE_MS = 50;
const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
const kb = (b: number) => Math.round((b / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<BenchReport> {
  const database = await benchDatabase();
  const fake = await startFakeLlm();
  const server = forkChild<RoleMessage>(
    await bundleRoleProcess(),
    {
      ...AUTH_TEST_ENV,
      DATABASE_URL: database.url,
      ROLES: 'web,worker',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_API_KEY: 'bench',
      AGENT_CONCURRENCY: String(REPLIES),
      HTTP_MAX_CONNECTIONS: '0',
      SHAPE_MAX_LIVE: String(Math.max(10_000, SHAPES * 2)),
    },
    ['--expose-gc'],
  );
  const clients = forkChild<ClientsMessage>(path.join(DIR, 'lib/load-clients.ts'), {});
  const stats = async () => {
    server.send({ type: 'stats' });
    return server.next<Extract<RoleMessage, { type: 'stats' }>>('stats');
  };
  const ask = <T extends ClientsMessage>(m: ClientsRequest, type: T['type']) => {
    const answer = clients.next<T>(type);
    clients.send(m);
    return answer;
  };
  try {
    const ready = await server.next<Extract<RoleMessage, { type: 'ready' }>>('ready');
    const url = ready.url!;
    const owner = await signUpDefault(url);
    const headers = owner.headers;
    const boards: string[] = [];
    const tasks: string[] = [];
    for (let i = 0; i < BOARDS; i++) {
      const b = (await postJson(`${url}/api/boards`, { name: `Bench ${i}` })).data;
      boards.push(b.id);
      const t = await postJson(`${url}/api/boards/${b.id}/tasks`, {
        columnId: b.columns[0].id,
        title: `t${i}`,
      });
      tasks.push(t.data.id);
    }
    await sleep(1000); // let the writes' side work (jobs, capture) settle before the idle figure
    const idle = await stats();

    const sockets = await ask<Extract<ClientsMessage, { type: 'sockets' }>>(
      { type: 'sockets', url, headers, tasks, count: SOCKETS },
      'sockets',
    );
    const withSockets = await stats();

    const armed = await ask<Extract<ClientsMessage, { type: 'shapes' }>>(
      { type: 'shapes', url, headers, boards, count: SHAPES },
      'shapes',
    );
    // Every reader has sent its live request; wait until the server holds them all.
    let loaded = await stats();
    for (let i = 0; i < 300 && loaded.heldShapes < SHAPES; i++) {
      await sleep(100);
      loaded = await stats();
    }
    const held = loaded.heldShapes;

    // The streaming window: REPLIES replies whose tokens last the whole window.
    const tokens = Math.ceil((WINDOW_S * 1000) / PACE_MS) + 20;
    fake.setDefault({ text: Array.from({ length: tokens }, (_, i) => `w${i} `), paceMs: PACE_MS });
    for (let i = 0; i < REPLIES; i++)
      await postJson(`${url}/api/tasks/${tasks[i % tasks.length]}/messages`, { content: 'stream' });
    await fake.waitForRequests(REPLIES, 60_000);
    const samples: number[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < WINDOW_S * 1000) {
      samples.push((await stats()).rss);
      await sleep(SAMPLE_MS);
    }
    samples.push((await stats()).rss);
    const streaming = fake.requests.filter((r) => !r.ended).length;
    const first = samples[0]!;
    const max = Math.max(...samples);
    const last = samples[samples.length - 1]!;

    const perSocket = (withSockets.rss - idle.rss) / sockets.connected;
    const perShape = (loaded.rss - withSockets.rss) / held;
    return {
      name: 'memory',
      title: 'Server memory: sockets, held shape requests, streaming replies',
      params: {
        sockets: sockets.connected,
        tasks: tasks.length,
        'live shapes': `${held} held of ${armed.armed}`,
        boards: BOARDS,
        replies: REPLIES,
        'window s': WINDOW_S,
        database: database.kind,
      },
      rows: [
        row(`server RSS, ${sockets.connected} sockets + ${held} live shapes`, mb(loaded.rss), 'MB', 'lower', {
          value: mb(idle.rss),
          label: 'idle server',
        }),
        row('RSS per socket', kb(perSocket), 'KB', 'lower'),
        row('RSS per held live shape request', kb(perShape), 'KB', 'lower'),
        row(
          'JS heap per socket',
          kb((withSockets.heapUsed - idle.heapUsed) / sockets.connected),
          'KB',
          'lower',
        ),
        row(
          'JS heap per held live shape request',
          kb((loaded.heapUsed - withSockets.heapUsed) / held),
          'KB',
          'lower',
        ),
        row(`RSS max over ${WINDOW_S} s, ${REPLIES} replies streaming`, mb(max), 'MB', 'lower', {
          value: mb(first),
          label: 'window start',
        }),
        row(`RSS at the end of the window`, mb(last), 'MB', 'lower', {
          value: mb(first),
          label: 'window start',
        }),
      ],
      notes: [
        `heap: idle ${mb(idle.heapUsed)} MB, loaded ${mb(loaded.heapUsed)} MB (after a forced GC)`,
        `RSS samples every ${SAMPLE_MS / 1000} s (MB): ${samples.map(mb).join(' ')}`,
        `replies still streaming at the end of the window: ${streaming} of ${REPLIES}`,
        'Goals: RSS ≤ 250 MB at 1,000 sockets + 1,000 live shapes; growth over the window < 10 %.',
        'Clients live in a second process; the server is web + worker in one process, bundled and run by plain node as server/dist/main.js is (bench/lib/role-bundle.ts).',
        'RSS is after a forced GC but the allocator keeps pages it once used: the idle figure includes start-up peaks, so per-item RSS at small counts is noise; the heap rows are the steadier per-item figure.',
      ],
    };
  } finally {
    await clients.stop();
    await server.stop();
    await fake.close();
    closeHttpClients();
    await database.close();
  }
}
