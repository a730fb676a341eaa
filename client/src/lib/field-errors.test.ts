import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  BoardName,
  BoardSettings,
  ColumnName,
  CreateBoardBody,
  CreateColumnBody,
  CreateTaskBody,
  DeleteColumnQuery,
  ListMessagesQuery,
  ListTasksQuery,
  MessageContent,
  ModelName,
  MoveColumnBody,
  MoveTaskBody,
  PostMessageBody,
  TaskDescription,
  TaskTitle,
  UpdateBoardBody,
  UpdateColumnBody,
  UpdateTaskBody,
} from '@kanban/shared';
import { FIELDS, fieldSentence, fieldSentences, LIMITS } from './field-errors';

// Each case is a real request body refused by the real shared schema; its issues are turned into
// field errors the way server/src/http/validate.ts does, then into the sentence a person reads.

const UUID = '0b6c2c1e-1f1a-4c57-9d6e-1f1a4c579d6e';
const text = (n: number) => 'x'.repeat(n);

function sentences(schema: z.ZodType, body: unknown, where = 'body', scope?: 'board' | 'column') {
  const r = schema.safeParse(body);
  if (r.success) throw new Error('the schema accepted the body');
  const errors = r.error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  return fieldSentences(errors, body, scope);
}

const cases: [string, z.ZodType, unknown, string, ('board' | 'column')?][] = [
  // boards
  [
    'board name too long',
    CreateBoardBody,
    { name: text(201) },
    'Board name is too long: 201 of 200 characters',
    'board',
  ],
  ['board name empty', CreateBoardBody, { name: '  ' }, 'Board name must not be empty', 'board'],
  ['board name missing', CreateBoardBody, {}, 'Board name is required', 'board'],
  ['board id', CreateBoardBody, { id: 'nope', name: 'B' }, 'The id must be a UUID', 'board'],
  [
    'board columns too many',
    CreateBoardBody,
    { name: 'B', columns: Array(51).fill('c') },
    'Columns: too many (at most 50)',
    'board',
  ],
  [
    'board column name too long',
    CreateBoardBody,
    { name: 'B', columns: ['ok', text(101)] },
    'Column name is too long: 101 of 100 characters',
    'board',
  ],
  [
    'board column name empty',
    CreateBoardBody,
    { name: 'B', columns: [''] },
    'Column name must not be empty',
    'board',
  ],
  [
    'default model too long',
    UpdateBoardBody,
    { settings: { defaultModel: text(201) } },
    'Default model is too long: 201 of 200 characters',
    'board',
  ],
  [
    'system prompt too long',
    UpdateBoardBody,
    { settings: { systemPrompt: text(20_001) } },
    'System prompt is too long: 20,001 of 20,000 characters',
    'board',
  ],
  [
    'settings unknown key',
    UpdateBoardBody,
    { settings: { colour: 'red' } },
    'Unknown field: colour',
    'board',
  ],
  ['board update empty', UpdateBoardBody, {}, 'Nothing to save: no field was changed', 'board'],
  ['board unknown key', CreateBoardBody, { name: 'B', owner: 'me' }, 'Unknown field: owner', 'board'],
  // columns
  [
    'column name too long',
    CreateColumnBody,
    { name: text(150) },
    'Column name is too long: 150 of 100 characters',
    'column',
  ],
  ['column rename empty', UpdateColumnBody, { name: '' }, 'Column name must not be empty', 'column'],
  ['column id', CreateColumnBody, { id: 1, name: 'C' }, 'The id must be a UUID', 'column'],
  [
    'placement index too big',
    MoveColumnBody,
    { placement: { index: 100_001 } },
    'Position must be at most 100,000',
  ],
  ['placement index negative', MoveColumnBody, { placement: { index: -1 } }, 'Position must be at least 0'],
  [
    'placement index fraction',
    MoveColumnBody,
    { placement: { index: 1.5 } },
    'Position must be a whole number',
  ],
  [
    'placement afterId',
    MoveColumnBody,
    { placement: { afterId: 'x' } },
    'The card or column to place after is not a valid id',
  ],
  [
    'placement beforeId',
    MoveColumnBody,
    { placement: { beforeId: 'x' } },
    'The card or column to place before is not a valid id',
  ],
  [
    'placement both',
    MoveColumnBody,
    { placement: { index: 1, afterId: UUID } },
    'Position: give either index or afterId/beforeId, not both',
  ],
  [
    'delete column target',
    DeleteColumnQuery,
    { moveTasksTo: 'x' },
    'The column to move the cards to is not a valid id',
    undefined,
  ],
  [
    'delete column flag',
    DeleteColumnQuery,
    { deleteTasks: 'yes' },
    'Delete cards must be one of true, false',
    undefined,
  ],
  // tasks
  [
    'title too long',
    CreateTaskBody,
    { columnId: UUID, title: text(612) },
    'Title is too long: 612 of 500 characters',
  ],
  ['title empty', UpdateTaskBody, { title: ' ' }, 'Title must not be empty'],
  ['column missing', CreateTaskBody, { title: 'T' }, 'Column is required'],
  ['column not an id', MoveTaskBody, { columnId: 'x' }, 'Column is not a valid id'],
  [
    'description too long',
    UpdateTaskBody,
    { description: text(20_001) },
    'Description is too long: 20,001 of 20,000 characters',
  ],
  [
    'priority unknown',
    UpdateTaskBody,
    { priority: 'asap' },
    'Priority must be one of none, low, medium, high, urgent',
  ],
  ['model too long', UpdateTaskBody, { model: text(201) }, 'Model is too long: 201 of 200 characters'],
  ['task update empty', UpdateTaskBody, {}, 'Nothing to save: no field was changed'],
  [
    'task placement',
    CreateTaskBody,
    { columnId: UUID, title: 'T', placement: { index: 'top' } },
    'Position must be a number',
  ],
  ['list column', ListTasksQuery, { column: 'x' }, 'Column filter is not a valid id'],
  [
    'list priority',
    ListTasksQuery,
    { priority: 'asap' },
    'Priority must be one of none, low, medium, high, urgent',
  ],
  [
    'list agent status',
    ListTasksQuery,
    { agentStatus: 'busy' },
    'Agent status filter must be one of idle, queued, thinking, executing, streaming, waiting_for_user, error',
  ],
  ['list q too long', ListTasksQuery, { q: text(201) }, 'Search text is too long: 201 of 200 characters'],
  ['list limit', ListTasksQuery, { limit: '5000' }, 'Page size must be at most 1,000'],
  // messages
  [
    'message too long',
    PostMessageBody,
    { content: text(25_000) },
    'Message is too long: 25,000 of 20,000 characters',
  ],
  ['message empty', PostMessageBody, { content: '' }, 'Message must not be empty'],
  ['message id', PostMessageBody, { id: 'x', content: 'hi' }, 'The id must be a UUID'],
  [
    'history cursor',
    ListMessagesQuery,
    { before: '0' },
    'Older messages cursor is not a valid position in the history',
  ],
  ['history limit', ListMessagesQuery, { limit: '0' }, 'Page size must be at least 1'],
];

