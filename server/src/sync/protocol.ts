import type { ServerResponse } from 'node:http';
import type { Request } from 'express';
import { badRequest } from '../http/problem';
import { compareOffsets, formatOffset, parseOffset, type Offset } from './offset';
import type { ShapeDef, ShapeRegistry } from './registry';
import type { ShapeLog } from './shape-log';
import { nextCursor, sendMustRefetch, sendShapeBody, upToDateJson } from './wire';

// Electric's HTTP shape protocol for one request (electric-protocol §1–§7): long-poll, log=full.

export interface ProtocolDeps {
  registry: ShapeRegistry;
  longPollMs: number;
  /** The last LSN the capture handed on, for up-to-date's global_last_seen_lsn. */
  lastLsn(): bigint;
}

interface ProtocolParams {
  offset: Offset | '-1' | 'now';
  handle?: string;
  live: boolean;
  cursor?: string;
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

export function parseProtocolParams(query: Request['query']): ProtocolParams {
  for (const name of Object.keys(query)) {
    if (name.startsWith('subset__')) throw badRequest('subset snapshots are not supported by this server');
  }
  const rawOffset = single(query, 'offset');
  if (rawOffset === undefined) throw badRequest('offset is required');
  const offset = rawOffset === '-1' || rawOffset === 'now' ? rawOffset : parseOffset(rawOffset);
  if (offset === undefined) throw badRequest(`offset "${rawOffset}" is not -1, now or <tx>_<op>`);
  const handle = single(query, 'handle') || undefined;
  if (typeof offset === 'object' && !handle)
    throw badRequest('handle is required unless offset is -1 or now');
  const rawLive = single(query, 'live');
  // As in Electric, any value other than "false" means live (a bare `&live` too).
  const live = rawLive !== undefined && rawLive !== 'false';
  if (live && typeof offset !== 'object') throw badRequest('live=true needs an offset other than -1 or now');
  for (const sse of ['live_sse', 'experimental_live_sse']) {
    const v = single(query, sse);
    if (v !== undefined && v !== 'false') {
      throw badRequest('server-sent events are not supported by this server; use long-polling');
    }
  }
  const log = single(query, 'log');
  if (log !== undefined && log !== 'full') {
    throw badRequest(
      log === 'changes_only' ? 'log=changes_only is not supported by this server' : `log must be full`,
    );
  }
  return { offset, handle, live, cursor: single(query, 'cursor') };
}

export async function serveShape(
  deps: ProtocolDeps,
  def: ShapeDef,
  query: Request['query'],
  res: ServerResponse,
): Promise<void> {
  const p = parseProtocolParams(query);
  const shape = await deps.registry.get(def);
  const nonLive = (s: ShapeLog, offset: Offset, body: string) =>
    sendShapeBody(res, { handle: s.handle, offset: formatOffset(offset), schema: s.schema }, body);

  if (p.offset === '-1') {
    // The snapshot, its snapshot-end, then every change since: each write after the snapshot
    // reaches a refetching client with its txid (electric-protocol §7).
    const body = shape.body('snapshot', upToDateJson(deps.lastLsn()));
    return sendShapeBody(
      res,
      { handle: shape.handle, offset: body.offset, schema: shape.schema },
      body.bytes,
    );
  }
  if (p.offset === 'now') return nonLive(shape, shape.head, `[${upToDateJson(deps.lastLsn())}]`);
  if (p.handle !== shape.handle) return sendMustRefetch(res, shape.handle);
  const offset = p.offset;
  if (!inBounds(shape, offset)) {
    throw badRequest(`offset ${formatOffset(offset)} is out of bounds for this shape`);
  }
  if (!p.live) {
    const body = shape.body(offset, upToDateJson(deps.lastLsn()));
    return sendShapeBody(
      res,
      { handle: shape.handle, offset: body.offset, schema: shape.schema },
      body.bytes,
    );
  }
  return answerLive(deps, def, shape, { offset, cursor: p.cursor }, res);
}

export function inBounds(shape: ShapeLog, offset: Offset): boolean {
  return compareOffsets(offset, shape.head) <= 0 && compareOffsets(offset, shape.base) >= 0;
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
  p: { offset: Offset; cursor?: string; requestId?: string },
  res: ServerResponse,
): Promise<void> {
  const reply = () => {
    const body = shape.body(p.offset, upToDateJson(deps.lastLsn()));
    const cursor = nextCursor(p.cursor, deps.longPollMs);
    sendShapeBody(
      res,
      { handle: shape.handle, offset: body.offset, cursor, requestId: p.requestId },
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
