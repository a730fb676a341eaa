import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Conflict, Invalid, NotFound } from '../commands/errors';
import { PipelineError } from '../commands/message-pipeline';
import { toHttpError } from './error-handler';

// The edge's mapping: domain errors to their statuses, Postgres errors to 4xx sentences of our
// own. The Postgres errors are the driver's own DatabaseError class, filled as the server does.

function dbError(code: string, extra: Partial<pg.DatabaseError> = {}) {
  const e = new pg.DatabaseError(`SECRET-MESSAGE value "hunter2" for ${code}`, 0, 'error');
  Object.assign(e, {
    code,
    severity: 'ERROR',
    detail: 'Key (id)=(hunter2) already exists.',
    hint: 'SECRET-HINT',
    table: 'secret_table',
    column: 'secret_column',
    constraint: 'secret_constraint',
    schema: 'secret_schema',
    ...extra,
  });
  return e;
}

const LEAKS = /SECRET|hunter2|secret_|Key \(|already exists/;

describe('toHttpError', () => {
  it.each([
    [new NotFound('task', 'abc'), 404, '/problems/not-found'],
    [new Conflict('the reply already ended'), 409, '/problems/conflict'],
    [new Invalid('placement: beforeId comes before afterId'), 400, '/problems/validation-error'],
  ])('maps the domain error %s', (err, status, type) => {
    const p = toHttpError(err)?.toProblem();
    expect(p).toMatchObject({ status, type, detail: err.detail });
  });

  // Every SQLSTATE a user's value can cause, with the status it gets.
  it.each([
    ['22001', 400],
    ['22003', 400],
    ['22007', 400],
    ['22008', 400],
    ['22021', 400],
    ['22023', 400],
    ['22P02', 400],
    ['22P05', 400],
    ['2201W', 400],
    ['2201X', 400],
    ['2203A', 400], // class 22 without a sentence of its own
    ['23001', 409],
    ['23502', 400],
    ['23503', 409],
    ['23505', 409],
    ['23514', 400],
    ['23P01', 409],
    ['40001', 409],
    ['40P01', 409],
    ['54000', 400],
    ['54001', 400],
    ['54023', 400], // class 54 fallback
  ])('answers SQLSTATE %s with %d and none of the database text', (code, status) => {
    const p = toHttpError(dbError(code))?.toProblem();
    expect(p?.status).toBe(status);
    expect(p?.detail).toMatch(/^[a-z]/);
    expect(JSON.stringify(p)).not.toMatch(LEAKS);
  });

  it('sees through a pipelined transaction to its first statement error', () => {
    const err = new PipelineError(dbError('23505'), []);
    expect(toHttpError(err)?.status).toBe(409);
  });

  it('names the field of a known CHECK constraint in our words', () => {
    const p = toHttpError(dbError('23514', { constraint: 'tasks_title_check' }))?.toProblem();
    expect(p).toMatchObject({ status: 400, errors: [{ path: 'body.title' }] });
    expect(JSON.stringify(p)).not.toMatch(LEAKS);
  });

  it.each(['42P18', '42703', '53100', 'XX000', '08006'])('leaves %s to the 500 (or 503) paths', (code) => {
    expect(toHttpError(dbError(code))).toBeUndefined();
  });

  it('does not mistake a system error code for a SQLSTATE', () => {
    expect(toHttpError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBeUndefined();
  });

  it("does not echo another library's 4xx message", () => {
    const p = toHttpError(Object.assign(new Error('SECRET-MESSAGE'), { status: 400 }))?.toProblem();
    expect(p?.status).toBe(400);
    expect(JSON.stringify(p)).not.toMatch(LEAKS);
  });
});
