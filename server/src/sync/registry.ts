import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Change, Transaction } from './change';
import { publishedTables, readTable, schemaHeader, type TableInfo } from './catalog';
import { PUBLICATION } from './capture';
import type { ShapeView } from './filter';
import { SNAPSHOT_END } from './offset';
import { ShapeLog } from './shape-log';
import { takeSnapshot } from './snapshot';
import { rowKey } from './wire';
import { badRequest } from '../http/problem';
import { compileWhere } from './where/compile';
import { invalidParam } from './where/errors';
import { indexKey } from './where/sql';

// Every live shape of this instance, keyed by its definition: one ShapeLog per definition however
// many clients follow it. Routes each transaction to the shapes it can touch through a hash index on
// the filter value, takes snapshots, rotates shapes whose log grew past the bound, evicts idle ones.
// Tables are always named with their schema: `a.items` and `b.items` are different tables.

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
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const qualified = (schema: string, table: string) => `${schema}.${table}`;

interface Slot {
  key: string;
  view: ShapeView;
  /** `column = value` the clause requires, if any: routed through the hash index. */
  route?: { column: string; value: string };
  log?: ShapeLog;
  /** Transactions that arrived while the snapshot was being read. */
  buffer?: Transaction[];
  ready: Promise<ShapeLog>;
}

interface TableIndex {
  all: Set<Slot>;
  byValue: Map<string, Map<string, Set<Slot>>>; // column → value → slots
}

export interface RegistryOptions {
  pool: Pool;
  log: Logger;
  maxEntries: number;
  idleMs: number;
}

const BOOT = randomBytes(4).toString('hex');

export class ShapeRegistry {
  private slots = new Map<string, Slot>();
  private index = new Map<string, TableIndex>();
  private tables = new Map<string, Promise<TableInfo | undefined>>();
  private counter = 0;
  private sweeper: NodeJS.Timeout;

