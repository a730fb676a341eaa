import { sql, type Kysely } from 'kysely';
import type { AgentStatus, MessageStatus } from '@kanban/shared';
import type { Database, MessageRow } from '../db/schema';
import type { ErrorClass } from '../agent/errors';
import { prepared, type Queryable } from './prepared';

// Every write the reply worker makes to messages, tasks and agent_runs. Each is one statement
// guarded by the message's current status, so a cancel, a crash recovery and a late checkpoint
// can never move a finished reply backwards. A statement that writes both a message and its task
// locks the task row FIRST (the `lock` CTE, which the message's update waits on), the order every
// writer keeps (commands/message-locks.ts): a board move locks the task, then its trigger the
// messages, so message-then-task here deadlocked with it (40P01). The hot ones are constant SQL run as prepared
// statements on the worker's pool (prepared.ts); the rare ones use Kysely.

type Db = Kysely<Database>;

/** The most a reply can hold: `messages.content`'s CHECK (migrations/0001), in characters. */
export const MAX_CONTENT_CHARS = 200_000;

/** The agent that answers (the message's, else the task's, else the board's default). */
export interface ReplyAgentProfile {
  id: string;
  handle: string;
  name: string;
  model: string | null;
  system_prompt: string;
  tools: Record<string, 'auto' | 'ask'>;
  temperature: number | null;
  max_rounds: number;
}

export interface ReplyContext {
  message: MessageRow;
  /** Null only if the board has no agent at all (every board gets a default one: migration 0010). */
  agent: ReplyAgentProfile | null;
  task: { id: string; title: string; description: string; model: string | null; board_id: string };
  board: { defaultModel?: string | null; systemPrompt?: string | null };
  history: { role: 'user' | 'assistant'; content: string }[];
}

export interface StartedReply extends ReplyContext {
  /** The reply was queued and not cancelled, and is now this worker's (task shows "thinking"). */
  claimed: boolean;
}

const START_REPLY = prepared(`
  WITH m AS (SELECT * FROM messages WHERE id = $1),
  lock AS (SELECT id FROM tasks WHERE id = (SELECT task_id FROM m) FOR NO KEY UPDATE),
  -- the agent that answers: the message's (an @mention), else the task's, else the board's default
  ag AS (
    SELECT a.id, a.handle, a.name, a.model, a.system_prompt, a.tools, a.temperature, a.max_rounds
    FROM m JOIN tasks t ON t.id = m.task_id JOIN agents a ON a.board_id = t.board_id
    WHERE a.id = coalesce(m.agent_id, t.agent_id) OR a.is_default
    ORDER BY a.id IS NOT DISTINCT FROM coalesce(m.agent_id, t.agent_id) DESC
    LIMIT 1
  ),
  orphans AS (
    UPDATE agent_runs
    SET finished_at = now(), error_class = 'worker_lost', error = 'the worker running this call stopped'
    WHERE message_id = $1 AND finished_at IS NULL
      AND EXISTS (SELECT 1 FROM m WHERE status IN ('queued', 'streaming', 'executing'))
  ),
  -- queued: new, or resumed after an approval; executing: its worker died in a tool round, and
  -- the run resumes from its checkpoint (tool calls that already succeeded are not run again)
  claimed AS (
    UPDATE messages SET started_at = coalesce(started_at, now()),
      agent_id = coalesce(agent_id, (SELECT id FROM ag))
    WHERE id = $1 AND status IN ('queued', 'executing') AND cancel_requested_at IS NULL
      AND EXISTS (SELECT 1 FROM lock)
    RETURNING task_id
  ),
  thinking AS (
    UPDATE tasks SET agent_status = 'thinking', agent_status_message = NULL
    WHERE id = (SELECT task_id FROM claimed)
  )
  SELECT m.*, EXISTS (SELECT 1 FROM claimed) AS claimed,
    t.title AS t_title, t.description AS t_description, t.model AS t_model, t.board_id AS t_board_id,
    b.settings, (SELECT row_to_json(ag) FROM ag) AS agent,
    (SELECT json_agg(json_build_object('role', h.role, 'content', h.content) ORDER BY h.seq)
     FROM (SELECT x.role, x.content, x.seq FROM messages x
           WHERE x.task_id = m.task_id
             AND x.seq <= (SELECT seq FROM messages WHERE id = coalesce(m.parent_id, m.id))
             AND (x.role = 'user' OR (x.role = 'assistant' AND x.status = 'completed'))
             -- of a regenerated reply's versions only the newest completed one is history
             AND NOT (x.role = 'assistant' AND EXISTS (
               SELECT 1 FROM messages v WHERE v.parent_id = x.parent_id AND v.role = 'assistant'
                 AND v.status = 'completed' AND v.seq > x.seq))
           ORDER BY x.seq DESC LIMIT 500) h) AS history
  FROM m JOIN tasks t ON t.id = m.task_id JOIN boards b ON b.id = t.board_id`);

