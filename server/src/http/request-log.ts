import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { stdSerializers, type Level, type Logger } from 'pino';

// The request log line and x-request-id, as pino-http wrote them, without its per-request cost:
// pino-http makes two child loggers for every request, and a child serialises its bindings at
// once (the whole request, headers included, through JSON.stringify), though a 2xx line is at
// debug and is dropped at the default level. Here nothing is built unless the line is written
// (issue 13, docs/performance.md "Write path").

const REQUEST_ID = /^[\w.-]{1,64}$/;
const ID = Symbol('requestId');

type WithId = Request & { [ID]?: string };

// 503 is "the database is away" (logged once as a connection state), not a failure of ours.
const levelOf = (status: number): Level =>
  status === 503 ? 'warn' : status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';

export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    (req as WithId)[ID] = id;
    const start = Date.now();
    const done = () => {
      res.off('close', done);
      res.off('finish', done);
      const level = levelOf(res.statusCode);
      if (!log.isLevelEnabled(level)) return;
      const line = {
        reqId: id,
        req: stdSerializers.req(req),
        res: stdSerializers.res(res),
        responseTime: Date.now() - start,
      };
      if (res.statusCode >= 500) log[level](line, 'request errored');
      else log[level](line, 'request completed');
    };
    res.on('close', done);
    res.on('finish', done);
    next();
  };
}

/** The log for a line about this request: tagged with its request id when it has one. */
export function logFor(req: Request, log: Logger): Logger {
  const id = (req as WithId)[ID];
  return id === undefined ? log : log.child({ reqId: id });
}
