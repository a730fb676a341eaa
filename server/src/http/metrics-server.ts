import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import { errorHandler, notFoundHandler } from './error-handler';
import { metricsRoute } from './metrics-route';

/**
 * A listener that serves only GET /metrics: how a worker-only process (which serves no other
 * HTTP) exposes the reply series it observes, and how any role can keep metrics off its public
 * port. Same token rule as the web role's /metrics.
 */
export function createMetricsServer(
  metrics: Metrics,
  opts: { token?: string; production: boolean; log: Logger },
): Server {
  const app = express();
  app.disable('x-powered-by');
  app.use(metricsRoute(metrics, opts));
  app.use(notFoundHandler);
  app.use(errorHandler(opts.log));
  return createServer(app);
}

/** Starts the metrics listener on METRICS_PORT (HOST as for the web role). */
export async function listenMetrics(
  metrics: Metrics,
  config: { METRICS_PORT?: number; METRICS_TOKEN?: string; NODE_ENV: string; HOST: string },
  log: Logger,
): Promise<Server> {
  const server = createMetricsServer(metrics, {
    token: config.METRICS_TOKEN,
    production: config.NODE_ENV === 'production',
    log,
  });
  await new Promise<void>((resolve) => server.listen(config.METRICS_PORT, config.HOST, resolve));
  log.info({ port: config.METRICS_PORT }, 'metrics listening');
  return server;
}
