import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from 'express';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import type { Logs } from '../logger';
import { createCapture, type Capture } from './capture';
import { proxyShape } from './electric-proxy';
import { liveFastPath } from './fast-path';
import { serveShape } from './protocol';
import { ShapeRegistry } from './registry';
import { ShapeStore } from './shape-store';
import { shapeRoutes } from './routes';
import { parentExists } from './parent';
import { notFound } from '../http/problem';
import { LiveRequests } from './live-requests';
import { isAccessEnded, listenControl, type ControlListener } from '../jobs/control';

// Live sync over Electric's shape protocol: the built-in shape server fed by logical replication,
// or, with ELECTRIC_URL set, a proxy to a real Electric. Mounted by createApp, started by main.

export interface Sync {
  router: Router;
  /** Answers the hot live long-poll before Express; false: not handled, pass it on. */
  fastPath?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Shape requests held open, by user and board: ended when that access ends. */
  live: LiveRequests;
  /**
   * Listens for ended access (jobs/control.ts); built-in: also creates the slot and starts
   * streaming. Resolves once shapes can be served.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The built-in parts, for tests and benches; undefined in proxy mode. */
  builtin?: {
    capture: Capture;
    registry: ShapeRegistry;
    /** Shape requests this server answered (or began to), counted at the route. */
    shapeRequests(): number;
  };
}

export function createSync(deps: { config: Config; logs: Logs; db: Db }): Sync {
  const { config } = deps;
  const log = deps.logs.for('sync');
  const live = new LiveRequests();
  // Its own LISTEN connection (a web instance without the agent runtime still serves shapes).
  let listening: Promise<ControlListener> | undefined;
  const listen = () =>
    (listening ??= listenControl(
      deps.db.url,
      log,
      (m) => {
        if (!isAccessEnded(m)) return;
        const ended = live.end(m);
        if (ended) log.info({ access: m, ended }, 'ended live shape requests of ended access');
      },
      {
        states: deps.db.connections,
        connectTimeoutMs: deps.db.poolDefaults.connectionTimeoutMillis,
        name: 'kanban-sync-control',
      },
    ));
  const unlisten = async () => {
    const l = await listening?.catch(() => undefined);
    await l?.close();
  };
  const v1Endpoint = config.SYNC_V1_ENDPOINT;
  if (config.ELECTRIC_URL) {
    const electric = { electricUrl: config.ELECTRIC_URL, secret: config.ELECTRIC_SECRET };
    return {
      router: shapeRoutes(
        async (def, req, res) => {
          // Electric would create a shape for any id: only initial requests can, so check those.
          if (req.query.offset === '-1' && def.parent && !(await parentExists(deps.db.pool, def.parent)))
            throw notFound(def.parent.what, def.parent.id);
          await proxyShape(electric, def, req, res);
        },
        { v1Endpoint: false },
      ),
      live,
      start: async () => {
        await listen();
        log.info({ url: config.ELECTRIC_URL }, 'shapes are proxied to Electric');
      },
      stop: unlisten,
    };
  }
  // SHAPE_PERSIST: shapes and the slot outlive the process (docs/sync.md, "across restarts").
  const store = config.SHAPE_PERSIST
    ? new ShapeStore(deps.db.pool, log, Math.min(60_000, Math.max(250, config.SHAPE_RESUME_RETAIN_MS / 4)))
    : undefined;
  const registry = new ShapeRegistry({
    ...(store ? { store } : {}),
    pool: deps.db.pool,
    log,
    maxEntries: config.SHAPE_LOG_MAX_ENTRIES,
    maxLogBytes: config.SHAPE_LOG_MAX_BYTES,
    maxShapes: config.SHAPE_MAX_LIVE,
    maxBytes: config.SHAPE_MAX_BYTES,
    cacheMaxBytes: config.SHAPE_CACHE_MAX_BYTES,
    chunkBytes: config.SHAPE_CHUNK_BYTES,
    idleMs: config.SHAPE_IDLE_MS,
  });
  const capture = createCapture({
    url: deps.db.url,
    pool: deps.db.pool,
    log,
    states: deps.db.connections,
    ...(store ? { keepSlot: { retainMs: config.SHAPE_RESUME_RETAIN_MS } } : {}),
    events: {
      transaction: (tx) => registry.onTransaction(tx),
      invalidate: (tables) => registry.invalidate(tables),
      ...(store
        ? {
            settled: () => store.settled(),
            restore: async (slot: string) => {
              const kept = await store.load(slot);
              const restored = await registry.restore(kept);
              log.info({ slot, kept: kept.length, restored }, 'restored the shapes of a stopped run');
            },
            started: (slot: string) => store.attach(slot),
          }
        : {}),
    },
  });
  const protocol = {
    registry,
    longPollMs: config.SHAPE_LONG_POLL_MS,
    sse: { timeoutMs: config.SHAPE_SSE_TIMEOUT_MS, keepaliveMs: config.SHAPE_SSE_KEEPALIVE_MS },
    cache: {
      maxAge: config.SHAPE_CACHE_MAX_AGE,
      staleAge: config.SHAPE_CACHE_STALE_AGE,
      sseTimeoutMs: config.SHAPE_SSE_TIMEOUT_MS,
    },
    lastLsn: () => capture.lastLsn(),
  };
  // Requests that reached this server's shape routes (both paths): what a caching proxy saves.
  const counter = { requests: 0 };
  let stopped = false;
  let started = false;
  const start = () =>
    capture.start().then(() => {
      started = true;
    });
  return {
    // Shapes wait for the slot: a snapshot taken before it exists could miss a transaction.
    router: shapeRoutes(
      async (def, req, res) => {
        counter.requests++;
        await start();
        await serveShape(protocol, def, req, res);
      },
      {
        v1Endpoint,
        secret: config.ELECTRIC_SECRET,
        bodyLimit: config.BODY_LIMIT_BYTES,
        v1: {
          status: () => (stopped ? 'stopping' : started ? 'active' : 'starting'),
          ...(config.SYNC_V1_ALLOW_DELETE
            ? {
                deleteShape: async (def, handle) => {
                  await start();
                  return registry.delete(def, handle);
                },
                deleteHandle: async (handle) => {
                  await start();
                  return registry.deleteHandle(handle);
                },
              }
            : {}),
        },
      },
    ),
    fastPath: liveFastPath({ ...protocol, ready: () => started && !stopped }, log, counter),
    live,
    start: async () => {
      await listen();
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      registry.close();
      await store?.close();
      await Promise.all([capture.stop(), unlisten()]);
    },
    builtin: { capture, registry, shapeRequests: () => counter.requests },
  };
}
