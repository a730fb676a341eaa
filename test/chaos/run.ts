import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeLlm } from '../support/fake-llm';
import { startCluster, type DbMode } from './cluster';
import {
  killMidStream,
  postgresKill,
  shapeFlood,
  subscribeFlood,
  terminate,
  underLoad,
  type Row,
} from './scenarios';
import { failures, formatTable } from './table';

// `npm run chaos`: every scenario on both database paths, then a table; exits 1 if any scenario
// misses its bar. test/integration/chaos-short.test.ts runs a small version inside `npm test`.

export interface ChaosOptions {
  modes: DbMode[];
  trials: number;
  shapeRequests: number;
  subscribes: number;
  /** Connections terminated in turn (application_name prefixes). */
  connections: string[];
  /** Only the scenarios whose name contains this (all when empty). */
  only?: string;
  log?: (line: string) => void;
}

export const CONNECTIONS = [
  'kanban-control',
  'kanban-socket-adapter',
  'kanban-agent',
  'kanban-post',
  'kanban-jobs',
  'kanban-sync',
  'kanban',
];

const LIMITS = { stuckAfterMs: 30_000, recoveryTimeoutMs: 60_000 };

export async function runChaos(opts: ChaosOptions): Promise<Row[]> {
  const log = opts.log ?? (() => undefined);
  const llm = await startFakeLlm();
  // Chat load streams slowly (so kills land mid-stream); recovery probes ("ping") answer at once.
  llm.setDefault((body: any) => {
    const last = String(body?.messages?.at(-1)?.content ?? '');
    return last.includes('slow')
      ? { text: Array.from({ length: 40 }, (_, i) => `w${i} `), paceMs: 25 }
      : { text: 'pong' };
  });
  const env = {
    LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'chaos',
    OPENAI_BASE_URL: llm.baseUrl,
    LLM_RETRY_BASE_MS: '50',
    LLM_RETRY_MAX_MS: '500',
    AGENT_CHECKPOINT_MS: '200',
    DB_CONNECT_TIMEOUT_MS: '2000',
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'kanban-chaos-'));
  const rows: Row[] = [];
  try {
    for (const mode of opts.modes) {
      log(`starting the ${mode} cluster`);
      const c = await startCluster(mode, dir, env);
      const want = (name: string) => !opts.only || name.includes(opts.only);
      const add = (r: Row) => {
        r.scenario = `${mode}: ${r.scenario}`;
        rows.push(r);
        log(
          `${r.scenario}: lost ${r.lost}, stuck ${r.stuck}, 5xx ${r.fiveXX}, recovery ${r.recoveryMs} ms ${r.note}`,
        );
      };
      try {
        const faults = [
          ['postgres SIGKILL + restart', postgresKill],
          ...opts.connections.map((name) => [`terminate ${name}`, terminate(name)] as const),
          ['worker SIGKILL mid-stream', killMidStream('worker')],
          ['web SIGKILL mid-stream', killMidStream('web')],
        ] as const;
        for (const [name, fault] of faults)
          if (want(name)) add(await underLoad(c, name, opts.trials, LIMITS, fault));
        if (want('shape flood')) add(await shapeFlood(c, opts.shapeRequests, 50));
        if (want('subscribe flood')) add(await subscribeFlood(c, opts.subscribes));
      } finally {
        const end = await c.stop();
        const clean = end.web === 0 && end.worker === 0 && end.postgresLeft === 0;
        add({
          scenario: 'SIGTERM both roles',
          trials: 1,
          lost: 0,
          stuck: 0,
          fiveXX: 0,
          recoveryMs: clean ? 0 : Number.POSITIVE_INFINITY,
          webPeakMb: c.peak.web,
          workerPeakMb: c.peak.worker,
          note: `exit web ${end.web}, worker ${end.worker}; postgres left ${end.postgresLeft}`,
        });
      }
    }
  } finally {
    await llm.close();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

const isMain =
  process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1]! : fallback;
  };
  const mode = arg('mode', 'both');
  const rows = await runChaos({
    modes: mode === 'both' ? ['embedded', 'external'] : [mode as DbMode],
    trials: Number(arg('trials', '3')),
    shapeRequests: Number(arg('shape-requests', '20000')),
    subscribes: Number(arg('subscribes', '20000')),
    connections: CONNECTIONS,
    only: arg('only', ''),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${formatTable(rows)}\n`);
  const failed = failures(rows);
  if (failed.length) process.stdout.write(`\nFAILED: ${failed.join(', ')}\n`);
  process.exit(failed.length ? 1 : 0);
}
