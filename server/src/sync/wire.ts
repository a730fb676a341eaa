import type { IncomingMessage, ServerResponse } from 'node:http';
import { MUST_REFETCH_CACHE_CONTROL, notModified } from './cache-headers';
import type { Row } from './change';

// How shape messages look on the wire (electric-protocol §3): every value a string or null,
// keys `"schema"."table"/"pk"`, control messages under headers.control.

export type Operation = 'insert' | 'update' | 'delete';

const escapeName = (s: string) => s.replaceAll('/', '//').replaceAll('.', '..');
const escapeValue = (s: string) => s.replaceAll('/', '//');

/** Electric's row key: `"public"."tasks"/"<id>"`, one `/"…"` per primary-key column. */
export function rowKey(schema: string, table: string, pk: readonly string[], row: Row): string {
  let key = `"${escapeName(schema)}"."${escapeName(table)}"`;
  for (const col of pk) {
    const v = row[col];
    key += v === null || v === undefined ? '/_' : `/"${escapeValue(v)}"`;
  }
  return key;
}

export type ChangeHeaders =
  | { txids: number[]; lsn: string; op_position: number; last?: true }
  /** A subset snapshot's rows carry the subset's mark instead (electric-protocol §3.2). */
  | { snapshot_mark: number };

/** One change message, serialised once and shared by every response that carries it. */
export function changeJson(
  key: string,
  operation: Operation,
  relation: readonly [string, string],
  value: Row,
  live?: ChangeHeaders,
): string {
  return JSON.stringify({ key, value, headers: { operation, relation, ...live } });
}

export function upToDateJson(globalLastSeenLsn: bigint): string {
  return JSON.stringify({
    headers: { control: 'up-to-date', global_last_seen_lsn: globalLastSeenLsn.toString() },
  });
}

/**
 * The end of a snapshot, with the snapshot's visibility (pg_current_snapshot(), 64-bit, as text):
 * a client waiting for a txid the snapshot already contains can tell it is there, since snapshot
 * rows carry no txids (TanStack DB's awaitTxId checks `isVisibleInSnapshot`).
 */
export function snapshotEndJson(s: { xmin: bigint; xmax: bigint; xip: Iterable<bigint> }): string {
  return JSON.stringify({
    headers: {
      control: 'snapshot-end',
      xmin: s.xmin.toString(),
      xmax: s.xmax.toString(),
      xip_list: [...s.xip].map(String),
    },
  });
}

export const MUST_REFETCH = JSON.stringify([{ headers: { control: 'must-refetch' } }]);

// Seconds since Electric's cursor epoch (2024-10-09T00:00Z), rounded up to the long-poll interval,
// so consecutive live URLs differ over time (electric-protocol §5.2).
const CURSOR_EPOCH_MS = Date.UTC(2024, 9, 9);
export function nextCursor(clientCursor: string | undefined, longPollMs: number): string {
  const step = Math.max(1, Math.ceil(longPollMs / 1000));
  const now = Math.ceil((Date.now() - CURSOR_EPOCH_MS) / 1000 / step) * step;
  const given = Number(clientCursor);
  if (clientCursor && Number.isSafeInteger(given) && now <= given) {
    return String(given + 1 + Math.floor(Math.random() * 3600));
  }
  return String(now);
}

export interface ShapeHeaders {
  handle: string;
  offset: string;
  /** Per response kind (cache-headers.ts). */
  cacheControl: string;
  schema?: string;
  cursor?: string;
  etag?: string;
  /** The request, for If-None-Match: a matching etag is answered 304 without a body. */
  req?: IncomingMessage;
  /** Set by the fast path, which has no pino-http to do it (x-request-id on every response). */
  requestId?: string;
  /** False for a chunk that does not reach the head (no up-to-date in its body). */
  upToDate?: boolean;
}

/**
 * The headers every 2xx shape response needs; a missing one is fatal to the client. Written as one
 * writeHead array (no per-header validation pass): this runs once per subscriber per commit.
 */
export function sendShapeBody(res: ServerResponse, h: ShapeHeaders, body: string | Buffer): void {
  const headers = [...jsonHeaders(h.handle, h.cacheControl), 'electric-offset', h.offset];
  // Present iff the body ends with up-to-date: the client prefetches the next chunk otherwise.
  if (h.upToDate !== false) headers.push('electric-up-to-date', '');
  if (h.schema !== undefined) headers.push('electric-schema', h.schema);
  if (h.cursor !== undefined) headers.push('electric-cursor', h.cursor);
  if (h.requestId !== undefined) headers.push('x-request-id', h.requestId);
  if (h.etag !== undefined) {
    headers.push('etag', h.etag);
    if (notModified(h.req, h.etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
  }
  res.writeHead(200, headers);
  res.end(body);
}

export function sendMustRefetch(res: ServerResponse, newHandle: string, requestId?: string): void {
  const headers = jsonHeaders(newHandle, MUST_REFETCH_CACHE_CONTROL);
  if (requestId !== undefined) headers.push('x-request-id', requestId);
  res.writeHead(409, headers);
  res.end(MUST_REFETCH);
}

/** The headers every shape answer starts with, as a flat writeHead array. */
function jsonHeaders(handle: string, cacheControl: string): string[] {
  return [
    'content-type',
    'application/json; charset=utf-8',
    'cache-control',
    cacheControl,
    'electric-handle',
    handle,
  ];
}
