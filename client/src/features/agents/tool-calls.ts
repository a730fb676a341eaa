import { createSignal, onCleanup } from 'solid-js';
import type { Socket } from 'socket.io-client';
import { appSocket } from '../../api/socket';
import { toolCallsApi } from './agents-api';
import type { ToolCall } from './types';

// A task's tool calls: `GET /api/tasks/:id/tool-calls` when the panel opens and after every
// socket reconnect, then each `tool.call` event of the task's room upserted by id. Not a live
// shape (the board's connection budget, docs/agents-client.md).

const SETTLED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'denied']);
/** running/waiting before succeeded/failed/denied: a row never goes back to an earlier state. */
const rank = (c: ToolCall) => (SETTLED.has(c.status) ? 2 : c.status === 'running' ? 1 : 0);

/**
 * `list` with `row` in it: a new id is added, a known one replaced unless what we hold is
 * further along (an event and a GET may arrive in either order). Ordered by created_at.
 * waiting → running is forward (approved); running → waiting never happens on the server.
 */
export function upsertToolCall(list: readonly ToolCall[], row: ToolCall): ToolCall[] {
  const i = list.findIndex((c) => c.id === row.id);
  if (i >= 0 && rank(list[i]!) > rank(row)) return list as ToolCall[];
  const next = i >= 0 ? list.map((c, j) => (j === i ? row : c)) : [...list, row];
  return next.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

export function mergeToolCalls(list: readonly ToolCall[], rows: readonly ToolCall[]): ToolCall[] {
  return rows.reduce<ToolCall[]>((acc, r) => upsertToolCall(acc, r), [...list]);
}

export interface TaskToolCalls {
  all: () => ToolCall[];
  of: (messageId: string) => ToolCall[];
  /** False when the server has no tool-call API (or the read failed): the cards are not shown. */
  available: () => boolean;
  /** Puts a decision's answer in at once (the event follows). */
  apply: (row: ToolCall) => void;
}

/** Follows `taskId`'s tool calls for the lifetime of the calling owner. */
export function useToolCalls(taskId: string): TaskToolCalls {
  const [rows, setRows] = createSignal<ToolCall[]>([]);
  const [available, setAvailable] = createSignal(true);
  const s = appSocket() as unknown as Socket;
  let alive = true;
  const load = () =>
    toolCallsApi.list(taskId).then(
      ({ data }) => {
        if (!alive) return;
        setAvailable(true);
        setRows((list) => mergeToolCalls(list, data));
      },
      // eslint-disable-next-line solid/reactivity -- a promise callback: reads the list once
      () => {
        if (alive) setAvailable(rows().length > 0);
      },
    );
  // The event is not in the shared ServerToClientEvents until h/agents-tools lands.
  const onCall = (row: ToolCall) => {
    if (row?.task_id === taskId) setRows((list) => upsertToolCall(list, row));
  };
  const onConnect = () => void load();
  s.on('tool.call', onCall);
  s.on('connect', onConnect);
  void load();
  onCleanup(() => {
    alive = false;
    s.off('tool.call', onCall);
    s.off('connect', onConnect);
  });
  return {
    all: rows,
    of: (messageId) => rows().filter((c) => c.message_id === messageId),
    available,
    apply: (row) => setRows((list) => upsertToolCall(list, row)),
  };
}
