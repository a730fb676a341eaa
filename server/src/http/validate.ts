import type { z } from 'zod';
import { badRequest } from './problem';

/** Parses with a shared zod schema; a failure is a 400 naming every failing field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.slice(0, 20).map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return badRequestThrow(`${first.path}: ${first.message}${more}`, errors);
}

function badRequestThrow(detail: string, errors: { path: string; message: string }[]): never {
  throw badRequest(detail, errors);
}
