import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { HttpError } from '../http/problem';
import type { ShapeDef } from './registry';

// Upstream "electric": the same routes become an auth proxy in front of a real Electric
// (electric-protocol §10). Only the protocol's own parameters pass from the client; the shape
// definition and the secret are added here.

const PROTOCOL_PARAMS = new Set([
  'offset',
  'handle',
  'live',
  'live_sse',
  'experimental_live_sse',
  'cursor',
  'log',
  'expired_handle',
  'cache-buster',
]);
// Hop-by-hop headers, plus the encoding of a body fetch() has already decoded.
const DROP_HEADERS = new Set([
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function upstreamUrl(base: string, def: ShapeDef, query: Request['query'], secret?: string): URL {
  const url = new URL(`${base.replace(/\/+$/, '')}/v1/shape`);
  for (const [k, v] of Object.entries(query)) {
    if ((PROTOCOL_PARAMS.has(k) || k.startsWith('subset__')) && typeof v === 'string')
      url.searchParams.set(k, v);
  }
  url.searchParams.set('table', def.schema === 'public' ? def.table : `${def.schema}.${def.table}`);
  if (def.where) {
    url.searchParams.set('where', `${quote(def.where.column)} = $1`);
    url.searchParams.set('params[1]', def.where.value);
  }
  if (def.columns) url.searchParams.set('columns', def.columns.map(quote).join(','));
  if (secret) url.searchParams.set('secret', secret);
  return url;
}

export async function proxyShape(
  opts: { electricUrl: string; secret?: string },
  def: ShapeDef,
  req: Request,
  res: Response,
): Promise<void> {
  const url = upstreamUrl(opts.electricUrl, def, req.query, opts.secret);
  const abort = new AbortController();
  // The client leaving ends the upstream request too (a held live request would linger otherwise).
  const onClose = () => abort.abort();
  res.on('close', onClose);
  let upstream: globalThis.Response;
  try {
    // A POST is a subset snapshot: its JSON body goes on as it came (Electric ANDs its where
    // with the shape's, which this proxy set).
    const post = req.method === 'POST';
    upstream = await fetch(url, {
      method: post ? 'POST' : 'GET',
      signal: abort.signal,
      headers: {
        ...(req.headers.accept ? { accept: req.headers.accept } : {}),
        // A cache in front revalidating its copy (nginx proxy_cache_revalidate, a browser): Electric
        // answers a matching ETag with 304, so the body is not sent again.
        ...(req.headers['if-none-match'] ? { 'if-none-match': req.headers['if-none-match'] } : {}),
        ...(post ? { 'content-type': 'application/json' } : {}),
      },
      ...(post ? { body: JSON.stringify((req as { body?: unknown }).body ?? {}) } : {}),
    });
  } catch (err) {
    res.off('close', onClose);
    if (abort.signal.aborted) return;
    throw new HttpError(
      502,
      'upstream-unreachable',
      'Bad gateway',
      `the sync service did not answer: ${String(err)}`,
    );
  }
  res.status(upstream.status);
  upstream.headers.forEach((value, name) => {
    if (!DROP_HEADERS.has(name)) res.setHeader(name, value);
  });
  if (!upstream.body) {
    res.off('close', onClose);
    return void res.end();
  }
  res.flushHeaders();
  const body = Readable.fromWeb(upstream.body);
  body.on('error', () => res.destroy());
  body.pipe(res);
  await new Promise<void>((resolve) => res.on('close', resolve));
  res.off('close', onClose);
}
