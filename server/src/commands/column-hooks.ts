import type { ColumnHook } from '@kanban/shared';
import type { Logger } from 'pino';
import type { ColumnRow } from '../db/schema';
import { Invalid, NotFound } from './errors';
import { actorId, type CommandDeps, type Trx } from './deps';
import { askAgent, nextDepth } from './agent-triggers';

// Column hooks (docs/agents.md): "when a card enters this column, agent X runs with instruction
// Y". The run is sent inside the move's own transaction, so one committed move is exactly one
// run — a move that rolls back (or is retried after a deadlock) sends nothing, and nothing can
// send it twice. A move made by the hook's own agent (its tools) does not fire its own hook,
// and a move made by any agent's run counts as a handoff: chains stop at AGENT_HANDOFF_DEPTH.

/** Sets or (null) removes a column's hook; the agent must be one of the column's board. */
export async function setColumnHook(
  trx: Trx,
  deps: CommandDeps,
  column: { id: string; boardId: string },
  hook: ColumnHook | null,
): Promise<ColumnRow> {
  if (hook) {
    const agent = await trx
      .selectFrom('agents')
      .select('id')
      .where('id', '=', hook.agentId)
      .where('board_id', '=', column.boardId)
      .executeTakeFirst();
    if (!agent) throw new Invalid(`hook.agentId: ${hook.agentId} is not an agent of this board`);
  }
  const row = await trx
    .updateTable('columns')
    .set({
      hook_agent_id: hook?.agentId ?? null,
      hook_instruction: hook?.instruction ?? null,
      updated_by: actorId(deps.actor),
    })
    .where('id', '=', column.id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFound('column', column.id);
  return row;
}

export interface Move {
  taskId: string;
  fromColumnId: string;
  toColumnId: string;
}

/**
 * After a task moved (inside the move's transaction, the task row locked): if it entered a
 * column with a hook, asks the hook's agent in the task's chat. Answers what happened, for logs
 * and tests: `fired` with the reply, or why not.
 */
export async function fireColumnHook(
  trx: Trx,
  deps: CommandDeps,
  move: Move,
  log?: Logger,
): Promise<{ fired: string } | { skipped: 'no-hook' | 'own-move' | 'depth' | 'no-pipeline' }> {
  if (move.fromColumnId === move.toColumnId) return { skipped: 'no-hook' };
  const hook = await trx
    .selectFrom('columns')
    .innerJoin('agents', (j) =>
      j.onRef('agents.id', '=', 'columns.hook_agent_id').onRef('agents.board_id', '=', 'columns.board_id'),
    )
    .select([
      'columns.name as column',
      'columns.hook_instruction as instruction',
      'agents.id',
      'agents.handle',
    ])
    .where('columns.id', '=', move.toColumnId)
    .executeTakeFirst();
  if (!hook) return { skipped: 'no-hook' };
  const agents = deps.agents;
  if (!agents) return { skipped: 'no-pipeline' };
  const mover = agents.origin?.agentId ?? (deps.actor.kind === 'agent' ? deps.actor.agentId : null);
  if (mover === hook.id) return { skipped: 'own-move' };
  if (nextDepth(agents) > agents.handoffDepth) {
    log?.info({ taskId: move.taskId, agentId: hook.id }, 'column hook not run: handoff depth reached');
    return { skipped: 'depth' };
  }
  const byAgent = deps.actor.kind === 'agent' ? await agentName(trx, deps.actor.agentId) : undefined;
  const reply = await askAgent(
    trx,
    { ...deps, agents },
    {
      taskId: move.taskId,
      agentId: hook.id,
      via: 'hook',
      ...(byAgent ? { byAgent } : {}),
      content:
        `Moved to **${hook.column}**: column hook for @${hook.handle}.\n\n${hook.instruction ?? ''}`.trim(),
    },
  );
  return { fired: reply.id };
}

async function agentName(trx: Trx, id: string | null) {
  if (!id) return undefined;
  const a = await trx.selectFrom('agents').select('handle').where('id', '=', id).executeTakeFirst();
  return a ? `@${a.handle}` : undefined;
}
