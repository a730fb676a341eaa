import type { UpdateTaskBody } from '@kanban/shared';
import type { TaskRow } from '../db/schema';
import { descriptionETag } from '@kanban/shared';
import { Conflict, Invalid, NotFound } from './errors';
import { check } from '../policy';
import { actorId, write, Written, type CommandDeps, type Trx } from './deps';
import { txidColumn } from '../db/txid';
import { checkLabels } from './labels';
import { recordActivity } from './activity';
import { delegateTask } from './delegate';

export interface UpdateTaskPrecondition {
  /** `If-Match`: the description's ETag (descriptionETag) as the editor last saw it. */
  ifDescription?: string;
}

/**
 * Edits a task's title, description, priority, model, assignees (members), labels, due date or
 * agent; only the given
 * fields change. With `ifDescription`, the description is only replaced if it is still the text
 * the editor started from (checked under the row's lock), else Conflict: both texts survive.
 */
export function updateTask(
  deps: CommandDeps,
  id: string,
  input: UpdateTaskBody,
  pre: UpdateTaskPrecondition = {},
) {
  return write<TaskRow>(deps, async (trx) => {
    const task = await check(trx, deps.actor, 'write', 'task', id);
    if (pre.ifDescription !== undefined) {
      const current = await trx
        .selectFrom('tasks')
        .select('description')
        .where('id', '=', id)
        .forNoKeyUpdate() // FOR NO KEY UPDATE: see docs/locking.md
        .executeTakeFirst();
      if (!current) throw new NotFound('task', id);
      if (descriptionETag(current.description) !== pre.ifDescription)
        throw new Conflict(
          'the description was changed by someone else since you started editing it; nothing was saved',
        );
    }
    const { assigneeIds, labelIds, dueDate, agentId, ...fields } = input;
    const labels = labelIds && [...new Set(labelIds.map((l) => l.toLowerCase()))];
    if (labels) await checkLabels(trx, task.boardId, labels);
    let agent: { id: string; handle: string } | undefined;
    if (agentId) {
      agent = await trx
        .selectFrom('agents')
        .select(['id', 'handle'])
        .where('id', '=', agentId)
        .where('board_id', '=', task.boardId)
        .executeTakeFirst();
      if (!agent) throw new Invalid(`agentId: ${agentId} is not an agent of this board`);
    }
    const assignees = assigneeIds && [...new Set(assigneeIds)];
    if (assignees?.length) {
      const members = await trx
        .selectFrom('board_members')
        .select('user_id')
        .where('board_id', '=', task.boardId)
        .where('user_id', 'in', assignees)
        .execute();
      const missing = assignees.filter((u) => !members.some((m) => m.user_id === u));
      if (missing.length)
        throw new Invalid(
          `assigneeIds: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not a member of this board`,
        );
    }
    // Locked: a delegation is decided on the agent it had (two PATCHes must not both start it).
    // The row as it was is read and locked in the UPDATE's own statement (one round trip less):
    // the subquery's lock waits for a concurrent writer and yields its committed row, which the
    // UPDATE then re-checks and writes over (READ COMMITTED).
    const updated = await trx
      .updateTable('tasks')
      .from(
        trx
          .selectFrom('tasks')
          .select(BEFORE.map((f) => `${f} as before_${f}` as const))
          .select('id as before_id')
          .where('id', '=', id)
          .forNoKeyUpdate() // FOR NO KEY UPDATE: see docs/locking.md
          .as('before'),
      )
      .set({
        ...fields,
        ...(assignees ? { assignee_ids: assignees } : {}),
        ...(labels ? { label_ids: labels } : {}),
        ...(dueDate !== undefined ? { due_date: dueDate } : {}),
        ...(agentId !== undefined ? { agent_id: agentId } : {}),
        updated_by: actorId(deps.actor),
      })
      .whereRef('tasks.id', '=', 'before.before_id')
      .returningAll('tasks')
      .returning(BEFORE.map((f) => `before.before_${f}` as const))
      .returning(txidColumn)
      .executeTakeFirst();
    if (!updated) throw new NotFound('task', id);
    const before = Object.fromEntries(BEFORE.map((f) => [f, updated[`before_${f}`]])) as Before;
    for (const f of BEFORE) delete (updated as Partial<typeof updated>)[`before_${f}`];
    const { txid, ...row } = updated;
    await recordChanges(trx, deps, before, row);
    // Given to a (new) agent: it starts on the task (delegate.ts).
    if (agent && before.agent_id !== agent.id) await delegateTask(trx, deps, row, agent);
    return new Written(row, Number(txid));
  });
}

/** What the activity entries and the delegation compare with the row as written. */
const BEFORE = [
  'title',
  'description',
  'priority',
  'model',
  'assignee_ids',
  'label_ids',
  'due_date',
  'agent_id',
] as const;
type Before = Pick<TaskRow, (typeof BEFORE)[number]>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** One activity entry per kind of change that really changed something. */
async function recordChanges(trx: Trx, deps: CommandDeps, before: Before, after: TaskRow) {
  const fields = (['title', 'description', 'priority', 'model'] as const).filter(
    (f) => before[f] !== after[f],
  );
  if (fields.length)
    await recordActivity(trx, deps.actor, after.id, 'edited', {
      fields,
      // short values say what they became; a description is only named
      ...Object.fromEntries(fields.filter((f) => f !== 'description').map((f) => [f, after[f]])),
    });
  if (!same(before.assignee_ids, after.assignee_ids))
    await recordActivity(trx, deps.actor, after.id, 'assigned', { assigneeIds: after.assignee_ids });
  if (!same(before.label_ids, after.label_ids))
    await recordActivity(trx, deps.actor, after.id, 'labelled', { labelIds: after.label_ids });
  if (before.due_date !== after.due_date)
    await recordActivity(trx, deps.actor, after.id, 'due', { dueDate: after.due_date });
}
