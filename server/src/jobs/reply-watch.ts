import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { REPLY_QUEUE } from './boss';
import type { Queryable } from './prepared';
import { finishReply } from './reply-store';

// No reply waits in silence. Every process (web too: with no worker running, only it can say
// so) looks at the reply each task is waiting on. If no worker has held its job for
// AGENT_WORKER_WAIT_MS, the task says "waiting for a worker" (a worker's claim clears it); a
// reply whose job is gone or ended while the row is still open can never be run again, so it
// ends `interrupted`. A worker that comes back fetches the queued ones (they run) and the
// retried ones of dead workers (they end interrupted) within its 1 s poll. A reply waiting for an
// approval (waiting_for_user) has no job on purpose and is left alone: the decision sends one.

export const WAITING_FOR_WORKER = 'waiting for a worker';

// The oldest open reply of each task: the one its strict-FIFO job key lets run next.
const HEADS = `
  SELECT DISTINCT ON (task_id) id, task_id FROM messages
  WHERE role = 'assistant' AND status IN ('queued', 'streaming', 'executing')
  ORDER BY task_id, seq
  LIMIT 1000`;

const SHOW_WAITING = `
  UPDATE tasks SET agent_status_message = $2
  WHERE id = $1 AND agent_status IN ('queued', 'thinking', 'executing', 'streaming')
    AND agent_status_message IS DISTINCT FROM $2
    AND EXISTS (SELECT 1 FROM messages WHERE id = $3 AND status IN ('queued', 'streaming', 'executing'))`;

export interface ReplyWatch {
  /** One pass (the timer's; tests may call it). */
  check(): Promise<void>;
  /** Stops the timer and waits for a pass in flight (before the pools close). */
  stop(): Promise<void>;
}

export function watchReplies(o: {
  boss: PgBoss;
  db: Queryable;
  log: Logger;
  waitMs: number;
  /** Replies this process runs: held by a worker, no need to ask pg-boss. */
  runs: { get(messageId: string): unknown };
}): ReplyWatch {
  // Reply id → when this process first saw no worker holding its job.
  const since = new Map<string, number>();
  let running: Promise<void> | undefined;

  async function pass() {
    const { rows } = await o.db.query<{ id: string; task_id: string }>(HEADS);
    const now = Date.now();
    const open = new Set(rows.map((r) => r.id));
    for (const id of since.keys()) if (!open.has(id)) since.delete(id);
    for (const r of rows) {
      const local = o.runs.get(r.id) !== undefined;
      const [job] = local ? [] : await o.boss.findJobs(REPLY_QUEUE, { id: r.id });
      if (local || job?.state === 'active') {
        since.delete(r.id);
        continue;
      }
      const first = since.get(r.id) ?? now;
      since.set(r.id, first);
      if (now - first < o.waitMs) continue;
      if (!job || job.state === 'completed' || job.state === 'cancelled') {
        // Nothing will ever run it again.
        since.delete(r.id);
        await finishReply(o.db, r, {
          status: 'interrupted',
          error: 'the job of this reply ended without finishing it; the partial answer is kept',
        });
        o.log.warn(
          { messageId: r.id, taskId: r.task_id, job: job?.state ?? 'none' },
          'ended an orphaned reply',
        );
      } else {
        const { rowCount } = await o.db.query(SHOW_WAITING, [r.task_id, WAITING_FOR_WORKER, r.id]);
        if (rowCount) o.log.warn({ messageId: r.id, taskId: r.task_id }, 'reply waiting for a worker');
      }
    }
  }

  const check = () =>
    (running ??= pass()
      .catch((err: unknown) => o.log.warn({ err }, 'checking for waiting replies failed'))
      .finally(() => (running = undefined)));
  const timer = setInterval(() => void check(), Math.min(5000, Math.max(100, o.waitMs / 4))).unref();
  return {
    check,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
