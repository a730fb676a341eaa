import type { Change, Row } from './change';
import { convertChange, type ShapeView } from './filter';
import { compareOffsets, formatOffset, type Offset } from './offset';
import { visibleInSnapshot, type XidSnapshot } from './snapshot';
import { changeJson, upToDateJson } from './wire';

// One shape (table + filter + columns) under one handle, shared by all its subscribers: the rows
// as they stand now (what offset=-1 serves), the log of changes since the shape began (what
// resuming clients read), and the held long-polls waiting for the next change.

interface Entry {
  offset: Offset;
  json: string;
}

interface Waiter {
  cb: (r: Exclude<WaitResult, 'aborted'>) => void;
  deadline: number;
}

export type WaitResult = 'data' | 'timeout' | 'gone' | 'aborted';

/** A subscriber that stays (an SSE stream): told of every change and of the shape's retirement. */
export interface Listener {
  data(): void;
  gone(): void;
}

export class ShapeLog {
  readonly relation: readonly [string, string];
  readonly rows: Map<string, Row>;
  private readonly entries: Entry[] = [];
  head: Offset;
  lastUsed = Date.now();
  retired = false;
  private waiters = new Set<Waiter>();
  private listeners = new Set<Listener>();
  private frames = new Map<string, { bytes: Buffer; offset: Offset }>();
  private timer: NodeJS.Timeout | undefined;
  private rowsJson: string | undefined;
  private bodies = new Map<string, { bytes: Buffer; offset: string }>();
  private afterCache = new Map<string, { json: string; offset: Offset } | undefined>();
  /** Until the first transaction the snapshot does not contain, stream transactions are checked. */
  private xids: XidSnapshot | undefined;

  constructor(
    readonly handle: string,
    readonly view: ShapeView,
    readonly schema: string,
    /** The offset `rows` stand at; the log holds what comes after. */
    readonly base: Offset,
    rows: Map<string, Row>,
    xids?: XidSnapshot,
  ) {
    this.relation = [view.schema, view.table];
    this.rows = rows;
    this.head = base;
    this.xids = xids;
  }

  get size(): number {
    return this.entries.length;
  }

  get waiting(): number {
    return this.waiters.size + this.listeners.size;
  }

