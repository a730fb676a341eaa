import { sql } from 'kysely';
import type { CreateLabelBody, UpdateLabelBody } from '@kanban/shared';
import type { LabelRow } from '../db/schema';
import { Conflict, Invalid, NotFound } from './errors';
import { actorId, write, type CommandDeps, type Trx } from './deps';
import { replayExisting } from './replay';
import { check } from '../policy';

// A board's labels. Names are unique per board: a clash is a 409 naming the label, checked
// here so the answer is a sentence (the unique index still guards concurrent writers).

async function nameTaken(trx: Trx, boardId: string, name: string, exceptId?: string) {
  let q = trx.selectFrom('labels').select('id').where('board_id', '=', boardId).where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new Conflict(`this board already has a label named "${name}"`);
}

export function createLabel(deps: CommandDeps, boardId: string, input: CreateLabelBody) {
  return write<LabelRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'write', 'board', boardId);
    if (input.id) {
      const existing = await trx
        .selectFrom('labels')
        .select('id')
        .where('id', '=', input.id)
        .executeTakeFirst();
      if (existing)
        return replayExisting<LabelRow>(
          trx,
          'labels',
          input.id,
          (l) => l.board_id === boardId && l.name === input.name && l.color === input.color,
        );
    }
    await nameTaken(trx, boardId, input.name);
    return trx
      .insertInto('labels')
      .values({
        ...(input.id ? { id: input.id } : {}),
        board_id: boardId,
        name: input.name,
        color: input.color,
        created_by: actorId(deps.actor),
        updated_by: actorId(deps.actor),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export function updateLabel(deps: CommandDeps, id: string, input: UpdateLabelBody) {
  return write<LabelRow>(deps, async (trx) => {
    const { boardId } = await check(trx, deps.actor, 'write', 'label', id);
    if (input.name !== undefined) await nameTaken(trx, boardId, input.name, id);
    const row = await trx
      .updateTable('labels')
      .set({ ...input, updated_by: actorId(deps.actor) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('label', id);
    return row;
  });
}

/** Deletes a label and takes it off every task of its board, in one transaction. */
export function deleteLabel(deps: CommandDeps, id: string) {
  return write(deps, async (trx) => {
    const { boardId } = await check(trx, deps.actor, 'write', 'label', id);
    await trx
      .updateTable('tasks')
      .set({ label_ids: sql`array_remove(label_ids, ${id}::uuid)` as never, updated_by: actorId(deps.actor) })
      .where('board_id', '=', boardId)
      .where(sql<boolean>`label_ids @> ARRAY[${id}::uuid]`)
      .execute();
    const row = await trx.deleteFrom('labels').where('id', '=', id).returning('id').executeTakeFirst();
    if (!row) throw new NotFound('label', id);
    return { id };
  });
}

/** Refuses label ids that are not labels of `boardId` (400 naming them). */
export async function checkLabels(trx: Trx, boardId: string, ids: string[]) {
  if (!ids.length) return;
  const found = await trx
    .selectFrom('labels')
    .select('id')
    .where('board_id', '=', boardId)
    .where('id', 'in', ids)
    .execute();
  const missing = ids.filter((l) => !found.some((f) => f.id === l));
  if (missing.length)
    throw new Invalid(
      `labelIds: ${missing.join(', ')} ${missing.length > 1 ? 'are not labels' : 'is not a label'} of this board`,
    );
}
