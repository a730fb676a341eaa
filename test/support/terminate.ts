import type pg from 'pg';

/**
 * Terminates this database's backends whose application_name starts with `name`, as an admin or
 * a crash would; answers how many it ended. Scoped to one database (the pool's own unless named),
 * so other test files on the same server are not touched.
 */
export async function terminateBackends(
  pool: Pick<pg.Pool, 'query'>,
  name: string,
  database?: string,
): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
      WHERE datname = coalesce($2, current_database()) AND starts_with(application_name, $1)
        AND pid <> pg_backend_pid()`,
    [name, database ?? null],
  );
  return Number(rows[0]!.n);
}
