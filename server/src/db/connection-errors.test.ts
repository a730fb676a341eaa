import { expect, it } from 'vitest';
import { isConnectionError } from './connection-errors';

it('treats lost or refused connections as unavailability, query errors not', () => {
  const yes = [
    { code: '57P01', message: 'terminating connection due to administrator command' },
    { code: '57P03', message: 'the database system is starting up' },
    { code: '08006', message: 'connection failure' },
    { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Connection terminated due to connection timeout'),
    Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {}),
    new Error('wrapped', { cause: { code: 'ECONNRESET' } }),
  ];
  const no = [
    { code: '23505', message: 'duplicate key value violates unique constraint' },
    { code: '22P02', message: 'invalid input syntax for type uuid' },
    new Error('something else'),
    'ECONNREFUSED',
    null,
  ];
  expect(yes.map((e) => isConnectionError(e))).toEqual(yes.map(() => true));
  expect(no.map((e) => isConnectionError(e))).toEqual(no.map(() => false));
});
