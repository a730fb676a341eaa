import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';

// The control channel between instances: cancel requests and late-joiner catch-ups travel as
// NOTIFY agent_control (sent inside the writer's transaction when there is one), and every
// process LISTENs, so whichever runs the reply acts on it.

export const CONTROL_CHANNEL = 'agent_control';

export const ControlMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('cancel'), messageId: z.string() }),
  z.object({ t: z.literal('catchup'), taskId: z.string(), socketId: z.string() }),
]);
export type ControlMessage = z.infer<typeof ControlMessage>;

export interface ControlListener {
  close(): Promise<void>;
}

/** Another channel heard on the same connection (pg-boss's job wake-up). */
export interface ExtraChannel {
  channel: string;
  onNotify(payload: string): void;
}

export async function listenControl(
  url: string,
  log: Logger,
  onMessage: (m: ControlMessage) => void,
  extra?: ExtraChannel,
): Promise<ControlListener> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString: url, application_name: 'kanban-control' });
    c.on('notification', (n) => {
      if (extra && n.channel === extra.channel) return extra.onNotify(n.payload ?? '');
      const parsed = ControlMessage.safeParse(JSON.parse(n.payload ?? 'null'));
      if (parsed.success) onMessage(parsed.data);
    });
    c.on('error', (err) => {
      log.warn({ err }, 'control channel lost; reconnecting');
      void c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect().catch(() => undefined), 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${CONTROL_CHANNEL}`);
    if (extra) {
      await c.query(`LISTEN ${c.escapeIdentifier(extra.channel)}`);
      // Notifications sent while the connection was down are lost: act as if one came.
      extra.onNotify('');
    }
    client = c;
  };
  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

/** SQL-side sender, usable inside any transaction: delivered when it commits. */
export const controlNotify = (m: ControlMessage) => ({
  channel: CONTROL_CHANNEL,
  payload: JSON.stringify(m),
});
