import { describe, expect, it } from 'vitest';
import { formatRoute, parseHash } from './route';

const board = '6f1c2a9e-0000-4000-8000-000000000001';
const task = '6f1c2a9e-0000-4000-8000-000000000002';

describe('route', () => {
  it('reads a board and a task from the hash', () => {
    expect(parseHash(`#/b/${board}`)).toEqual({ boardId: board });
    expect(parseHash(`#/b/${board}/t/${task}`)).toEqual({ boardId: board, taskId: task });
  });

  it('reads nothing from an address it does not know', () => {
    expect(parseHash('')).toEqual({});
    expect(parseHash('#/')).toEqual({});
    expect(parseHash(`#/b/${board}/x/${task}`)).toEqual({});
  });

  it('writes what it reads', () => {
    for (const r of [{}, { boardId: board }, { boardId: board, taskId: task }])
      expect(parseHash(formatRoute(r))).toEqual(r);
  });
});
