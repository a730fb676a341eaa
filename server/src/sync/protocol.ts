import type { Request, Response } from 'express';
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
  req: Request,
  res: Response,
): Promise<void> {
  const p = parseProtocolParams(req.query);
  let shape = await deps.registry.get(def);
  shape.lastUsed = Date.now();
  const upToDate = () => upToDateJson(deps.lastLsn());
  const nonLive = (s: ShapeLog, offset: Offset, body: string) =>
    sendShapeBody(res, { handle: s.handle, offset: formatOffset(offset), schema: s.schema }, body);

  if (p.offset === '-1') {
    const rows = shape.rowsAsInserts();
    return nonLive(shape, shape.head, `[${rows}${rows ? ',' : ''}${upToDate()}]`);
  }
  if (p.offset === 'now') return nonLive(shape, shape.head, `[${upToDate()}]`);
  if (p.handle !== shape.handle) return sendMustRefetch(res, shape.handle);
  const offset = p.offset;
  if (compareOffsets(offset, shape.head) > 0 || compareOffsets(offset, shape.base) < 0) {
    throw badRequest(`offset ${formatOffset(offset)} is out of bounds for this shape`);
  }
  const reply = (s: ShapeLog) => {
    const found = s.after(offset);
    const body = found ? `[${found.json},${upToDate()}]` : `[${upToDate()}]`;
    const at = formatOffset(found ? found.offset : offset);
    if (!p.live) return sendShapeBody(res, { handle: s.handle, offset: at, schema: s.schema }, body);
    sendShapeBody(res, { handle: s.handle, offset: at, cursor: nextCursor(p.cursor, deps.longPollMs) }, body);
  };
  if (!p.live || shape.after(offset)) return reply(shape);

  const gone = new AbortController();
  const onClose = () => gone.abort();
  res.on('close', onClose);
  try {
    const result = await shape.wait(deps.longPollMs, gone.signal);
    if (result === 'aborted') return;
    if (result === 'gone') {
      shape = await deps.registry.get(def);
      return sendMustRefetch(res, shape.handle);
    }
    reply(shape);
  } finally {
    res.off('close', onClose);
  }
}
