import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmStart, parentOf, postgresFor, until, type Started } from '../support/spawn-app';
import { fetchAs, ownerSession } from '../support/auth';

// The real `npm start` with no DATABASE_URL: it builds the client if stale (`npm test` already
// did), starts an embedded Postgres in PG_DATA_DIR, migrates, seeds, listens. Only the first run
// goes through npm; the others run the same server entry (tsx server/src/main.ts) directly.

let dir: string;
let dataDir: string;
const running: Started[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kanban-start-'));
  dataDir = path.join(dir, 'pg');
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const pid of postgresFor(dataDir)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const start = (direct = false) => {
  // app=info: the "started" line with the start-up stage times.
  const s = npmStart({ PG_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVELS: 'app=info' }, direct);
  running.push(s);
  return s;
};

async function expectReadyWithDemoBoard(url: string) {
  const ready = await fetchAs(`${url}/readyz`);
  expect(ready.status).toBe(200);
  // The first account owns the demo board (signs in on later starts of the same data).
  await ownerSession(url);
  const boards = (await (await fetchAs(`${url}/api/boards`)).json()) as { data: { name: string }[] };
  expect(boards.data.map((b) => b.name)).toEqual(['Demo board']);
}

describe('npm start on an embedded Postgres', () => {
  it('comes up with the demo board and exits 0 on SIGTERM, leaving no postgres', async () => {
    const app = start();
    const url = await app.url;
    expect(postgresFor(dataDir)).toHaveLength(1);
    await expectReadyWithDemoBoard(url);
    app.child.kill('SIGTERM');
    expect(await app.exit, app.output()).toBe(0);
    expect(postgresFor(dataDir)).toEqual([]);
    // Where the start's time went (server/src/startup-stages.ts): every stage, in order.
    const line = app
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"started"'));
    const stages = (JSON.parse(line ?? '{}') as { stages?: Record<string, number> }).stages ?? {};
    const inOrder = [
      'bundle loaded',
      'postgres accepting',
      'migrations checked',
      'modules loaded',
      'listening',
    ];
    expect(Object.keys(stages)).toEqual(
      expect.arrayContaining([...inOrder, 'pg-boss started', 'capture ready']),
    );
    const times = inOrder.map((s) => stages[s]!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('after the app is SIGKILLed, the next start stops the orphan postgres and comes up clean', async () => {
    // The server entry without the client build: the first test proved the npm wrapper.
    const first = start(true);
    await first.url;
    const [orphan] = postgresFor(dataDir);
    expect(orphan).toBeDefined();
    // Kill the process that owns postgres (the app under npm and tsx), as a crash would.
    process.kill(parentOf(orphan!), 'SIGKILL');
    await first.exit;
    expect(postgresFor(dataDir)).toEqual([orphan]);

    const second = start(true);
    const url = await second.url;
    const now = postgresFor(dataDir);
    expect(now).toHaveLength(1);
    expect(now).not.toContain(orphan);
    // A restart on the same data seeds nothing more: still one demo board.
    await expectReadyWithDemoBoard(url);
    second.child.kill('SIGTERM');
    expect(await second.exit, second.output()).toBe(0);
    await until('no postgres left', () => postgresFor(dataDir).length === 0, 5_000);
  });

  it('a bad config value stops the start with a message naming it, before Postgres starts', async () => {
    const bad = [
      ['PORT', 'abc'],
      ['LOG_LEVELS', 'http=loud'],
      ['DB_POOL_MAX', '1'],
    ] as const;
    await Promise.all(
      bad.map(async ([name, value]) => {
        const fresh = path.join(dir, `bad-${name}`);
        const s = npmStart({ PG_DATA_DIR: fresh, PORT: '0', [name]: value }, true);
        running.push(s);
        const code = await s.exit;
        expect(code, name).not.toBe(0);
        expect(s.output()).toContain(`${name}:`);
        expect(s.output()).not.toMatch(/\bat .*\.ts:\d+/); // a message, not a stack trace
        expect(existsSync(fresh), name).toBe(false);
        expect(postgresFor(fresh)).toEqual([]);
      }),
    );
  });
});
