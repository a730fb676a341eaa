import { describe, expect } from 'vitest';
import type { Row } from '@electric-sql/client';
import { withFixtures } from '../support/fixtures';
import type { SyncTestApp } from '../support/sync-app';
import { follow } from '../support/sync-client';
import { fetchAs } from '../support/auth';

// Chunked responses (electric-protocol §3.1, §4): past SHAPE_CHUNK_BYTES a snapshot is served in
// chunks ending at 0_0, 0_1, … and a log in chunks ending at transaction boundaries; only the
// response that reaches the head ends with up-to-date (and carries electric-up-to-date).

const CHUNK = 2048;
const it = withFixtures({ syncEnv: { SYNC_V1_ENDPOINT: 'true', SHAPE_CHUNK_BYTES: String(CHUNK) } });
let t: SyncTestApp;
const ROWS = 40;
const pad = 'x'.repeat(200);

it.beforeAll(async ({ syncApp }) => {
  t = syncApp;
  await t.db.pool.query(`
    CREATE TABLE chunk_items (id int PRIMARY KEY, body text NOT NULL, n int NOT NULL DEFAULT 0);
    ALTER TABLE chunk_items REPLICA IDENTITY FULL;
    ALTER PUBLICATION kanban_sync ADD TABLE chunk_items;`);
  await t.db.pool.query(
    `INSERT INTO chunk_items (id, body) SELECT i, $1 || i FROM generate_series(1, $2) i`,
    [pad, ROWS],
  );
});

interface Msg {
  key?: string;
  value?: Row;
  headers: { operation?: string; control?: string };
}

async function get(query: string) {
  const res = await fetchAs(`${t.url}/v1/shape?table=chunk_items&${query}`);
  expect(res.status, query).toBe(200);
  const text = await res.text();
  return {
    offset: res.headers.get('electric-offset')!,
    handle: res.headers.get('electric-handle')!,
    upToDate: res.headers.has('electric-up-to-date'),
    bytes: Buffer.byteLength(text),
    body: JSON.parse(text) as Msg[],
  };
}

/** Non-live requests from `offset` until one ends with up-to-date, as the client makes them. */
async function catchUp(handle: string, offset: string) {
  const pages: Awaited<ReturnType<typeof get>>[] = [];
  for (;;) {
    const page = await get(`handle=${handle}&offset=${offset}`);
    pages.push(page);
    offset = page.offset;
    if (page.upToDate) return pages;
    expect(pages.length).toBeLessThan(100);
  }
}

const isUpToDate = (m: Msg) => m.headers.control === 'up-to-date';

describe('chunked responses', () => {
  it('serves a large snapshot in chunks at 0_0, 0_1, …, up-to-date only at the end', async () => {
    const first = await get('offset=-1');
    expect(first.offset).toBe('0_0');
    expect(first.upToDate).toBe(false);
    expect(first.body.some(isUpToDate)).toBe(false);
    const rest = await catchUp(first.handle, first.offset);
    const pages = [first, ...rest];
    expect(pages.length).toBeGreaterThan(3);
    // chunk offsets count up through the snapshot; each chunk stays near the threshold
    expect(pages.slice(0, -1).map((p) => p.offset)).toEqual(pages.slice(0, -1).map((_, i) => `0_${i}`));
    for (const p of pages) expect(p.bytes).toBeLessThan(CHUNK + 600);
    // only the last ends with up-to-date; snapshot-end is in the last snapshot chunk
    expect(pages.map((p) => p.body.some(isUpToDate))).toEqual(pages.map((_, i) => i === pages.length - 1));
    const ids = pages.flatMap((p) => p.body.filter((m) => m.key).map((m) => Number(m.value!.id)));
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    const ends = pages.map((p) => p.body.filter((m) => m.headers.control === 'snapshot-end').length);
    expect(ends).toEqual(pages.map((_, i) => (i === pages.length - 1 ? 1 : 0)));
  });

  it('serves a long log in chunks that end at transaction boundaries', async () => {
    const first = await get('offset=-1');
    const synced = await catchUp(first.handle, first.offset);
    const from = synced.at(-1)!.offset;
    const UPDATES = 30;
    for (let i = 1; i <= UPDATES; i++) {
      // two rows per transaction: a chunk never splits one
      await t.db.pool.query(`UPDATE chunk_items SET n = $1, body = $2 WHERE id IN ($3, $4)`, [
        i,
        `${pad}${i}`,
        i,
        i + 1,
      ]);
    }
    const pages = await catchUp(first.handle, from);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.map((p) => p.upToDate)).toEqual(pages.map((_, i) => i === pages.length - 1));
    const updates = pages.map((p) => p.body.filter((m) => m.headers.operation === 'update'));
    for (const u of updates) expect(u.length % 2).toBe(0);
    const ns = updates.flat().map((m) => Number(m.value!.n));
    expect(ns).toEqual(Array.from({ length: UPDATES }, (_, i) => [i + 1, i + 1]).flat());
  });

  it('the official client follows the chunks to the same rows, in several requests', async () => {
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const f = follow(`${t.url}/v1/shape`, { table: 'chunk_items' }, { fetchClient: counting });
    await f.until(() => f.rows().length === ROWS, 15_000, 'chunked snapshot');
    expect(requests).toBeGreaterThan(3);
    const { rows } = await t.db.pool.query<{ id: number; n: number }>('SELECT id, n FROM chunk_items');
    const want = new Map(rows.map((r) => [r.id, r.n]));
    expect(new Map(f.rows().map((r) => [r.id as number, r.n as number]))).toEqual(want);
    expect(f.errors).toEqual([]);
    f.stop();
  });
});
