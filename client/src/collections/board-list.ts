import { createEffect, createMemo, createSignal, onCleanup } from 'solid-js';
import { createStore } from 'solid-js/store';
import { isChangeMessage, ShapeStream, type Message, type Row } from '@electric-sql/client';
import type { BoardRole } from '@kanban/shared';
import { membershipsCollection, type MembershipRow } from './memberships';
import { shapeOptions } from './shape-options';
import { useRows } from './use-rows';
import type { BoardRow } from './types';

// The boards list: the memberships shape says which boards, then one `boards?board=<id>` shape
// per membership gives each name, read once (subscribe: false). Every live shape holds one of the
// browser's six HTTP/1.1 connections per origin; the memberships, the open board's columns, tasks
// and messages and the socket's first (polling) request already take five, and with a sixth live
// stream the open board's own requests queued behind them (test/e2e/routing.test.ts hung). So a
// rename of a board shows in the list on the next load, not live.

export interface BoardEntry {
  id: string;
  name: string;
  role: BoardRole;
  /** The board row as last seen (settings are current for the open board, which stays live). */
  row: BoardRow;
}

interface Follower {
  live: boolean;
  stop: () => void;
}

function follow(
  id: string,
  live: boolean,
  /** The row's changed columns (an update carries only those), or undefined once deleted. */
  onRow: (row: Partial<BoardRow> | undefined) => void,
  onFail: () => void,
): () => void {
  const ac = new AbortController();
  const stream = new ShapeStream<Row>({
    ...shapeOptions<never>('boards', { board: id }),
    subscribe: live,
    signal: ac.signal,
  });
  stream.subscribe(
    (messages: Message<Row>[]) => {
      for (const m of messages) {
        if (!isChangeMessage(m)) continue;
        onRow(m.headers.operation === 'delete' ? undefined : m.value);
      }
    },
    () => onFail(),
  );
  return () => {
    ac.abort();
    stream.unsubscribeAll();
  };
}

// The rows are read once (not live, see above), so this client's own renames and settings are
// applied here when the server has taken them.
const patchers = new Set<(id: string, row: Partial<BoardRow>) => void>();
export function patchBoardRow(id: string, row: Partial<BoardRow>) {
  for (const p of patchers) p(id, row);
}

export function useBoardList() {
  const memberships = useRows<MembershipRow>(membershipsCollection(), 'board_id');
  const [rows, setRows] = createStore<Record<string, BoardRow | undefined>>({});
  const [failed, setFailed] = createSignal<ReadonlySet<string>>(new Set());
  const followers = new Map<string, Follower>();
  const patch = (id: string, row: Partial<BoardRow>) =>
    setRows(id, (prev) => (prev ? { ...prev, ...row } : prev));
  patchers.add(patch);
  onCleanup(() => patchers.delete(patch));

  createEffect(() => {
    const ids = new Set(memberships().map((m) => m.board_id));
    for (const [id, f] of followers)
      if (!ids.has(id)) {
        f.stop();
        followers.delete(id);
      }
    for (const id of ids) {
      if (followers.has(id)) continue;
      const live = false;
      followers.set(id, {
        live,
        stop: follow(
          id,
          live,
          (row) => {
            // An update carries only the changed columns: merge it into the row seen so far.
            if (!row) setRows(id, undefined);
            else setRows(id, (prev) => ({ ...prev, ...row }));
          },
          () => setFailed((s) => new Set([...s, id])),
        ),
      });
    }
  });
  onCleanup(() => {
    for (const f of followers.values()) f.stop();
    followers.clear();
  });

  const boards = createMemo<BoardEntry[]>(() =>
    memberships()
      .filter((m) => rows[m.board_id]?.name !== undefined)
      .map((m) => ({ id: m.board_id, name: rows[m.board_id]!.name, role: m.role, row: rows[m.board_id]! }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  );
  const ready = () =>
    memberships.isReady &&
    memberships().every((m) => rows[m.board_id]?.name !== undefined || failed().has(m.board_id));
  return { boards, ready, error: () => memberships.isError, memberships };
}
