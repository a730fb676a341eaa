import type { Cluster } from './cluster';
import { lostWrites, makeBoard, post, startLoad, stuckReplies, type Board } from './load';

// Each scenario: a bounded loop of trials under load, then the ledger's verdict. Recovery is
// measured from the moment the fault ended (Postgres answers again, the killed process is ready
// again, the connection was cut) to the moment the whole system works again: /readyz 200, a write
// acknowledged, and a fresh chat reply completed by the worker.

export interface Row {
  scenario: string;
  trials: number;
  lost: number;
  stuck: number;
  fiveXX: number;
  recoveryMs: number;
  webPeakMb: number;
  workerPeakMb: number;
  note: string;
}

export interface Limits {
  stuckAfterMs: number;
  recoveryTimeoutMs: number;
}

const until = async (what: string, check: () => Promise<boolean>, ms: number) => {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** ms until /readyz, a write and a fresh reply all work again. */
export async function recovery(c: Cluster, board: Board, from: number, limits: Limits): Promise<number> {
  const ms = limits.recoveryTimeoutMs;
  await until('/readyz 200', async () => (await fetch(`${c.url}/readyz`)).status === 200, ms);
  await until(
    'a write',
    async () =>
      (await post(`${c.url}/api/boards/${board.boardId}/tasks`, { columnId: board.columnId, title: 'probe' }))
        .status === 201,
    ms,
  );
  const t = await post(`${c.url}/api/boards/${board.boardId}/tasks`, {
    columnId: board.columnId,
    title: 'reply probe',
  });
  let replyId = '';
  await until(
    'a reply to be accepted',
    async () => {
      const r = await post(`${c.url}/api/tasks/${t.body.data.id}/messages`, { content: 'ping' });
      replyId = r.body?.data?.assistant?.id ?? '';
      return r.status === 201;
    },
    ms,
  );
  await until(
    'the reply to complete',
    async () => {
      const { rows } = await c.admin.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [
        replyId,
      ]);
      return rows[0]?.status === 'completed';
    },
    ms,
  );
  return Date.now() - from;
}

type Fault = (c: Cluster, board: Board) => Promise<{ faultEnd: number; windowStart: number }>;

/** Runs `trials` faults under load and judges the ledger. */
export async function underLoad(
  c: Cluster,
  name: string,
  trials: number,
  limits: Limits,
  fault: Fault,
  note = '',
): Promise<Row> {
  const board = await makeBoard(c.url, 8);
  const load = startLoad(() => c.url, board, { writers: 2, chat: true, admin: c.admin });
  const windows: [number, number][] = [];
  let worst = 0;
  let failure = '';
  try {
    for (let i = 0; i < trials; i++) {
      // Let some load run before each fault: writes in flight, replies streaming.
      const before = load.ledger.requests;
      const repliesBefore = load.ledger.replies.length;
      await until(
        'load to run',
        () =>
          Promise.resolve(
            load.ledger.requests >= before + 20 && load.ledger.replies.length >= repliesBefore + 4,
          ),
        30_000,
      );
      const { faultEnd, windowStart } = await fault(c, board);
      const ms = await recovery(c, board, faultEnd, limits);
      windows.push([windowStart, Date.now()]);
      worst = Math.max(worst, ms);
    }
  } catch (err) {
    failure = (err as Error).message;
    worst = Number.POSITIVE_INFINITY;
  } finally {
    await load.stop();
  }
  c.samplePeaks();
  const inWindow = (at: number) => windows.some(([a, b]) => at >= a && at <= b);
  const fiveXX = load.ledger.fiveXX.filter((f) => f.status !== 503 || !inWindow(f.at)).length;
  const stuck = await stuckReplies(c.admin, load.ledger.replies, limits.stuckAfterMs);
  return {
    scenario: name,
    trials,
    lost: await lostWrites(c.admin, load.ledger.tasks),
    stuck: stuck.stuck,
    fiveXX,
    recoveryMs: worst,
    webPeakMb: c.peak.web,
    workerPeakMb: c.peak.worker,
    note: [
      note,
      failure,
      `${load.ledger.tasks.length} writes, ${load.ledger.replies.length} replies acked`,
      stuck.stuck ? `stuck: ${stuck.detail}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
}

export const postgresKill: Fault = async (c) => {
  const windowStart = Date.now();
  c.killPostgres();
  await until('postgres to be down', async () => !(await c.pgAnswers()), 10_000);
  await until('postgres to be back', () => c.pgAnswers(), 60_000);
  return { faultEnd: Date.now(), windowStart };
};

export const terminate =
  (application: string): Fault =>
  async (c) => {
    const windowStart = Date.now();
    const { rows } = await c.admin.query<{ n: string }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE starts_with(application_name, $1) AND pid <> pg_backend_pid()`,
      [application],
    );
    if (Number(rows[0]!.n) === 0) throw new Error(`no backend named ${application} to terminate`);
    return { faultEnd: Date.now(), windowStart };
  };

/** SIGKILL of a role while a reply streams, then the role starts again. */
export const killMidStream =
  (role: 'web' | 'worker'): Fault =>
  async (c) => {
    await until(
      'a reply to stream',
      async () => {
        const { rows } = await c.admin.query("SELECT 1 FROM messages WHERE status = 'streaming' LIMIT 1");
        return rows.length > 0;
      },
      30_000,
    );
    const windowStart = Date.now();
    await c.restart(role);
    return { faultEnd: Date.now(), windowStart };
  };
