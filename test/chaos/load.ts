import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { fetchAs } from '../support/auth';

// The write and chat load a scenario runs under, and the ledger it is judged by: every write
// answered 2xx with a txid must be in the database afterwards, every acknowledged reply must end
// in a terminal status, and no 5xx may be answered outside the outage window (503 inside it is
// the expected answer, with Retry-After).

export interface Ledger {
  tasks: string[];
  replies: string[];
  /** 5xx answers: when, and which status. */
  fiveXX: { at: number; status: number }[];
  unreachable: number;
  requests: number;
}

const TERMINAL = ['completed', 'failed', 'cancelled', 'interrupted'];

export interface Board {
  boardId: string;
  columnId: string;
  taskIds: string[];
}

export async function post(url: string, body: unknown, signal?: AbortSignal) {
  const res = await fetchAs(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: signal ?? AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json };
}

export async function makeBoard(url: string, chatTasks: number): Promise<Board> {
  const board = await post(`${url}/api/boards`, { name: `chaos ${randomUUID().slice(0, 8)}` });
  if (board.status !== 201) throw new Error(`board: ${board.status}`);
  const boardId = board.body.data.id as string;
  const columnId = board.body.data.columns[0].id as string;
  const taskIds: string[] = [];
  for (let i = 0; i < chatTasks; i++) {
    const t = await post(`${url}/api/boards/${boardId}/tasks`, { columnId, title: `chat ${i}` });
    if (t.status !== 201) throw new Error(`task: ${t.status}`);
    taskIds.push(t.body.data.id as string);
  }
  return { boardId, columnId, taskIds };
}

/**
 * Writers and a chatter against the web process until stop(); `url()` follows a restarted web.
 * The chatter posts on a task only once its previous reply there ended, as a person would: the
 * replies of one task run one at a time, so posting faster would only build a queue.
 */
export function startLoad(
  url: () => string,
  board: Board,
  opts: { writers: number; chat: boolean; admin: pg.Pool },
) {
  const ledger: Ledger = { tasks: [], replies: [], fiveXX: [], unreachable: 0, requests: 0 };
  let running = true;
  let n = 0;
  const record = (status: number) => {
    ledger.requests++;
    if (status >= 500) ledger.fiveXX.push({ at: Date.now(), status });
  };
  const pause = () => new Promise((r) => setTimeout(r, 20)); // pacing of the load, not a wait
  const writer = async () => {
    while (running) {
      try {
        const r = await post(`${url()}/api/boards/${board.boardId}/tasks`, {
          columnId: board.columnId,
          title: `w${n++}`,
        });
        record(r.status);
        if (r.status === 201 && typeof r.body?.txid === 'number') ledger.tasks.push(r.body.data.id as string);
      } catch {
        ledger.unreachable++; // the web process is down: no answer at all
        await pause();
      }
    }
  };
  const last = new Map<string, string>();
  const ended = async (taskId: string) => {
    const id = last.get(taskId);
    if (!id) return true;
    const { rows } = await opts.admin
      .query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [id])
      .catch(() => ({ rows: [] as { status: string }[] }));
    return TERMINAL.includes(rows[0]?.status ?? '');
  };
  const chatter = async () => {
    let i = 0;
    while (running) {
      const taskId = board.taskIds[i++ % board.taskIds.length]!;
      if (await ended(taskId)) {
        try {
          const r = await post(`${url()}/api/tasks/${taskId}/messages`, { content: `slow ${i}` });
          record(r.status);
          const id = r.body?.data?.assistant?.id as string | undefined;
          if (r.status < 300 && id) {
            ledger.replies.push(id);
            last.set(taskId, id);
          }
        } catch {
          ledger.unreachable++;
        }
      }
      await pause();
    }
  };
  const loops = [...Array.from({ length: opts.writers }, writer), ...(opts.chat ? [chatter()] : [])];
  return {
    ledger,
    async stop() {
      running = false;
      await Promise.allSettled(loops);
    },
  };
}

/** Acknowledged task writes that are not in the database. */
export async function lostWrites(admin: pg.Pool, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const { rows } = await admin.query<{ n: string }>(
    'SELECT count(*) AS n FROM tasks WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return ids.length - Number(rows[0]!.n);
}

/**
 * Acknowledged replies not terminal within `ms` (polled until they all are, or time is up), and
 * what the stuck ones say (status, agent_runs, job state), for the table's note.
 */
export async function stuckReplies(
  admin: pg.Pool,
  ids: string[],
  ms: number,
): Promise<{ stuck: number; detail: string }> {
  const deadline = Date.now() + ms;
  for (;;) {
    let open: { status: string; job: string | null }[] | undefined;
    try {
      const { rows } = await admin.query<{ status: string; job: string | null }>(
        `SELECT m.status, j.state AS job FROM messages m LEFT JOIN pgboss.job j ON j.id = m.id
          WHERE m.id = ANY($1::uuid[]) AND NOT (m.status = ANY($2))`,
        [ids, TERMINAL],
      );
      open = rows;
    } catch {
      /* the database is still coming back */
    }
    if ((open && open.length === 0) || Date.now() > deadline) {
      if (!open) return { stuck: ids.length, detail: 'database unreachable' };
      const kinds = new Map<string, number>();
      for (const r of open)
        kinds.set(
          `${r.status}/${r.job ?? 'no job'}`,
          (kinds.get(`${r.status}/${r.job ?? 'no job'}`) ?? 0) + 1,
        );
      return { stuck: open.length, detail: [...kinds].map(([k, n]) => `${k}×${n}`).join(' ') };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
