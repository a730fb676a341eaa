import { Router } from 'express';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import {
  EditMessageBody,
  Id,
  ListMessagesQuery,
  Message,
  MessagePage,
  PostMessageBody,
  PostedMessages,
} from '@kanban/shared';
import { cancelMessage } from '../../commands/cancel-message';
import { editMessage } from '../../commands/edit-message';
import { listMessages } from '../../commands/list-messages';
import type { MessageDeps } from '../../commands/message-deps';
import { postMessage } from '../../commands/post-message';
import { retryMessage } from '../../commands/retry-message';
import { parse } from '../validate';
import { actorOf, as } from '../actor';
import { check } from '../../policy';

export function messageRoutes(deps: Omit<MessageDeps, 'actor'>): Router {
  const r = Router();
  r.get('/tasks/:id/messages', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const q = parse(ListMessagesQuery, req.query, 'query');
    await check(deps.db, actorOf(res), 'read', 'task', id);
    res.json(await listMessages(deps.db, id, q));
  });
  r.post('/tasks/:id/messages', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(PostMessageBody, req.body);
    res.status(201).json(await postMessage(as(deps, res), id, body));
  });
  r.post('/messages/:id/cancel', async (req, res) => {
    res.json(await cancelMessage(as(deps, res), parse(Id, req.params.id, 'path.id')));
  });
  r.post('/messages/:id/retry', async (req, res) => {
    res.status(201).json(await retryMessage(as(deps, res), parse(Id, req.params.id, 'path.id')));
  });
  r.post('/messages/:id/edit', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(EditMessageBody, req.body);
    res.status(201).json(await editMessage(as(deps, res), id, body));
  });

  r.post('/messages/:id/regenerate', async (req, res) => {
    res
      .status(201)
      .json(await retryMessage(as(deps, res), parse(Id, req.params.id, 'path.id'), 'regenerate'));
  });
  return r;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const written = (data: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ data, txid: z.int() }) } },
});
const idPath = { path: z.object({ id: Id }) };
const errs = { '400': problem('Invalid input'), '404': problem('Unknown id') };

/** The chat routes for the OpenAPI document (openApiDocument(extraPaths)). */
export const messagePaths: ZodOpenApiPathsObject = {
  '/api/tasks/{id}/messages': {
    get: {
      summary: 'Chat history of a task, newest page first',
      description:
        'Cursor pagination by `seq`: the first call (no `before`) returns the newest `limit` messages, oldest ' +
        "first within the page. Pass the answer's `nextBefore` as `before` to get the page before it; " +
        '`nextBefore` is null on the oldest page. Live tokens arrive over Socket.IO (`message.delta`).',
      requestParams: { path: z.object({ id: Id }), query: ListMessagesQuery },
      responses: {
        '200': { description: 'A page', content: { 'application/json': { schema: MessagePage } } },
        ...errs,
      },
    },
    post: {
      summary:
        "Send a chat message; one reply is queued per @mentioned agent of the board, in order (@all: every agent), else the task's agent or the board default (idempotent on a client id)",
      requestParams: idPath,
      requestBody: { content: { 'application/json': { schema: PostMessageBody } } },
      responses: {
        '201': written(PostedMessages, 'The user message and the queued assistant replies'),
        ...errs,
        '409': problem('The id belongs to a different message, or an addressed agent was just removed'),
        '413': problem('Body too large'),
        '415': problem('Not JSON'),
      },
    },
  },
  '/api/messages/{id}/cancel': {
    post: {
      summary: 'Stop a queued or streaming reply (partial text is kept); no-op if already cancelled',
      requestParams: idPath,
      responses: {
        '200': written(Message, 'The reply, cancelled or cancelling'),
        ...errs,
        '409': problem('Already ended'),
      },
    },
  },
  '/api/messages/{id}/regenerate': {
    post: {
      summary:
        'A new version of the newest reply (ended): same question, the old version stays; 409 for an older reply',
      requestParams: idPath,
      responses: {
        '201': written(Message, 'The new queued version'),
        ...errs,
        '409': problem('Not the newest reply, or still running'),
      },
    },
  },
  '/api/messages/{id}/retry': {
    post: {
      summary: 'Answer the same user message again after a failed, cancelled or interrupted reply',
      requestParams: idPath,
      responses: {
        '201': written(Message, 'The new queued reply'),
        ...errs,
        '409': problem('Not retryable'),
      },
    },
  },
  '/api/messages/{id}/edit': {
    post: {
      summary:
        'Edit one of your own user messages and resend it: the later messages are replaced by a new reply',
      requestParams: idPath,
      requestBody: { content: { 'application/json': { schema: EditMessageBody } } },
      responses: {
        '201': written(Message, 'The new queued reply to the edited message'),
        ...errs,
        '403': problem('Not your message, or no chat permission on the board'),
        '409': problem('Not a user message, or a later reply is still running'),
      },
    },
  },
};
