import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import {
  Column,
  CreateLabelBody,
  Id,
  Label,
  SearchHit,
  SearchQuery,
  Task,
  TaskActivity,
  UpdateLabelBody,
} from '@kanban/shared';

// Paths of the kanban essentials (labels, due dates, archive, activity, search); joined into
// the document by openapi.ts.

const Problem = z.object({ type: z.string(), title: z.string(), status: z.int(), detail: z.string() });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
const ok = (data: z.ZodType, description = 'OK', write = false) => ({
  description,
  content: {
    'application/json': {
      schema: write ? z.object({ data, txid: z.int() }) : z.object({ data }),
    },
  },
});
const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const idPath = { path: z.object({ id: Id }) };
const errors = { '400': problem('Invalid input'), '404': problem('Unknown id') };
const writeErrors = { ...errors, '409': problem('Conflict'), '413': problem('Body too large') };
const Deleted = z.object({ id: Id });

const archive = (what: string, row: z.ZodType) => ({
  [`/api/${what}s/{id}/archive`]: {
    post: {
      summary: `Archive a ${what === 'task' ? 'card' : 'column'} (hidden from the board, listed as archived; again: no-op)`,
      requestParams: idPath,
      responses: { '200': ok(row, 'Archived', true), ...errors },
    },
  },
  [`/api/${what}s/{id}/restore`]: {
    post: {
      summary:
        what === 'task'
          ? 'Restore an archived card to its place (its archived column comes back with it)'
          : 'Restore an archived column with its cards',
      requestParams: idPath,
      responses: { '200': ok(row, 'Restored', true), ...errors },
    },
  },
});

export const featurePaths: ZodOpenApiPathsObject = {
  '/api/search': {
    get: {
      summary: 'Full-text search of cards on every board you are a member of (word prefixes, best first)',
      requestParams: { query: SearchQuery },
      responses: { '200': ok(z.array(SearchHit)), '400': problem('Invalid input') },
    },
  },
  '/api/tasks/{id}/activity': {
    get: {
      summary: "A task's history, oldest first (also the shape activity?task=)",
      requestParams: idPath,
      responses: { '200': ok(z.array(TaskActivity)), ...errors },
    },
  },
  ...archive('task', Task),
  ...archive('column', Column),
  '/api/boards/{id}/labels': {
    get: {
      summary: "List a board's labels",
      requestParams: idPath,
      responses: { '200': ok(z.array(Label)), ...errors },
    },
    post: {
      summary: 'Add a label (name unique per board; idempotent on a client id)',
      requestParams: idPath,
      requestBody: json(CreateLabelBody),
      responses: { '201': ok(Label, 'Created', true), ...writeErrors },
    },
  },
  '/api/labels/{id}': {
    patch: {
      summary: 'Rename or recolour a label',
      requestParams: idPath,
      requestBody: json(UpdateLabelBody),
      responses: { '200': ok(Label, 'Updated', true), ...writeErrors },
    },
    delete: {
      summary: 'Delete a label; it is taken off every task of its board',
      requestParams: idPath,
      responses: { '200': ok(Deleted, 'Deleted', true), ...errors },
    },
  },
};
