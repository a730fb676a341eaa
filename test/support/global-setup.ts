import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../server/src/db/embedded';
import { migrate } from '../../server/src/db/migrate';
import { silentLogs } from '../../server/src/logger';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
  }
}

/**
 * One real Postgres for the whole run: DATABASE_URL when set (CI also runs against the machine's
 * own server), otherwise an embedded one in a temp dir. A migrated template database is made once;
 * each test file clones it (see db.ts), so files never share rows.
 */
export default async function setup(project: TestProject) {
  const log = silentLogs().for('db');
  let embedded: EmbeddedDb | undefined;
  let dir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dir = await mkdtemp(path.join(tmpdir(), 'kanban-test-'));
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), log });
    adminUrl = embedded.url;
  }
  const templateDb = `kanban_tmpl_${process.pid}_${project.name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDb}`);
  await admin.query(`CREATE DATABASE ${templateDb}`);
  const tmplUrl = new URL(adminUrl);
  tmplUrl.pathname = `/${templateDb}`;
  await migrate(tmplUrl.toString(), log);
  project.provide('pgAdminUrl', adminUrl);
  project.provide('templateDb', templateDb);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
}
