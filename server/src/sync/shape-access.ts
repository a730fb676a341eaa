import type { IncomingMessage, ServerResponse } from 'node:http';
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
// (user, board) so a revoked membership can end it (sync/revocation.ts).

const PREFIX = '/api/shapes/';

export interface ShapeGrant {
  actor: UserActor;
  /** The board the shape belongs to; undefined for the user's own memberships (user=me). */
  boardId?: string;
}

type Refusal = { status: number; title: string; detail: string };

export function shapeGate(deps: { db: Kysely<Database>; resolve: ResolveActor }) {
  return async (req: IncomingMessage): Promise<ShapeGrant | Refusal> => {
    const actor = await deps.resolve(req.headers);
    if (!actor) return { status: 401, title: 'Sign-in required', detail: 'sign in to read shapes' };
    const url = req.url!;
    const q = url.indexOf('?');
    const name = url.slice(PREFIX.length, q < 0 ? undefined : q);
    const query = q < 0 ? {} : parseQuery(url.slice(q + 1));
    if (!Object.hasOwn(SHAPES, name)) return { actor }; // the shape route answers 404
    if (query.user !== undefined) {
      if (name !== 'members' || query.user !== 'me')
        return forbidden('only your own memberships: members?user=me');
      // Rewritten in place: both the fast path and Express read req.url after this.
      req.url = `${url.slice(0, q)}?${stringify({ ...query, user: actor.userId })}`;
      return { actor };
    }
    const [kind, raw] =
      query.board !== undefined
        ? (['board', query.board] as const)
        : query.task !== undefined
          ? (['task', query.task] as const)
          : ([undefined, undefined] as const);
    if (!kind) return { actor }; // the shape route answers 400 (no scope)
    const id = Id.safeParse(raw);
    if (!id.success) return { actor }; // 400 from the route
    const resource = await boardAccess(deps.db, actor, kind, id.data.toLowerCase()).catch((err: unknown) => {
      if (err instanceof NotFound) return undefined;
      throw err;
    });
    // A board or task that does not exist (or no longer does) is the shape route's 404.
    if (!resource) return { actor };
    if (!can(actor, 'read', resource)) return forbidden('you are not a member of this board');
    return { actor, boardId: resource.boardId };
  };
}

const forbidden = (detail: string): Refusal => ({ status: 403, title: 'Forbidden', detail });

export const isShapeRequest = (req: IncomingMessage) => req.url?.startsWith(PREFIX) === true;

export function isRefusal(g: ShapeGrant | Refusal): g is Refusal {
  return 'status' in g;
}

export function refuse(res: ServerResponse, r: Refusal) {
  const type =
    r.status === 401
      ? '/problems/unauthenticated'
      : r.status === 403
        ? '/problems/forbidden'
        : '/problems/unavailable';
  res.writeHead(r.status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ type, title: r.title, status: r.status, detail: r.detail }));
}
