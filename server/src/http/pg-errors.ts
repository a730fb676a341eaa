import pg from 'pg';
import type { FieldError } from '../commands/errors';
import { HttpError } from './problem';

// Postgres errors a user's input can cause, in OUR words. Postgres' message, detail, hint,
// constraint, column and the values it quotes never reach a client: they can leak data (the
// other row of a unique violation) and schema, and they are not sentences a user can act on.
// Classes decided (SQLSTATE, Appendix A of the Postgres manual):
//   22 data exception: always caused by a value → 400 (specific sentences below, else the class one)
//   23 integrity: duplicate / dangling / still-referenced → 409; missing or rule-breaking value → 400
//   40 transaction rollback (serialization, deadlock): a concurrent change won → 409, retry
//   54 program limit (value too large, nested too deep, too many arguments) → 400
// Everything else (42 syntax and undefined objects, incl. 42P18, 53 resources, XX internal) is a
// fault of ours and stays a 500; 08/57 are connection losses, answered 503 elsewhere.

type Row = [status: number, code: string, title: string, detail: string];

const INVALID = (detail: string): Row => [400, 'invalid-value', 'Invalid value', detail];
const CONFLICT = (detail: string): Row => [409, 'conflict', 'Conflict', detail];

const BY_CODE: Record<string, Row> = {
  '22001': INVALID('a text value is longer than allowed'),
  '22003': INVALID('a number is out of range'),
  '22004': INVALID('a required value is missing'),
  '22007': INVALID('a date or time is not in a valid format'),
  '22008': INVALID('a date or time is out of range'),
  '22012': INVALID('a value would divide by zero'),
  '22015': INVALID('an interval is out of range'),
  '22018': INVALID('a value cannot be converted to the type of its field'),
  '22021': INVALID('a text contains characters that cannot be stored (NUL or invalid UTF-8)'),
  '22023': INVALID('a parameter value is not valid'),
  '22025': INVALID('a search pattern has an invalid escape sequence'),
  '2201B': INVALID('a pattern is not a valid regular expression'),
  '2201W': INVALID('the limit is out of range'),
  '2201X': INVALID('the offset is out of range'),
  '22P02': INVALID('a value does not have the format of its field (for example an id that is not a UUID)'),
  '22P05': INVALID('a text contains characters that cannot be stored (NUL or invalid UTF-8)'),
  '23001': CONFLICT('the row is still referenced by others and cannot be removed'),
  '23502': INVALID('a required value is missing'),
  '23503': CONFLICT('the change refers to something that does not exist (any more)'),
  '23505': CONFLICT('the change clashes with an existing row'),
  '23514': INVALID('a value breaks a rule of its field'),
  '23P01': CONFLICT('the change overlaps an existing row'),
  '40001': CONFLICT('a concurrent change got there first; try again'),
  '40P01': CONFLICT('a concurrent change got there first; try again'),
  '54000': INVALID('a value is too large to store'),
  '54001': INVALID('a value is nested too deeply or is too complex'),
};

const BY_CLASS: Record<string, Row> = {
  '22': INVALID('a value is not valid for its field'),
  '23': CONFLICT('the change breaks a data rule'),
  '54': INVALID('the request exceeds a limit of the database'),
};

// CHECK constraints (named by Postgres as <table>_<column>_check) whose rule we can say as a
// field message; the zod schemas normally refuse these first, so this is the safety net.
const CHECKS: Record<string, FieldError> = {
  boards_name_check: { path: 'body.name', message: 'must be 1 to 200 characters' },
  boards_settings_check: { path: 'body.settings', message: 'must be an object' },
  columns_name_check: { path: 'body.name', message: 'must be 1 to 100 characters' },
  tasks_title_check: { path: 'body.title', message: 'must be 1 to 500 characters' },
  tasks_description_check: { path: 'body.description', message: 'must be at most 20000 characters' },
  tasks_model_check: { path: 'body.model', message: 'must be 1 to 200 characters' },
  messages_content_check: { path: 'body.content', message: 'is longer than a message can be' },
};

/** The Postgres error behind `err`, if it is one (pipelined transactions wrap it). */
function databaseError(err: unknown): pg.DatabaseError | undefined {
  if (err instanceof pg.DatabaseError) return err;
  const first = (err as { first?: unknown } | null)?.first;
  return first instanceof pg.DatabaseError ? first : undefined;
}

/** A 4xx in our words for a Postgres error a user can cause; undefined for anything else. */
export function pgProblem(err: unknown): HttpError | undefined {
  const e = databaseError(err);
  const sqlstate = e?.code;
  if (!e || !sqlstate) return undefined;
  const row = BY_CODE[sqlstate] ?? BY_CLASS[sqlstate.slice(0, 2)];
  if (!row) return undefined;
  const field = sqlstate === '23514' && e.constraint ? CHECKS[e.constraint] : undefined;
  const [status, code, title, detail] = row;
  return field
    ? new HttpError(status, code, title, `${field.path}: ${field.message}`, [field])
    : new HttpError(status, code, title, detail);
}
