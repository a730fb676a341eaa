import { CompiledQuery, sql } from 'kysely';
import type { Placement, WriteResult } from '@kanban/shared';
import type { Actor } from '../auth/actor';
import type { TaskRow } from '../db/schema';
import { actorId, isRetryable, WRITE_ATTEMPTS, type CommandDeps, type Trx } from './deps';
import { Invalid, NotFound } from './errors';

// The task create and move as one statement each (migrations/0061_task_write_functions.sql):
// the column lock, the neighbour read, the key, the row, its activity entry and the txid in one
// round trip, autocommitted (a single statement is its own transaction; its txid is read in its
// own select list). The policy check stays in TypeScript (policy/), one query before it.

/** A placement as the SQL functions take it: a mode and its one or two ids or index. */
export interface PlaceArgs {
  mode: 'end' | 'start' | 'index' | 'after' | 'before';
  index: number | null;
  after: string | null;
  before: string | null;
}

/** The same reading of a placement as commands/placement.ts placeKey. */
export function placeArgs(placement: Placement | undefined): PlaceArgs {
  const { index, afterId, beforeId } = placement ?? {};
  const none = { index: null, after: null, before: null };
  if (index === undefined && afterId == null && beforeId == null)
    // An explicit afterId: null with no beforeId means the start.
    return { ...none, mode: afterId === null && beforeId === undefined ? 'start' : 'end' };
  if (index !== undefined) return { ...none, mode: 'index', index };
  if (afterId != null) return { ...none, mode: 'after', after: afterId, before: beforeId ?? null };
  return { ...none, mode: 'before', before: beforeId! };
}

/** Our SQLSTATEs raised by the functions, as domain errors; anything else as it came. */
export function domainError(err: unknown): unknown {
  const e = err as { code?: string; message?: string; detail?: string };
  if (e?.code === 'KB404') return new NotFound(e.message ?? 'row', e.detail ?? '');
  if (e?.code === 'KB400') return new Invalid(e.message ?? 'invalid input');
  return err;
}

/**
 * Two unlocked appends that drew the same key (migrations/0080): the second one's statement, run
 * again, reads the first one's key and places after it.
 */
export const POSITION_TAKEN = 'tasks_column_id_position_key';
export const keyClash = (err: unknown) => {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === POSITION_TAKEN;
};

/**
 * Runs one write statement; a deadlock, serialization failure or key clash runs it again (as
 * write()).
 */
export async function writeStatement<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= WRITE_ATTEMPTS || !(isRetryable(err) || keyClash(err))) throw domainError(err);
    }
  }
}

const actorName = (actor: Actor) => (actor.kind === 'user' ? actor.name : null);

export interface CreateTaskArgs {
  boardId: string;
  columnId: string;
  id?: string;
  parentId?: string | null;
  title: string;
  description: string;
  priority: string;
  model: string | null;
  placement?: Placement;
}

type Returned = TaskRow & { replay_xmin: string | null; txid: string };

// SQL text written once (no query builder per request: issue 13, docs/performance.md).
const CREATE_SQL = `SELECT (r.task).*, r.replay_xmin, pg_current_xact_id()::xid::text AS txid
  FROM kanban_create_task($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) r`;

/**
 * Inserts the task; `replayOf` is set when a task with `id` already existed (nothing written),
 * with the xid that wrote it. Undefined when that task is gone again.
 */
export async function insertTask(
  deps: CommandDeps,
  a: CreateTaskArgs,
): Promise<{ row: TaskRow; txid: number; replayOf: number | null } | undefined> {
  const p = placeArgs(a.placement);
  const { rows } = await writeStatement(() =>
    deps.db.executeQuery<Returned>(
      CompiledQuery.raw(CREATE_SQL, [
        a.boardId,
        a.columnId,
        a.id ?? null,
        a.parentId ?? null,
        a.title,
        a.description,
        a.priority,
        a.model,
        actorId(deps.actor),
        actorName(deps.actor),
        p.mode,
        p.index,
        p.after,
        p.before,
      ]),
    ),
  );
  const out = rows[0];
  if (!out) return undefined;
  const { replay_xmin, txid, ...row } = out;
  return { row, txid: Number(txid), replayOf: replay_xmin === null ? null : Number(replay_xmin) };
}

/** Moves the task to the placement in `columnId` (the column's board may be another one). */
export async function moveTaskRow(
  deps: CommandDeps,
  id: string,
  columnId: string,
  placement: Placement | undefined,
  /** A transaction to run in (a move that fires a column hook); else one autocommitted statement. */
  trx?: Trx,
): Promise<WriteResult<TaskRow>> {
  const p = placeArgs(placement);
  // Inside a transaction a failure must reach write(), which runs the whole transaction again.
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (!trx) return writeStatement(fn);
    try {
      return await fn();
    } catch (err) {
      throw domainError(err);
    }
  };
  const { rows } = await run(() =>
    sql<TaskRow & { txid: string }>`
      SELECT r.*, pg_current_xact_id()::xid::text AS txid
        FROM kanban_move_task(${id}, ${columnId}, ${actorId(deps.actor)}, ${actorName(deps.actor)},
               ${p.mode}, ${p.index}, ${p.after}, ${p.before}) r`.execute(trx ?? deps.db),
  );
  const out = rows[0];
  if (!out) throw new NotFound('task', id);
  const { txid, ...row } = out;
  return { data: row, txid: Number(txid) };
}
