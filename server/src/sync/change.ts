// What the capture hands to the shapes: committed transactions of text-valued rows, in commit order.

/** A row as Postgres prints it: column → text form, or null. */
export type Row = Record<string, string | null>;

export type Change =
  | { kind: 'insert'; schema: string; table: string; new: Row }
  | { kind: 'update'; schema: string; table: string; old: Row; new: Row }
  | { kind: 'delete'; schema: string; table: string; old: Row };

export interface Transaction {
  /** 32-bit xid, as pg_current_xact_id()::xid gives the writer (Begin.xid). */
  xid: number;
  /** Commit LSN as an integer: the `tx` part of the offsets of its changes. */
  lsn: bigint;
  changes: Change[];
}

/** What the capture reports besides transactions. */
export interface CaptureEvents {
  transaction(tx: Transaction): void;
  /** The rows of these tables (`schema.table`) can no longer be followed (truncate, schema change): rotate their shapes. */
  invalidate(tables: readonly string[] | 'all'): void;
  /** Resolves once what was handed on so far is kept (shape store); undefined: nothing pending. */
  settled?(): Promise<void> | undefined;
  /** Before the stream of an adopted slot resumes: put back the shapes kept under it. */
  restore?(slot: string): Promise<void>;
  /** The stream runs through `slot`. */
  started?(slot: string): void | Promise<void>;
}