  /** Until the returned cancel: `l` hears of every change (synchronously from apply) and of retire. */
  listen(l: Listener): () => void {
    if (this.retired) {
      l.gone();
      return () => undefined;
    }
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Appends a committed transaction's changes; returns whether anything reached the shape. */
  apply(xid: number, lsn: bigint, changes: ReadonlyArray<{ change: Change; index: number }>): boolean {
    if (this.xids) {
      if (visibleInSnapshot(this.xids, xid)) return false;
      this.xids = undefined; // commit order: every later transaction is newer than the snapshot
    }
    const added: { offset: Offset; key: string; op: ReturnType<typeof convertChange>[number] }[] = [];
    for (const { change, index } of changes) {
      convertChange(this.view, change).forEach((op, j) => {
        added.push({ offset: { tx: lsn, op: index * 2 + j }, key: op.key, op });
      });
    }
    if (added.length === 0) return false;
    const lsnText = lsn.toString();
    added.forEach(({ offset, op }, i) => {
      const headers = {
        txids: [xid],
        lsn: lsnText,
        op_position: offset.op,
        ...(i === added.length - 1 ? { last: true as const } : {}),
        ...(op.keyChangeTo ? { key_change_to: op.keyChangeTo } : {}),
        ...(op.keyChangeFrom ? { key_change_from: op.keyChangeFrom } : {}),
      };
      this.entries.push({ offset, json: changeJson(op.key, op.operation, this.relation, op.value, headers) });
      if (op.operation === 'delete') this.rows.delete(op.key);
      else if (op.operation === 'insert') this.rows.set(op.key, op.value);
      else this.rows.set(op.key, { ...this.rows.get(op.key), ...op.value });
    });
    this.head = added[added.length - 1]!.offset;
    this.rowsJson = undefined;
    this.afterCache.clear();
    this.bodies.clear();
    this.frames.clear();
    this.wake('data');
    for (const l of this.listeners) l.data();
    return true;
  }

  /** The current rows as insert messages (the body of offset=-1), joined once per change. */
  rowsAsInserts(): string {
    if (this.rowsJson === undefined) {
      const parts: string[] = [];
      for (const [key, value] of this.rows) {
        parts.push(changeJson(key, 'insert', this.relation, value));
      }
      this.rowsJson = parts.join(',');
    }
    return this.rowsJson;
  }

  /** The log entries after `offset`, joined; shared by every held request at that offset. */
  after(offset: Offset): { json: string; offset: Offset } | undefined {
    const k = formatOffset(offset);
    if (this.afterCache.has(k)) return this.afterCache.get(k);
    const lo = this.firstAfter(offset);
    const found =
      lo < this.entries.length
        ? {
            json: this.entries
              .slice(lo)
              .map((e) => e.json)
              .join(','),
            offset: this.head,
          }
        : undefined;
    this.afterCache.set(k, found);
    return found;
  }

  /** Index of the first log entry after `offset` (entries.length if none). */
  private firstAfter(offset: Offset): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOffsets(this.entries[mid]!.offset, offset) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The SSE events for a stream at `offset` (electric-protocol §5.3): one `data:` event per
   * change, then up-to-date carrying the last transaction's LSN, which the client turns into its
   * next offset `<lsn>_0`. Encoded once per offset and shared by every stream there; undefined if
   * the log has nothing after `offset`.
   */
  sseFrames(offset: Offset): { bytes: Buffer; offset: Offset } | undefined {
    const k = formatOffset(offset);
    let f = this.frames.get(k);
    if (!f) {
      const lo = this.firstAfter(offset);
      if (lo >= this.entries.length) return undefined;
      let text = '';
      for (let i = lo; i < this.entries.length; i++) text += `data: ${this.entries[i]!.json}\n\n`;
      text += `data: ${upToDateJson(this.head.tx)}\n\n`;
      f = { bytes: Buffer.from(text), offset: this.head };
      if (this.frames.size >= 16) this.frames.clear();
      this.frames.set(k, f);
    }
    return f;
  }

  /**
   * The response body for a request at `offset` (its entries, then up-to-date) and the offset to
   * continue from, encoded once and shared by every request at that offset until the next change.
   */
  body(offset: Offset, upToDate: string): { bytes: Buffer; offset: string } {
    const key = `${formatOffset(offset)} ${upToDate}`;
    let b = this.bodies.get(key);
    if (!b) {
      const found = this.after(offset);
      const json = found ? `[${found.json},${upToDate}]` : `[${upToDate}]`;
      b = { bytes: Buffer.from(json), offset: formatOffset(found ? found.offset : offset) };
      // Other tables' commits move up-to-date's LSN without touching this shape: stay small.
      if (this.bodies.size >= 16) this.bodies.clear();
      this.bodies.set(key, b);
    }
    return b;
  }

  /**
   * Holds a long-poll until the next change, the timeout or the shape's retirement; `cb` runs
   * synchronously from apply()/retire()/the timer, so a commit answers every held request in one
   * pass. Returns the cancel for a client that went away. All holds of a registry share one
   * timeout, so insertion order is deadline order and one timer per shape serves them all.
   */
  hold(timeoutMs: number, cb: (r: Exclude<WaitResult, 'aborted'>) => void): () => void {
    if (this.retired) {
      cb('gone');
      return () => undefined;
    }
    const w: Waiter = { cb, deadline: Date.now() + timeoutMs };
    this.waiters.add(w);
    if (!this.timer) this.rearm();
    return () => this.waiters.delete(w);
  }

  /** Holds as a promise (one request at a time: tests and the Express path). */
  wait(timeoutMs: number, signal: AbortSignal): Promise<WaitResult> {
    return new Promise((resolve) => {
      const onAbort = () => {
        cancel();
        resolve('aborted');
      };
      const cancel = this.hold(timeoutMs, (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      });
      signal.addEventListener('abort', onAbort);
    });
  }

  /** One timer per shape, due when the oldest held request is. */
  private rearm() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const first = this.waiters.values().next();
    if (!first.done)
      this.timer = setTimeout(() => this.expire(), Math.max(0, first.value.deadline - Date.now()));
  }

  private expire() {
    this.timer = undefined;
    const now = Date.now();
    for (const w of this.waiters) {
      if (w.deadline > now) break;
      this.waiters.delete(w);
      w.cb('timeout');
    }
    this.rearm();
  }

  retire(): void {
    this.retired = true;
    this.wake('gone');
    const all = [...this.listeners];
    this.listeners.clear();
    for (const l of all) l.gone();
  }

  private wake(r: 'data' | 'gone') {
    if (this.waiters.size === 0) return;
    const all = [...this.waiters];
    this.waiters.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of all) w.cb(r);
  }
}
