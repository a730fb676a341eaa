import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import { badRequest } from '../http/problem';
import { invalidParam } from './where/errors';
import { cacheControl, etag, type CachePolicy } from './cache-headers';
import { compareOffsets, formatOffset, parseOffset, type Offset } from './offset';
import type { ShapeDef, ShapeRegistry } from './registry';
import type { ShapeLog } from './shape-log';
import { streamShape, type SseOptions } from './sse';
import {
  isSubsetQuery,
  orderBySql,
  readSubset,
  compileSubsetWhere,
  subsetFromBody,
  subsetFromQuery,
  type SubsetRequest,
} from './subset';
import { changeJson, nextCursor, rowKey, sendMustRefetch, sendShapeBody, upToDateJson } from './wire';

// Electric's HTTP shape protocol for one request (electric-protocol §1–§7): log=full, live
// long-poll or SSE, with Electric's cache headers.

export interface ProtocolDeps {
  registry: ShapeRegistry;
  longPollMs: number;
  sse: SseOptions;
  cache: CachePolicy;
  /** The last LSN the capture handed on, for up-to-date's global_last_seen_lsn. */
  lastLsn(): bigint;
}

interface ProtocolParams {
  offset: Offset | '-1' | 'now';
  /** The offset as the client sent it (echoed back when nothing is newer). */
  rawOffset: string;
  handle?: string;
  live: boolean;
  sse: boolean;
  cursor?: string;
  log: 'full' | 'changes_only';
}

// Parameters that define a shape: the route fixes them, a client may not send them.
const SHAPE_PARAMS = ['table', 'where', 'columns', 'replica', 'secret', 'api_secret'];

