import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Change, Transaction } from './change';
import { publishedTables, readTable, type TableInfo } from './catalog';
import { PUBLICATION } from './capture';
import type { ShapeView } from './filter';
import { SNAPSHOT_END } from './offset';
import { ShapeIndex } from './shape-index';
import { ShapeLog } from './shape-log';
import { parseXidSnapshot, takeSnapshot, type XidSnapshot } from './snapshot';
import type { ShapeStore, StoredShape } from './shape-store';
import { changeJson, rowKey, snapshotEndJson } from './wire';
import { badRequest, HttpError, notFound } from '../http/problem';
import { resolveView } from './shape-view';
import { parentExists, type ShapeParent } from './parent';
import { qualified } from './shape-index';

// Every live shape of this instance, keyed by its definition: one ShapeLog per definition however
// many clients follow it. Routes each transaction to the shapes it can touch through a hash index on
// the filter value, takes snapshots, and bounds what it holds: shapes whose log passed its bound
// (entries or bytes) start over, idle ones are dropped, and past the global caps on live shapes
// and bytes the least recently used go first (idle ones before followed ones). A dropped shape's
// clients get 409 and refetch, as after a rotation. Tables are always named with their schema:
// `a.items` and `b.items` are different tables.

export interface ShapeDef {
  schema: string;
  table: string;
  /** Selected columns; all columns when absent. */
  columns?: readonly string[];
  /** The app's named shapes: `column = value`. */
  where?: { column: string; value: string };
  /** /v1/shape's where clause in Electric's grammar, with its $n parameters. */
  filter?: { sql: string; params: Record<string, string> };
  replica?: 'full';
  /**
   * `changes_only` (TanStack DB's on-demand mode): no initial rows, only the changes from the
   * shape's creation on; the client reads rows through subset snapshots (subset.ts).
   */
  log?: 'changes_only';
  /** The row the shape is scoped to; a shape is only created while it exists (else 404). */
  parent?: ShapeParent;
}

interface Slot {
  key: string;
  view: ShapeView;
  log?: ShapeLog;
  /** Transactions that arrived while the snapshot was being read. */
  buffer?: Transaction[];
  ready: Promise<ShapeLog>;
  lastUsed: number;
}

export interface RegistryOptions {
  pool: Pool;
  log: Logger;
  /** A shape whose log passes this many changes, or this many bytes, starts over (409). */
  maxEntries: number;
  maxLogBytes: number;
  /** Global caps: live shapes, and bytes held by all snapshots, logs and body caches. */
  maxShapes: number;
  maxBytes: number;
  /** Encoded bodies one shape keeps for reuse. */
  cacheMaxBytes: number;
  /** About how many bytes one response carries (shape-log.ts); unset: no chunks. */
  chunkBytes?: number;
  idleMs: number;
  /** Where shapes are kept across restarts (SHAPE_PERSIST); unset: memory only. */
  store?: ShapeStore;
  /** The clock idle eviction reads; tests pass their own. */
  now?: () => number;
}

/** What the registry holds, for /metrics and tests. */
export interface RegistryStats {
  /** Shapes loaded or loading. */
  shapes: number;
  /** Held long-polls across all shapes. */
  subscribers: number;
  /** Bytes held by snapshots, logs and cached bodies. */
  bytes: number;
  /** Shapes dropped so far, by why. */
  evicted: Record<EvictReason, number>;
}

export type EvictReason = 'rotated' | 'idle' | 'shapes-cap' | 'bytes-cap' | 'invalidated' | 'deleted';

const BOOT = randomBytes(4).toString('hex');

const xidsText = (x: XidSnapshot) => `${x.xmin}:${x.xmax}:${[...x.xip].join(',')}`;

/** What identifies a shape: its rows, not the precondition for creating it. */
const keyOf = (d: ShapeDef) =>
  JSON.stringify({
    schema: d.schema,
    table: d.table,
    columns: d.columns,
    where: d.where,
    filter: d.filter,
    replica: d.replica,
    log: d.log,
  });

