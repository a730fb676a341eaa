import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../../server/src/db/embedded';
import { silentLogs } from '../../server/src/logger';
import { postgresFor } from '../support/spawn-app';
import { peakRssMb, spawnServer, type ServerProc } from './procs';
import { AUTH_TEST_ENV, signUpDefault } from '../support/auth';

// One chaos cluster: a web process and a worker process on loopback, and a Postgres of their
// own (never the system one). "embedded": the web process starts and owns the Postgres (no
// DATABASE_URL), the worker connects to it. "external": a Postgres started apart (by this
// process), both roles get DATABASE_URL: the external-database code path.

export type DbMode = 'embedded' | 'external';

export interface Cluster {
  mode: DbMode;
  url: string;
  dataDir: string;
  admin: pg.Pool;
  web: ServerProc;
  worker: ServerProc;
  peak: { web: number; worker: number };
  samplePeaks(): void;
  /** SIGKILL of the postmaster; whoever owns it (web or this process) starts it again. */
  killPostgres(): void;
  pgAnswers(): Promise<boolean>;
  /** Kills a role (SIGKILL) and starts it again; resolves once the new one is ready. */
  restart(role: 'web' | 'worker'): Promise<void>;
  kill(role: 'web' | 'worker'): void;
  start(role: 'web' | 'worker'): Promise<void>;
  /** SIGTERM to both; the exit codes, and whether any postgres of this cluster is left. */
  stop(): Promise<{ web: number | null; worker: number | null; postgresLeft: number }>;
}

export async function startCluster(mode: DbMode, dir: string, env: Record<string, string>): Promise<Cluster> {
  const dataDir = path.join(dir, `pg-${mode}`);
  const pgPort = await freePort();
  const pgUrl = `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`;
  let external: EmbeddedDb | undefined;
  if (mode === 'external')
    external = await startEmbeddedPostgres({ dataDir, port: pgPort, log: silentLogs().for('db') });
  const webEnv: Record<string, string> =
    mode === 'external' ? { DATABASE_URL: pgUrl } : { PG_DATA_DIR: dataDir, PG_PORT: String(pgPort) };
  const roleEnv = (role: 'web' | 'worker'): Record<string, string> => ({
    ...AUTH_TEST_ENV,
    ...env,
    ...(role === 'web' ? { ...webEnv, PORT: '0', HOST: '127.0.0.1' } : { DATABASE_URL: pgUrl }),
  });
  const admin = new pg.Pool({ connectionString: pgUrl, max: 2, connectionTimeoutMillis: 2000 });
  admin.on('error', () => undefined); // its connections die with every Postgres kill

  const procs: Record<'web' | 'worker', ServerProc> = {} as never;
  const peak = { web: 0, worker: 0 };
  let url = '';
  const samplePeaks = () => {
    for (const role of ['web', 'worker'] as const)
      peak[role] = Math.max(peak[role], peakRssMb(procs[role]?.child.pid));
  };
  const start = async (role: 'web' | 'worker') => {
    procs[role] = spawnServer(role, roleEnv(role));
    const ready = await procs[role].ready;
    if (role === 'web') {
      url = ready;
      // One account for the whole run; a restarted web (new port) gets the same session.
      await signUpDefault(url, dataDir);
    }
  };
  await start('web'); // first: in embedded mode it starts the Postgres the worker needs
  await start('worker');

  const kill = (role: 'web' | 'worker') => {
    samplePeaks();
    procs[role].child.kill('SIGKILL');
  };
  return {
    mode,
    get url() {
      return url;
    },
    dataDir,
    admin,
    get web() {
      return procs.web;
    },
    get worker() {
      return procs.worker;
    },
    peak,
    samplePeaks,
    killPostgres() {
      const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
    },
    async pgAnswers() {
      try {
        await admin.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    kill,
    start,
    async restart(role) {
      kill(role);
      await procs[role].exit;
      await start(role);
    },
    async stop() {
      samplePeaks();
      const codes = { web: null as number | null, worker: null as number | null };
      for (const role of ['worker', 'web'] as const) {
        if (procs[role].child.exitCode !== null) continue;
        procs[role].child.kill('SIGTERM');
        codes[role] = await procs[role].exit;
      }
      await admin.end().catch(() => undefined);
      await external?.stop();
      return { ...codes, postgresLeft: postgresFor(dataDir).length };
    },
  };
}
