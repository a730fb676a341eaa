import type { TaskRow } from '../db/schema';
import type { CommandDeps, Trx } from './deps';
import { askAgent } from './agent-triggers';

// Delegation (docs/agents.md): giving a task to an agent (PATCH /api/tasks/:id { agentId } with
// a new, non-null agent) starts a run with the task as the prompt: a message from the person
// who delegated, kept visible in the chat, and the agent's queued reply — in the update's own
// transaction, so one committed change is one run.

/** Inside updateTask, after the row changed (the task is locked). Answers the reply's id. */
export async function delegateTask(
  trx: Trx,
  deps: CommandDeps,
  task: TaskRow,
  agent: { id: string; handle: string },
): Promise<string | undefined> {
  const agents = deps.agents;
  if (!agents || agents.origin?.agentId === agent.id) return undefined; // no pipeline; itself
  if (agents.origin && agents.origin.depth + 1 > agents.handoffDepth) return undefined;
  const text = [`Delegated to @${agent.handle}`, `**${task.title}**`, task.description.trim()]
    .filter(Boolean)
    .join('\n\n');
  const reply = await askAgent(
    trx,
    { ...deps, agents },
    {
      taskId: task.id,
      agentId: agent.id,
      via: 'delegation',
      content: text.slice(0, 20_000),
    },
  );
  return reply.id;
}
