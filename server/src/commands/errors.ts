// What a command can refuse, as values of the domain: no HTTP status here. The HTTP edge
// (http/error-handler.ts) maps each kind to a problem answer; a socket or job caller may map
// them otherwise. `detail` is a sentence a person can act on; it never carries database text.

export type FieldError = { path: string; message: string };

export abstract class DomainError extends Error {
  abstract readonly kind: 'not-found' | 'conflict' | 'invalid' | 'unauthenticated' | 'forbidden' | 'gone';
  constructor(
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }
}

/** The thing named does not exist (or no longer does). */
export class NotFound extends DomainError {
  readonly kind = 'not-found';
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`);
  }
}

/** The request is well formed but clashes with the current state (taken id, ended reply, …). */
export class Conflict extends DomainError {
  readonly kind = 'conflict';
}

/** The input itself is wrong in a way only the command can see (another board's column, …). */
export class Invalid extends DomainError {
  readonly kind = 'invalid';
}

/** Nobody is signed in (no session, no valid API key). */
export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(detail = 'sign in, or send an API key as Authorization: Bearer <key>') {
    super(detail);
  }
}

/** The actor is known and may see the thing, but not do this to it (a viewer editing, …). */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}

/** The thing existed but is no longer usable (an expired or revoked invite). */
export class Gone extends DomainError {
  readonly kind = 'gone';
}
