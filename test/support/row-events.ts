import pg from 'pg';

// Row changes as events for tests: a test-only trigger (in the test's own database) NOTIFYs
// the id of every messages row written, and a LISTEN connection wakes the waiter, which then
// re-reads the row. So "wait until the reply ends" is an awaited event, not a polling loop.

const CHANNEL = 'test_message_rows';
const installed = new Map<string, Promise<void>>();

function install(url: string): Promise<void> {
  let p = installed.get(url);
  if (!p) {
    p = (async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        // One transaction under an advisory lock: two apps of a test may start waiting at once.
        await c.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('${CHANNEL}'));
          CREATE OR REPLACE FUNCTION ${CHANNEL}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN PERFORM pg_notify('${CHANNEL}', NEW.id::text); RETURN NULL; END $$;
          CREATE OR REPLACE TRIGGER ${CHANNEL} AFTER INSERT OR UPDATE ON messages
            FOR EACH ROW EXECUTE FUNCTION ${CHANNEL}();
          COMMIT;`);
      } finally {
        await c.end();
      }
    })();
    installed.set(url, p);
    p.catch(() => installed.delete(url));
  }
  return p;
}

/**
 * Resolves with the row once `check` accepts it: checked now, then again after every write to
 * that row. Rejects after `timeoutMs` (a bound on the event, not a delay).
 */
export async function untilMessage<T>(
  url: string,
  id: string,
  check: (row: Record<string, any> | undefined) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  await install(url);
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined); // the database may be dropped at the end of the file
  await c.connect();
  try {
    let wake: () => void = () => undefined;
    c.on('notification', (n) => n.payload === id && wake());
    await c.query(`LISTEN ${CHANNEL}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const woken = new Promise<void>((r) => (wake = r)); // armed before reading: no lost wake-up
      const { rows } = await c.query('SELECT * FROM messages WHERE id = $1', [id]);
      const v = check(rows[0]);
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        woken.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), Math.max(0, left)))),
      ]);
      clearTimeout(timer);
      if (timedOut) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
  } finally {
    await c.end().catch(() => undefined);
  }
}
