import type { RequestHandler, Response } from 'express';
import type { Actor, ResolveActor, UserActor } from '../auth/actor';
import { Unauthenticated } from '../commands/errors';

// The edge resolves who is asking once per request (session cookie or API key) and hands it to
// the commands, which authorize it (policy/). Routes without an actor never reach a command.

/** Requires a signed-in user (cookie) or an API key; 401 problem otherwise. */
export function authenticate(resolve: ResolveActor): RequestHandler {
  return (req, res, next) => {
    resolve(req.headers).then(
      (actor) => {
        if (!actor) return next(new Unauthenticated());
        res.locals.actor = actor;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

export function actorOf(res: Response): UserActor {
  const actor = res.locals.actor as UserActor | undefined;
  if (!actor) throw new Unauthenticated();
  return actor;
}

/** Command deps for this request: the route's deps plus the request's actor. */
export function as<D extends object>(deps: D, res: Response): D & { actor: Actor } {
  return { ...deps, actor: actorOf(res) };
}
