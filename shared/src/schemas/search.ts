import { z } from 'zod';
import { Id } from './common';

export const SearchQuery = z
  .object({
    q: z.string().trim().min(1, 'must not be empty').max(200),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number')
      .pipe(z.coerce.number<string>().int().min(1).max(50))
      .optional(),
  })
  .strict();
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchHit = z
  .object({
    id: Id,
    title: z.string(),
    board_id: Id,
    board_name: z.string(),
    column_id: Id,
    column_name: z.string(),
    /** Up to 160 characters of the description around the first match. */
    excerpt: z.string(),
    archived: z.boolean(),
  })
  .meta({ id: 'SearchHit' });
export type SearchHit = z.infer<typeof SearchHit>;
