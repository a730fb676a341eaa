import type { CreateAgentBody, UpdateAgentBody } from '@kanban/shared';
import type { AgentRow } from '../db/schema';
import { Conflict, NotFound } from './errors';
import { write, type CommandDeps, type Trx } from './deps';
import { lockBoard } from './locks';
import { check } from '../policy';

// The agents of a board (migrations/0010_agents.sql): create, change, delete. Board owners
// manage them ('manage-settings'). A board always has one default agent: making another the
// default moves the flag, and the default itself cannot be deleted.

const taken = (handle: string) => new Conflict(`the handle @${handle} is taken on this board`);

async function handleFree(trx: Trx, boardId: string, handle: string, except?: string) {
  const other = await trx
    .selectFrom('agents')
    .select('id')
    .where('board_id', '=', boardId)
    .where('handle', '=', handle)
    .$if(except !== undefined, (q) => q.where('id', '<>', except!))
    .executeTakeFirst();
  if (other) throw taken(handle);
}

async function clearDefault(trx: Trx, boardId: string) {
  await trx
    .updateTable('agents')
    .set({ is_default: false })
    .where('board_id', '=', boardId)
    .where('is_default', '=', true)
    .execute();
}

export function createAgent(deps: CommandDeps, boardId: string, input: CreateAgentBody) {
  return write<AgentRow>(deps, async (trx) => {
    await check(trx, deps.actor, 'manage-settings', 'board', boardId);
    // Handles and the default flag are per board: one writer of a board's agents at a time.
    await lockBoard(trx, boardId);
    if (input.id) {
      const existing = await trx
        .selectFrom('agents')
        .selectAll()
        .where('id', '=', input.id)
        .executeTakeFirst();
      if (existing) {
        if (existing.board_id === boardId && existing.handle === input.handle) return existing;
        throw new Conflict(`id ${input.id} is already used`);
      }
    }
    await handleFree(trx, boardId, input.handle);
    if (input.isDefault) await clearDefault(trx, boardId);
    return trx
      .insertInto('agents')
      .values({
        ...(input.id ? { id: input.id } : {}),
        board_id: boardId,
        handle: input.handle,
        name: input.name,
        model: input.model ?? null,
        system_prompt: input.systemPrompt ?? '',
        tools: JSON.stringify(input.tools ?? {}),
        temperature: input.temperature ?? null,
        ...(input.maxRounds ? { max_rounds: input.maxRounds } : {}),
        ...(input.color ? { color: input.color } : {}),
        is_default: input.isDefault === true,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export function updateAgent(deps: CommandDeps, id: string, input: UpdateAgentBody) {
  return write<AgentRow>(deps, async (trx) => {
    const { boardId } = await check(trx, deps.actor, 'manage-settings', 'agent', id);
    await lockBoard(trx, boardId);
    if (input.handle !== undefined) await handleFree(trx, boardId, input.handle, id);
    if (input.isDefault) await clearDefault(trx, boardId);
    const row = await trx
      .updateTable('agents')
      .set({
        ...(input.handle !== undefined ? { handle: input.handle } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.model !== undefined ? { model: input.model } : {}),
        ...(input.systemPrompt !== undefined ? { system_prompt: input.systemPrompt } : {}),
        ...(input.tools !== undefined ? { tools: JSON.stringify(input.tools) } : {}),
        ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
        ...(input.maxRounds !== undefined ? { max_rounds: input.maxRounds } : {}),
        ...(input.color !== undefined ? { color: input.color } : {}),
        ...(input.isDefault ? { is_default: true } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('agent', id);
    return row;
  });
}

export function deleteAgent(deps: CommandDeps, id: string) {
  return write(deps, async (trx) => {
    const { boardId } = await check(trx, deps.actor, 'manage-settings', 'agent', id);
    await lockBoard(trx, boardId);
    const row = await trx.selectFrom('agents').select('is_default').where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('agent', id);
    if (row.is_default)
      throw new Conflict('the default agent cannot be deleted; make another agent the default first');
    // Its tasks fall back to the board's default (tasks.agent_id ON DELETE SET NULL).
    await trx.deleteFrom('agents').where('id', '=', id).execute();
    return { id, boardId };
  });
}

/** A board's agents, the default first, then by handle. */
export const listAgents = (db: CommandDeps['db'], boardId: string) =>
  db
    .selectFrom('agents')
    .selectAll()
    .where('board_id', '=', boardId)
    .orderBy('is_default', 'desc')
    .orderBy('handle')
    .execute();