type StartRow = MessageRow & {
  claimed: boolean;
  t_title: string;
  t_description: string;
  t_model: string | null;
  t_board_id: string;
  settings: ReplyContext['board'];
  agent: ReplyAgentProfile | null;
  history: ReplyContext['history'] | null;
};

/**
 * Everything a reply needs before the model call, in ONE statement (each round trip costs
 * several ms on a busy machine, and this is the path to the first token): reads the reply, its
 * task, board and history (the conversation up to the user message it answers; only finished
 * assistant text counts, newest 500), closes runs a dead worker left open, claims a queued,
 * uncancelled reply (a concurrent cancel's row lock is waited for and re-checked) and shows
 * "thinking". The CTEs share one snapshot: `m` is the row as it was before the claim.
 */
export async function startReply(db: Queryable, messageId: string): Promise<StartedReply | undefined> {
  const { rows } = await db.query<StartRow>(START_REPLY([messageId]));
  const r = rows[0];
  if (!r) return undefined; // deleted with its task
  const { claimed, t_title, t_description, t_model, t_board_id, settings, history, agent, ...message } = r;
  return {
    message,
    claimed,
    agent,
    task: {
      id: message.task_id,
      title: t_title,
      description: t_description,
      model: t_model,
      board_id: t_board_id,
    },
    board: settings,
    history: history ?? [],
  };
}

/** The agent status a task shows after one of its replies ends: queued if another waits. */
export async function settleTask(db: Db, taskId: string, status: AgentStatus, message: string | null) {
  await db
    .updateTable('tasks')
    .set({
      agent_status: sql<AgentStatus>`CASE WHEN EXISTS (SELECT 1 FROM messages WHERE task_id = ${taskId}
        AND role = 'assistant' AND status IN ('queued', 'streaming', 'executing')) THEN 'queued'
        WHEN EXISTS (SELECT 1 FROM messages WHERE task_id = ${taskId}
        AND role = 'assistant' AND status = 'waiting_for_user') THEN 'waiting_for_user' ELSE ${status} END`,
      agent_status_message: sql<
        string | null
      >`CASE WHEN EXISTS (SELECT 1 FROM messages WHERE task_id = ${taskId}
        AND role = 'assistant' AND status IN ('queued', 'streaming', 'executing', 'waiting_for_user'))
        THEN NULL ELSE ${message}::text END`,
    })
    .where('id', '=', taskId)
    .execute();
}

const START_RUN = prepared(`
  INSERT INTO agent_runs (id, message_id, task_id, provider, model, attempt, fallback)
  VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(attempt), 0) + 1 FROM agent_runs WHERE message_id = $2), $6)`);

export async function startRun(
  db: Queryable,
  id: string,
  m: { id: string; task_id: string },
  provider: string,
  model: string,
  /** A model after the first of the reply's chain (LLM_FALLBACKS). */
  fallback = false,
) {
  await db.query(START_RUN([id, m.id, m.task_id, provider, model, fallback]));
}

