import type { Actor } from '../auth/actor';
import { Forbidden, NotFound } from '../commands/errors';
import { ALLOWED, type Action, type Role } from './roles';
import { boardAccess } from './access';

export { ACTIONS, ROLES, type Action, type Role } from './roles';
export { boardAccess, roleOn, type BoardAccess, type Kind } from './access';

/**
 * A board-scoped thing as the policy sees it: what it is, its id, and the actor's role on its
 * board (null: not a member).
 */
export interface Resource {
  kind: 'board' | 'column' | 'task' | 'message' | 'label' | 'agent';
  id: string;
  boardId: string;
  role: Role | null;
}

/** What an agent may do on its own board (never members, settings or deleting it). */
const AGENT_ACTIONS = new Set<Action>(['read', 'write', 'chat']);

/** Whether `actor` may do `action` to `resource`; the system actor may do anything. */
export function can(actor: Actor, action: Action, resource: Resource): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'agent') return resource.boardId === actor.boardId && AGENT_ACTIONS.has(action);
  return resource.role !== null && ALLOWED[action].includes(resource.role);
}

/**
 * Throws unless `can`: a non-member gets NotFound (the same answer as for an id that does not
 * exist, so ids leak nothing), a member without the right gets Forbidden.
 */
export function authorize(actor: Actor, action: Action, resource: Resource): void {
  if (can(actor, action, resource)) return;
  if (resource.role === null || actor.kind === 'agent') throw new NotFound(resource.kind, resource.id);
  throw new Forbidden(`a board ${resource.role} may not ${describe[action]}`);
}

const describe: Record<Action, string> = {
  read: 'read this board',
  write: 'change this board',
  chat: 'chat on this board',
  'manage-members': "manage this board's members",
  'manage-settings': "change this board's settings",
  delete: 'delete this board',
};

/** Loads the resource and authorizes in one step; answers the resource (its board id). */
export async function check(
  db: Parameters<typeof boardAccess>[0],
  actor: Actor,
  action: Action,
  kind: Resource['kind'],
  id: string,
): Promise<Resource> {
  const resource = await boardAccess(db, actor, kind, id);
  authorize(actor, action, resource);
  return resource;
}
