import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import {
  Agent,
  Board,
  CreateAgentBody,
  BoardLoadPlan,
  Column,
  CreateBoardBody,
  CreateColumnBody,
  CreateTaskBody,
  Id,
  ListTasksQuery,
  MoveColumnBody,
  MoveTaskBody,
  Task,
  UpdateBoardBody,
  UpdateAgentBody,
  UpdateColumnBody,
  UpdateTaskBody,
} from '@kanban/shared';

import { accountPaths } from './openapi-accounts';
import { featurePaths } from './openapi-features';
import { usagePaths } from './openapi-usage';

// Generated from the same zod schemas the routes parse with, so the document cannot drift.

const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
const ok = (data: z.ZodType, description = 'OK', write = false) => ({
  description,
  content: {
    'application/json': {
      schema: write
        ? z.object({ data, txid: z.int().meta({ description: 'Postgres xid of the write' }) })
        : z.object({ data }),
    },
  },
});
const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const idPath = { path: z.object({ id: Id }) };
const errors = { '400': problem('Invalid input'), '404': problem('Unknown id') };
const writeErrors = {
  ...errors,
  '409': problem('Conflict'),
  '413': problem('Body too large'),
  '415': problem('Not JSON'),
};

const op = (o: ZodOpenApiOperationObject) => o;
const Deleted = z.object({ id: Id });

