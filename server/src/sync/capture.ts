import type { Client, Pool } from 'pg';
import type { Logger } from 'pino';
import pRetry from 'p-retry';
import { LogicalReplicationService, type Pgoutput } from 'pg-logical-replication';
import type { ConnectionStates } from '../db/connection-state';
import type { CaptureEvents, Change, Row, Transaction } from './change';
import { bigIntToLsn, lsnToBigInt } from './offset';
import { claimSlot, dropSlot, dropStaleSlots, newSlotName, prepareSlot, type SlotClaim } from './slots';
import { TextPgoutputPlugin } from './text-pgoutput';

export const PUBLICATION = 'kanban_sync';
export const REPLICATION_CONNECTION = 'kanban-sync';

// Electric's session display settings, so pgoutput's text matches the snapshot's ::text output.
export const DISPLAY_SETTINGS: Record<string, string> = {
  DateStyle: 'ISO, DMY',
  TimeZone: 'UTC',
  IntervalStyle: 'iso_8601',
  extra_float_digits: '1',
  bytea_output: 'hex',
};
const OPTIONS = Object.entries(DISPLAY_SETTINGS)
  .map(([k, v]) => `-c ${k}=${v.replaceAll(' ', '\\ ')}`)
  .join(' ');

export interface Capture {
  /** The slot streamed through: chosen by start() (a kept one adopted, or a new one). */
  readonly slot: string;
  /** LSN of the last transaction handed on (0 before any). */
  lastLsn(): bigint;
  /** Resolves once the slot exists and streaming began: snapshots taken from now on are covered. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Postgres logical replication (pgoutput) into committed transactions. Acknowledges each commit once
 * handed on, and idle keepalives, so the slot never holds WAL we are done with. Reconnects with
 * backoff when the connection drops (Postgres restart) and resumes from the slot's confirmed LSN.
 */
export function createCapture(opts: {
  url: string;
  pool: Pool;
  log: Logger;
  events: CaptureEvents;
  /** Where the replication connection's up/down state is recorded (and logged once). */
  states?: ConnectionStates;
  /**
   * Keep the slot when stopping, and at start adopt the kept slot of a stopped run (seen within
   * `retainMs`): its shapes are restored (events.restore) and the stream resumes where that run's
   * acknowledgements stopped. Unset: a slot per run, dropped on stop.
   */
  keepSlot?: { retainMs: number };
}): Capture {
  const { log, events } = opts;
  const states = opts.states;
  const keep = opts.keepSlot;
  let slot = newSlotName();
  /** Once the slot is known to exist: creating it again then means it vanished with its backlog. */
  let hadSlot = false;
  const controller = new AbortController();
  let stopped = false;
  let lastLsn = 0n;
  let current: Transaction | undefined;
  let acked = '0/0';
  const relations = new Map<string, string>();

  const session = {
    async prepare(client: Client) {
      if (await prepareSlot(client, slot)) {
        // A slot made after the first one (or instead of an adopted one) means our previous slot
        // vanished with its backlog: every shape might have missed changes, so they all start over.
        if (hadSlot) events.invalidate('all');
        log.info({ slot }, 'created the replication slot');
      }
      hadSlot = true;
    },
  };
  const plugin = new TextPgoutputPlugin(PUBLICATION, session);
  // Made by start(), once the slot (and so the connection's application_name) is chosen.
  let service: LogicalReplicationService | undefined;
  function makeService() {
    const s = new LogicalReplicationService(
      {
        connectionString: opts.url,
        options: OPTIONS,
        application_name: `${REPLICATION_CONNECTION} ${slot}`,
        connectionTimeoutMillis: 5000,
      },
      { acknowledge: { auto: false, timeoutSeconds: 0 } },
    );
    s.on('error', (err) => log.debug({ err }, 'replication connection error'));
    s.on('heartbeat', (lsn, _ts, shouldRespond) => {
      // Between transactions everything up to the keepalive's position has been handed on.
      if (!current) ackWhenKept(lsn);
      if (shouldRespond) ack(acked);
    });
    s.on('data', (lsn: string, msg: Pgoutput.Message) => onMessage(lsn, msg));
    return s;
  }

  function onMessage(_lsn: string, msg: Pgoutput.Message) {
    switch (msg.tag) {
      case 'begin':
        current = { xid: msg.xid, lsn: lsnToBigInt(msg.commitLsn ?? '0/0'), changes: [] };
        return;
      case 'relation': {
        // Schema-qualified: a change to b.items must not leave a.items' shapes stale, or the reverse.
        const name = `${msg.schema}.${msg.name}`;
        const columns = msg.columns.map((c) => `${c.name}:${c.typeOid}:${c.typeMod}`).join(',');
        const signature = `${msg.replicaIdentity}|${columns}`;
        const before = relations.get(name);
        relations.set(name, signature);
        if (before !== undefined && before !== signature) events.invalidate([name]);
        return;
      }
      case 'insert':
        return push({
          kind: 'insert',
          schema: msg.relation.schema,
          table: msg.relation.name,
          new: msg.new as Row,
        });
      case 'update':
        return push({
          kind: 'update',
          schema: msg.relation.schema,
          table: msg.relation.name,
          // REPLICA IDENTITY FULL gives the old row; without it, the key or nothing.
          old: (msg.old ?? msg.key ?? {}) as Row,
          new: msg.new as Row,
        });
      case 'delete':
        return push({
          kind: 'delete',
          schema: msg.relation.schema,
          table: msg.relation.name,
          old: (msg.old ?? msg.key ?? {}) as Row,
        });
      case 'truncate':
        events.invalidate(msg.relations.map((r) => `${r.schema}.${r.name}`));
        return;
      case 'commit': {
        const tx = current;
        current = undefined;
        if (!tx) return;
        // After a reconnect the server may resend a transaction whose ack it never got.
        if (tx.lsn > lastLsn) {
          lastLsn = tx.lsn;
          if (tx.changes.length > 0) events.transaction(tx);
        }
        if (msg.commitEndLsn) ackWhenKept(msg.commitEndLsn);
        return;
      }
      default:
        return;
    }
  }
  /**
   * Acknowledges `lsn` once what the shapes keep of everything before it is written (shape
   * store): a crash before that, and the slot sends it again to the restarted instance.
   */
  function ackWhenKept(lsn: string) {
    const kept = events.settled?.();
    if (!kept) return ack(lsn);
    void kept.then(() => {
      if (lsnToBigInt(lsn) > lsnToBigInt(acked)) ack(lsn);
    });
  }
  function ack(lsn: string) {
    acked = lsn;
    // pg-logical-replication reports `lsn + 1` as written/flushed/applied, but the positions
    // Postgres hands us (a commit's end, a keepalive's WAL end) already point past the data. A
    // walsender lets a shutdown finish only once the flush position it was told equals what it
    // sent, exactly: one byte too far and `pg_ctl stop` (fast mode) waited until this connection
    // went away, i.e. a Postgres restart hung for as long as the app lived.
    const v = lsnToBigInt(lsn);
    if (v > 0n && service && !stopped) void service.acknowledge(bigIntToLsn(v - 1n));
  }
  function push(change: Change) {
    current?.changes.push(change);
  }

  /** One replication session: resolves when streaming started, `ended` settles when it stops. */
  function connect(): Promise<{ ended: Promise<unknown> }> {
    return new Promise((resolve, reject) => {
      current = undefined;
      const onStart = () => resolve({ ended });
      const s = service!;
      s.once('start', onStart);
      // 0/0: let the server resume from the slot's confirmed position, never from a keepalive's.
      const ended = s.subscribe(plugin, slot, '0/0');
      ended.then(
        () => reject(new Error('replication stream ended before it started')),
        (err: unknown) => {
          s.off('start', onStart);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  let first: Promise<void> | undefined;
  let loop: Promise<void> | undefined;
  async function run(signalStarted: () => void) {
    while (!stopped) {
      try {
        const { ended } = await pRetry(connect, {
          retries: Number.POSITIVE_INFINITY,
          minTimeout: 100,
          maxTimeout: 5_000,
          randomize: true,
          signal: controller.signal,
          // p-retry gives up at once on a TypeError that is not a network error; the loop below
          // then starts over after a pause, so the stream is retried forever either way.
          onFailedAttempt: ({ error, attemptNumber }) => {
            if (stopped) return;
            log.debug({ err: error, attempt: attemptNumber }, 'replication connect failed; retrying');
            states?.down(REPLICATION_CONNECTION, error);
          },
        });
        signalStarted();
        states?.up(REPLICATION_CONNECTION);
        log.debug({ slot }, 'replication streaming');
        await ended.catch((err: unknown) => {
          if (!stopped) states?.down(REPLICATION_CONNECTION, err);
        });
        if (!stopped) states?.down(REPLICATION_CONNECTION, new Error('replication stream ended'));
      } catch (err) {
        if (stopped) break;
        log.warn({ err }, 'replication loop error; starting over');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    get slot() {
      return slot;
    },
    lastLsn: () => lastLsn,
    start() {
      first ??= (async () => {
        await dropStaleSlots(opts.pool, log, keep?.retainMs ?? 0);
        let claim: SlotClaim | undefined;
        if (keep) {
          claim = await claimSlot(opts.pool, keep.retainMs);
          if (claim) {
            slot = claim.slot;
            hadSlot = true;
            log.info({ slot }, 'adopted the replication slot of a stopped run');
          }
        }
        try {
          // The kept shapes are in place before the first transaction of the resumed stream.
          if (claim) await events.restore?.(slot);
          service = makeService();
          await new Promise<void>((resolve) => {
            loop = run(resolve);
          });
        } finally {
          // Streaming now: the slot is active, so no one else will adopt or drop it.
          await claim?.release();
        }
        await events.started?.(slot);
      })();
      return first;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      states?.forget(REPLICATION_CONNECTION);
      controller.abort();
      await service?.destroy().catch(() => undefined);
      await loop?.catch(() => undefined);
      // Kept: the next start adopts it (and the WAL it holds) within SHAPE_RESUME_RETAIN_MS.
      if (hadSlot && !keep) await dropSlot(opts.pool, slot, log);
    },
  };
}
