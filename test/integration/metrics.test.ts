import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../server/src/app';
import { startAgentRuntime, type AgentRuntime } from '../../server/src/jobs/agent-runtime';
import { Metrics } from '../../server/src/metrics';
import { createSync, type Sync } from '../../server/src/sync';
import {
  connectSocket,
  createTask,
  FAST_AGENT_ENV,
  waitForReply,
  type ClientSocket,
} from '../support/agent-app';
import { listenLocal, openTestDeps, type TestDeps } from '../support/app';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import { api } from '../support/http';
import { signUpDefault, type Session } from '../support/auth';

// GET /metrics of the whole app (REST, built-in shapes, agent on pg-boss, sockets): each series
// moves when the thing it counts happens. Parsed from the exposition text as a scraper would.

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format's sample lines (comments skipped). */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]),
      );
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

let fake: FakeLlm;
let deps: TestDeps;
let agent: AgentRuntime;
let sync: Sync;
let app: App;
let http: ReturnType<typeof api>;
let url: string;
let socket: ClientSocket | undefined;
let owner: Session;
/** Resolves when the worker has counted a reply's end (it counts right after the row's commit,
 * which the test's NOTIFY listener may see first). */
let replyCounted: () => Promise<void>;

beforeAll(async () => {
  fake = await startFakeLlm();
  deps = await openTestDeps({ ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl, SHAPE_LONG_POLL_MS: '1000' });
  const metrics = new Metrics();
  const ended = metrics.replyEnded.bind(metrics);
  let counted: () => void = () => {};
  replyCounted = () => new Promise<void>((resolve) => (counted = resolve));
  metrics.replyEnded = (...args) => {
    ended(...args);
    counted();
  };
  agent = await startAgentRuntime({ ...deps, metrics });
  sync = createSync(deps);
  await sync.start();
  app = createApp({ ...deps, agent, sync, metrics });
  url = await listenLocal(app);
  owner = await signUpDefault(url, deps.database.name);
  http = api(url);
});
afterAll(async () => {
  socket?.disconnect();
  await app?.close();
  await sync?.stop();
  await agent?.stop();
  await deps?.db.close();
  await deps?.database.drop();
  await fake?.close();
});

async function scrape() {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const samples = parseExposition(await res.text());
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  const series = (name: string) => samples.filter((s) => s.name === name);
  return { value, series };
}

describe('GET /metrics', () => {
  it('counts REST requests by route pattern and status, not by raw URL', async () => {
    const before = await scrape();
    const created = await http.post('/api/boards', { name: 'Metrics' });
    expect(created.status).toBe(201);
    for (const id of ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'])
      expect((await http.get(`/api/tasks/${id}`)).status).toBe(404);
    const after = await scrape();
    const count = 'kanban_http_request_duration_seconds_count';
    const post = { method: 'POST', route: '/api/boards', status: '201' };
    expect(after.value(count, post) - before.value(count, post)).toBe(1);
    const missing = { method: 'GET', route: '/api/tasks/:id', status: '404' };
    expect(after.value(count, missing) - before.value(count, missing)).toBe(2);
    expect(after.series(count).some((s) => s.labels.route!.includes('0000'))).toBe(false);
  });

  it('reports live shapes, replication lag of our slot and connection states', async () => {
    const board = (await http.post('/api/boards', { name: 'Shapes' })).body.data;
    expect((await scrape()).value('kanban_shapes')).toBe(0);
    const shape = await fetch(`${url}/api/shapes/tasks?board=${board.id}&offset=-1`, {
      headers: owner.headers,
    });
    expect(shape.status).toBe(200);
    await shape.arrayBuffer();
    const after = await scrape();
    expect(after.value('kanban_shapes')).toBe(1);
    const lag = after.series('kanban_replication_lag_bytes');
    expect(lag.map((s) => s.labels.slot)).toEqual([sync.builtin!.capture.slot]);
    expect(lag[0]!.value).toBeGreaterThanOrEqual(0);
    // The process's own connection registry (db/connection-state.ts), not a stand-in.
    // Which connections are up at this instant is the registry's business (tested on its own);
    // here: every connection the process watches is reported, by name.
    const names = after.series('kanban_connection_up').map((s) => s.labels.name);
    expect(names).toEqual(expect.arrayContaining(['kanban', 'kanban-control', 'kanban-socket-adapter']));
  });

  it('counts sockets, queue depth, a reply, its first token and its tokens', async () => {
    const before = await scrape();
    socket = await connectSocket(url);
    expect((await scrape()).value('kanban_sockets')).toBe(1);
    fake.enqueue({ text: 'Three words here', usage: { prompt_tokens: 17, completion_tokens: 3 } });
    const { taskId } = await createTask(http);
    const counted = replyCounted();
    const posted = await http.post(`/api/tasks/${taskId}/messages`, { content: 'Hello?' });
    expect(posted.status).toBe(201);
    const reply = await waitForReply(deps.db, posted.body.data.assistant.id);
    expect(reply.status).toBe('completed');
    await counted;
    const after = await scrape();
    const diff = (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
    expect(diff('kanban_replies_total', { status: 'completed' })).toBe(1);
    expect(diff('kanban_reply_first_token_seconds_count', { provider: 'openai' })).toBe(1);
    expect(diff('kanban_llm_tokens_total', { direction: 'in' })).toBe(17);
    expect(diff('kanban_llm_tokens_total', { direction: 'out' })).toBe(3);
    const queues = after.series('kanban_queue_jobs').map((s) => `${s.labels.queue}/${s.labels.state}`);
    expect(queues).toContain('agent-reply/queued');
    expect(queues).toContain('agent-reply/active');
  });
});

describe('METRICS_TOKEN', () => {
  async function appWith(env: Record<string, string>) {
    const d = await openTestDeps(env, { database: deps.database });
    const a = createApp(d);
    return { url: await listenLocal(a), close: async () => (await a.close(), await d.db.close()) };
  }

  it('needs the bearer token when one is set', async () => {
    const t = await appWith({ METRICS_TOKEN: 'a-long-enough-metrics-token' });
    try {
      const none = await fetch(`${t.url}/metrics`);
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toContain('application/problem+json');
      const wrong = await fetch(`${t.url}/metrics`, {
        headers: { authorization: 'Bearer a-long-enough-metrics-tokex' },
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${t.url}/metrics`, {
        headers: { authorization: 'Bearer a-long-enough-metrics-token' },
      });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('kanban_http_request_duration_seconds');
    } finally {
      await t.close();
    }
  });

  it('is refused in production without a token', async () => {
    const t = await appWith({ NODE_ENV: 'production' });
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(403);
    } finally {
      await t.close();
    }
  });
});
