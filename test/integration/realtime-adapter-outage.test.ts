import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageDelta } from '@kanban/shared';
import { ADAPTER_POOL } from '../../server/src/realtime/io';
import {
  connectSocket,
  createTask,
  startAgentApp,
  subscribe,
  waitFor,
  type AgentApp,
  type ClientSocket,
} from '../support/agent-app';
import { terminateBackends } from '../support/terminate';

// The socket adapter's LISTEN client used to have no 'error' listener: terminating its backend
// was an uncaught exception that ended the process (here: vitest reports it and the file fails).
// Now the process survives, the adapter re-LISTENs, and emits cross instances again. Terminated
// more often than its pool has slots: each dead LISTEN client must go back to the pool.

let a: AgentApp;
let b: AgentApp;
let socket: ClientSocket;
let taskId: string;
const got: MessageDelta[] = [];

beforeAll(async () => {
  a = await startAgentApp({ ROLES: 'web' });
  b = await startAgentApp({ ROLES: 'web' }, { database: a.database });
  ({ taskId } = await createTask(a.http));
  socket = await connectSocket(a.url);
  socket.on('message.delta', (d) => got.push(d));
  expect((await subscribe(socket, taskId)).ok).toBe(true);
});
afterAll(async () => {
  socket?.disconnect();
  await b?.close();
  await a?.close();
});

/** Emits from instance b until the socket on instance a hears it (the adapter is back). */
async function crossInstanceEmitArrives() {
  const messageId = randomUUID();
  await waitFor(
    () => {
      b.agent.realtime.publisher.delta({ taskId, messageId, offset: 0, text: 'hi' });
      return got.some((d) => d.messageId === messageId);
    },
    20_000,
    'an emit from instance b to reach the socket on instance a',
  );
}

it('survives its LISTEN client being terminated, again and again, and emits across instances', async () => {
  await crossInstanceEmitArrives();
  for (let round = 0; round < 6; round++) {
    // The backends of both instances' adapters (they share the database).
    await waitFor(async () => (await terminateBackends(a.db.pool, ADAPTER_POOL)) > 0, 10_000, 'a backend');
    await crossInstanceEmitArrives();
  }
  expect(a.db.connections.snapshot()[ADAPTER_POOL]?.status).toBe('up');
  expect(socket.connected).toBe(true);
});
