import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import type { Config } from './config';
import type { Logs } from './logger';
import type { Db } from './db/pool';
import { boardRoutes } from './http/routes/boards';
import { agentRoutes } from './http/routes/agents';
import { usageRoutes } from './http/routes/usage';
import { modelCatalog } from './agent/prices';
import { columnRoutes } from './http/routes/columns';
import { taskRoutes } from './http/routes/tasks';
import { labelRoutes } from './http/routes/labels';
import { searchRoutes } from './http/routes/search';
import { healthRoutes } from './http/routes/health';
import { errorHandler, notFoundHandler, requireJson } from './http/error-handler';
import { openApiDocument } from './http/openapi';
import type { Sync } from './sync';
import { messagePaths, messageRoutes } from './http/routes/messages';
import { toolCallPaths, toolCallRoutes } from './http/routes/tool-calls';
import type { AgentRuntime } from './jobs/agent-runtime';
import { answerClientErrorsWithProblems } from './http/client-error';
import { Metrics } from './metrics';
import { httpMetrics, metricsRoute, rememberRouteBase } from './http/metrics-route';
import { metricSources } from './metric-sources';
import { fromRoot } from './paths';
import { clientRoutes } from './http/static';
import { toNodeHandler } from 'better-auth/node';
import { createAuth, type Auth } from './auth/auth';
import { actorResolver, type ResolveActor } from './auth/actor';
import { cachedSessions, forgetSessionsOnAuthWrite } from './auth/session-cache';
import { authenticate } from './http/actor';
import { csrfCheck } from './http/csrf';
import { hostCheck } from './http/host-check';
import { instanceRoutes } from './http/routes/instance';
import { memberRoutes, publicInviteRoutes } from './http/routes/members';
import { apiKeyRoutes } from './http/routes/api-keys';
import {
  isAuthorizeRequest,
  isRefusal,
  isShapeRequest,
  refuse,
  shapeCheck,
  shapeGate,
} from './sync/shape-access';
import { shapeAuthorize } from './sync/shape-authorize';
import { socketAuth } from './realtime/socket-auth';
import { securityHeaders } from './http/security-headers';
import { writeRateLimit } from './http/write-rate-limit';
import { requestLog } from './http/request-log';

export interface AppDeps {
  config: Config;
  logs: Logs;
  db: Db;
  /** Live sync (/api/shapes/*); without it the shape routes 404. */
  sync?: Sync;
  /** The started agent pipeline (jobs, sockets); without it the chat routes are absent. */
  agent?: AgentRuntime;
  /** Shared with the agent runtime so reply metrics land in the same registry; else a new one. */
  metrics?: Metrics;
  /** Up/down of each long-lived connection, for kanban_connection_up (connection-state module). */
  connectionStates?: () => Record<string, boolean>;
  /** better-auth over the app's pool; made here unless given (a bench may share one). */
  auth?: Auth;
  /**
   * Who is asking, from a request's headers. Default: session cookie or API key through `auth`.
   * Only benches replace it (to measure what authentication costs).
   */
  resolveActor?: ResolveActor;
}

export interface App {
  app: Express;
  server: Server;
  auth: Auth;
  close(): Promise<void>;
}

const CLIENT_DIST = fromRoot('client/dist');

