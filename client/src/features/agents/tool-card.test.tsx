import { describe, expect, it } from 'vitest';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { ToolCallCard } from './ToolCallCard';
import { parseArguments, toolCardView } from './tool-card-state';
import { upsertToolCall } from './tool-calls';
import type { ToolCall } from './types';

const call = (over: Partial<ToolCall> = {}): ToolCall => ({
  id: '00000000-0000-4000-8000-0000000000c1',
  board_id: 'b',
  task_id: 't',
  message_id: 'm',
  agent_id: 'a',
  call_id: 'call_1',
  round: 1,
  name: 'move_task',
  arguments: { column: 'Done' },
  status: 'running',
  result_summary: null,
  error: null,
  decided_by: null,
  decided_by_name: null,
  decided_at: null,
  deny_reason: null,
  started_at: '2026-12-01T10:00:00.000Z',
  finished_at: null,
  created_at: '2026-12-01T10:00:00.000Z',
  ...over,
});

describe('tool card states', () => {
  it('running: no duration, no controls, closed', () => {
    expect(toolCardView(call(), true)).toEqual({
      label: 'running…',
      took: undefined,
      decide: false,
      waitingNote: undefined,
      decision: undefined,
      open: false,
    });
  });
  it('succeeded and failed carry the duration; a failure opens', () => {
    const done = call({
      status: 'succeeded',
      finished_at: '2026-12-01T10:00:01.200Z',
      result_summary: 'moved',
    });
    expect(toolCardView(done, true)).toMatchObject({ label: 'done', took: '1.2 s', open: false });
    expect(toolCardView({ ...done, status: 'failed' }, true)).toMatchObject({ label: 'failed', open: true });
  });
  it('waiting: an editor decides, a viewer is told to wait', () => {
    const w = call({ status: 'waiting' });
    expect(toolCardView(w, true)).toMatchObject({ decide: true, waitingNote: undefined, open: true });
    expect(toolCardView(w, false)).toMatchObject({
      decide: false,
      waitingNote: 'Waiting for an editor to approve or deny.',
    });
  });
  it('says who decided, and why a call was denied', () => {
    const by = { decided_by: 'u1', decided_by_name: 'Bea', decided_at: '2026-12-01T10:00:02.000Z' };
    expect(toolCardView(call({ ...by, status: 'succeeded' }), false).decision).toBe('Approved by Bea');
    expect(toolCardView(call({ ...by, status: 'denied', deny_reason: 'not now' }), false).decision).toBe(
      'Denied by Bea: not now',
    );
    expect(toolCardView(call({ ...by, status: 'waiting' }), true).decision).toBeUndefined();
  });
  it('takes only a JSON object as edited arguments', () => {
    expect(parseArguments('{"column":"Review"}')).toEqual({ ok: true, value: { column: 'Review' } });
    expect(parseArguments('[1]')).toEqual({
      ok: false,
      reason: 'Arguments must be a JSON object, not an array.',
    });
    expect(parseArguments('null')).toMatchObject({ ok: false, reason: expect.stringContaining('not null') });
    expect(parseArguments('"x"')).toMatchObject({ ok: false, reason: expect.stringContaining('not string') });
    expect(parseArguments('{oops')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not valid JSON'),
    });
  });
});

describe('upsertToolCall', () => {
  it('adds, replaces, keeps order, and never goes back to an earlier state', () => {
    const a = call({ id: 'a', status: 'waiting', created_at: '2026-12-01T10:00:00.000Z' });
    const b = call({ id: 'b', created_at: '2026-12-01T09:00:00.000Z' });
    let list = upsertToolCall([], a);
    list = upsertToolCall(list, b);
    expect(list.map((c) => c.id)).toEqual(['b', 'a']);
    list = upsertToolCall(list, { ...a, status: 'running' });
    list = upsertToolCall(list, { ...a, status: 'succeeded' });
    // a late GET answer with the older state does not undo the event
    list = upsertToolCall(list, { ...a, status: 'running' });
    expect(list.find((c) => c.id === 'a')?.status).toBe('succeeded');
  });
});

describe('ToolCallCard', () => {
  it('approves with edited arguments once they are valid JSON, and shows a refusal', async () => {
    const approved: unknown[] = [];
    const [c, setC] = createSignal(call({ status: 'waiting' }));
    const view = render(() => (
      <ToolCallCard
        call={c()}
        canDecide
        onApprove={(args) => {
          approved.push(args);
          return approved.length === 1
            ? Promise.reject(new Error('That tool call was already decided.'))
            : Promise.resolve();
        }}
        onDeny={() => Promise.resolve()}
      />
    ));
    expect(view.container.querySelector('details')?.open).toBe(true);
    fireEvent.click(view.getByText('Edit arguments'));
    const box = view.getByLabelText<HTMLTextAreaElement>('Edited arguments (JSON)');
    fireEvent.input(box, { target: { value: '[1, 2]' } });
    expect(view.getByRole('alert').textContent).toContain('not an array');
    expect(view.getByText<HTMLButtonElement>('Approve with these arguments').disabled).toBe(true);
    fireEvent.input(box, { target: { value: '{"column":"Review"}' } });
    fireEvent.click(view.getByText('Approve with these arguments'));
    await waitFor(() => expect(view.getByRole('alert').textContent).toContain('already decided'));
    fireEvent.click(view.getByText('Approve with these arguments'));
    await waitFor(() => expect(approved).toHaveLength(2));
    expect(approved).toEqual([{ column: 'Review' }, { column: 'Review' }]);
    // the live row moves on: the controls go, the decision shows
    setC(call({ status: 'succeeded', decided_by: 'u', decided_by_name: 'Bea', result_summary: 'moved' }));
    expect(view.queryByText('Approve')).toBeNull();
    expect(view.getByTestId('tool-decision').textContent).toBe('Approved by Bea');
  });

  it('denies with a reason; a viewer gets no buttons', async () => {
    const denied: (string | undefined)[] = [];
    const editor = render(() => (
      <ToolCallCard
        call={call({ status: 'waiting' })}
        canDecide
        onApprove={() => Promise.resolve()}
        onDeny={(r) => Promise.resolve(denied.push(r))}
      />
    ));
    fireEvent.click(editor.getByText('Deny'));
    fireEvent.input(editor.getByLabelText(/Reason/), { target: { value: '  wrong column ' } });
    fireEvent.click(editor.getByText('Deny call'));
    await waitFor(() => expect(denied).toEqual(['wrong column']));
    editor.unmount();
    const viewer = render(() => (
      <ToolCallCard
        call={call({ status: 'waiting' })}
        canDecide={false}
        onApprove={() => Promise.resolve()}
        onDeny={() => Promise.resolve()}
      />
    ));
    expect(viewer.queryByText('Approve')).toBeNull();
    expect(viewer.queryByText('Deny')).toBeNull();
    expect(viewer.getByTestId('tool-waiting').textContent).toContain('Waiting for an editor');
  });
});
