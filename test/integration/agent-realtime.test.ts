import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelta } from '@kanban/shared';
import type { FakeLlm } from '../support/fake-llm';
import { withFixtures } from '../support/fixtures';
import { within } from '../support/gate';
import {
  connectSocket,
  createTask,
  DeltaMerger,
  startAgentApp,
  subscribe,
  waitForReply,
  type AgentApp,
} from '../support/agent-app';

// The socket layer's limits, and the offline demo model that works with no configuration.

// The slow-client app comes from the shared fixtures; the demo app below is its own (with a
// database of its own too: two worker apps on one database would take each other's jobs).
const test = withFixtures({ agentEnv: { AGENT_COALESCE_MS: '0', REALTIME_MAX_BUFFERED: '50' } });

describe('a client that cannot keep up', () => {
  let fake: FakeLlm;
  let t: AgentApp;
  test.beforeAll(({ agentApp, fakeLlm }) => {
    t = agentApp;
    fake = fakeLlm;
  });

  test('is disconnected once its send buffer passes the bound; others keep streaming', async () => {
    const { taskId } = await createTask(t.http);
    // A raw engine.io long-polling client that subscribes, then never polls again.
    const base = `${t.url}/socket.io/?EIO=4&transport=polling`;
    // the owner's session cookie: the handshake is authenticated like any other
    const headers = { cookie: t.owner!.cookie };
    const open = await (await fetch(base, { headers })).text();
    const sid = JSON.parse(open.slice(1)).sid as string;
    const url = `${base}&sid=${sid}`;
    const post = (body: string) =>
      fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain', ...headers } });
    await post('40');
    expect(await (await fetch(url, { headers })).text()).toMatch(/^40/);
    await post(`420["task.subscribe",{"taskId":"${taskId}"}]`);
    expect(await (await fetch(url, { headers })).text()).toBe('430[{"ok":true}]');
    const io = t.agent.realtime.io;
    const stalled = [...io.of('/').sockets.values()].find(
      (s) => (s.conn as unknown as { id: string }).id === sid,
    )!;
    expect(stalled).toBeDefined();
    const gone = new Promise<string>((resolve) => stalled.once('disconnect', resolve));

    const healthy = await connectSocket(t.url);
    const got = new DeltaMerger();
    healthy.on('message.delta', (d) => got.apply(d));
    await subscribe(healthy, taskId);
    const words = Array.from({ length: 200 }, (_, i) => `x${i} `);
    fake.enqueue({ text: words, paceMs: 1 });
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'flood' });
    expect(await gone).toBe('forced close');
    const done = await waitForReply(t.db, res.body.data.assistant.id);
    await within(
      got.whenText(done.id, (x) => x === done.content),
      10_000,
      'the healthy client',
    );
    expect(io.of('/').sockets.has(stalled.id)).toBe(false);
    healthy.disconnect();
  });
});

describe('demo provider', () => {
  let t: AgentApp;
  beforeAll(async () => {
    t = await startAgentApp(); // no LLM configuration at all
  });
  afterAll(() => t?.close());

  it('answers offline with a labelled reply that says how to configure a real model', async () => {
    expect(t.config.LLM_PROVIDER).toBe('demo');
    const { taskId } = await createTask(t.http);
    const s = await connectSocket(t.url);
    const got: MessageDelta[] = [];
    const merged = new DeltaMerger();
    s.on('message.delta', (d) => {
      got.push(d);
      merged.apply(d);
    });
    await subscribe(s, taskId);
    const res = await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'Hello agent' });
    const done = await waitForReply(t.db, res.body.data.assistant.id, 15_000);
    expect(done).toMatchObject({ status: 'completed', model: 'demo' });
    expect(done.content).toMatch(/demo/);
    expect(done.content).toMatch(/LLM_PROVIDER=openai/);
    expect(done.content).toMatch(/You wrote: "Hello agent"/);
    expect(got.length).toBeGreaterThan(3);
    // Deltas are assembled by offset, as clients do; on a loaded machine the last ones may land
    // after the row, so wait for them rather than compare at once.
    const id = res.body.data.assistant.id as string;
    await within(
      merged.whenText(id, (x) => x === done.content),
      15_000,
      'all deltas',
    );
    expect(merged.gaps + merged.waiting(id)).toBe(0);
    s.disconnect();
  });
});