// The task shows "streaming" only if the reply still was queued: a cancel that committed between
// the claim and this write already settled the task, and must not be undone.
const FIRST_TOKEN = prepared(`
  WITH lock AS (SELECT id FROM tasks WHERE id = $4 FOR NO KEY UPDATE),
  msg AS (
    UPDATE messages SET status = 'streaming', first_token_at = now(), model = $2
    WHERE id = $1 AND status IN ('queued', 'executing') AND EXISTS (SELECT 1 FROM lock)
    RETURNING id
  ),
  run AS (UPDATE agent_runs SET first_token_at = now() WHERE id = $3)
  UPDATE tasks SET agent_status = 'streaming', agent_status_message = NULL
  WHERE id = $4 AND EXISTS (SELECT 1 FROM msg)`);

/** The first token: the reply shows "streaming" (one statement; off the path of the delta itself). */
export async function markFirstToken(
  db: Queryable,
  m: { id: string; task_id: string },
  runId: string,
  model: string,
) {
  await db.query(FIRST_TOKEN([m.id, model, runId, m.task_id]));
}

const CHECKPOINT = prepared(`
  UPDATE messages SET content = $2 WHERE id = $1 AND status IN ('streaming', 'executing')
  RETURNING cancel_requested_at IS NOT NULL AS cancel`);

/** Saves partial content; answers whether a cancel was requested (a missed NOTIFY still lands). */
export async function checkpoint(db: Queryable, messageId: string, content: string): Promise<boolean> {
  const { rows } = await db.query<{ cancel: boolean }>(CHECKPOINT([messageId, content]));
  return !!rows[0]?.cancel;
}

const KEEP_TEXT = prepared(`
  UPDATE messages SET content = $2
  WHERE id = $1 AND status IN ('interrupted', 'cancelled')
    AND char_length(content) < char_length($2) AND left($2, char_length(content)) = content`);

/**
 * A reply that another path ended first (a lost claim's recovery, a cancel that raced the claim)
 * keeps what this worker generated, which viewers may have seen: the longer text replaces the
 * shorter prefix; the status stays.
 */
export const keepText = (db: Queryable, messageId: string, content: string) =>
  db.query(KEEP_TEXT([messageId, content]));

export interface RunEnd {
  usage?: { input_tokens?: number; output_tokens?: number } | undefined;
  errorClass?: ErrorClass;
  error?: string;
}

const FINISH_RUN = prepared(`
  UPDATE agent_runs SET finished_at = now(), tokens_in = $2, tokens_out = $3, error_class = $4, error = $5
  WHERE id = $1`);

export const finishRun = (db: Queryable, runId: string, end: RunEnd) =>
  db.query(
    FINISH_RUN([
      runId,
      end.usage?.input_tokens ?? null,
      end.usage?.output_tokens ?? null,
      end.errorClass ?? null,
      end.error?.slice(0, 4000) ?? null,
    ]),
  );

/** Runs a dead worker left open: they end as worker_lost. */
export const closeOrphanRuns = (db: Db, messageId: string) =>
  db
    .updateTable('agent_runs')
    .set({
      finished_at: sql`now()`,
      error_class: 'worker_lost',
      error: 'the worker running this call stopped',
    })
    .where('message_id', '=', messageId)
    .where('finished_at', 'is', null)
    .execute();

export interface RunDone {
  id: string;
  usage?: RunEnd['usage'];
}

export interface FinalState {
  status: Extract<MessageStatus, 'completed' | 'failed' | 'cancelled' | 'interrupted'>;
  content?: string;
  model?: string;
  usage?: Record<string, unknown> | null;
  error?: string | null;
}

