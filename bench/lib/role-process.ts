// Child process of memory.bench.ts and reply-path.bench.ts: the app's roles (config.ROLES from
// the environment), built as server/src/main.ts builds them, on a database the parent made. It
// answers the parent over IPC with its own RSS, heap and CPU time, so the figures are the server
// process' alone. The web role also runs the reply-path floor: a bare node:http + socket.io
// server in this same process, where a POST is emitted to a room with nothing in between.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { createApp } from '../../server/src/app';
import { loadConfig } from '../../server/src/config';
import { createDb } from '../../server/src/db/pool';
import { startAgentRuntime } from '../../server/src/jobs/agent-runtime';
import { silentLogs } from '../../server/src/logger';
import { createSync } from '../../server/src/sync';

export type RoleRequest = { type: 'stats' } | { type: 'stop' };
export type RoleMessage =
  | { type: 'ready'; url?: string; floorUrl?: string }
  | { type: 'stats'; rss: number; heapUsed: number; cpuMs: number; heldShapes: number };

const send = (m: RoleMessage) => process.send!(m);
const config = loadConfig(process.env);
const logs = silentLogs();
const db = createDb(config.DATABASE_URL!, logs.for('db'), config.DB_POOL_MAX);
const agent = await startAgentRuntime({ config, logs, db });
const web = config.ROLES.includes('web');
const sync = web ? createSync({ config, logs, db }) : undefined;
await sync?.start();
const app = web ? createApp({ config, logs, db, agent, sync }) : undefined;
let url: string | undefined;
let floorUrl: string | undefined;
let floorIo: Server | undefined;
if (app) {
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const floorHttp = createServer();
  floorIo = new Server(floorHttp);
  const io = floorIo;
  floorHttp.on('request', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { room } = JSON.parse(body) as { room: string };
      io.to(room).emit('message.delta', { taskId: room, messageId: room, offset: 0, text: 'x' });
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
  });
  io.on('connection', (s) =>
    s.on('join', (room: string, ack: () => void) => {
      void s.join(room);
      ack();
    }),
  );
  await new Promise<void>((r) => floorHttp.listen(0, '127.0.0.1', r));
  floorUrl = `http://127.0.0.1:${(floorHttp.address() as AddressInfo).port}`;
}
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m: RoleRequest) => {
  if (m.type === 'stats') {
    gc?.(); // with --expose-gc (the parent passes it): RSS after a full collection
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    send({
      type: 'stats',
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      cpuMs: (cpu.user + cpu.system) / 1000,
      heldShapes: sync?.builtin?.registry.stats().subscribers ?? 0,
    });
  } else if (m.type === 'stop') {
    void (async () => {
      await floorIo?.close();
      await app?.close();
      await sync?.stop();
      await agent.stop();
      await db.close();
      process.exit(0);
    })();
  }
});
send({ type: 'ready', url, floorUrl });
