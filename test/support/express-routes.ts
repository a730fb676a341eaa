import type { Express } from 'express';

// The routes an Express 5 app really mounts, read from its router stack (router 2.x layers:
// `route.path`, `route.methods`, `rawPath` of a mounted router, `handle.stack`). These are not
// public API, so this is the one adapter that reads them; it throws on any shape it does not
// know, and express-routes.test.ts checks it against a known app, so an upgrade fails loudly.

interface LayerShape {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: unknown };
}

export interface MountedRoute {
  method: string;
  /** Express syntax: `/api/boards/:id`. */
  path: string;
}

function layersOf(stack: unknown, where: string): LayerShape[] {
  if (!Array.isArray(stack))
    throw new Error(`express-routes: no router stack at ${where} (Express changed?)`);
  return stack as LayerShape[];
}

function walk(stack: unknown, prefix: string, out: MountedRoute[]) {
  for (const layer of layersOf(stack, prefix || '/')) {
    if (layer.route) {
      const { path, methods } = layer.route;
      if (typeof path !== 'string' || typeof methods !== 'object')
        throw new Error(`express-routes: unknown route layer under ${prefix || '/'} (Express changed?)`);
      for (const m of Object.keys(methods)) if (methods[m]) out.push({ method: m, path: prefix + path });
    } else if (layer.handle && 'stack' in layer.handle) {
      // A mounted router: `app.use(path, router)` keeps the path in rawPath ('/' when none).
      const raw = layer.rawPath;
      if (typeof raw !== 'string') throw new Error('express-routes: mounted router without rawPath');
      walk(layer.handle.stack, raw === '/' ? prefix : prefix + raw, out);
    }
  }
}

/** Every method + path the app routes, mounted routers included (middleware is not a route). */
export function mountedRoutes(app: Express): MountedRoute[] {
  const out: MountedRoute[] = [];
  walk((app as unknown as { router?: { stack?: unknown } }).router?.stack, '', out);
  return out;
}

/** `/api/boards/:id` → `/api/boards/{id}` (OpenAPI path syntax). */
export const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');
