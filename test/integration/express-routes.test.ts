import express from 'express';
import { describe, expect, it } from 'vitest';
import { mountedRoutes, toOpenApiPath } from '../support/express-routes';

// The adapter over Express' router internals, against an app whose routes are known: if an
// Express or router upgrade changes the layer shape, this fails (or the adapter throws) here.

describe('mountedRoutes (Express router adapter)', () => {
  it('lists app routes and routes of mounted routers with their prefix, not middleware', () => {
    const app = express();
    app.use(express.json());
    app.get('/healthz', (_req, res) => void res.end());
    const api = express.Router();
    api.use((_req, _res, next) => next());
    api.get('/boards/:id', (_req, res) => void res.end());
    api.post('/boards/:id/tasks', (_req, res) => void res.end());
    const nested = express.Router();
    nested.delete('/tasks/:id', (_req, res) => void res.end());
    api.use(nested);
    app.use('/api', api);
    expect(mountedRoutes(app)).toEqual([
      { method: 'get', path: '/healthz' },
      { method: 'get', path: '/api/boards/:id' },
      { method: 'post', path: '/api/boards/:id/tasks' },
      { method: 'delete', path: '/api/tasks/:id' },
    ]);
    expect(toOpenApiPath('/api/boards/:id/tasks')).toBe('/api/boards/{id}/tasks');
  });
});
