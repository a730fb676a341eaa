import type { z } from 'zod';
import { badRequest } from './problem';

type FieldError = { path: string; message: string };

/** Parses with a shared zod schema; a failure is a 400 naming every failing field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  const errors = result.success
    ? unstorableText(result.data, [where])
    : result.error.issues.slice(0, 20).map((i) => ({
        path: [where, ...i.path.map(String)].join('.'),
        message: i.message,
      }));
  if (!errors.length) return result.data as z.infer<S>;
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  throw badRequest(`${first.path}: ${first.message}${more}`, errors);
}

// JSON may carry text Postgres cannot store: NUL is refused by text and jsonb, and a lone
// UTF-16 surrogate would be silently turned into U+FFFD by the driver. Both are user mistakes.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string in a validated value (schemas bound its depth) that Postgres cannot store as given. */
function unstorableText(value: unknown, path: string[]): FieldError[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      return [{ path: path.join('.'), message: 'must not contain NUL (\\u0000)' }];
    if (LONE_SURROGATE.test(value))
      return [{ path: path.join('.'), message: 'must be valid Unicode (lone surrogate)' }];
    return [];
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => unstorableText(v, [...path, k]));
}
