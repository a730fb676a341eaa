import { describe, expect, it } from 'vitest';
import { activityText, parseTimestamp, type Names } from './activity-text';

const names: Names = {
  column: (id) => ({ c1: 'Todo', c2: 'Done' })[id],
  label: (id) => ({ l1: 'Bug' })[id],
  member: (id) => ({ u1: 'Ada' })[id],
};
const say = (kind: string, data: Record<string, unknown> = {}, actor_name: string | null = 'Ada') =>
  activityText({ kind: kind as never, data, actor_name }, names);

describe('activity sentences', () => {
  it('says who did what for every kind', () => {
    expect(say('created', { columnId: 'c1' })).toBe('Ada created the card in Todo');
    expect(say('moved', { fromColumnId: 'c1', toColumnId: 'c2' })).toBe(
      'Ada moved the card from Todo to Done',
    );
    expect(say('moved', { fromColumnId: 'c9', toColumnId: 'c2' })).toBe(
      'Ada moved the card from another board to Done',
    );
    expect(say('edited', { fields: ['title', 'priority'], title: 'New' })).toBe(
      'Ada edited the title, priority (now “New”)',
    );
    expect(say('assigned', { assigneeIds: ['u1'] })).toBe('Ada set the assignees: Ada');
    expect(say('labelled', { labelIds: ['l1', 'l9'] })).toBe('Ada set the labels: Bug, a deleted label');
    expect(say('labelled', { labelIds: [] })).toBe('Ada set the labels: none');
    expect(say('due', { dueDate: '2026-12-31' })).toBe('Ada set the due date to 2026-12-31');
    expect(say('due', { dueDate: null })).toBe('Ada cleared the due date');
    expect(say('archived')).toBe('Ada archived the card');
    expect(say('restored')).toBe('Ada restored the card');
    expect(say('archived', { columnId: 'c1' })).toBe('Ada archived the column Todo, and the card with it');
    expect(say('restored', { columnId: 'c1' })).toBe('Ada restored the column Todo, and the card with it');
    expect(say('asked')).toBe('Ada asked the agent');
    expect(say('agent-replied', { status: 'completed' }, null)).toBe('The agent replied');
    expect(say('agent-replied', { status: 'failed' }, null)).toBe("The agent's reply ended failed");
  });
});

it('reads Postgres timestamps', () => {
  expect(parseTimestamp('2026-12-02 01:42:34.5+00').toISOString()).toBe('2026-12-02T01:42:34.500Z');
  expect(parseTimestamp('2026-12-02T01:42:34.500Z').toISOString()).toBe('2026-12-02T01:42:34.500Z');
});
