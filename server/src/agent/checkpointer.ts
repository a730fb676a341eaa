import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type pg from 'pg';
import { PipelinedSaver } from './pipelined-saver';

// LangGraph's checkpoints of each reply's agent run (thread = the assistant message id), in their
// own schema. A failed model call is retried by resuming the thread from its last checkpoint, so
// what already happened in the run (earlier rounds, tool results) is not done again.

export const CHECKPOINT_SCHEMA = 'agent_checkpoints';

// Any constant: processes sharing a database take it in turn to run the saver's migrations.
const SETUP_LOCK = 727_001;

/**
 * The saver on `pool`, its tables created or migrated (one process at a time). With `pipe` (a
 * `pipeline: true` pool) the saver runs there and writes each checkpoint in one round trip
 * (pipelined-saver.ts); the migrations still run on `pool`.
 */
export async function openCheckpointer(pool: pg.Pool, pipe?: pg.Pool): Promise<PostgresSaver> {
  const saver = new PostgresSaver(pool, undefined, { schema: CHECKPOINT_SCHEMA });
  // setup() reads its migration version, then applies the rest: two processes starting together
  // would both apply the same one. A session lock held on a client of its own serialises them.
  const lock = await pool.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [SETUP_LOCK]);
    await saver.setup();
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [SETUP_LOCK]).catch(() => undefined);
    lock.release();
  }
  return pipe ? new PipelinedSaver(pipe, { schema: CHECKPOINT_SCHEMA }) : saver;
}