export class ShapeRegistry {
  /** In least-recently-used order: a request moves its shape to the end. */
  private slots = new Map<string, Slot>();
  private creating = new Map<string, Promise<ShapeLog>>();
  private index = new ShapeIndex<Slot>();
  private tables = new Map<string, Promise<TableInfo | undefined>>();
  private counter = 0;
  private sweeper: NodeJS.Timeout;
  private heldBytes = 0;
  private readonly evicted: Record<EvictReason, number> = {
    rotated: 0,
    idle: 0,
    'shapes-cap': 0,
    'bytes-cap': 0,
    invalidated: 0,
    deleted: 0,
  };
  private readonly now: () => number;
  private readonly onResize = (delta: number) => {
    this.heldBytes += delta;
  };

  constructor(private readonly o: RegistryOptions) {
    this.now = o.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, o.idleMs / 2)));
    this.sweeper.unref();
  }

  /** The current shape for a definition if it is loaded and live (no waiting, no snapshot). */
  peek(def: ShapeDef): ShapeLog | undefined {
    const slot = this.slots.get(keyOf(def));
    const log = slot?.log;
    if (!slot || !log || log.retired) return undefined;
    this.touch(slot);
    return log;
  }

  /** The pool subset snapshots read through. */
  get pool(): Pool {
    return this.o.pool;
  }

  /** The table behind a definition, as its shapes were checked against (subset snapshots). */
  async tableInfo(def: ShapeDef): Promise<TableInfo> {
    const info = await this.table(def.schema, def.table);
    if (!info) throw badRequest(`table ${def.schema}.${def.table} is not synced`);
    return info;
  }

  /** The current shape for a definition, snapshotting it first if it does not exist yet. */
  get(def: ShapeDef): Promise<ShapeLog> {
    const key = keyOf(def);
    const existing = this.slots.get(key);
    if (existing) {
      this.touch(existing);
      return existing.ready;
    }
    // Concurrent first requests (a herd after a rotation) share one check and one snapshot.
    let creating = this.creating.get(key);
    if (!creating) {
      creating = this.create(def, key).finally(() => this.creating.delete(key));
      this.creating.set(key, creating);
    }
    return creating;
  }

  private async create(def: ShapeDef, key: string): Promise<ShapeLog> {
    const info = await this.table(def.schema, def.table);
    // It may be published, or given REPLICA IDENTITY FULL, later: ask the catalog again next time.
    if (!info || info.replicaIdentity !== 'f') this.tables.delete(qualified(def.schema, def.table));
    if (!info) throw badRequest(`table ${def.schema}.${def.table} is not synced`);
    const { view, schema } = await resolveView(this.o.pool, info, def);
    // Only rows that can exist get a shape: random ids must not cost a log each. Checked again
    // for every new shape, so a parent created after a 404 is servable at once.
    if (def.parent && !(await parentExists(this.o.pool, def.parent))) {
      throw notFound(def.parent.what, def.parent.id);
    }
    const raced = this.slots.get(key);
    if (raced) return raced.ready;
    this.makeRoom();
    const slot: Slot = {
      key,
      view,
      buffer: [],
      ready: undefined as unknown as Promise<ShapeLog>,
      lastUsed: this.now(),
    };
    // Registered before the snapshot starts: every transaction not in the snapshot reaches the buffer.
    this.register(slot);
    slot.ready = this.load(slot, schema, def, info);
    slot.ready.catch(() => this.unregister(slot));
    return slot.ready;
  }

  private async load(slot: Slot, schema: string, def: ShapeDef, info: TableInfo): Promise<ShapeLog> {
    // A changes_only shape reads no rows, but still its snapshot: the changes it serves are the
    // transactions that snapshot does not contain.
    const rows = def.log !== 'changes_only';
    const snap = await takeSnapshot(this.o.pool, slot.view, { rows });
    const { schema: s, table, pk } = slot.view;
    const parts = snap.rows.map((r) => changeJson(rowKey(s, table, pk, r), 'insert', [s, table], r));
    if (rows) parts.push(snapshotEndJson(snap.xids));
    const log = new ShapeLog(this.newHandle(slot.key), slot.view, schema, SNAPSHOT_END, parts, {
      cacheMaxBytes: this.o.cacheMaxBytes,
      ...(this.o.chunkBytes !== undefined ? { chunkBytes: this.o.chunkBytes } : {}),
      onResize: this.onResize,
      xids: snap.xids,
    });
    slot.log = log;
    for (const tx of slot.buffer ?? [])
      this.applyTo(
        slot,
        tx,
        tx.changes.map((change, index) => ({ change, index })),
        false,
      );
    slot.buffer = undefined;
    // Stored in one write with the buffered changes: those transactions may have been
    // acknowledged to the slot already, so the copy must never exist without them. A shape that
    // rotated while replaying them is gone already: nothing to keep.
    if (!log.retired)
      this.o.store?.saveShape({
        handle: log.handle,
        def: JSON.stringify(def),
        tableInfo: JSON.stringify(info),
        schema,
        xids: xidsText(snap.xids),
        snapshot: parts,
        entries: log.entriesFrom(0),
      });
    this.enforceBytes(slot);
    return log;
  }

  /**
   * The shapes kept from an earlier run of this slot (shape-store.ts), before its stream resumes:
   * each under its old handle, with its snapshot and log, so its clients continue at their offset.
   * A shape whose table changed meanwhile (columns, types, replica identity, publication) or whose
   * definition no longer compiles is dropped instead: its clients get 409 and refetch.
   */
  async restore(stored: readonly StoredShape[]): Promise<number> {
    let restored = 0;
    for (const s of stored) {
      try {
        const def = JSON.parse(s.def) as ShapeDef;
        const key = keyOf(def);
        const info = await this.table(def.schema, def.table);
        if (!info || JSON.stringify(info) !== s.tableInfo || this.slots.has(key)) {
          this.o.store?.remove(s.handle);
          continue;
        }
        const { view, schema } = await resolveView(this.o.pool, info, def);
        if (schema !== s.schema) {
          this.o.store?.remove(s.handle);
          continue;
        }
        const log = new ShapeLog(s.handle, view, schema, SNAPSHOT_END, s.snapshot, {
          cacheMaxBytes: this.o.cacheMaxBytes,
          ...(this.o.chunkBytes !== undefined ? { chunkBytes: this.o.chunkBytes } : {}),
          onResize: this.onResize,
          xids: parseXidSnapshot(s.xids),
        });
        log.restore(s.entries);
        const slot: Slot = { key, view, log, ready: Promise.resolve(log), lastUsed: this.now() };
        this.register(slot);
        restored++;
      } catch (err) {
        this.o.log.warn({ err, handle: s.handle }, 'could not restore a kept shape');
        this.o.store?.remove(s.handle);
      }
    }
    this.enforceBytes();
    return restored;
  }

  /** A committed transaction from the capture, routed to the shapes it can touch. */
  onTransaction(tx: Transaction): void {
    const touched = this.index.route(tx.changes);
    for (const [slot, changes] of touched) {
      if (slot.buffer) slot.buffer.push({ ...tx, changes: changes.map((c) => c.change) });
      else this.applyTo(slot, tx, changes);
    }
    if (touched.size > 0) this.enforceBytes();
  }

  private applyTo(slot: Slot, tx: Transaction, changes: { change: Change; index: number }[], keep = true) {
    const log = slot.log!;
    const before = log.size;
    if (!log.apply(tx.xid, tx.lsn, changes)) return;
    if (keep) this.o.store?.append(log.handle, log.entriesFrom(before));
    // Rotation: the next request takes a fresh snapshot (with its own snapshot-end), as Electric
    // starts a new shape; every client of the old handle gets 409 and refetches.
    if (log.size > this.o.maxEntries || log.logBytes > this.o.maxLogBytes) this.evict(slot, 'rotated');
  }

  /**
   * Shapes that can no longer be followed (truncate, schema change, lost slot) start over;
   * `tables` are `schema.table`, so the catalog read again is the table that changed.
   */
  invalidate(tables: readonly string[] | 'all'): void {
    // The catalog first: a held request re-gets its shape from inside evict(), and must read the
    // table anew.
    if (tables === 'all') this.tables.clear();
    else for (const t of tables) this.tables.delete(t);
    for (const slot of [...this.slots.values()]) {
      if (tables === 'all' || tables.includes(qualified(slot.view.schema, slot.view.table)))
        this.evict(slot, 'invalidated');
    }
  }

  /**
   * DELETE /v1/shape: drops the shape of this definition so its clients get 409 and refetch.
   * A handle, if given, must be the current one (Electric: otherwise the definition mismatches).
   */
  async delete(def: ShapeDef, handle: string | undefined): Promise<'deleted' | 'missing' | 'mismatch'> {
    const slot = this.slots.get(keyOf(def));
    if (!slot) return 'missing';
    const log = await slot.ready.catch(() => undefined);
    if (!log) return 'missing';
    if (handle !== undefined && handle !== log.handle) return 'mismatch';
    if (this.slots.get(slot.key) === slot) this.evict(slot, 'deleted');
    return 'deleted';
  }

  /** DELETE /v1/shape?handle=… without a definition (Electric deletes by handle alone too). */
  deleteHandle(handle: string): 'deleted' | 'missing' {
    for (const slot of this.slots.values()) {
      if (slot.log?.handle === handle) {
        this.evict(slot, 'deleted');
        return 'deleted';
      }
    }
    return 'missing';
  }

  /** Drops idle shapes; `now` is the registry's clock unless a test moves it. */
  sweep(now = this.now()): void {
    const cutoff = now - this.o.idleMs;
    for (const slot of [...this.slots.values()]) {
      if (slot.log && slot.log.waiting === 0 && slot.lastUsed < cutoff) this.evict(slot, 'idle');
    }
  }

  stats(): RegistryStats {
    let subscribers = 0;
    for (const slot of this.slots.values()) subscribers += slot.log?.waiting ?? 0;
    return { shapes: this.slots.size, subscribers, bytes: this.heldBytes, evicted: { ...this.evicted } };
  }

  get shapeCount(): number {
    return this.slots.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const slot of [...this.slots.values()]) this.drop(slot);
  }

  /** At the live-shape cap, the least recently used idle shape makes way; none: 503. */
  private makeRoom() {
    if (this.slots.size < this.o.maxShapes) return;
    for (const slot of this.slots.values()) {
      if (slot.log && slot.log.waiting === 0) return this.evict(slot, 'shapes-cap');
    }
    throw new HttpError(
      503,
      'too-many-shapes',
      'Too many shapes',
      'the server follows as many shapes as it is configured to; retry shortly',
    );
  }

  /**
   * Over the byte cap: least recently used first, idle shapes before followed ones. The shape just
   * loaded is kept (its requester is being answered from it), so one shape larger than the cap
   * cannot make its clients refetch in a loop.
   */
  private enforceBytes(keep?: Slot) {
    if (this.heldBytes <= this.o.maxBytes) return;
    for (const idleOnly of [true, false]) {
      for (const slot of [...this.slots.values()]) {
        if (this.heldBytes <= this.o.maxBytes) return;
        if (slot !== keep && slot.log && (!idleOnly || slot.log.waiting === 0)) this.evict(slot, 'bytes-cap');
      }
    }
  }

  private evict(slot: Slot, reason: EvictReason) {
    this.evicted[reason]++;
    // A dropped shape is gone for good: its clients refetch, after a restart too.
    if (this.o.store) {
      const store = this.o.store;
      if (slot.log) store.remove(slot.log.handle);
      else
        slot.ready.then(
          (l) => store.remove(l.handle),
          () => undefined,
        );
    }
    this.o.log.debug({ handle: slot.log?.handle, reason }, 'dropped a shape');
    this.drop(slot);
  }

  private drop(slot: Slot) {
    this.unregister(slot);
    slot.log?.retire();
    // A shape still loading is retired as soon as its snapshot lands.
    if (!slot.log)
      slot.ready.then(
        (l) => l.retire(),
        () => undefined,
      );
  }

  private touch(slot: Slot) {
    slot.lastUsed = this.now();
    this.slots.delete(slot.key);
    this.slots.set(slot.key, slot);
  }

  private table(schema: string, table: string) {
    const k = qualified(schema, table);
    let t = this.tables.get(k);
    if (!t) {
      // Only tables the publication carries can be followed; the rest do not exist for shapes.
      t = publishedTables(this.o.pool, PUBLICATION).then((pub) =>
        pub.has(k) ? readTable(this.o.pool, schema, table) : undefined,
      );
      this.tables.set(k, t);
      t.catch(() => this.tables.delete(k));
    }
    return t;
  }

  private newHandle(key: string): string {
    const hash = createHash('sha1').update(key).digest('hex').slice(0, 10);
    return `${hash}-${BOOT}${Date.now().toString(36)}${(this.counter++).toString(36)}`;
  }

  private register(slot: Slot) {
    this.slots.set(slot.key, slot);
    this.index.add(slot);
  }

  private unregister(slot: Slot) {
    if (this.slots.get(slot.key) === slot) this.slots.delete(slot.key);
    this.index.remove(slot);
  }
}