const paths: ZodOpenApiPathsObject = {
  '/api/boards': {
    get: op({ summary: 'List boards', responses: { '200': ok(z.array(Board)) } }),
    post: op({
      summary: 'Create a board (idempotent on a client id)',
      requestBody: json(CreateBoardBody),
      responses: { '201': ok(Board, 'Created', true), ...writeErrors },
    }),
  },
  '/api/boards/{id}': {
    get: op({
      summary: 'Get a board with its columns',
      requestParams: idPath,
      responses: { '200': ok(Board), ...errors },
    }),
    patch: op({
      summary: 'Rename a board or change its settings',
      requestParams: idPath,
      requestBody: json(UpdateBoardBody),
      responses: { '200': ok(Board, 'Updated', true), ...writeErrors },
    }),
    delete: op({
      summary: 'Delete a board with its columns, tasks and messages',
      requestParams: idPath,
      responses: { '200': ok(Deleted, 'Deleted', true), ...errors },
    }),
  },
  '/api/boards/{id}/columns': {
    get: op({
      summary: 'List columns in order',
      requestParams: idPath,
      responses: { '200': ok(z.array(Column)), ...errors },
    }),
    post: op({
      summary: 'Add a column',
      requestParams: idPath,
      requestBody: json(CreateColumnBody),
      responses: { '201': ok(Column, 'Created', true), ...writeErrors },
    }),
  },
  '/api/boards/{id}/load-plan': {
    get: op({
      summary: "How the client loads the board's cards: all at once, or per column on demand",
      requestParams: idPath,
      responses: { '200': ok(BoardLoadPlan), ...errors },
    }),
  },
  '/api/boards/{id}/agents': {
    get: op({
      summary: "List a board's agents, the default first",
      requestParams: idPath,
      responses: { '200': ok(z.array(Agent)), ...errors },
    }),
    post: op({
      summary: 'Add an agent (board owners)',
      requestParams: idPath,
      requestBody: json(CreateAgentBody),
      responses: { '201': ok(Agent, 'Created', true), ...writeErrors },
    }),
  },
  '/api/agents/{id}': {
    patch: op({
      summary: "Change an agent's profile, tools or policies; isDefault: true makes it the default",
      requestParams: idPath,
      requestBody: json(UpdateAgentBody),
      responses: { '200': ok(Agent, 'Updated', true), ...writeErrors },
    }),
    delete: op({
      summary: 'Delete an agent (not the default one: 409); its tasks go to the default',
      requestParams: idPath,
      responses: { '200': ok(Deleted, 'Deleted', true), ...writeErrors },
    }),
  },
  '/api/columns/{id}': {
    patch: op({
      summary:
        'Rename a column (editors) and/or set its hook, { agentId, instruction } or null (board owners: a card entering the column starts that agent; agents.changed is sent to the board room)',
      requestParams: idPath,
      requestBody: json(UpdateColumnBody),
      responses: { '200': ok(Column, 'Updated', true), ...writeErrors },
    }),
    delete: op({
      summary: 'Delete a column; a column with tasks needs moveTasksTo or deleteTasks=true (else 409)',
      requestParams: {
        path: z.object({ id: Id }),
        query: z.object({ moveTasksTo: Id.optional(), deleteTasks: z.enum(['true', 'false']).optional() }),
      },
      responses: { '200': ok(Deleted, 'Deleted', true), ...writeErrors },
    }),
  },
  '/api/columns/{id}/move': {
    post: op({
      summary: 'Reorder a column',
      requestParams: idPath,
      requestBody: json(MoveColumnBody),
      responses: { '200': ok(Column, 'Moved', true), ...writeErrors },
    }),
  },
  '/api/boards/{id}/tasks': {
    get: op({
      summary: 'List tasks of a board, filtered',
      requestParams: { path: z.object({ id: Id }), query: ListTasksQuery },
      responses: { '200': ok(z.array(Task)), ...errors },
    }),
    post: op({
      summary: 'Create a task (idempotent on a client id)',
      requestParams: idPath,
      requestBody: json(CreateTaskBody),
      responses: { '201': ok(Task, 'Created', true), ...writeErrors },
    }),
  },
  '/api/tasks/{id}': {
    get: op({ summary: 'Get a task', requestParams: idPath, responses: { '200': ok(Task), ...errors } }),
    patch: op({
      summary:
        'Edit a task; with If-Match: "d-<fingerprint of the description it was edited from>" (shared descriptionETag) a description changed meanwhile is refused with 409; a new non-null agentId delegates the task (that agent starts a run with the task as its prompt)',
      requestParams: { path: z.object({ id: Id }), header: z.object({ 'if-match': z.string().optional() }) },
      requestBody: json(UpdateTaskBody),
      responses: { '200': ok(Task, 'Updated', true), ...writeErrors },
    }),
    delete: op({
      summary: 'Delete a task and its messages',
      requestParams: idPath,
      responses: { '200': ok(Deleted, 'Deleted', true), ...errors },
    }),
  },
  '/api/tasks/{id}/move': {
    post: op({
      summary:
        "Move a task to a column (any board) and place; entering a column with a hook starts the hook's agent",
      requestParams: idPath,
      requestBody: json(MoveTaskBody),
      responses: { '200': ok(Task, 'Moved', true), ...writeErrors },
    }),
  },
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * The OpenAPI 3.1 document; more paths join through `extraPaths` as features land. Every operation
 * needs a session cookie or an API key unless it says `security: []`; those get 401 (and 403:
 * forbidden for the role, or a cross-origin cookie write) added to their answers.
 */
export function openApiDocument(extraPaths: ZodOpenApiPathsObject = {}) {
  const all: ZodOpenApiPathsObject = {
    ...paths,
    ...accountPaths,
    ...featurePaths,
    ...usagePaths,
    ...extraPaths,
  };
  for (const item of Object.values(all)) {
    for (const m of METHODS) {
      const o = item[m];
      if (!o || (o.security && o.security.length === 0)) continue;
      o.responses = {
        ...o.responses,
        '401': problem('No session cookie or API key'),
        '403': problem('Not allowed for your role, or a cross-origin cookie write'),
      };
    }
  }
  return createDocument({
    openapi: '3.1.0',
    info: { title: 'Kanban agent API', version: '0.1.0' },
    paths: all,
    security: [{ cookie: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        cookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'better-auth.session_token',
          description: 'The session from POST /api/auth/sign-in/email (better-auth)',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key from POST /api/api-keys' },
      },
    },
  });
}
