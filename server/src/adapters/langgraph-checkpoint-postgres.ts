import type { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';

// @langchain/langgraph-checkpoint-postgres: the SQL of its saver, which it keeps in the private
// `SQL_STATEMENTS` (docs/adapters.md). agent/pipelined-saver.ts sends the same statements a
// checkpoint write sends, as one pipelined round trip instead of one per statement.
// test/integration/adapters.test.ts pins the version and writes and reads a checkpoint through it.

/** The version this was checked against; adapters.test.ts fails on any other. */
export const LANGGRAPH_CHECKPOINT_POSTGRES_VERIFIED = '1.0.5';

/** The statements a checkpoint write, a task's writes and a thread delete run (`put`, `putWrites`, `deleteThread`). */
export interface SaverStatements {
  UPSERT_CHECKPOINT_BLOBS_SQL: string;
  UPSERT_CHECKPOINTS_SQL: string;
  DELETE_CHECKPOINT_BLOBS_SQL: string;
  DELETE_CHECKPOINTS_SQL: string;
  DELETE_CHECKPOINT_WRITES_SQL: string;
  /** putWrites: for writes of the special channels only (error, interrupt, …), which replace. */
  UPSERT_CHECKPOINT_WRITES_SQL: string;
  /** putWrites: for any other batch (a task's writes are kept as first written). */
  INSERT_CHECKPOINT_WRITES_SQL: string;
}

const NAMES = [
  'UPSERT_CHECKPOINT_BLOBS_SQL',
  'UPSERT_CHECKPOINTS_SQL',
  'DELETE_CHECKPOINT_BLOBS_SQL',
  'DELETE_CHECKPOINTS_SQL',
  'DELETE_CHECKPOINT_WRITES_SQL',
  'UPSERT_CHECKPOINT_WRITES_SQL',
  'INSERT_CHECKPOINT_WRITES_SQL',
] as const;

/** The saver's statements, or undefined if the library moved them (then the saver's own methods run). */
export function saverStatements(saver: PostgresSaver): SaverStatements | undefined {
  const all = (saver as unknown as { SQL_STATEMENTS?: Record<string, unknown> }).SQL_STATEMENTS;
  if (!all || !NAMES.every((n) => typeof all[n] === 'string')) return undefined;
  return Object.fromEntries(NAMES.map((n) => [n, all[n]])) as unknown as SaverStatements;
}
