import { describe, expect, it } from 'vitest';
import { createRoot } from 'solid-js';
import { createCollection } from '@tanstack/solid-db';
import { useRows } from './use-rows';

// useRows applies a collection's changes one by one. A real collection, synced by hand through
// its public sync interface (begin / write / commit), drives it here.

interface Row {
  id: string;
  title: string;
}

function manual() {
  let ctl!: {
    begin: () => void;
    write: (m: { type: 'insert' | 'update' | 'delete'; value: Row }) => void;
    commit: () => void;
    truncate: () => void;
    markReady: () => void;
  };
  const collection = createCollection<Row, string>({
    id: `rows-${crypto.randomUUID()}`,
    getKey: (r) => r.id,
    startSync: true,
    sync: {
      sync: (params) => {
        ctl = params;
      },
    },
  });
  const batch = (...ms: { type: 'insert' | 'update' | 'delete'; value: Row }[]) => {
    ctl.begin();
    for (const m of ms) ctl.write(m);
    ctl.commit();
  };
  const reset = (...rows: Row[]) => {
    ctl.begin();
    ctl.truncate();
    for (const value of rows) ctl.write({ type: 'insert', value });
    ctl.commit();
  };
  return { collection, batch, reset, ready: () => ctl.markReady() };
}

describe('useRows', () => {
  it('inserts, updates in place, deletes; a row deleted and re-sent in one batch stays once', () => {
    const { collection, batch, reset, ready } = manual();
    createRoot((dispose) => {
      // The solid-db generics differ from the app's collections' only in their schema types.
      const rows = useRows<Row>(collection as never);
      batch(
        { type: 'insert', value: { id: 'a', title: 'A' } },
        { type: 'insert', value: { id: 'b', title: 'B' } },
      );
      ready();
      expect(rows().map((r) => r.title)).toEqual(['A', 'B']);
      const a = rows()[0]!;
      batch({ type: 'update', value: { id: 'a', title: 'A2' } });
      expect(rows()[0]).toBe(a); // the same proxy, changed in place
      expect(a.title).toBe('A2');
      // A shape's reset: every row deleted and sent again in one transaction.
      batch(
        { type: 'delete', value: { id: 'a', title: 'A2' } },
        { type: 'delete', value: { id: 'b', title: 'B' } },
        { type: 'insert', value: { id: 'a', title: 'A3' } },
        { type: 'insert', value: { id: 'b', title: 'B' } },
      );
      expect(rows().map((r) => r.title)).toEqual(['A3', 'B']);
      // A truncate (the shape's must-refetch) and the rows again.
      reset({ id: 'a', title: 'A4' }, { id: 'b', title: 'B' }, { id: 'c', title: 'C' });
      expect(rows().map((r) => r.title)).toEqual(['A4', 'B', 'C']);
      batch({ type: 'delete', value: { id: 'c', title: 'C' } });
      batch({ type: 'delete', value: { id: 'a', title: 'A3' } });
      expect(rows().map((r) => r.id)).toEqual(['b']);
      expect(rows.raw().map((r) => r.id)).toEqual(['b']);
      expect(rows.live(rows.raw()[0]!)).toBe(rows()[0]);
      dispose();
    });
  });
});
