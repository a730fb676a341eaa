import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsServer } from '../../server/src/http/metrics-server';
import { startAgentRuntime, type AgentRuntime } from '../../server/src/jobs/agent-runtime';
import { Metrics } from '../../server/src/metrics';
import { createTask, FAST_AGENT_ENV, startAgentApp, waitForReply, type AgentApp } from '../support/agent-app';
import { openTestDeps, type TestDeps } from '../support/app';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm';
import { fetchAs } from '../support/auth';

// Web and worker split, as in docker-compose: the reply runs in the worker, so its series must
// be scraped from the worker's own metrics listener (METRICS_PORT), not from the web role.

let fake: FakeLlm;
let web: AgentApp;
let worker: { deps: TestDeps; agent: AgentRuntime; url: string; close(): Promise<void> };

beforeAll(async () => {
  fake = await startFakeLlm();
  const env = { ...FAST_AGENT_ENV, OPENAI_BASE_URL: fake.baseUrl };
  web = await startAgentApp({ ...env, ROLES: 'web' });
  const deps = await openTestDeps({ ...env, ROLES: 'worker' }, { database: web.database });
  const metrics = new Metrics();
  const agent = await startAgentRuntime({ ...deps, metrics });
  const server = createMetricsServer(metrics, { production: false, log: deps.logs.for('http') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  worker = {
    deps,
    agent,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      // A worker-only runtime's io.close() throws today (issue 8, "worker-only SIGTERM"); that
      // is another test's subject, not this one's, and the pools must still close.
      await agent.stop().catch(() => undefined);
      await deps.db.close();
    },
  };
});
afterAll(async () => {
  await worker?.close();
  await web?.close();
  await fake?.close();
});

const completed = (text: string) =>
  Number(/^kanban_replies_total\{status="completed"\} (\d+)$/m.exec(text)?.[1] ?? 0);

describe('metrics of a worker-only process', () => {
  it('counts the reply the worker ran; the web role saw none', async () => {
    const { taskId } = await createTask(web.http);
    const posted = await web.http.post(`/api/tasks/${taskId}/messages`, { content: 'Hi worker' });
    expect(posted.status).toBe(201);
    expect((await waitForReply(web.db, posted.body.data.assistant.id)).status).toBe('completed');
    const scraped = await fetchAs(`${worker.url}/metrics`);
    expect(scraped.status).toBe(200);
    expect(completed(await scraped.text())).toBe(1);
    expect(completed(await (await fetchAs(`${web.url}/metrics`)).text())).toBe(0);
    expect((await fetchAs(`${worker.url}/api/boards`)).status).toBe(404);
  });
});
