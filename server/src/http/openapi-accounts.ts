import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import {
  ApiKey,
  CreateApiKeyBody,
  CreateInviteBody,
  CreatedInvite,
  Id,
  Instance,
  InviteInfo,
  Member,
  UpdateMemberBody,
  UserId,
} from '@kanban/shared';

// The accounts routes for the OpenAPI document (docs/accounts.md). `security: []` marks the few
// public operations; everything else inherits the document's cookie-or-bearer requirement.

const Problem = { $ref: '#/components/schemas/Problem' } as const;
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
const ok = (schema: z.ZodType, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
const written = (data: z.ZodType, description = 'OK') => ok(z.object({ data, txid: z.int() }), description);
const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const idPath = { path: z.object({ id: Id }) };
const memberPath = { path: z.object({ id: Id, userId: UserId }) };
const tokenPath = { path: z.object({ token: z.string() }) };
const errs = { '400': problem('Invalid input'), '404': problem('Unknown id (or not a member)') };

export const accountPaths: ZodOpenApiPathsObject = {
  '/api/instance': {
    get: {
      summary: 'Whether the instance has users yet, and how sign-up works',
      security: [],
      responses: { '200': ok(Instance) },
    },
  },
  '/api/api-keys': {
    get: {
      summary: "The caller's API keys (never the keys)",
      responses: { '200': ok(z.object({ data: z.array(ApiKey) })) },
    },
    post: {
      summary: 'Create an API key; the key is in this answer only',
      requestBody: json(CreateApiKeyBody),
      responses: {
        '201': ok(z.object({ data: ApiKey, key: z.string() }), 'Created'),
        '400': problem('Invalid input'),
      },
    },
  },
  '/api/api-keys/{id}': {
    delete: {
      summary: 'Revoke an API key',
      requestParams: idPath,
      responses: { '200': ok(z.object({ data: z.object({ id: Id }) })), ...errs },
    },
  },
  '/api/boards/{id}/members': {
    get: {
      summary: "A board's members",
      requestParams: idPath,
      responses: { '200': ok(z.object({ data: z.array(Member) })), ...errs },
    },
  },
  '/api/boards/{id}/members/{userId}': {
    patch: {
      summary: "Change a member's role (owners)",
      requestParams: memberPath,
      requestBody: json(UpdateMemberBody),
      responses: { '200': written(Member), ...errs, '409': problem('The last owner') },
    },
    delete: {
      summary: 'Remove a member (owners) or leave (yourself)',
      requestParams: memberPath,
      responses: {
        '200': written(z.object({ boardId: Id, userId: UserId })),
        ...errs,
        '409': problem('The last owner'),
      },
    },
  },
  '/api/boards/{id}/invites': {
    post: {
      summary: 'Create an invite link (owners)',
      requestParams: idPath,
      requestBody: json(CreateInviteBody),
      responses: { '201': written(CreatedInvite, 'Created'), ...errs },
    },
  },
  '/api/invites/{id}': {
    delete: {
      summary: 'Revoke an invite (owners)',
      requestParams: idPath,
      responses: { '200': written(z.object({ id: Id })), ...errs },
    },
  },
  '/api/invites/{token}': {
    get: {
      summary: 'What an invite link offers (public)',
      security: [],
      requestParams: tokenPath,
      responses: {
        '200': ok(z.object({ data: InviteInfo })),
        '400': problem('Not a link token'),
        '404': problem('Unknown link'),
      },
    },
  },
  '/api/invites/{token}/accept': {
    post: {
      summary: "Join the invite's board",
      requestParams: tokenPath,
      responses: {
        '200': written(Member),
        '400': problem('Not a link token'),
        '404': problem('Unknown link'),
        '410': problem('Expired or revoked'),
      },
    },
  },
};
