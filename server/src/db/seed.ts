import type { CommandDeps } from '../commands/deps';
import { createBoard } from '../commands/create-board';
import { createTask } from '../commands/create-task';
import { createAgent, listAgents, updateAgent } from '../commands/agents';
import { SYSTEM } from '../auth/actor';

/** The demo board a first start shows, so `npm start` opens onto something to try. */
export async function seedDemo(deps: Omit<CommandDeps, 'actor'>): Promise<string> {
  // Written by the system: it has no members until the first account takes it over.
  const sys = { ...deps, actor: SYSTEM };
  const { data: board } = await createBoard(sys, {
    name: 'Demo board',
    settings: { systemPrompt: 'You are a concise, helpful assistant for the tasks on this kanban board.' },
  });
  const col = (name: string) => board.columns.find((c) => c.name === name)!.id;
  const tasks: [string, string, string, 'none' | 'low' | 'medium' | 'high' | 'urgent'][] = [
    ['Todo', 'Try the agent chat', 'Open this card and ask the agent something.', 'high'],
    [
      'Todo',
      'Invite the team',
      'Open the board in a second browser and watch changes arrive live.',
      'medium',
    ],
    ['In progress', 'Configure a model provider', 'Set LLM_PROVIDER and its key; see the README.', 'medium'],
    ['Review', 'Write the release notes', '', 'low'],
    ['Done', 'Start the app', 'npm install && npm start', 'none'],
  ];
  for (const [column, title, description, priority] of tasks) {
    await createTask(sys, board.id, { columnId: col(column), title, description, priority });
  }
  // Two agents: the board's default (created with the board) becomes a planner, and a writer.
  const [byDefault] = await listAgents(deps.db, board.id);
  await updateAgent(sys, byDefault!.id, {
    handle: 'planner',
    name: 'Planner',
    color: '#2563eb',
    systemPrompt:
      'You plan work: split a task into small subtasks (create_tasks with the task as parent), ' +
      'set priorities and move cards to where they stand. Say briefly what you changed.',
  });
  await createAgent(sys, board.id, {
    handle: 'writer',
    name: 'Writer',
    color: '#db2777',
    systemPrompt:
      "You write: improve a task's title and description (update_task), keep them short and clear.",
    tools: { read_board: 'auto', read_task: 'auto', update_task: 'auto', comment: 'ask', mention: 'auto' },
  });
  return board.id;
}
