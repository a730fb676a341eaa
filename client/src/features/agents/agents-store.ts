import { createRoot, createSignal } from 'solid-js';
import type { Socket } from 'socket.io-client';
import { appSocket } from '../../api/socket';
import { request } from '../../api/http';
import type { AgentRow } from './types';
import type { ColumnRow } from '../../collections/types';

// The open board's agents, read by REST when the board opens, again on the server's
// `agents.changed` (board room) and after every socket reconnect (an event may have been missed).
// Not a live shape: the board page already holds five of the browser's six connections.

const store = createRoot(() => {
  const [state, setState] = createSignal<{ boardId: string; rows: AgentRow[] }>();
  return { state, setState };
});

let current: string | undefined;
let wired = false;
/** Reads are numbered so a slow answer for an older board or event does not win. */
let seq = 0;

export async function loadAgents(boardId: string): Promise<void> {
  const mine = ++seq;
  try {
    // Not agents-api's list: that module (every agent write) stays out of the first load.
    const { data } = await request<{ data: AgentRow[] }>(
      'GET',
      `/api/boards/${encodeURIComponent(boardId)}/agents`,
    );
    if (mine === seq && current === boardId) store.setState({ boardId, rows: data });
  } catch {
    // Names fall back to "Agent"; the next event or reconnect reads again.
  }
}

function wire() {
  if (wired) return;
  wired = true;
  // The event is not in the shared ServerToClientEvents until h/agents-routing lands.
  const s = appSocket() as unknown as Socket;
  s.on('agents.changed', (body: { boardId?: string }) => {
    if (current && body?.boardId === current) void loadAgents(current);
  });
  s.on('connect', () => {
    if (current) void loadAgents(current);
  });
}

/** Follows `boardId`'s agents until the returned function is called. */
export function watchAgents(boardId: string): () => void {
  current = boardId;
  wire();
  void loadAgents(boardId);
  return () => {
    if (current === boardId) current = undefined;
  };
}

/** The agents of `boardId` as last read (empty until then), the default first. */
export const boardAgents = (boardId: string): AgentRow[] => {
  const s = store.state();
  return s?.boardId === boardId
    ? [...s.rows].sort((a, b) => Number(b.is_default) - Number(a.is_default))
    : [];
};

export const agentOf = (boardId: string, id: string | null | undefined) =>
  id ? boardAgents(boardId).find((a) => a.id === id) : undefined;

/** Lets the settings dialog show its own write at once (the event follows). */
export function replaceAgents(boardId: string, rows: AgentRow[]) {
  if (current === boardId) store.setState({ boardId, rows });
}

// The open board's columns (ordered, not archived), lent by the board screen to the settings
// dialog's column hooks, which then need no collections code of their own.
let columns: { boardId: string; rows: () => ColumnRow[] } | undefined;
export function setBoardColumns(boardId: string, rows: () => ColumnRow[]) {
  const mine = { boardId, rows };
  columns = mine;
  return () => {
    if (columns === mine) columns = undefined;
  };
}
export const boardColumns = (boardId: string): ColumnRow[] =>
  columns?.boardId === boardId ? columns.rows() : [];
