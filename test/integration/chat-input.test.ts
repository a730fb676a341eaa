import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { connectSocket, createTask, type AgentApp } from '../support/agent-app';
import { withFixtures } from '../support/fixtures';

// Bad input on every chat route and socket event: a 4xx problem (or an error ack), nothing written.

const it = withFixtures({ agentEnv: { BODY_LIMIT_BYTES: '100000' } });
let t: AgentApp;
let taskId: string;
it.beforeAll(async ({ agentApp }) => {
  t = agentApp;
  ({ taskId } = await createTask(t.http));
});

async function counts() {
  const { rows } = await t.db.pool.query(
    `SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM pgboss.job)::int AS jobs`,
  );
  return rows[0];
}

describe('bad input', () => {
  it('POST /api/tasks/:id/messages rejects bad bodies and ids with problem JSON, writing nothing', async () => {
    const before = await counts();
    const cases: [string, unknown, number, string?][] = [
      [`/api/tasks/${taskId}/messages`, {}, 400, 'body.content'],
      [`/api/tasks/${taskId}/messages`, { content: '' }, 400, 'body.content'],
      [`/api/tasks/${taskId}/messages`, { content: '   ' }, 400, 'body.content'],
      [`/api/tasks/${taskId}/messages`, { content: 'x'.repeat(20_001) }, 400, 'body.content'],
      [`/api/tasks/${taskId}/messages`, { content: 42 }, 400, 'body.content'],
      [`/api/tasks/${taskId}/messages`, { content: 'hi', role: 'assistant' }, 400],
      [`/api/tasks/${taskId}/messages`, { id: 'nope', content: 'hi' }, 400, 'body.id'],
      [`/api/tasks/${taskId}/messages`, ['hi'], 400],
      [`/api/tasks/not-a-uuid/messages`, { content: 'hi' }, 400, 'path.id'],
      [`/api/tasks/${randomUUID()}/messages`, { content: 'hi' }, 404],
    ];
    for (const [path, body, status, field] of cases) {
      const res = await t.http.post(path, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status,
        type: expect.any(String),
        title: expect.any(String),
        detail: expect.any(String),
      });
      if (field) expect(res.body.errors[0].path).toBe(field);
    }
    expect(
      (await t.http.post(`/api/tasks/${taskId}/messages`, 'content=hi', { 'content-type': 'text/plain' }))
        .status,
    ).toBe(415);
    expect((await t.http.post(`/api/tasks/${taskId}/messages`, '{"content":', {})).status).toBe(400);
    expect(
      (await t.http.post(`/api/tasks/${taskId}/messages`, { content: 'x'.repeat(200_000) })).status,
    ).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('a client id reused for a different message is a 409, and nothing else is written', async () => {
    const id = randomUUID();
    expect((await t.http.post(`/api/tasks/${taskId}/messages`, { id, content: 'first' })).status).toBe(201);
    const before = await counts();
    const clash = await t.http.post(`/api/tasks/${taskId}/messages`, { id, content: 'different' });
    expect(clash.status).toBe(409);
    expect(clash.body.type).toBe('/problems/conflict');
    expect(await counts()).toEqual(before);
  });

  it('GET history, cancel and retry reject bad ids and queries', async () => {
    for (const q of ['before=abc', 'before=0', 'limit=0', 'limit=1000', 'limit=x', 'page=2'])
      expect((await t.http.get(`/api/tasks/${taskId}/messages?${q}`)).status, q).toBe(400);
    expect((await t.http.get(`/api/tasks/${randomUUID()}/messages`)).status).toBe(404);
    expect((await t.http.get(`/api/tasks/zzz/messages`)).status).toBe(400);
    const before = await counts();
    for (const action of ['cancel', 'retry']) {
      expect((await t.http.post(`/api/messages/bad/${action}`)).status).toBe(400);
      expect((await t.http.post(`/api/messages/${randomUUID()}/${action}`)).status).toBe(404);
    }
    const hist = await t.http.get(`/api/tasks/${taskId}/messages`);
    const user = hist.body.data.find((m: { role: string }) => m.role === 'user');
    expect((await t.http.post(`/api/messages/${user.id}/cancel`)).status).toBe(409);
    expect((await t.http.post(`/api/messages/${user.id}/retry`)).status).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it('socket events: invalid or unknown subscriptions get an error ack; the socket stays usable', async () => {
    const s = await connectSocket(t.url);
    const ask = (event: string, body: unknown) =>
      s.timeout(3000).emitWithAck(event as 'task.subscribe', body as { taskId: string });
    expect(await ask('task.subscribe', { taskId: 'x' })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await ask('task.subscribe', {})).toMatchObject({
      ok: false,
      error: { status: 400, detail: expect.stringContaining('taskId') },
    });
    expect(await ask('task.subscribe', 'just a string')).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await ask('task.subscribe', { taskId, extra: 1 })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await ask('task.subscribe', { taskId: randomUUID() })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    expect(await ask('task.unsubscribe', { taskId: 5 })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await ask('tasks.delete', { all: true })).toMatchObject({
      ok: false,
      error: { title: 'Unknown event' },
    });
    (s.emit as (e: string, b: unknown) => void)('task.subscribe', { taskId }); // no ack: ignored, not a crash
    expect(await ask('task.subscribe', { taskId })).toEqual({ ok: true });
    s.disconnect();
  });
});
