import type { CommandDeps } from '../commands/deps';
import { createBoard } from '../commands/create-board';
import { createTask } from '../commands/create-task';

/** The demo board a first start shows, so `npm start` opens onto something to try. */
export async function seedDemo(deps: CommandDeps): Promise<string> {
  const { data: board } = await createBoard(deps, {
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
    await createTask(deps, board.id, { columnId: col(column), title, description, priority });
  }
  return board.id;
}
