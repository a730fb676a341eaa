import type pg from 'pg';

/**
 * Terminates this database's backends whose application_name starts with `name`, as an admin or
 * a crash would; answers how many it ended. Scoped to the current database, so other test files
 * on the same server are not touched.
 */
export async function terminateBackends(pool: pg.Pool, name: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND starts_with(application_name, $1) AND pid <> pg_backend_pid()`,
    [name],
  );
  return Number(rows[0]!.n);
}
