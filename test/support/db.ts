import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template; dropped (with its slots) at the end. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `kanban_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Concurrent clones of one template can briefly see each other as "other users": retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
        break;
      } catch (err) {
        if (attempt >= 20 || (err as { code?: string }).code !== '55006') throw err;
        await new Promise((r) => setTimeout(r, 50 + attempt * 25));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        // Apps keep their slot across a stop (SHAPE_PERSIST), and a slot's walsender may outlive
        // its app by a moment; Postgres refuses to drop a database any slot is on, so end the
        // walsenders and drop the slots first (until none is left: a terminated walsender
        // releases its slot asynchronously).
        for (let attempt = 0; ; attempt++) {
          const { rows } = await c.query<{ left: number }>(
            `SELECT count(*)::int AS left FROM (
               SELECT CASE WHEN active THEN pg_terminate_backend(active_pid)
                           ELSE pg_drop_replication_slot(slot_name) IS NULL END
                 FROM pg_replication_slots WHERE database = $1) s`,
            [name],
          );
          if (rows[0]!.left === 0) break;
          if (attempt >= 100) throw new Error(`replication slots of ${name} would not go`);
          await new Promise((r) => setTimeout(r, 20));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
