import type { Problem } from '@kanban/shared';

/** An error that is a value: it becomes an RFC 9457 problem body with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: Problem['errors'],
  ) {
    super(detail);
  }

  toProblem(): Problem {
    return {
      type: `/problems/${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

// Refusals of the HTTP edge itself (parsing, protocol); commands throw commands/errors.ts instead.
export const badRequest = (detail: string, errors?: Problem['errors']) =>
  new HttpError(400, 'validation-error', 'Invalid request', detail, errors);

/** For the shape routes, which answer HTTP themselves; commands throw NotFound (commands/errors.ts). */
export const notFound = (what: string, id: string) =>
  new HttpError(404, 'not-found', 'Not found', `${what} ${id} does not exist`);
