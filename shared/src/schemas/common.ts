import { z } from 'zod';

// Ids are UUIDs; clients may generate them so a retried create is idempotent.
export const Id = z.uuid({ error: 'must be a UUID' });

// Where a row goes among its siblings: a target index, or the neighbours it goes between.
// The server turns this into a fractional-index key, so clients never compute keys.
export const Placement = z
  .object({
    index: z.int().min(0).max(100_000).optional(),
    afterId: Id.nullable().optional(),
    beforeId: Id.nullable().optional(),
  })
  .strict()
  .refine((p) => !(p.index !== undefined && (p.afterId != null || p.beforeId != null)), {
    error: 'give either index or afterId/beforeId, not both',
  });
export type Placement = z.infer<typeof Placement>;

/** The answer to every write: the row(s) and the Postgres txid that made them. */
export interface WriteResult<T> {
  data: T;
  txid: number;
}

export const Timestamp = z.string();
