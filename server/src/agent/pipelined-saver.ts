import type { RunnableConfig } from '@langchain/core/runnables';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type pg from 'pg';
import { saverStatements, type SaverStatements } from '../adapters/langgraph-checkpoint-postgres';
import { pipelinedTransaction } from '../commands/message-pipeline';

// LangGraph's Postgres saver with its checkpoint write and thread delete sent as ONE round trip
// each (commands/message-pipeline.ts) instead of BEGIN, one statement per channel blob, the
// checkpoint, COMMIT, each awaited. A reply's run writes a checkpoint per step and, with
// durability 'sync', waits for it before the next step: the first one (the input) is on the
// path to the model call, and in the worker profile these writes were the largest share of
// its CPU per reply (docs/performance.md). Same statements, same serialisation (the saver's
// protected _dump* methods, its extension points), same transaction. Reads and putWrites stay
// the library's.

type PutArgs = Parameters<PostgresSaver['put']>;

export class PipelinedSaver extends PostgresSaver {
  private readonly statements: SaverStatements | undefined;

  /** `pipe` is a pool with node-postgres' `pipeline: true`; the tables must already exist. */
  constructor(
    private readonly pipe: pg.Pool,
    options: ConstructorParameters<typeof PostgresSaver>[2],
  ) {
    super(pipe, undefined, options);
    this.statements = saverStatements(this);
    this.isSetup = true;
  }

  override async put(
    config: PutArgs[0],
    checkpoint: PutArgs[1],
    metadata: PutArgs[2],
    newVersions: PutArgs[3],
  ): Promise<RunnableConfig> {
    const sql = this.statements;
    if (!sql) return super.put(config, checkpoint, metadata, newVersions);
    if (config.configurable === undefined) throw new Error('Missing "configurable" field in "config" param');
    const { thread_id, checkpoint_ns = '', checkpoint_id } = config.configurable as Record<string, string>;
    const serialized = this._dumpCheckpoint(checkpoint);
    const blobs = await this._dumpBlobs(thread_id!, checkpoint_ns, checkpoint.channel_values, newVersions);
    const meta: unknown = await this._dumpMetadata(metadata);
    await pipelinedTransaction(this.pipe, (client) =>
      Promise.resolve([
        ...blobs.map((b) => client.query(sql.UPSERT_CHECKPOINT_BLOBS_SQL, b)),
        client.query(sql.UPSERT_CHECKPOINTS_SQL, [
          thread_id,
          checkpoint_ns,
          checkpoint.id,
          checkpoint_id,
          serialized,
          meta,
        ]),
      ]),
    );
    return { configurable: { thread_id, checkpoint_ns, checkpoint_id: checkpoint.id } };
  }

  override async deleteThread(threadId: string): Promise<void> {
    const sql = this.statements;
    if (!sql) return super.deleteThread(threadId);
    await pipelinedTransaction(this.pipe, (client) =>
      Promise.resolve([
        client.query(sql.DELETE_CHECKPOINT_BLOBS_SQL, [threadId]),
        client.query(sql.DELETE_CHECKPOINTS_SQL, [threadId]),
        client.query(sql.DELETE_CHECKPOINT_WRITES_SQL, [threadId]),
      ]),
    );
  }
}
