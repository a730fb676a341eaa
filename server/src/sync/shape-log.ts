import type { Change, Row } from './change';
import { convertChange, type ShapeView } from './filter';
import { compareOffsets, formatOffset, type Offset } from './offset';
import { visibleInSnapshot, type XidSnapshot } from './snapshot';
import { changeJson } from './wire';

// One shape (table + filter + columns) under one handle, shared by all its subscribers: the rows
// as they stand now (what offset=-1 serves), the log of changes since the shape began (what
// resuming clients read), and the held long-polls waiting for the next change.

interface Entry {
  offset: Offset;
  json: string;
}

export type WaitResult = 'data' | 'timeout' | 'gone' | 'aborted';

export class ShapeLog {
  readonly relation: readonly [string, string];
  readonly rows: Map<string, Row>;
  private readonly entries: Entry[] = [];
  head: Offset;
  lastUsed = Date.now();
  retired = false;
  private waiters = new Set<(r: WaitResult) => void>();
  private rowsJson: string | undefined;
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
    return this.waiters.size;
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
    this.wake('data');
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
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOffsets(this.entries[mid]!.offset, offset) <= 0) lo = mid + 1;
      else hi = mid;
    }
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

  /** Holds until the next change, the timeout, the shape's retirement or the client leaving. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<WaitResult> {
    if (this.retired) return Promise.resolve('gone');
    return new Promise((resolve) => {
      const done = (r: WaitResult) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(done);
        resolve(r);
      };
      const onAbort = () => done('aborted');
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      signal.addEventListener('abort', onAbort);
      this.waiters.add(done);
    });
  }

  retire(): void {
    this.retired = true;
    this.wake('gone');
  }

  private wake(r: WaitResult) {
    for (const w of [...this.waiters]) w(r);
  }
}
