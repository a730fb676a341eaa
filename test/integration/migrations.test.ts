import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../server/src/db/migrate';
import { silentLogs } from '../../server/src/logger';

const log = silentLogs().for('db');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** An empty database (not the migrated template), dropped after the file. */
async function emptyDatabase(): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  const name = `kanban_m_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kanban-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const all = async () => (await readMigrations()).map((m) => `${m.version}_${m.name}`);

describe('migrations', () => {
  it('apply on an empty database, record each file, and a re-apply is a no-op', async () => {
    const url = await emptyDatabase();
    expect(await migrate(url, log)).toEqual(await all());
    const tables = await query<{ t: string }>(
      url,
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`,
    );
    expect(tables.map((r) => r.t)).toEqual(
      expect.arrayContaining(['boards', 'columns', 'tasks', 'messages', 'schema_migrations']),
    );
    const before = await query(url, 'SELECT * FROM schema_migrations ORDER BY version');
    expect(before).toHaveLength((await all()).length);
    expect(await migrate(url, log)).toEqual([]);
    expect(await query(url, 'SELECT * FROM schema_migrations ORDER BY version')).toEqual(before);
  });

  it('two concurrent appliers do not collide: each file is applied exactly once', async () => {
    const url = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(url, log), migrate(url, log)]);
    expect([...a, ...b].sort()).toEqual(await all());
    expect([a.length, b.length].sort()).toEqual([0, (await all()).length]);
    const rows = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]!.n).toBe((await all()).length);
  });

  it('refuses to start when an applied file has changed', async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(url, log, dir);
    await appendFile(path.join(dir, '0001_initial_schema.sql'), '\n-- edited after the fact\n');
    await expect(migrate(url, log, dir)).rejects.toThrow(/0001_initial_schema changed after it was applied/);
  });

  it('a failing migration rolls back entirely and is not recorded', async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await writeFile(
      path.join(dir, '9999_broken.sql'),
      'CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n',
    );
    await expect(migrate(url, log, dir)).rejects.toThrow(/9999_broken failed/);
    const recorded = await query<{ version: string }>(url, 'SELECT version FROM schema_migrations');
    expect(recorded.map((r) => r.version)).not.toContain('9999');
    expect(recorded).toHaveLength((await all()).length);
    expect(await query(url, `SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`)).toEqual([]);
  });
});
