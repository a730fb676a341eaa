import type { Change } from './change';
import { convertChange, type ShapeView } from './filter';
import { compareOffsets, formatOffset, type Offset } from './offset';
import { visibleInSnapshot, type XidSnapshot } from './snapshot';
import { changeJson, upToDateJson } from './wire';

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
  /** Whether the body ends with up-to-date (it reaches the head of the log). */
  upToDate: boolean;
}

export type WaitResult = 'data' | 'timeout' | 'gone' | 'aborted';

/** A subscriber that stays (an SSE stream): told of every change and of the shape's retirement. */
export interface Listener {
  data(): void;
  gone(): void;
}

export interface ShapeLogOptions {
  /** Bytes of encoded response bodies this shape may keep for reuse (shared by held requests). */
  cacheMaxBytes: number;
  /** Told every change of `bytes`, so the registry keeps a running total without a scan. */
  onResize?: (delta: number) => void;
  /** Transactions visible in the snapshot are skipped (electric-protocol §11). */
  xids?: XidSnapshot;
  /**
   * About how many bytes one response carries (Electric's chunk threshold, electric-protocol
   * §3.1, §4): the snapshot is cut into chunks ending at `0_0`, `0_1`, … (the last at `0_inf`), the
   * log into chunks that end at transaction boundaries; a response is one chunk, and only one
   * that reaches the head ends with up-to-date. Unset: one chunk, however large.
   */
  chunkBytes?: number;
}

const BODY_CACHE_ENTRIES = 16;

export class ShapeLog {
  readonly relation: readonly [string, string];
  private readonly entries: Entry[] = [];
  private entryBytes = 0;
  head: Offset;
  retired = false;
  private waiters = new Set<Waiter>();
  private listeners = new Set<Listener>();
  /** SSE events per offset, like `bodies`; small (one batch each) and cleared on every change. */
  private frames = new Map<string, { bytes: Buffer; offset: Offset }>();
  private timer: NodeJS.Timeout | undefined;
  private bodies = new Map<string, Body>();
  private bodyBytes = 0;
  private readonly baseBytes: number;
  /** The snapshot in chunks, each comma-joined messages; the last ends with snapshot-end. */
  private readonly chunks: string[];
  /** Where closed log chunks end (transaction ends), ascending; the open chunk ends at head. */
  private readonly chunkEnds: Offset[] = [];
  private openChunkBytes = 0;
  /** Until the first transaction the snapshot does not contain, stream transactions are checked. */
  private xids: XidSnapshot | undefined;

  constructor(
    readonly handle: string,
    readonly view: ShapeView,
    readonly schema: string,
    /** The offset the snapshot stands at; the log holds what comes after. */
    readonly base: Offset,
    /** The snapshot's messages (its rows as inserts, then snapshot-end), each serialised. */
    snapshot: readonly string[],
    private readonly o: ShapeLogOptions,
  ) {
    this.relation = [view.schema, view.table];
    this.head = base;
    this.xids = o.xids;
    this.chunks = [];
    let chunk: string[] = [];
    let bytes = 0;
    let total = 0;
    for (const part of snapshot) {
      const n = Buffer.byteLength(part) + 1;
      if (chunk.length > 0 && o.chunkBytes !== undefined && bytes + n > o.chunkBytes) {
        this.chunks.push(chunk.join(','));
        chunk = [];
        bytes = 0;
      }
      chunk.push(part);
      bytes += n;
      total += n;
    }
    this.chunks.push(chunk.join(','));
    this.baseBytes = total;
    o.onResize?.(this.baseBytes);
  }

