import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import {
  answerLive,
  inBounds,
  parseProtocolParams,
  rejectShapeParams,
  streamLive,
  withLogMode,
  type ProtocolDeps,
} from './protocol';
import { namedShape } from './shapes';
import { HttpError } from '../http/problem';
import { shapeError } from './routes';

// The steady state of live sync is every subscriber re-arming its long-poll after every commit:
// at 1,000 subscribers that is 1,000 requests per commit, and the Express stack (pino-http,
// router, query getter) cost more than the answer itself (see docs/sync.md, "Performance").
// This answers exactly one kind of request before Express: a valid live long-poll (or SSE stream)
// on a shape that is loaded, at the current handle and an offset in bounds. It runs the same parsing and the same
// answerLive as the Express route, so the response is byte for byte the same; everything else
// (snapshots, 400s, 404s, 409s, shapes not loaded yet) returns false and takes the normal route.

const PREFIX = '/api/shapes/';
const INTERNAL = {
  type: '/problems/internal',
  title: 'Internal error',
  status: 500,
  detail: 'something went wrong on our side',
} as const;
const REQUEST_ID = /^[\w.-]{1,64}$/;

export function liveFastPath(
  deps: ProtocolDeps & { ready(): boolean },
  log: Logger,
  counter: { requests: number },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || !url?.startsWith(PREFIX) || !deps.ready()) return false;
    const q = url.indexOf('?');
    if (q < 0) return false;
    const name = url.slice(PREFIX.length, q);
    if (!/^[a-z]+$/.test(name)) return false; // no escapes, no trailing slash: Express decides those
    const query = parseQuery(url.slice(q + 1)); // what Express' "simple" query parser does
    let def, p;
    try {
      def = namedShape(name, query);
      rejectShapeParams(query);
      p = parseProtocolParams(query);
      def = withLogMode(def, p);
    } catch {
      return false; // Express renders the same error as problem+json, logged
    }
    if (!p.live || typeof p.offset !== 'object') return false;
    const shape = deps.registry.peek(def);
    if (!shape || shape.handle !== p.handle || !inBounds(shape, p.offset)) return false;
    counter.requests++;
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const live = { offset: p.offset, rawOffset: p.rawOffset, cursor: p.cursor, requestId, req };
    if (p.sse && !shape.inSnapshot(p.offset)) {
      void streamLive(deps, shape, live, res);
      return true;
    }
    answerLive(deps, def, shape, live, res).catch((err: unknown) => {
      // Only the 409 after a rotation can fail (reading the new snapshot: the database is away,
      // the parent was deleted, the shape cap is reached); rendered as Express would.
      if (res.headersSent) return void res.end();
      const shown = shapeError(err, res);
      const problem = shown instanceof HttpError ? shown.toProblem() : INTERNAL;
      if (problem === INTERNAL) log.error({ err }, 'live shape request failed');
      res.writeHead(problem.status, {
        'content-type': 'application/problem+json',
        'x-request-id': requestId,
      });
      res.end(JSON.stringify(problem));
    });
    return true;
  };
}
