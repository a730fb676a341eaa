import type {
  Board,
  BoardLoadPlan,
  Column,
  Label,
  SearchHit,
  CreateTaskBody,
  Message,
  Placement,
  Task,
  UpdateBoardBody,
  UpdateTaskBody,
  WriteResult,
} from '@kanban/shared';
import { request } from './http';

// One function per REST endpoint. Writes answer `{ data, txid }`; the txid is what the
// collections wait for in the shape stream before dropping their optimistic state.

type W<T> = Promise<WriteResult<T>>;
const enc = encodeURIComponent;

export const boardsApi = {
  /** The caller's boards, each with the caller's role on it. */
  list: (): Promise<{ data: (Board & { role: 'owner' | 'editor' | 'viewer' })[] }> =>
    request('GET', '/api/boards'),
  update: (id: string, body: UpdateBoardBody): W<Board> => request('PATCH', `/api/boards/${enc(id)}`, body),
  create: (body: { id: string; name: string }): W<Board> => request('POST', '/api/boards', body),
  rename: (id: string, name: string): W<Board> => request('PATCH', `/api/boards/${enc(id)}`, { name }),
  remove: (id: string): W<unknown> => request('DELETE', `/api/boards/${enc(id)}`),
  /** Whether the board's cards load all at once or per column on demand. */
  loadPlan: (id: string): Promise<{ data: BoardLoadPlan }> =>
    request('GET', `/api/boards/${enc(id)}/load-plan`),
};

export const columnsApi = {
  create: (boardId: string, body: { id: string; name: string; placement?: Placement }): W<Column> =>
    request('POST', `/api/boards/${enc(boardId)}/columns`, body),
  rename: (id: string, name: string): W<Column> => request('PATCH', `/api/columns/${enc(id)}`, { name }),
  move: (id: string, placement: Placement): W<Column> =>
    request('POST', `/api/columns/${enc(id)}/move`, { placement }),
  /** The tasks rule: a non-empty column needs its tasks moved elsewhere or deleted with it. */
  remove: (id: string, tasks?: { moveTasksTo: string } | { deleteTasks: true }): W<unknown> => {
    const q = !tasks
      ? ''
      : 'moveTasksTo' in tasks
        ? `?moveTasksTo=${enc(tasks.moveTasksTo)}`
        : '?deleteTasks=true';
    return request('DELETE', `/api/columns/${enc(id)}${q}`);
  },
};

export const tasksApi = {
  create: (boardId: string, body: CreateTaskBody & { id: string }): W<Task> =>
    request('POST', `/api/boards/${enc(boardId)}/tasks`, body),
  /** `ifMatch`: a conditional description save (descriptionETag of the text it was edited from). */
  update: (id: string, body: UpdateTaskBody, ifMatch?: string): W<Task> =>
    request('PATCH', `/api/tasks/${enc(id)}`, body, ifMatch ? { 'if-match': ifMatch } : {}),
  move: (id: string, columnId: string, placement: Placement): W<Task> =>
    request('POST', `/api/tasks/${enc(id)}/move`, { columnId, placement }),
  remove: (id: string): W<unknown> => request('DELETE', `/api/tasks/${enc(id)}`),
};

export const chatApi = {
  send: (taskId: string, body: { id: string; content: string }): W<{ user: Message; assistant: Message }> =>
    request('POST', `/api/tasks/${enc(taskId)}/messages`, body),
  history: (taskId: string, before: number, limit: number): Promise<{ data: Message[] }> =>
    request('GET', `/api/tasks/${enc(taskId)}/messages?before=${before}&limit=${limit}`),
  cancel: (messageId: string): W<Message> => request('POST', `/api/messages/${enc(messageId)}/cancel`),
  retry: (messageId: string): W<Message> => request('POST', `/api/messages/${enc(messageId)}/retry`),
  edit: (messageId: string, content: string): W<Message> =>
    request('POST', `/api/messages/${enc(messageId)}/edit`, { content }),
  regenerate: (messageId: string): W<Message> =>
    request('POST', `/api/messages/${enc(messageId)}/regenerate`),
};

export const labelsApi = {
  create: (boardId: string, body: { id: string; name: string; color: string }): W<Label> =>
    request('POST', `/api/boards/${enc(boardId)}/labels`, body),
  remove: (id: string): W<unknown> => request('DELETE', `/api/labels/${enc(id)}`),
};

export const archiveApi = {
  archive: (kind: 'task' | 'column', id: string): W<unknown> =>
    request('POST', `/api/${kind}s/${enc(id)}/archive`),
  restore: (kind: 'task' | 'column', id: string): W<unknown> =>
    request('POST', `/api/${kind}s/${enc(id)}/restore`),
};

export const searchApi = {
  search: (q: string): Promise<{ data: SearchHit[] }> => request('GET', `/api/search?q=${enc(q)}`),
};