  /** An offset between two snapshot chunks (`0_<i>`), which only a chunked snapshot has. */
  inSnapshot(offset: Offset): boolean {
    return offset.tx === 0n && offset.op >= 0 && offset.op < this.chunks.length - 1;
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
    if (this.retired) return false;
    // Already in the log: a transaction the slot sends again after a restart (restored shapes).
    if (lsn <= this.head.tx) return false;
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
      const json = op.oldValue
        ? // replica=full updates also carry the changed columns' previous values.
          JSON.stringify({
            key: op.key,
            value: op.value,
            old_value: op.oldValue,
            headers: { operation: op.operation, relation: this.relation, ...headers },
          })
        : changeJson(op.key, op.operation, this.relation, op.value, headers);
      const bytes = Buffer.byteLength(json);
      this.entries.push({ offset, json, bytes });
      grown += bytes;
    });
    this.entryBytes += grown;
    this.head = added[added.length - 1]!.offset;
    // Chunks end at transaction ends: every offset handed out is one (protocol.ts, atTxEnd).
    this.openChunkBytes += grown;
    if (this.o.chunkBytes !== undefined && this.openChunkBytes >= this.o.chunkBytes) {
      this.chunkEnds.push(this.head);
      this.openChunkBytes = 0;
    }
    this.o.onResize?.(grown - this.clearBodies());
    this.frames.clear();
    this.wake('data');
    for (const l of this.listeners) l.data();
    return true;
  }

  /** The log's changes from the `from`-th on (what a store copies after apply). */
  entriesFrom(from: number): { tx: bigint; op: number; json: string }[] {
    return this.entries.slice(from).map((e) => ({ tx: e.offset.tx, op: e.offset.op, json: e.json }));
  }

  /**
   * Refills the log of a restored shape with the changes it had (shape-store.ts), in offset order,
   * closing chunks at the same transaction ends apply() would have.
   */
  restore(entries: ReadonlyArray<{ tx: bigint; op: number; json: string }>): void {
    let grown = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const bytes = Buffer.byteLength(e.json);
      this.entries.push({ offset: { tx: e.tx, op: e.op }, json: e.json, bytes });
      grown += bytes;
      this.openChunkBytes += bytes;
      this.head = { tx: e.tx, op: e.op };
      const txEnd = entries[i + 1]?.tx !== e.tx;
      if (txEnd && this.o.chunkBytes !== undefined && this.openChunkBytes >= this.o.chunkBytes) {
        this.chunkEnds.push(this.head);
        this.openChunkBytes = 0;
      }
    }
    this.entryBytes += grown;
    if (entries.length > 0) this.xids = undefined;
    this.o.onResize?.(grown);
  }

  /** Whether the log holds anything after `offset` (an in-bounds offset). */
  hasAfter(offset: Offset): boolean {
    return compareOffsets(offset, this.head) < 0;
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
      if (this.frames.size >= BODY_CACHE_ENTRIES) this.frames.clear();
      this.frames.set(k, f);
    }
    return f;
  }

  /** The log entries after `offset` up to and including `upTo`, comma-joined ('' when none). */
  private entriesBetween(offset: Offset, upTo: Offset): string {
    const lo = this.firstAfter(offset);
    const hi = this.firstAfter(upTo);
    if (lo >= hi) return '';
    const parts = new Array<string>(hi - lo);
    for (let i = lo; i < hi; i++) parts[i - lo] = this.entries[i]!.json;
    return parts.join(',');
  }

  /** The end of the chunk the first entry after `offset` is in: a closed chunk's end, or head. */
  private chunkEndAfter(offset: Offset): Offset {
    let lo = 0;
    let hi = this.chunkEnds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOffsets(this.chunkEnds[mid]!, offset) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return this.chunkEnds[lo] ?? this.head;
  }

  /**
   * The response body for a request at `offset`, or for the whole shape ('snapshot', offset=-1),
   * and the offset to continue from: one chunk (see chunkBytes). A snapshot in one chunk is
   * answered with the log's first chunk after it, so a small shape is one response as before;
   * the body ends with up-to-date only when it reaches the head. Encoded once and shared by every
   * request at that offset until the next change, within the shape's cache budget: a body over
   * it is built per request and not kept.
   */
  body(offset: Offset | 'snapshot', upToDate: string): Body {
    // offset=-1 never carries up-to-date: one body per handle.
    const key = offset === 'snapshot' ? 'snapshot' : `${formatOffset(offset)} ${upToDate}`;
    const cached = this.bodies.get(key);
    if (cached) return cached;
    // Which snapshot chunk comes next, if any: offset=-1 starts at 0, `0_<i>` continues at i+1.
    const chunk = offset === 'snapshot' ? 0 : this.inSnapshot(offset) ? offset.op + 1 : undefined;
    let b: Body;
    if (offset === 'snapshot' && this.chunks.length === 1) {
      // As Electric (shapes/api.ex determine_up_to_date): the offset=-1 answer is the snapshot
      // alone, without up-to-date, the same bytes for as long as the handle lives (it may be
      // cached for a week); the client continues at 0_inf for the log and its up-to-date.
      b = { bytes: Buffer.from(`[${this.chunks[0]}]`), offset: formatOffset(this.base), upToDate: false };
    } else if (chunk !== undefined && chunk < this.chunks.length - 1) {
      b = { bytes: Buffer.from(`[${this.chunks[chunk]}]`), offset: `0_${chunk}`, upToDate: false };
    } else {
      const from = chunk !== undefined ? this.base : (offset as Offset);
      const end = this.chunkEndAfter(from);
      const after = this.entriesBetween(from, end);
      const full = compareOffsets(end, this.head) >= 0;
      const parts = [chunk !== undefined ? this.chunks[chunk]! : '', after, full ? upToDate : ''];
      b = {
        bytes: Buffer.from(`[${parts.filter((p) => p !== '').join(',')}]`),
        offset: formatOffset(chunk !== undefined || after !== '' ? end : from),
        upToDate: full,
      };
    }
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
    const all = [...this.listeners];
    this.listeners.clear();
    this.frames.clear();
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
