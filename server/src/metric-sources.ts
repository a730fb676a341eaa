import type { AppDeps } from './app';
import { DEAD_QUEUE, REPLY_QUEUE } from './jobs/boss';
import type { MetricSources, ShapeStats } from './metrics';
import type { ShapeRegistry } from './sync/registry';

// Where each pulled metric is read, from the parts createApp is given. Each reader is public
// API of its part; what a part does not expose yet is left out (and not reported).

/** The shape registry's figures (live shapes, held requests, bytes held). */
export function shapeStats(registry: ShapeRegistry): ShapeStats {
  return registry.stats();
}

export function metricSources(deps: AppDeps): MetricSources {
  const out: MetricSources = {};
  const builtin = deps.sync?.builtin;
  if (builtin) {
    out.shapes = () => shapeStats(builtin.registry);
    const slot = builtin.capture.slot;
    out.replicationLag = async () => {
      const { rows } = await deps.db.pool.query<{ lag: string | null }>(
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::float8 AS lag
         FROM pg_replication_slots WHERE slot_name = $1`,
        [slot],
      );
      const lag = rows[0]?.lag;
      return lag == null ? {} : { [slot]: Number(lag) };
    };
  }
  const agent = deps.agent;
  if (agent) {
    out.sockets = () => agent.realtime.io.engine.clientsCount;
    out.queues = async () => {
      const entries = await Promise.all(
        [REPLY_QUEUE, DEAD_QUEUE].map(async (name) => {
          const q = await agent.boss.getQueue(name);
          const counts: Record<string, number> = q
            ? {
                queued: q.queuedCount,
                ready: q.readyCount,
                active: q.activeCount,
                deferred: q.deferredCount,
                failed: q.failedCount,
              }
            : {};
          return [name, counts] as const;
        }),
      );
      return Object.fromEntries(entries);
    };
  }
  // Every connection the process watches (db/connection-state.ts): up is 1, down is 0.
  out.connections =
    deps.connectionStates ??
    (() =>
      Object.fromEntries(
        Object.entries(deps.db.connections.snapshot()).map(([name, s]) => [name, s.status === 'up']),
      ));
  return out;
}