  constructor(private readonly o: RegistryOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, o.idleMs / 2)));
    this.sweeper.unref();
  }

  /** The current shape for a definition if it is loaded and live (no waiting, no snapshot). */
  peek(def: ShapeDef): ShapeLog | undefined {
    const log = this.slots.get(JSON.stringify(def))?.log;
    return log && !log.retired ? log : undefined;
  }

  /** The current shape for a definition, snapshotting it first if it does not exist yet. */
  async get(def: ShapeDef): Promise<ShapeLog> {
    const key = JSON.stringify(def);
    const existing = this.slots.get(key);
    if (existing) return existing.ready;
    const info = await this.table(def.schema, def.table);
    // It may be published, or given REPLICA IDENTITY FULL, later: ask the catalog again next time.
    if (!info || info.replicaIdentity !== 'f') this.tables.delete(qualified(def.schema, def.table));
    if (!info) throw badRequest(`table ${def.schema}.${def.table} is not synced`);
    const known = new Set(info.columns.map((c) => c.name));
    const columns = def.columns ?? info.columns.map((c) => c.name);
    for (const c of columns) {
      if (!known.has(c)) throw invalidParam('columns', `column ${c} does not exist in ${def.table}`);
    }
    for (const c of info.pk) {
      if (!columns.includes(c))
        throw invalidParam('columns', `columns must include the primary key column ${c}`);
    }
    // Without the old row an update cannot tell a row leaving the shape, and a delete of a filtered
    // row matches nothing: Electric requires FULL too (it sets it on tables it publishes itself; here
    // the publication is the operator's, so we refuse and say what to run).
    if (info.replicaIdentity !== 'f') {
      throw invalidParam(
        'table',
        `table ${def.schema}.${def.table} must have REPLICA IDENTITY FULL to be synced: run ALTER TABLE ${ident(def.schema)}.${ident(def.table)} REPLICA IDENTITY FULL`,
      );
    }
    const source =
      def.filter ??
      (def.where ? { sql: `${ident(def.where.column)} = $1`, params: { '1': def.where.value } } : undefined);
    const where = source ? await compileWhere(this.o.pool, info, source.sql, source.params) : undefined;
    // Another request may have created it while we were reading the catalog.
    const raced = this.slots.get(key);
    if (raced) return raced.ready;
    const padded = info.columns.filter((c) => c.typeName === 'bpchar' && c.dims === 0).map((c) => c.name);
    const view: ShapeView = {
      schema: info.schema,
      table: info.table,
      columns,
      pk: info.pk,
      where,
      ...(def.replica === 'full' ? { replica: 'full' as const } : {}),
      ...(padded.length ? { padded } : {}),
    };
    const schema = schemaHeader(info.columns.filter((c) => columns.includes(c.name)));
    const slot: Slot = {
      key,
      view,
      route: where ? indexKey(where) : undefined,
      buffer: [],
      ready: undefined as unknown as Promise<ShapeLog>,
    };
    // Registered before the snapshot starts: every transaction not in the snapshot reaches the buffer.
    this.register(slot);
    slot.ready = this.load(slot, schema);
    slot.ready.catch(() => this.unregister(slot));
    return slot.ready;
  }

  private async load(slot: Slot, schema: string): Promise<ShapeLog> {
    const snap = await takeSnapshot(this.o.pool, slot.view);
    const rows = new Map(
      snap.rows.map((r) => [rowKey(slot.view.schema, slot.view.table, slot.view.pk, r), r] as const),
    );
    const log = new ShapeLog(this.newHandle(slot.key), slot.view, schema, SNAPSHOT_END, rows, snap.xids);
    slot.log = log;
    for (const tx of slot.buffer ?? [])
      this.applyTo(
        slot,
        tx,
        tx.changes.map((change, index) => ({ change, index })),
      );
    slot.buffer = undefined;
    return log;
  }

  /** A committed transaction from the capture, routed to the shapes it can touch. */
  onTransaction(tx: Transaction): void {
    const touched = new Map<Slot, { change: Change; index: number }[]>();
    tx.changes.forEach((change, index) => {
      const idx = this.index.get(qualified(change.schema, change.table));
      if (!idx) return;
      const add = (s: Slot) => {
        let list = touched.get(s);
        if (!list) touched.set(s, (list = []));
        if (list[list.length - 1]?.index !== index) list.push({ change, index });
      };
      idx.all.forEach(add);
      for (const [column, byValue] of idx.byValue) {
        for (const row of change.kind === 'update'
          ? [change.old, change.new]
          : [change.kind === 'insert' ? change.new : change.old]) {
          const v = row[column];
          if (v != null) byValue.get(v)?.forEach(add);
        }
      }
    });
    for (const [slot, changes] of touched) {
      if (slot.buffer) slot.buffer.push({ ...tx, changes: changes.map((c) => c.change) });
      else this.applyTo(slot, tx, changes);
    }
  }

  private applyTo(slot: Slot, tx: Transaction, changes: { change: Change; index: number }[]) {
    const log = slot.log!;
    if (!log.apply(tx.xid, tx.lsn, changes)) return;
    if (log.size > this.o.maxEntries) this.rotate(slot);
  }

  /** Starts a new handle from the current rows with an empty log; old handles get 409. */
  private rotate(slot: Slot) {
    const old = slot.log!;
    const log = new ShapeLog(this.newHandle(slot.key), old.view, old.schema, old.head, old.rows);
    slot.log = log;
    slot.ready = Promise.resolve(log);
    this.o.log.debug({ old: old.handle, handle: log.handle }, 'rotated a shape whose log reached its bound');
    old.retire();
  }

  /**
   * Shapes that can no longer be followed (truncate, schema change, lost slot) start over;
   * `tables` are `schema.table`, so the catalog read again is the table that changed.
   */
  invalidate(tables: readonly string[] | 'all'): void {
    // The catalog first: a held request re-gets its shape from inside drop(), and must read the
    // table anew.
    if (tables === 'all') this.tables.clear();
    else for (const t of tables) this.tables.delete(t);
    for (const slot of [...this.slots.values()]) {
      if (tables === 'all' || tables.includes(qualified(slot.view.schema, slot.view.table))) this.drop(slot);
    }
  }

  /**
   * DELETE /v1/shape: drops the shape of this definition so its clients get 409 and refetch.
   * A handle, if given, must be the current one (Electric: otherwise the definition mismatches).
   */
  async delete(def: ShapeDef, handle: string | undefined): Promise<'deleted' | 'missing' | 'mismatch'> {
    const slot = this.slots.get(JSON.stringify(def));
    if (!slot) return 'missing';
    const log = await slot.ready.catch(() => undefined);
    if (!log) return 'missing';
    if (handle !== undefined && handle !== log.handle) return 'mismatch';
    if (this.slots.get(slot.key) === slot) this.drop(slot);
    return 'deleted';
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

  private sweep() {
    const cutoff = Date.now() - this.o.idleMs;
    for (const slot of [...this.slots.values()]) {
      if (slot.log && slot.log.waiting === 0 && slot.log.lastUsed < cutoff) this.drop(slot);
    }
  }

  get shapeCount(): number {
    return this.slots.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const slot of [...this.slots.values()]) this.drop(slot);
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
    const name = qualified(slot.view.schema, slot.view.table);
    let idx = this.index.get(name);
    if (!idx) this.index.set(name, (idx = { all: new Set(), byValue: new Map() }));
    const w = slot.route;
    if (!w) return void idx.all.add(slot);
    let byValue = idx.byValue.get(w.column);
    if (!byValue) idx.byValue.set(w.column, (byValue = new Map<string, Set<Slot>>()));
    let set = byValue.get(w.value);
    if (!set) byValue.set(w.value, (set = new Set()));
    set.add(slot);
  }

  private unregister(slot: Slot) {
    if (this.slots.get(slot.key) === slot) this.slots.delete(slot.key);
    const idx = this.index.get(qualified(slot.view.schema, slot.view.table));
    if (!idx) return;
    idx.all.delete(slot);
    const w = slot.route;
    if (!w) return;
    const set = idx.byValue.get(w.column)?.get(w.value);
    set?.delete(slot);
    if (set?.size === 0) idx.byValue.get(w.column)!.delete(w.value);
  }
}
