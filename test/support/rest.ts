import { expect } from 'vitest';
import type { Res } from './http';
import type { api } from './http';

// Small builders over the real REST API, so each test reads as what it proves.

export type Http = ReturnType<typeof api>;

export interface BoardFixture {
  id: string;
  columns: { id: string; name: string; position: string }[];
}

export async function makeBoard(http: Http, name = 'Board', columns?: string[]): Promise<BoardFixture> {
  const res = await http.post('/api/boards', { name, ...(columns ? { columns } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as BoardFixture;
}

export async function makeTask(
  http: Http,
  boardId: string,
  columnId: string,
  title: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; position: string; column_id: string; board_id: string }> {
  const res = await http.post(`/api/boards/${boardId}/tasks`, { columnId, title, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

/** A 4xx problem+json answer with the RFC 9457 members; returns the body for more checks. */
export function expectProblem(res: Res, status: number, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(typeof res.body.detail).toBe('string');
  if (field) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  return res.body as { type: string; detail: string; errors?: { path: string; message: string }[] };
}

/** Byte-wise order, as Postgres compares the COLLATE "C" position keys. */
export const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
