import { Router } from 'express';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { ApproveToolCallBody, DenyToolCallBody, Id, ToolCall, ToolCallList } from '@kanban/shared';
import { decideToolCall, listToolCalls, type ToolCallDeps } from '../../commands/tool-calls';
import { parse } from '../validate';
import { actorOf, as } from '../actor';

// A task's tool calls (the board UI reads them here, refetched on the `tool.call` socket event,
// rather than holding another live shape), and the decisions on the ones waiting for approval.

export function toolCallRoutes(deps: Omit<ToolCallDeps, 'actor'>): Router {
  const r = Router();
  r.get('/tasks/:id/tool-calls', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json({ data: await listToolCalls(deps.db, actorOf(res), id) });
  });
  r.post('/tool-calls/:id/approve', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(ApproveToolCallBody, req.body ?? {});
    res.json(await decideToolCall(as(deps, res), id, { approve: true, body }));
  });
  r.post('/tool-calls/:id/deny', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(DenyToolCallBody, req.body ?? {});
    res.json(await decideToolCall(as(deps, res), id, { approve: false, body }));
  });
  return r;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const written = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ data: ToolCall, txid: z.int() }) } },
});
const idPath = { path: z.object({ id: Id }) };
const decisionErrors = {
  '400': problem('Invalid input (edited arguments that do not fit the tool)'),
  '403': problem('Viewers cannot decide'),
  '404': problem('Unknown id'),
  '409': problem('The call is not waiting for a decision'),
  '413': problem('Body too large'),
  '415': problem('Not JSON'),
};

export const toolCallPaths: ZodOpenApiPathsObject = {
  '/api/tasks/{id}/tool-calls': {
    get: {
      summary: "A task's agent tool calls, oldest first",
      description:
        'Each row lives from the moment the model asks for the call (`running`, or `waiting` for approval) ' +
        'to its end (`succeeded`, `failed`, `denied`). Changes arrive over Socket.IO as `tool.call` (the whole row) ' +
        'in the task room; also served as shapes `tool_calls?task=` and `tool_calls?board=`.',
      requestParams: idPath,
      responses: {
        '200': { description: 'The calls', content: { 'application/json': { schema: ToolCallList } } },
        '400': problem('Invalid input'),
        '404': problem('Unknown id'),
      },
    },
  },
  '/api/tool-calls/{id}/approve': {
    post: {
      summary: 'Approve a waiting tool call, optionally with edited arguments; the run resumes',
      requestParams: idPath,
      requestBody: { content: { 'application/json': { schema: ApproveToolCallBody } } },
      responses: { '200': written('The approved call (running once the run resumes)'), ...decisionErrors },
    },
  },
  '/api/tool-calls/{id}/deny': {
    post: {
      summary: 'Deny a waiting tool call; the reason goes back to the model and the run resumes',
      requestParams: idPath,
      requestBody: { content: { 'application/json': { schema: DenyToolCallBody } } },
      responses: { '200': written('The denied call'), ...decisionErrors },
    },
  },
};
