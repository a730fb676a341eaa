import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, createTask, startAgentApp, subscribe, type AgentApp } from '../support/agent-app';
import { rawWebSocket } from '../support/raw-ws';
import { wsBuffered } from '../../server/src/adapters/engine-io';

// Per-socket bounds: task rooms, subscribe rate (429, then disconnect for a flood), and a client
// that stops reading dropped by the bytes queued for it, not by the ping timeout.

let t: AgentApp;
beforeAll(async () => {
  t = await startAgentApp({
    REALTIME_MAX_SUBSCRIPTIONS: '3',
    REALTIME_SUBSCRIBE_RATE: '0.1', // one token per 10 s: no refill while a test runs
    REALTIME_SUBSCRIBE_BURST: '6',
    REALTIME_MAX_BUFFERED_BYTES: '65536',
    REALTIME_MAX_BUFFERED: '1000000', // so only bytes can trigger
  });
});
afterAll(() => t?.close());

const serverSocket = (id: string) => t.agent.realtime.io.of('/').sockets.get(id)!;

describe('subscriptions', () => {
  it('refuses a subscription past REALTIME_MAX_SUBSCRIPTIONS until one is left', async () => {
    const tasks = [];
    for (let i = 0; i < 4; i++) tasks.push((await createTask(t.http, `room ${i}`)).taskId);
    const s = await connectSocket(t.url);
    for (const id of tasks.slice(0, 3)) expect(await subscribe(s, id)).toEqual({ ok: true });
    expect(await subscribe(s, tasks[0])).toEqual({ ok: true }); // a room it is in costs no slot
    const refused = await subscribe(s, tasks[3]);
    expect(refused).toMatchObject({ ok: false, error: { status: 429, title: 'Too many subscriptions' } });
    await s.timeout(5000).emitWithAck('task.unsubscribe', { taskId: tasks[0]! });
    expect(await subscribe(s, tasks[3])).toEqual({ ok: true });
    s.disconnect();
  });

  it('answers 429 past the subscribe burst, and disconnects a socket that keeps flooding', async () => {
    const { taskId } = await createTask(t.http, 'flood');
    const s = await connectSocket(t.url);
    const gone = new Promise<string>((resolve) => s.once('disconnect', resolve));
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await subscribe(s, taskId));
    expect(answers.every((a) => a.ok)).toBe(true);
    for (let i = 0; i < 5; i++) {
      expect(await subscribe(s, taskId)).toMatchObject({ ok: false, error: { status: 429 } });
    }
    s.emit('task.subscribe', { taskId }, () => undefined); // the 6th refusal in a row
    expect(await gone).toBe('io server disconnect');
  });
});

describe('a client that stops reading', () => {
  it('can read the websocket buffer through the engine.io adapter (fails if engine.io changes)', async () => {
    const s = await connectSocket(t.url);
    const conn = serverSocket(s.id!).conn;
    expect(conn.transport.name).toBe('websocket');
    expect(wsBuffered(conn)).toBeTypeOf('number');
    s.disconnect();
  });

  it('is disconnected once the bytes queued for it pass REALTIME_MAX_BUFFERED_BYTES', async () => {
    const { taskId } = await createTask(t.http, 'stalled');
    const ws = await rawWebSocket(t.url, '/socket.io/?EIO=4&transport=websocket');
    await ws.until(/0\{"sid"/);
    ws.send('40');
    await ws.until(/40\{"sid":"([^"]+)"/);
    const sid = /40\{"sid":"([^"]+)"/.exec(ws.received())![1]!;
    ws.send(`420["task.subscribe",{"taskId":"${taskId}"}]`);
    await ws.until(/430\[\{"ok":true\}\]/);
    ws.stopReading();

    const socket = serverSocket(sid);
    let reason: string | undefined;
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    void gone.then((r) => (reason = r));
    // Stream 16 KB deltas to it (as a catch-up does) until the server gives up on it; the
    // kernel's buffers on both ends fill first, then this process's queue passes the bound.
    const text = 'z'.repeat(16_384);
    let sent = 0;
    for (let i = 0; i < 8_000 && reason === undefined; i++) {
      t.agent.realtime.publisher.deltaTo(sid, { taskId, messageId: taskId, offset: sent, text });
      sent += text.length;
      await new Promise((r) => setImmediate(r));
    }
    expect(reason).toBe('forced close');
    console.info(`slow consumer dropped after ${(sent / 1024 / 1024).toFixed(1)} MB streamed to it`);
    ws.close();
  });
});
