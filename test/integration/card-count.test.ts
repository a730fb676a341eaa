import { describe, expect, test as it } from '../support/fixtures';
import { makeBoard, makeTask } from '../support/rest';

// migrations/0095: columns.card_count is the column's number of non-archived cards, kept by a
// trigger that runs at commit, for every way a card enters or leaves a column.

type Pool = { query: <R>(sql: string, params?: unknown[]) => Promise<{ rows: R[] }> };

/** Each column of the board: the stored count and the true one. */
async function counts(pool: Pool, boardId: string) {
  const { rows } = await pool.query<{ id: string; stored: number; real: number }>(
    `SELECT c.id, c.card_count AS stored,
            (SELECT count(*)::int FROM tasks t WHERE t.column_id = c.id AND t.archived_at IS NULL) AS real
       FROM columns c WHERE c.board_id = $1 ORDER BY c.position`,
    [boardId],
  );
  return rows;
}
const storedOf = async (pool: Pool, boardId: string) => (await counts(pool, boardId)).map((c) => c.stored);

describe('columns.card_count', () => {
  it('follows create, move, archive, restore and delete through the REST API', async ({ http, app }) => {
    const b = await makeBoard(http, 'Counts', ['A', 'B', 'C']);
    const [a, bb, c] = b.columns.map((col) => col.id) as [string, string, string];
    const pool = app.db.pool as unknown as Pool;
    expect(await storedOf(pool, b.id)).toEqual([0, 0, 0]);
    const t1 = await makeTask(http, b.id, a, 'one');
    const t2 = await makeTask(http, b.id, a, 'two');
    await makeTask(http, b.id, bb, 'three');
    expect(await storedOf(pool, b.id)).toEqual([2, 1, 0]);

    // across columns: one leaves, one enters; within a column: no change
    expect((await http.post(`/api/tasks/${t1.id}/move`, { columnId: c })).status).toBe(200);
    expect(await storedOf(pool, b.id)).toEqual([1, 1, 1]);
    expect(
      (await http.post(`/api/tasks/${t1.id}/move`, { columnId: c, placement: { index: 0 } })).status,
    ).toBe(200);
    expect(await storedOf(pool, b.id)).toEqual([1, 1, 1]);

    // archived cards do not count; restored ones count again; twice is once
    await http.post(`/api/tasks/${t2.id}/archive`);
    await http.post(`/api/tasks/${t2.id}/archive`);
    expect(await storedOf(pool, b.id)).toEqual([0, 1, 1]);
    await http.post(`/api/tasks/${t2.id}/restore`);
    expect(await storedOf(pool, b.id)).toEqual([1, 1, 1]);

    // deleting a card, and an archived one (which did not count)
    expect((await http.del(`/api/tasks/${t1.id}`)).status).toBeLessThan(300);
    expect(await storedOf(pool, b.id)).toEqual([1, 1, 0]);
    await http.post(`/api/tasks/${t2.id}/archive`);
    await http.del(`/api/tasks/${t2.id}`);
    expect(await storedOf(pool, b.id)).toEqual([0, 1, 0]);

    // a deleted column's cards moved to another column
    await makeTask(http, b.id, bb, 'four');
    expect((await http.del(`/api/columns/${bb}?moveTasksTo=${c}`)).status).toBeLessThan(300);
    const left = await counts(pool, b.id);
    expect(left.map((x) => x.stored)).toEqual([0, 2]);
    expect(left.every((x) => x.stored === x.real)).toBe(true);
  });

  it('follows a move to another board, bulk writes, and rolled-back ones', async ({ http, app }) => {
    const pool = app.db.pool as unknown as Pool;
    const from = await makeBoard(http, 'From', ['A']);
    const to = await makeBoard(http, 'To', ['Z']);
    const t = await makeTask(http, from.id, from.columns[0]!.id, 'traveller');
    await pool.query(`UPDATE tasks SET board_id = $1, column_id = $2 WHERE id = $3`, [
      to.id,
      to.columns[0]!.id,
      t.id,
    ]);
    expect(await storedOf(pool, from.id)).toEqual([0]);
    expect(await storedOf(pool, to.id)).toEqual([1]);

    // 300 cards in one statement (how the e2e test seeds a large board)
    const col = from.columns[0]!.id;
    await pool.query(
      `INSERT INTO tasks (board_id, column_id, title, position)
       SELECT $1, $2, 'bulk ' || i, 'a' || lpad(i::text, 4, '0') FROM generate_series(1, 300) i`,
      [from.id, col],
    );
    expect(await storedOf(pool, from.id)).toEqual([300]);
    await pool.query(`UPDATE tasks SET archived_at = now() WHERE column_id = $1 AND title LIKE 'bulk 1%'`, [
      col,
    ]);
    const [after] = await counts(pool, from.id);
    expect(after!.stored).toBe(after!.real);
    expect(after!.real).toBeLessThan(300);

    // a rolled-back write leaves the count as it was
    const client = await app.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DELETE FROM tasks WHERE column_id = $1`, [col]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect((await counts(pool, from.id))[0]!.stored).toBe(after!.real);
    await pool.query(`DELETE FROM tasks WHERE column_id = $1`, [col]);
    expect(await storedOf(pool, from.id)).toEqual([0]);
  });

  it('a count change is not an edit of the column (updated_at stays)', async ({ http, app }) => {
    const pool = app.db.pool as unknown as Pool;
    const b = await makeBoard(http, 'Touch', ['A']);
    const col = b.columns[0]!.id;
    const before = await pool.query<{ updated_at: Date }>(`SELECT updated_at FROM columns WHERE id = $1`, [
      col,
    ]);
    await makeTask(http, b.id, col, 'one');
    const after = await pool.query<{ updated_at: Date; card_count: number }>(
      `SELECT updated_at, card_count FROM columns WHERE id = $1`,
      [col],
    );
    expect(after.rows[0]!.card_count).toBe(1);
    expect(after.rows[0]!.updated_at).toEqual(before.rows[0]!.updated_at);
  });
});