/** Builds the web role: Express routes on an http.Server, without listening (tests use port 0). */
export function createApp(deps: AppDeps): App {
  const { config, logs, db } = deps;
  const log = logs.for('http');
  const app = express();
  app.disable('x-powered-by');
  // Shape responses must never become 304s; nothing here benefits from ETags.
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(requestLog(log));
  const auth = deps.auth ?? createAuth({ config, pool: db.pool, log });
  const sessions = deps.resolveActor
    ? undefined
    : cachedSessions(actorResolver(auth, db.pool), config.SESSION_CACHE_MS);
  const resolve = deps.resolveActor ?? sessions!.resolve;
  if (config.TRUST_PROXY > 0) app.set('trust proxy', config.TRUST_PROXY);
  const hosts = hostCheck(config);
  if (hosts) app.use(hosts);
  app.use(securityHeaders(config));
  const metrics = deps.metrics ?? new Metrics();
  metrics.use(metricSources(deps));
  app.use(httpMetrics(metrics));
  app.use(healthRoutes(db));
  app.use(
    metricsRoute(metrics, { token: config.METRICS_TOKEN, production: config.NODE_ENV === 'production' }),
  );
  if (deps.sync) app.use(deps.sync.router);
  // better-auth reads its own bodies: mounted before express.json.
  // An auth write (sign-out, revoking sessions, …) forgets the cached sessions, before and after.
  app.all('/api/auth/*splat', forgetSessionsOnAuthWrite(sessions), toNodeHandler(auth));

  const api = express.Router();
  api.use(rememberRouteBase, requireJson);
  api.use(express.json({ limit: config.BODY_LIMIT_BYTES, strict: true }));
  const openapi = openApiDocument(deps.agent ? { ...messagePaths, ...toolCallPaths } : {});
  // Public: the API description and what the first screen needs.
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  api.use(instanceRoutes({ db: db.db, config }), publicInviteRoutes({ db: db.db }));
  // Everything below needs a user.
  api.use(csrfCheck(config), authenticate(resolve), writeRateLimit(config));
  // With the agent pipeline, commands can set agents to work (delegation, column hooks).
  const cmd = {
    db: db.db,
    models: modelCatalog(config),
    ...(deps.agent ? { agents: deps.agent.triggers } : {}),
  };
  // The task routes first: the hot writes (create, PATCH, move) match before the router walks
  // the others' routes. No two of these routers share a method and path (openapi.test.ts), so the
  // order changes nothing else.
  api.use(
    taskRoutes(cmd),
    usageRoutes(cmd),
    boardRoutes(cmd),
    columnRoutes({ ...cmd, plan: config }),
    labelRoutes(cmd),
    searchRoutes(cmd),
    agentRoutes(cmd),
  );
  api.use(memberRoutes({ db: db.db, config }), apiKeyRoutes({ db: db.db }));
  if (deps.agent) api.use(messageRoutes(deps.agent.messageDeps), toolCallRoutes(deps.agent.toolCallDeps));
  api.use(notFoundHandler);
  app.use('/api', api);

  if (existsSync(CLIENT_DIST)) {
    app.use(clientRoutes(CLIENT_DIST));
  } else {
    app.get('/', (_req, res) => {
      res
        .type('html')
        .send(
          '<!doctype html><title>Kanban</title><p>The API is up at <a href="/api/boards">/api/boards</a>. Build the board with <code>npm run build</code>.</p>',
        );
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  // Every shape request passes the access gate first; then live long-polls are answered before
  // Express when they can be (sync/fast-path.ts).
  const fast = deps.sync?.fastPath;
  const gate = shapeGate({ db: db.db, resolve });
  const authorize = shapeAuthorize(shapeCheck({ db: db.db, resolve }), log);
  const server = createServer(
    {
      // Slow or idle connections are closed (docs/limits.md); a connection that never sends a
      // request counts against the headers timeout, checked this often.
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, config.HTTP_HEADERS_TIMEOUT_MS / 4)),
    },
    (req, res) => {
      if (!deps.sync || !isShapeRequest(req)) return void app(req, res);
      if (isAuthorizeRequest(req)) return authorize(req, res);
      gate(req).then(
        (grant) => {
          if (isRefusal(grant)) return refuse(res, grant);
          // Who may read an answer is per user, and per-user shapes differ per user: a shared cache
          // must not serve one user's answer to another. Only when the proxy authorises every
          // request itself (SHAPE_SHARED_CACHE) may a board's shape, the same for every member,
          // be shared across sessions.
          if (!(config.SHAPE_SHARED_CACHE && grant.boardId)) res.setHeader('vary', 'cookie, authorization');
          // Held until it ends, so ended access ends it (sync/live-requests.ts).
          deps.sync!.live.track(res, grant.actor, grant.boardId);
          if (!fast?.(req, res)) app(req, res);
        },
        (err: unknown) => {
          log.error({ err }, 'shape access check failed');
          refuse(res, { status: 503, title: 'Unavailable', detail: 'try again shortly' });
        },
      );
    },
  );
  if (config.HTTP_MAX_CONNECTIONS > 0) server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  if (deps.agent) {
    deps.agent.realtime.io.use(socketAuth(resolve, config));
    deps.agent.attach(server);
  }
  answerClientErrorsWithProblems(server);
  return {
    app,
    server,
    auth,
    async close() {
      // Upgraded (websocket) connections are not the http server's to close: end them first.
      deps.agent?.realtime.io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