// `others`: the snapshot still shows this reply open, so it is left out of "another waits".
// $3..$5 keep the column when null ($6 says whether usage is given, as null is a value there).
const FINISH_REPLY = prepared(`
  WITH durable AS (SELECT set_config('synchronous_commit', 'on', true) AS v),
  lock AS (SELECT id FROM tasks WHERE id = $8 FOR NO KEY UPDATE),
  done AS (
    UPDATE messages SET status = $2, error = $7, finished_at = now(),
      content = coalesce($3, content),
      model = coalesce($4, model),
      usage = CASE WHEN $6::boolean THEN $5::jsonb ELSE usage END
    WHERE id = $1 AND status IN ('queued', 'streaming', 'executing', 'waiting_for_user')
      AND EXISTS (SELECT 1 FROM lock)
    RETURNING task_id
  ),
  others AS (
    SELECT EXISTS (SELECT 1 FROM messages WHERE task_id = $8 AND id <> $1
      AND role = 'assistant' AND status IN ('queued', 'streaming', 'executing')) AS waiting,
      EXISTS (SELECT 1 FROM messages WHERE task_id = $8 AND id <> $1
      AND role = 'assistant' AND status = 'waiting_for_user') AS asking
  ),
  settled AS (
    UPDATE tasks SET
      agent_status = CASE WHEN (SELECT waiting FROM others) THEN 'queued'
        WHEN (SELECT asking FROM others) THEN 'waiting_for_user' ELSE $9 END,
      agent_status_message = CASE WHEN (SELECT waiting OR asking FROM others) THEN NULL ELSE $10::text END
    WHERE id = $8 AND EXISTS (SELECT 1 FROM done)
  ),
  run AS (
    UPDATE agent_runs SET finished_at = now(), tokens_in = $12, tokens_out = $13
    WHERE id = $11 AND finished_at IS NULL
  )
  SELECT EXISTS (SELECT 1 FROM done) AS done, (SELECT v FROM durable) AS durable`);

/**
 * The one terminal write of a reply (no-op if it already ended), and the task's status after it,
 * in one statement. It commits durably even on the worker's asynchronous-commit pool:
 * set_config(..., true) sets synchronous_commit for this statement's own transaction, and
 * Postgres reads it when that transaction commits.
 */
export async function finishReply(
  db: Queryable,
  m: { id: string; task_id: string },
  end: FinalState,
  /** The model call that produced the answer, ended in the same statement. */
  run?: RunDone,
): Promise<boolean> {
  const failed = end.status === 'failed' || end.status === 'interrupted';
  const status: AgentStatus = failed ? 'error' : 'idle';
  const { rows } = await db.query<{ done: boolean }>(
    FINISH_REPLY([
      m.id,
      end.status,
      end.content ?? null,
      end.model ?? null,
      end.usage ? JSON.stringify(end.usage) : null,
      end.usage !== undefined,
      end.error?.slice(0, 4000) ?? null,
      m.task_id,
      status,
      failed ? (end.error ?? end.status) : null,
      run?.id ?? null,
      run?.usage?.input_tokens ?? null,
      run?.usage?.output_tokens ?? null,
    ]),
  );
  return rows[0]!.done;
}

// A step of a running reply: a round of tool calls runs (message and task `executing`, the task
// saying what), a model call follows it (task `thinking`, the message keeps its status), or the
// run pauses for an approval (both `waiting_for_user`, the text so far saved). Only an open reply
// moves: a cancel that ended it first wins.
const SET_PHASE = prepared(`
  WITH lock AS (SELECT id FROM tasks WHERE id = $2 FOR NO KEY UPDATE),
  msg AS (
    UPDATE messages SET status = coalesce($3, status), content = coalesce($6, content)
    WHERE id = $1 AND status IN ('queued', 'streaming', 'executing') AND EXISTS (SELECT 1 FROM lock)
    RETURNING id
  )
  UPDATE tasks SET agent_status = $4, agent_status_message = $5
  WHERE id = $2 AND EXISTS (SELECT 1 FROM msg)`);

export type ReplyPhase =
  | { task: 'executing'; message: string }
  | { task: 'streaming' }
  | { task: 'thinking' }
  | { task: 'waiting_for_user'; message: string; content: string };

/** Answers whether the reply was still open (and so moved). */
export async function setPhase(db: Queryable, m: { id: string; task_id: string }, phase: ReplyPhase) {
  const msgStatus: MessageStatus | null = phase.task === 'thinking' ? null : phase.task;
  const { rowCount } = await db.query(
    SET_PHASE([
      m.id,
      m.task_id,
      msgStatus,
      phase.task,
      'message' in phase ? phase.message.slice(0, 2000) : null,
      phase.task === 'waiting_for_user' ? phase.content : null,
    ]),
  );
  return (rowCount ?? 0) > 0;
}
