import type { Request } from 'express';
import { Id, UserId } from '@kanban/shared';
import { HttpError } from '../http/problem';
import { parse } from '../http/validate';
import type { ShapeParent } from './parent';
import type { ShapeDef } from './registry';

// The shapes the app serves. The route, never the client, decides table, filter and columns;
// the client only names a shape and the id it is scoped to.

interface Scope {
  /** The filtered column. */
  column: string;
  /** The table the id must exist in for the shape to be created (else 404). */
  parent: ShapeParent['table'];
}

interface NamedShape {
  table: string;
  /** Query parameter → scope; exactly one must be given. None: the whole table. */
  scopes: Record<string, Scope>;
}

// Every shape is scoped, so access is one membership check (sync/shape-access.ts): a board (its
// row, columns, tasks, members, messages), a task (its messages), or `user=me`, the memberships of
// the signed-in user, which is how a client learns its list of boards. The access gate rewrites
// `user=me` to the user's id before the shape is resolved, so each user has a shape of their own.
const board: Scope = { column: 'board_id', parent: 'boards' };
export const SHAPES: Record<string, NamedShape> = {
  boards: { table: 'boards', scopes: { board: { column: 'id', parent: 'boards' } } },
  columns: { table: 'columns', scopes: { board } },
  tasks: { table: 'tasks', scopes: { board } },
  messages: { table: 'messages', scopes: { task: { column: 'task_id', parent: 'tasks' }, board } },
  agents: { table: 'agents', scopes: { board } },
  tool_calls: { table: 'tool_calls', scopes: { task: { column: 'task_id', parent: 'tasks' }, board } },
  members: { table: 'board_members', scopes: { board, user: { column: 'user_id', parent: 'user' } } },
  labels: { table: 'labels', scopes: { board } },
  activity: { table: 'task_activity', scopes: { task: { column: 'task_id', parent: 'tasks' } } },
};

/** The definition behind `/api/shapes/:shape?<scope>=<id>`; 404 unknown shape, 400 bad scope. */
export function namedShape(name: string, query: Request['query']): ShapeDef {
  const shape = Object.hasOwn(SHAPES, name) ? SHAPES[name] : undefined;
  if (!shape) throw new HttpError(404, 'not-found', 'Not found', `there is no shape named "${name}"`);
  const names = Object.keys(shape.scopes);
  if (names.length === 0) return { schema: 'public', table: shape.table };
  const given = names.filter((n) => query[n] !== undefined);
  if (given.length !== 1) {
    const wanted = names.map((n) => `${n}=<id>`).join(' or ');
    throw new HttpError(
      400,
      'validation-error',
      'Invalid request',
      `the ${name} shape needs exactly one of ${wanted}`,
    );
  }
  const scope = given[0]!;
  // Lower-cased: the stream carries uuids in Postgres' canonical text form.
  const id =
    scope === 'user'
      ? parse(UserId, query[scope], `query.${scope}`)
      : parse(Id, query[scope], `query.${scope}`).toLowerCase();
  const { column, parent } = shape.scopes[scope]!;
  return {
    schema: 'public',
    table: shape.table,
    where: { column, value: id },
    parent: { table: parent, id, what: scope },
  };
}

/** The query parameters that define a named shape, so they are not mistaken for protocol ones. */
export function scopeParams(name: string): string[] {
  return Object.hasOwn(SHAPES, name) ? Object.keys(SHAPES[name]!.scopes) : [];
}
