// Electric log offsets: `<tx>_<op>`, compared as (tx, op) with `inf` above every op.
// tx is the commit LSN of the transaction as an integer; the initial rows sit at tx 0.

export interface Offset {
  tx: bigint;
  op: number; // Infinity encodes `inf`
}

const OFFSET = /^(\d{1,20})_(\d{1,9}|inf)$/;

export const BEFORE_ALL: Offset = { tx: 0n, op: -1 };
/** Where a freshly snapshotted shape stands: after every initial row, before every change. */
export const SNAPSHOT_END: Offset = { tx: 0n, op: Infinity };

export function parseOffset(s: string): Offset | undefined {
  const m = OFFSET.exec(s);
  if (!m) return undefined;
  const tx = BigInt(m[1]!);
  if (tx >= 1n << 64n) return undefined;
  return { tx, op: m[2] === 'inf' ? Infinity : Number(m[2]) };
}

export function formatOffset(o: Offset): string {
  return `${o.tx}_${o.op === Infinity ? 'inf' : o.op}`;
}

export function compareOffsets(a: Offset, b: Offset): number {
  if (a.tx !== b.tx) return a.tx < b.tx ? -1 : 1;
  return a.op === b.op ? 0 : a.op < b.op ? -1 : 1;
}

/** "16/B374D848" (how Postgres prints an LSN) as the integer Electric puts in offsets. */
export function lsnToBigInt(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

export function bigIntToLsn(v: bigint): string {
  return `${(v >> 32n).toString(16).toUpperCase()}/${(v & 0xffffffffn).toString(16).toUpperCase()}`;
}