function single(query: Request['query'], name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be given once`);
  return v;
}

/** On the app's own routes (built-in or proxied) the shape is the route's, never the client's. */
export function rejectShapeParams(query: Request['query']): void {
  for (const name of Object.keys(query)) {
    if (SHAPE_PARAMS.includes(name) || name.startsWith('params[')) {
      throw badRequest(`${name} is fixed by the server for this shape`);
    }
  }
}

// The messages are Electric's (shapes/api/params.ex, in its validation order), so a client or
// proxy written for Electric reads the same `errors` on /v1/shape; /api/* gets them as detail.
export function parseProtocolParams(query: Request['query']): ProtocolParams {
  const rawOffset = single(query, 'offset');
  if (rawOffset === undefined) throw invalidParam('offset', "can't be blank");
  const offset = rawOffset === '-1' || rawOffset === 'now' ? rawOffset : parseOffset(rawOffset);
  if (offset === undefined)
    throw invalidParam('offset', `has invalid format: "${rawOffset}" is not -1, now or <tx>_<op>`);
  const handle = single(query, 'handle') || undefined;
  if (typeof offset === 'object' && !handle) throw invalidParam('handle', "can't be blank when offset != -1");
  const rawLive = single(query, 'live');
  // As in Electric, any value other than "false" means live (a bare `&live` too).
  const live = rawLive !== undefined && rawLive !== 'false';
  if (live && offset === '-1') throw invalidParam('live', "can't be true when offset == -1");
  if (live && offset === 'now') throw invalidParam('live', "can't be true when offset is 'now'");
  // The client sends both; Electric reads live_sse and falls back to experimental_live_sse.
  const rawSse = single(query, 'live_sse') ?? single(query, 'experimental_live_sse');
  const sse = rawSse !== undefined && rawSse !== 'false';
  if (sse && !live) throw invalidParam('live_sse', "can't be true unless live is also true");
  const log = single(query, 'log') ?? 'full';
  if (log !== 'full' && log !== 'changes_only') throw invalidParam('log', 'is invalid');
  return { offset: atTxEnd(offset), rawOffset, handle, live, sse, cursor: single(query, 'cursor'), log };
}

/**
 * The shape a request follows: `log=changes_only` is a shape of its own (as in Electric, where
 * the log mode is part of the definition), one that starts empty instead of with every row.
 */
export function withLogMode(def: ShapeDef, p: Pick<ProtocolParams, 'log'>): ShapeDef {
  return p.log === 'changes_only' ? { ...def, log: 'changes_only' } : def;
}

/**
 * Every offset this server hands out ends a transaction (a response carries whole transactions),
 * except the one an SSE client makes itself: `<lsn>_0` from up-to-date's global_last_seen_lsn,
 * which means "everything up to that transaction". Reading every offset as the end of its
 * transaction makes both mean the same, so a reconnecting SSE client is not sent the rest of its
 * last transaction again (Electric re-sends it; TanStack DB would see an insert twice).
 */
function atTxEnd(offset: Offset | '-1' | 'now'): Offset | '-1' | 'now' {
  return typeof offset === 'object' && offset.tx > 0n ? { tx: offset.tx, op: Infinity } : offset;
}

export async function serveShape(
  deps: ProtocolDeps,
  def: ShapeDef,
  req: IncomingMessage & { query: Request['query'] },
  res: ServerResponse,
): Promise<void> {
  const p = parseProtocolParams(req.query);
  def = withLogMode(def, p);
  const subset =
    req.method === 'POST'
      ? subsetFromBody((req as { body?: unknown }).body)
      : isSubsetQuery(req.query)
        ? subsetFromQuery(req.query)
        : undefined;
  if (subset) {
    if (p.live) throw badRequest('a subset snapshot cannot be live');
    return serveSubset(deps, def, p, subset, res);
  }
  const shape = await deps.registry.get(def);
  const nonLive = (kind: 'snapshot' | 'log', offset: string, body: string | Buffer, upToDate = true) =>
    sendShapeBody(
      res,
      {
        handle: shape.handle,
        offset,
        upToDate,
        schema: shape.schema,
        cacheControl: cacheControl(kind, deps.cache),
        etag: etag(shape.handle, p.rawOffset, offset, false),
        req,
      },
      body,
    );

  if (p.offset === '-1') {
    // The snapshot (its first chunk) with its snapshot-end and without up-to-date, as Electric
    // answers it; the client's next request at 0_inf gets every change since, so each write after
    // the snapshot reaches a refetching client with its txid (electric-protocol §7).
    const body = shape.body('snapshot', upToDateJson(deps.lastLsn()));
    return nonLive('snapshot', body.offset, body.bytes, body.upToDate);
  }
  if (p.offset === 'now') {
    return nonLive('log', formatOffset(shape.head), `[${upToDateJson(deps.lastLsn())}]`);
  }
  if (p.handle !== shape.handle) return sendMustRefetch(res, shape.handle);
  const offset = p.offset;
  if (!inBounds(shape, offset)) {
    throw invalidParam('offset', 'out of bounds for this shape');
  }
  if (!p.live) {
    const body = shape.body(offset, upToDateJson(deps.lastLsn()));
    return nonLive(
      'log',
      body.offset === formatOffset(offset) ? p.rawOffset : body.offset,
      body.bytes,
      body.upToDate,
    );
  }
  const live = { offset, rawOffset: p.rawOffset, cursor: p.cursor, req };
  // A stream carries the log, not snapshot chunks: mid-snapshot, answer as a long-poll does.
  if (p.sse && !shape.inSnapshot(offset)) return streamLive(deps, shape, live, res);
  return answerLive(deps, def, shape, live, res);
}

/**
 * A subset snapshot of the shape (electric-protocol §3.6): `{metadata, data}` with the shape's
 * handle and, as electric-offset, the offset the request came at (the client's stream position)
 * or, from -1 or now, the log position read before the rows were: every change the client has not
 * been sent comes after it, and its SnapshotTracker drops the ones the rows already contain
 * (visible in the metadata's snapshot). A request at another handle gets 409.
 */
async function serveSubset(
  deps: ProtocolDeps,
  def: ShapeDef,
  p: ProtocolParams,
  subset: SubsetRequest,
  res: ServerResponse,
): Promise<void> {
  const shape = await deps.registry.get(def);
  if (p.handle !== undefined && p.handle !== shape.handle) return sendMustRefetch(res, shape.handle);
  const info = await deps.registry.tableInfo(def);
  const where = await compileSubsetWhere(deps.registry.pool, info, subset);
  const order = subset.orderBy ? orderBySql(info, shape.view.columns, subset.orderBy) : undefined;
  // The client moves its stream to this offset (requestSnapshot). A client already in the log stays
  // where it is: a change after its offset that it has not been sent (a held live response aborted
  // for this request) and that the subset does not contain would be skipped if this were the head.
  // The stream still serves every change after it; SnapshotTracker drops those the rows contain.
  // At -1 or now (a cold start) there is no such position: the head, read before the rows are.
  const at = typeof p.offset === 'object' && inBounds(shape, p.offset) ? p.rawOffset : undefined;
  const offset = at ?? formatOffset(shape.head);
  const result = await readSubset(deps.registry.pool, shape.view, where, order, subset);
  const { schema, table, pk } = shape.view;
  const headers = { snapshot_mark: result.metadata.snapshot_mark };
  const data = result.rows.map((r) =>
    changeJson(rowKey(schema, table, pk, r), 'insert', [schema, table], r, headers),
  );
  const body = `{"metadata":${JSON.stringify(result.metadata)},"data":[${data.join(',')}]}`;
  res.writeHead(200, [
    'content-type',
    'application/json; charset=utf-8',
    'cache-control',
    cacheControl('subset', deps.cache),
    'electric-handle',
    shape.handle,
    'electric-offset',
    offset,
    'electric-schema',
    shape.schema,
    'electric-snapshot',
    'true',
  ]);
  res.end(body);
}

/** The offset is one this handle served: not before its start, not after its last transaction. */
export function inBounds(shape: ShapeLog, offset: Offset): boolean {
  if (shape.inSnapshot(offset)) return true;
  return offset.tx <= shape.head.tx && compareOffsets(offset, shape.base) >= 0;
}

export interface LiveRequest {
  offset: Offset;
  rawOffset: string;
  cursor?: string;
  requestId?: string;
  req?: IncomingMessage;
}

/** A live SSE request at a valid offset of the shape's current handle (sse.ts). */
export function streamLive(
  deps: ProtocolDeps,
  shape: ShapeLog,
  p: LiveRequest,
  res: ServerResponse,
): Promise<void> {
  return streamShape(
    shape,
    {
      offset: p.offset,
      responseOffset: p.rawOffset,
      cursor: nextCursor(p.cursor, deps.longPollMs),
      cacheControl: cacheControl('sse', deps.cache),
      requestId: p.requestId,
    },
    deps.sse,
    res,
  );
}

/**
 * A live request at a valid offset of the shape's current handle: answered at once if the log has
 * something after the offset, else held until a change (answered from apply(), in the same pass
 * as every other held request, with bytes encoded once per offset), the timeout (200 + up-to-date)
 * or the shape's retirement (409). Shared by serveShape and the fast path.
 */
export function answerLive(
  deps: ProtocolDeps,
  def: ShapeDef,
  shape: ShapeLog,
  p: LiveRequest,
  res: ServerResponse,
): Promise<void> {
  const reply = () => {
    const body = shape.body(p.offset, upToDateJson(deps.lastLsn()));
    const cursor = nextCursor(p.cursor, deps.longPollMs);
    const empty = body.offset === formatOffset(p.offset);
    const offset = empty ? p.rawOffset : body.offset;
    sendShapeBody(
      res,
      {
        handle: shape.handle,
        offset,
        cursor,
        upToDate: body.upToDate,
        requestId: p.requestId,
        cacheControl: cacheControl('live', deps.cache),
        etag: etag(shape.handle, p.rawOffset, offset, empty),
        req: p.req,
      },
      body.bytes,
    );
  };
  if (shape.hasAfter(p.offset)) {
    reply();
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const onClose = () => {
      cancel();
      resolve();
    };
    const cancel = shape.hold(deps.longPollMs, (result) => {
      res.off('close', onClose);
      if (result !== 'gone') return resolve(reply());
      deps.registry.get(def).then((s) => resolve(sendMustRefetch(res, s.handle, p.requestId)), reject);
    });
    res.once('close', onClose);
  });
}
