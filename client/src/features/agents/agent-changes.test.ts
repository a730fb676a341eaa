import { describe, expect, it } from 'vitest';
import { agentChange } from './agent-changes';
import { agentBody, draftOf, parseBudget } from './agent-form';
import type { MessageRow, TaskRow } from '../../collections/types';
import type { AgentRow } from './types';

const task = (over: Partial<TaskRow> = {}): TaskRow => ({
  id: 't1',
  board_id: 'b',
  column_id: 'c1',
  title: 'Write docs',
  description: '',
  position: 'a0',
  priority: 'none',
  model: null,
  agent_status: 'idle',
  agent_status_message: null,
  updated_by: 'u1',
  created_by: 'u1',
  created_at: '2026-12-01T10:00:00.000Z',
  updated_at: '2026-12-01T10:00:00.000Z',
  ...over,
});
const agent = (id: string, name: string): AgentRow =>
  ({ id, name, handle: name.toLowerCase(), is_default: false, color: '#2357c6' }) as AgentRow;
const agents = [agent('ag1', 'Planner'), agent('ag2', 'Writer')];
const reply = (over: Partial<MessageRow>): MessageRow =>
  ({
    id: 'm',
    role: 'assistant',
    status: 'executing',
    task_id: 't1',
    agent_id: 'ag1',
    ...over,
  }) as MessageRow;
const later = '2026-12-01T10:00:05.000Z';

describe('agentChange (who changed a card)', () => {
  it("names the working agent for a move with no person's id", () => {
    const moved = task({ column_id: 'c2', updated_by: null, updated_at: later });
    expect(agentChange(task(), moved, agents, [reply({})])).toBe('Planner');
  });
  it("names the parent's agent for a subtask it created, and the row's own agent id first", () => {
    const sub = task({ id: 't9', parent_id: 't1', created_by: null });
    expect(agentChange(undefined, sub, agents, [reply({ agent_id: 'ag2' })])).toBe('Writer');
    const named = task({ title: 'x', updated_by: 'ag1', updated_at: later });
    expect(agentChange(task(), named, agents, [])).toBe('Planner');
  });
  it('is quiet for a person, an optimistic write, a status-only change and a system write', () => {
    const open = [reply({})];
    expect(
      agentChange(task(), task({ title: 'New', updated_by: 'u2', updated_at: later }), agents, open),
    ).toBeUndefined();
    // optimistic: content changed but the server's updated_at did not
    expect(
      agentChange(task({ updated_by: null }), task({ title: 'New', updated_by: null }), agents, open),
    ).toBeUndefined();
    expect(
      agentChange(
        task(),
        task({ agent_status: 'executing' as TaskRow['agent_status'], updated_by: null, updated_at: later }),
        agents,
        open,
      ),
    ).toBeUndefined();
    expect(
      agentChange(task(), task({ title: 'New', updated_by: null, updated_at: later }), agents, []),
    ).toBeUndefined();
    // a new card of this browser (optimistic: no created_by yet)
    expect(agentChange(undefined, task({ created_by: undefined }), agents, open)).toBeUndefined();
  });
  it('says "An agent" when the working replies do not tell which', () => {
    const open = [reply({ task_id: 'x', agent_id: 'ag1' }), reply({ task_id: 'y', agent_id: 'ag2' })];
    expect(
      agentChange(task(), task({ priority: 'high', updated_by: null, updated_at: later }), agents, open),
    ).toBe('An agent');
  });
});

describe('agent form', () => {
  it('builds the body from a valid draft', () => {
    const d = {
      ...draftOf(),
      name: ' Planner ',
      handle: 'planner',
      temperature: '0.3',
      tools: { move_task: 'ask' as const },
    };
    expect(agentBody(d)).toEqual({
      ok: true,
      body: {
        name: 'Planner',
        handle: 'planner',
        model: null,
        systemPrompt: '',
        temperature: 0.3,
        maxRounds: 8,
        color: '#2357c6',
        tools: { move_task: 'ask' },
      },
    });
  });
  it('says which fields are wrong and sends nothing', () => {
    const r = agentBody(
      { ...draftOf(), name: '', handle: 'Bad Handle', temperature: '3', maxRounds: '0', color: 'red' },
      [],
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['color', 'handle', 'maxRounds', 'name', 'temperature']);
    expect(agentBody({ ...draftOf(), name: 'A', handle: 'planner' }, ['planner'])).toMatchObject({
      ok: false,
      errors: { handle: '@planner is taken on this board.' },
    });
    expect(agentBody({ ...draftOf(), name: 'A', handle: 'all' })).toMatchObject({ ok: false });
  });
  it('reads budgets in dollars, empty as no cap', () => {
    expect(parseBudget('')).toEqual({ ok: true, value: null });
    expect(parseBudget('$5')).toEqual({ ok: true, value: 5 });
    expect(parseBudget('2.499')).toEqual({ ok: true, value: 2.5 });
    expect(parseBudget('-1')).toMatchObject({ ok: false });
    expect(parseBudget('lots')).toMatchObject({ ok: false });
  });
});
