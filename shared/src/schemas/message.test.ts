import { describe, expect, it } from 'vitest';
import { ListMessagesQuery } from './message';

// `before` is compared with a bigint column: the schema must refuse what Postgres cannot hold.
describe('ListMessagesQuery.before', () => {
  it.each(['1', '42', '9223372036854775807'])('accepts the seq %s', (before) => {
    expect(ListMessagesQuery.safeParse({ before }).success).toBe(true);
  });

  it.each(['0', '-1', '01', '9223372036854775808', '9999999999999999999', '1e3', ' 1'])(
    'refuses %s',
    (before) => {
      expect(ListMessagesQuery.safeParse({ before }).success).toBe(false);
    },
  );
});
