import type { Change } from './change';
import { convertChange, type ShapeView } from './filter';
import { compareOffsets, formatOffset, type Offset } from './offset';
import { visibleInSnapshot, type XidSnapshot } from './snapshot';
import { changeJson } from './wire';

// One shape (table + filter + columns) under one handle, shared by all its subscribers: the
// snapshot it started from (what offset=-1 serves, followed by the log, as Electric does), the log
// of changes since (what resuming clients read), and the held long-polls waiting for the next
// change. Every byte it holds is counted, so the registry can bound them all.

interface Entry {
  offset: Offset;
  json: string;
  bytes: number;
}

interface Waiter {
  cb: (r: Exclude<WaitResult, 'aborted'>) => void;
  deadline: number;
}

interface Body {
  bytes: Buffer;
  offset: string;
}

export type WaitResult = 'data' | 'timeout' | 'gone' | 'aborted';

export interface ShapeLogOptions {
  /** Bytes of encoded response bodies this shape may keep for reuse (shared by held requests). */
  cacheMaxBytes: number;
  /** Told every change of `bytes`, so the registry keeps a running total without a scan. */
  onResize?: (delta: number) => void;
  /** Transactions visible in the snapshot are skipped (electric-protocol §11). */
  xids?: XidSnapshot;
}

const BODY_CACHE_ENTRIES = 16;

export class ShapeLog {
  readonly relation: readonly [string, string];
  private readonly entries: Entry[] = [];
  private entryBytes = 0;
  head: Offset;
  retired = false;
  private waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private bodies = new Map<string, Body>();
  private bodyBytes = 0;
  private readonly baseBytes: number;
  /** Until the first transaction the snapshot does not contain, stream transactions are checked. */
  private xids: XidSnapshot | undefined;

  constructor(
    readonly handle: string,
    readonly view: ShapeView,
    readonly schema: string,
    /** The offset the snapshot stands at; the log holds what comes after. */
    readonly base: Offset,
    /** The snapshot as comma-joined messages (its rows as inserts, then snapshot-end). */
    private readonly baseJson: string,
    private readonly o: ShapeLogOptions,
  ) {
    this.relation = [view.schema, view.table];
    this.head = base;
    this.xids = o.xids;
    this.baseBytes = Buffer.byteLength(baseJson);
    o.onResize?.(this.baseBytes);
  }

  /** Log entries (changes) since the snapshot. */
  get size(): number {
    return this.entries.length;
  }

  /** Bytes of the log's changes alone (what rotation bounds). */
  get logBytes(): number {
    return this.entryBytes;
  }

  /** Bytes of encoded bodies kept for reuse (bounded by cacheMaxBytes). */
  get cachedBytes(): number {
    return this.bodyBytes;
  }

  /** Every byte this shape holds: snapshot, log and cached bodies. */
  get bytes(): number {
    return this.baseBytes + this.entryBytes + this.bodyBytes;
  }

  get waiting(): number {
    return this.waiters.size;
  }

  /** Appends a committed transaction's changes; returns whether anything reached the shape. */
  apply(xid: number, lsn: bigint, changes: ReadonlyArray<{ change: Change; index: number }>): boolean {
    if (this.retired) return false;
    if (this.xids) {
      if (visibleInSnapshot(this.xids, xid)) return false;
      this.xids = undefined; // commit order: every later transaction is newer than the snapshot
    }
    const added: { offset: Offset; op: ReturnType<typeof convertChange>[number] }[] = [];
    for (const { change, index } of changes) {
      convertChange(this.view, change).forEach((op, j) => {
        added.push({ offset: { tx: lsn, op: index * 2 + j }, op });
      });
    }
    if (added.length === 0) return false;
    const lsnText = lsn.toString();
    let grown = 0;
    added.forEach(({ offset, op }, i) => {
      const headers = {
        txids: [xid],
        lsn: lsnText,
        op_position: offset.op,
        ...(i === added.length - 1 ? { last: true as const } : {}),
        ...(op.keyChangeTo ? { key_change_to: op.keyChangeTo } : {}),
        ...(op.keyChangeFrom ? { key_change_from: op.keyChangeFrom } : {}),
      };
      const json = changeJson(op.key, op.operation, this.relation, op.value, headers);
      const bytes = Buffer.byteLength(json);
      this.entries.push({ offset, json, bytes });
      grown += bytes;
    });
    this.entryBytes += grown;
    this.head = added[added.length - 1]!.offset;
    this.o.onResize?.(grown - this.clearBodies());
    this.wake('data');
    return true;
  }

  /** Whether the log holds anything after `offset` (an in-bounds offset). */
  hasAfter(offset: Offset): boolean {
    return compareOffsets(offset, this.head) < 0;
  }

  /** The log entries after `offset`, comma-joined ('' when none). */
  private entriesAfter(offset: Offset): string {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOffsets(this.entries[mid]!.offset, offset) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= this.entries.length) return '';
    const parts = new Array<string>(this.entries.length - lo);
    for (let i = lo; i < this.entries.length; i++) parts[i - lo] = this.entries[i]!.json;
    return parts.join(',');
  }

  /**
   * The response body for a request at `offset` (its entries, then up-to-date), or for the whole
   * shape ('snapshot': the snapshot, snapshot-end, then the log), and the offset to continue from.
   * Encoded once and shared by every request at that offset until the next change, within the
   * shape's cache budget: a body over it is built per request and not kept.
   */
  body(offset: Offset | 'snapshot', upToDate: string): Body {
    const at = offset === 'snapshot' ? 'snapshot' : formatOffset(offset);
    const key = `${at} ${upToDate}`;
    const cached = this.bodies.get(key);
    if (cached) return cached;
    const after = this.entriesAfter(offset === 'snapshot' ? this.base : offset);
    const parts = offset === 'snapshot' ? [this.baseJson, after, upToDate] : [after, upToDate];
    const json = `[${parts.filter((p) => p !== '').join(',')}]`;
    const b: Body = {
      bytes: Buffer.from(json),
      offset: formatOffset(offset === 'snapshot' || after !== '' ? this.head : offset),
    };
    const size = b.bytes.length + key.length;
    if (this.retired || size > this.o.cacheMaxBytes) return b;
    // Other tables' commits move up-to-date's LSN without touching this shape: stay small.
    let freed = 0;
    if (this.bodies.size >= BODY_CACHE_ENTRIES || this.bodyBytes + size > this.o.cacheMaxBytes)
      freed = this.clearBodies();
    this.bodies.set(key, b);
    this.bodyBytes += size;
    this.o.onResize?.(size - freed);
    return b;
  }

  private clearBodies(): number {
    const freed = this.bodyBytes;
    this.bodies.clear();
    this.bodyBytes = 0;
    return freed;
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

  /**
   * Ends the shape: held requests get 'gone' (409) and its bytes leave the registry's count. The
   * data stays for a response already being built from it; it is freed with the last reference.
   */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.o.onResize?.(-this.bytes);
    this.wake('gone');
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
