import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../collections/types';
import { pickVersions } from './versions';

const row = (id: string, seq: number, role: 'user' | 'assistant', parent_id: string | null = null) =>
  ({ id, seq: String(seq), role, parent_id, status: 'completed' }) as MessageRow;

describe('reply versions', () => {
  const rows = [row('u1', 1, 'user'), row('a1', 2, 'assistant', 'u1'), row('a1b', 3, 'assistant', 'u1')];

  it('shows the newest version in the place of the first, numbered', () => {
    const { shown, versions, newestId } = pickVersions(rows, new Map());
    expect(shown.map((m) => m.id)).toEqual(['u1', 'a1b']);
    expect(versions.get('a1b')).toEqual({ index: 2, count: 2, ids: ['a1', 'a1b'] });
    expect(newestId).toBe('a1b');
  });

  it('shows the version the reader picked', () => {
    const { shown, versions } = pickVersions(rows, new Map([['u1', 'a1']]));
    expect(shown.map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(versions.get('a1')?.index).toBe(1);
  });

  it('keeps later exchanges after the versions and knows the newest reply', () => {
    const more = [...rows, row('u2', 4, 'user'), row('a2', 5, 'assistant', 'u2')];
    const { shown, versions, newestId } = pickVersions(more, new Map());
    expect(shown.map((m) => m.id)).toEqual(['u1', 'a1b', 'u2', 'a2']);
    expect(versions.has('a2')).toBe(false);
    expect(newestId).toBe('a2');
  });
});
