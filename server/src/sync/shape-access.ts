import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery, stringify } from 'node:querystring';
import type { Kysely } from 'kysely';
import { Id } from '@kanban/shared';
import type { ResolveActor, UserActor } from '../auth/actor';
import type { Database } from '../db/schema';
import { boardAccess, can } from '../policy';
import { SHAPES } from './shapes';
import { NotFound } from '../commands/errors';

// The gate in front of every shape request (built-in, fast path and Electric proxy alike), run
// before the request reaches either: 401 without credentials, 403 unless the user may read the
// shape's board. A board or task that does not exist passes on to the shape route's 404 (as a
// deleted board's followers need); ids are random uuids, so that tells a guesser nothing useful. A request it lets through is remembered under its
// (user, board) so a revoked membership can end it (sync/live-requests.ts).

const PREFIX = '/api/shapes/';

export interface ShapeGrant {
  actor: UserActor;
  /** The board the shape belongs to; undefined for the user's own memberships (user=me). */
  boardId?: string;
}

export type Refusal = { status: number; title: string; detail: string };

export function shapeGate(deps: { db: Kysely<Database>; resolve: ResolveActor }) {
  const check = shapeCheck(deps);
  return async (req: IncomingMessage): Promise<ShapeGrant | Refusal> => {
    const { verdict, url } = await check(req.headers, req.url!);
    // Rewritten in place (user=me): both the fast path and Express read req.url after this.
    req.url = url;
    return verdict;
  };
}

/** The gate's decision for a shape URL asked with these headers, and the URL to serve. */
export function shapeCheck(deps: { db: Kysely<Database>; resolve: ResolveActor }) {
  return async (
    headers: IncomingHttpHeaders,
    url: string,
  ): Promise<{ verdict: ShapeGrant | Refusal; url: string }> => {
    const actor = await deps.resolve(headers);
    if (!actor)
      return { verdict: { status: 401, title: 'Sign-in required', detail: 'sign in to read shapes' }, url };
    const q = url.indexOf('?');
    const name = url.slice(PREFIX.length, q < 0 ? undefined : q);
    const query = q < 0 ? {} : parseQuery(url.slice(q + 1));
    const pass = { verdict: { actor }, url };
    if (!Object.hasOwn(SHAPES, name)) return pass; // the shape route answers 404
    if (query.user !== undefined) {
      if (name !== 'members' || query.user !== 'me')
        return { verdict: forbidden('only your own memberships: members?user=me'), url };
      return { verdict: { actor }, url: `${url.slice(0, q)}?${stringify({ ...query, user: actor.userId })}` };
    }
    const [kind, raw] =
      query.board !== undefined
        ? (['board', query.board] as const)
        : query.task !== undefined
          ? (['task', query.task] as const)
          : ([undefined, undefined] as const);
    if (!kind) return pass; // the shape route answers 400 (no scope)
    const id = Id.safeParse(raw);
    if (!id.success) return pass; // 400 from the route
    const resource = await boardAccess(deps.db, actor, kind, id.data.toLowerCase()).catch((err: unknown) => {
      if (err instanceof NotFound) return undefined;
      throw err;
    });
    // A board or task that does not exist (or no longer does) is the shape route's 404.
    if (!resource) return pass;
    if (!can(actor, 'read', resource))
      return { verdict: forbidden('you are not a member of this board'), url };
    return { verdict: { actor, boardId: resource.boardId }, url };
  };
}

const forbidden = (detail: string): Refusal => ({ status: 403, title: 'Forbidden', detail });

export const isShapeRequest = (req: IncomingMessage) => req.url?.startsWith(PREFIX) === true;

export const AUTHORIZE_PATH = '/api/shapes/authorize';
export const isAuthorizeRequest = (req: IncomingMessage) =>
  req.url === AUTHORIZE_PATH || req.url?.startsWith(`${AUTHORIZE_PATH}?`) === true;

export function isRefusal(g: ShapeGrant | Refusal): g is Refusal {
  return 'status' in g;
}

export function refuse(res: ServerResponse, r: Refusal) {
  const type =
    r.status === 401
      ? '/problems/unauthenticated'
      : r.status === 403
        ? '/problems/forbidden'
        : r.status === 405
          ? '/problems/method-not-allowed'
          : '/problems/unavailable';
  res.writeHead(r.status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ type, title: r.title, status: r.status, detail: r.detail }));
}
