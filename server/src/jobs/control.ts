import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ConnectionStates } from '../db/connection-state';

// The control channel between instances: cancel requests and late-joiner catch-ups travel as
// NOTIFY agent_control (sent inside the writer's transaction when there is one), and every
// process LISTENs, so whichever runs the reply acts on it. Ended access (a removed member, an
// ended session, a revoked key) travels the same way, so each instance closes its own live
// shape requests and sockets of that user.

export const CONTROL_CHANNEL = 'agent_control';
export const CONTROL_CONNECTION = 'kanban-control';

export const ControlMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('cancel'), messageId: z.string() }),
  z.object({ t: z.literal('catchup'), taskId: z.string(), socketId: z.string() }),
  // Access that ended (migrations/0008_access_events.sql sends these from triggers).
  z.object({ t: z.literal('revoke'), boardId: z.string(), userId: z.string() }),
  z.object({ t: z.literal('session-end'), sessionId: z.string() }),
  z.object({ t: z.literal('key-revoked'), keyId: z.string() }),
]);
export type AccessEnded = Extract<ControlMessage, { t: 'revoke' | 'session-end' | 'key-revoked' }>;
export const isAccessEnded = (m: ControlMessage): m is AccessEnded =>
  m.t === 'revoke' || m.t === 'session-end' || m.t === 'key-revoked';
export type ControlMessage = z.infer<typeof ControlMessage>;

export interface ControlListener {
  close(): Promise<void>;
}

/** Another channel heard on the same connection (pg-boss's job wake-up). */
export interface ExtraChannel {
  channel: string;
  onNotify(payload: string): void;
}

export interface ControlOptions {
  states: ConnectionStates;
  /** Its connection's name (application_name, connection state); default kanban-control. */
  name?: string;
  extra?: ExtraChannel;
  connectTimeoutMs?: number;
  /** Reconnect backoff: first delay, doubled per failure up to the cap; retried forever. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

function parse(payload: string | undefined): ControlMessage | undefined {
  try {
    const parsed = ControlMessage.safeParse(JSON.parse(payload ?? 'null'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // someone else's NOTIFY on our channel: not ours to act on
  }
}

/**
 * LISTENs on the control channel (and the extra one) on a dedicated connection. The first
 * connect must succeed; after that a lost connection is re-made with backoff for as long as the
 * process lives, and each re-made LISTEN fires the extra channel's catch-up (notifications sent
 * while it was down are lost).
 */
export async function listenControl(
  url: string,
  log: Logger,
  onMessage: (m: ControlMessage) => void,
  opts: ControlOptions,
): Promise<ControlListener> {
  const { states, extra } = opts;
  const name = opts.name ?? CONTROL_CONNECTION;
  const minDelay = opts.minDelayMs ?? 100;
  const maxDelay = opts.maxDelayMs ?? 5000;
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = minDelay;

  const reconnect = () => {
    if (closed || timer) return;
    // Jitter, so the instances of a cluster do not reconnect in lockstep.
    const wait = Math.round(delay * (0.5 + Math.random() / 2));
    delay = Math.min(maxDelay, delay * 2);
    timer = setTimeout(() => {
      timer = undefined;
      connect().catch(() => undefined); // a failure has already scheduled the next attempt
    }, wait);
  };

  const connect = async () => {
    const c = new pg.Client({
      connectionString: url,
      application_name: name,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    });
    let lost = false;
    const lose = (err: unknown) => {
      if (lost) return;
      lost = true;
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      if (closed) return;
      states.down(name, err);
      reconnect();
    };
    c.on('error', lose);
    c.on('notification', (n) => {
      if (extra && n.channel === extra.channel) return extra.onNotify(n.payload ?? '');
      const m = parse(n.payload);
      if (m) onMessage(m);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CONTROL_CHANNEL}`);
      if (extra) await c.query(`LISTEN ${c.escapeIdentifier(extra.channel)}`);
    } catch (err) {
      lose(err);
      throw err;
    }
    if (closed) return void c.end().catch(() => undefined);
    client = c;
    delay = minDelay;
    states.up(name);
    // Notifications sent while the connection was down are lost: act as if one came.
    extra?.onNotify('');
  };
  await connect().catch((err: unknown) => {
    closed = true; // a start that fails does not leave a reconnect loop behind
    clearTimeout(timer);
    throw err;
  });
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      states.forget(name);
      await client?.end().catch(() => undefined);
    },
  };
}

/** SQL-side sender, usable inside any transaction: delivered when it commits. */
export const controlNotify = (m: ControlMessage) => ({
  channel: CONTROL_CHANNEL,
  payload: JSON.stringify(m),
});