describe('validation messages', () => {
  it.each(cases)('%s', (_name, schema, body, expected, scope) => {
    const where = schema === DeleteColumnQuery || schema === ListTasksQuery || schema === ListMessagesQuery;
    expect(sentences(schema, body, where ? 'query' : 'body', scope)).toBe(expected);
  });

  it('says which value broke NUL and surrogate checks (the server adds these after parsing)', () => {
    expect(fieldSentence({ path: 'body.title', message: 'must not contain NUL (\\u0000)' })).toBe(
      'Title contains a character that cannot be stored (NUL)',
    );
    expect(fieldSentence({ path: 'body.content', message: 'must be valid Unicode (lone surrogate)' })).toBe(
      'Message contains broken text (a lone surrogate)',
    );
  });

  // The client does not bundle zod, so its limits are copies: this is where a drift shows.
  it('knows the same limits as the schemas', () => {
    const max = (s: z.ZodType) => (s as unknown as { maxLength: number | null }).maxLength;
    expect(LIMITS).toEqual({
      boardName: max(BoardName),
      columnName: max(ColumnName),
      taskTitle: max(TaskTitle),
      description: max(TaskDescription),
      message: max(MessageContent),
    });
    expect(FIELDS['model']!.max).toBe(max(ModelName));
    const settings = BoardSettings.shape;
    expect(FIELDS['settings.systemPrompt']!.max).toBe(max(settings.systemPrompt.unwrap().unwrap()));
    expect(FIELDS['settings.defaultModel']!.max).toBe(max(settings.defaultModel.unwrap().unwrap()));
  });
});
