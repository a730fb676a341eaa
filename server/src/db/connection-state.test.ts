import pino from 'pino';
import { expect, it } from 'vitest';
import { createConnectionStates } from './connection-state';

it('logs each state change once, counts the retries in between, and forgets closed ones', () => {
  const lines: { msg: string; connection: string }[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  let now = 1000;
  const states = createConnectionStates(log, () => now);
  states.up('kanban');
  for (let i = 0; i < 5; i++)
    states.down('kanban', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
  expect(states.snapshot().kanban).toEqual({
    status: 'down',
    since: 1000,
    error: 'ECONNREFUSED: refused',
    failures: 4,
  });
  expect(states.allUp()).toBe(false);
  now = 3000;
  states.up('kanban');
  states.up('kanban');
  expect(states.snapshot().kanban).toEqual({ status: 'up', since: 3000 });
  expect(lines.map((l) => l.msg)).toEqual([
    'connection up',
    'connection lost; reconnecting',
    'connection back',
  ]);
  states.down('kanban-control');
  states.forget('kanban-control');
  expect(Object.keys(states.snapshot())).toEqual(['kanban']);
  expect(states.allUp()).toBe(true);
});
