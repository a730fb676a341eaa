import { describe, expect, it } from 'vitest';
import { doneColumnId, subtaskCounts } from './subtasks';

const columns = [
  { id: 'todo', position: 'a0' },
  { id: 'done', position: 'a2' },
  { id: 'doing', position: 'a1' },
  { id: 'old', position: 'a9', archived_at: '2026-01-01' },
];

describe('subtask counts', () => {
  it('the last live column is done', () => {
    expect(doneColumnId(columns)).toBe('done');
    expect(doneColumnId([])).toBeUndefined();
  });

  it('counts subtasks per parent, done = in the last column, archived ones left out', () => {
    const tasks = [
      { id: 'p', column_id: 'todo', parent_id: null },
      { id: 's1', column_id: 'done', parent_id: 'p' },
      { id: 's2', column_id: 'doing', parent_id: 'p' },
      { id: 's3', column_id: 'done', parent_id: 'p' },
      { id: 's4', column_id: 'done', parent_id: 'p', archived_at: '2026-01-01' },
      { id: 's5', column_id: 'old', parent_id: 'p' },
      { id: 'q1', column_id: 'todo', parent_id: 's1' },
    ];
    const counts = subtaskCounts(tasks, columns);
    expect(counts.get('p')).toEqual({ done: 2, total: 4 });
    expect(counts.get('s1')).toEqual({ done: 0, total: 1 });
    expect(counts.has('q1')).toBe(false);
  });
});
