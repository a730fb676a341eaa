import type { RunnableConfig } from '@langchain/core/runnables';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type pg from 'pg';
import { saverStatements, type SaverStatements } from '../adapters/langgraph-checkpoint-postgres';
import { pipelinedTransaction } from '../commands/message-pipeline';

// LangGraph's Postgres saver with its checkpoint write, a task's pending writes and the thread
// delete sent as ONE round trip each (commands/message-pipeline.ts) instead of BEGIN, one
// statement per channel blob (per write), the checkpoint, COMMIT, each awaited. A reply's run writes a checkpoint per step (the first
// one, the input, while the model call goes out: durability 'async', writesSettled below), and
// in the worker profile these writes were the largest share of its CPU per reply
// (docs/performance.md). Same statements, same serialisation (the saver's
// protected _dump* methods, its extension points), same transaction. Reads stay the library's.

type PutArgs = Parameters<PostgresSaver['put']>;
type GetTupleArgs = Parameters<PostgresSaver['getTuple']>;
type PutWritesArgs = Parameters<PostgresSaver['putWrites']>;

export class PipelinedSaver extends PostgresSaver {
  private readonly statements: SaverStatements | undefined;
  /** Writes in flight (checkpoints and pending writes), by thread: what writesSettled waits for. */
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();
  /** Threads known to have no checkpoint yet, until their first read (expectNew). */
  private readonly fresh = new Set<string>();

  /** `pipe` is a pool with node-postgres' `pipeline: true`; the tables must already exist. */
  constructor(
    private readonly pipe: pg.Pool,
    options: ConstructorParameters<typeof PostgresSaver>[2],
  ) {
    super(pipe, undefined, options);
    this.statements = saverStatements(this);
    this.isSetup = true;
  }

  /**
   * The caller knows `threadId` has no checkpoint (a reply never claimed before: its thread is
   * its id, and only its claimed run writes checkpoints): the thread's next latest-checkpoint
   * read, the one LangGraph makes as the run starts, answers "none" without a round trip.
   */
  expectNew(threadId: string): void {
    this.fresh.add(threadId);
  }

  /** Undoes expectNew if that read never came (the run ended before it). */
  forgetNew(threadId: string): void {
    this.fresh.delete(threadId);
  }

  override async getTuple(config: GetTupleArgs[0]): ReturnType<PostgresSaver['getTuple']> {
    const c = config.configurable as Record<string, unknown> | undefined;
    const threadId = c?.thread_id;
    if (typeof threadId === 'string' && this.fresh.delete(threadId) && !c?.checkpoint_id && !c?.checkpoint_ns)
      return undefined;
    return super.getTuple(config);
  }

  /** Tracks a write of `threadId` from the moment it is asked for until it settles. */
  private track<T>(threadId: unknown, write: Promise<T>): Promise<T> {
    if (typeof threadId !== 'string') return write;
    this.fresh.delete(threadId); // written to: no longer new
    let pending = this.inFlight.get(threadId);
    if (!pending) this.inFlight.set(threadId, (pending = new Set()));
    const set = pending;
    const tracked = write.finally(() => {
      set.delete(tracked);
      if (!set.size && this.inFlight.get(threadId) === set) this.inFlight.delete(threadId);
    });
    set.add(tracked);
    return tracked;
  }

  /**
   * Resolves once every write of the thread asked for so far has committed (rejects if one
   * failed). With durability 'async' LangGraph does not wait for a step's checkpoint before the
   * next step runs; a tool call waits here before its side effect, so the checkpoint holding the
   * model answer that asked for it is in the database first, as with 'sync': a crash in the tool
   * round resumes from that answer (and its call ids, which tool_calls rows dedupe), never from
   * before it, where a model call made again could ask for the same effect under new ids.
   * LangGraph chains its checkpoint puts (each is asked for only once the previous one
   * resolved), so an empty set is looked at again after the callbacks of that chain have run.
   */
  async writesSettled(threadId: string): Promise<void> {
    for (;;) {
      const pending = this.inFlight.get(threadId);
      if (pending?.size) {
        await Promise.all(pending);
        continue;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.inFlight.get(threadId)?.size) return;
    }
  }

  override put(
    config: PutArgs[0],
    checkpoint: PutArgs[1],
    metadata: PutArgs[2],
    newVersions: PutArgs[3],
  ): Promise<RunnableConfig> {
    const threadId = (config.configurable as Record<string, unknown> | undefined)?.thread_id;
    return this.track(threadId, this.putNow(config, checkpoint, metadata, newVersions));
  }

  private async putNow(
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

  // A step's writes (each node's channel writes, an interrupt, an error) are saved before the
  // step's checkpoint, several per reply. The saver's own is BEGIN, one INSERT per write, COMMIT, each awaited.
  override putWrites(config: PutWritesArgs[0], writes: PutWritesArgs[1], taskId: string): Promise<void> {
    const threadId = (config.configurable as Record<string, unknown> | undefined)?.thread_id;
    return this.track(threadId, this.putWritesNow(config, writes, taskId));
  }

  private async putWritesNow(
    config: PutWritesArgs[0],
    writes: PutWritesArgs[1],
    taskId: string,
  ): Promise<void> {
    const sql = this.statements;
    if (!sql) return super.putWrites(config, writes, taskId);
    const c = config.configurable as Record<string, string> | undefined;
    // As the library passes them (a missing id fails the table's NOT NULL, as there).
    const ids = [c?.thread_id, c?.checkpoint_ns, c?.checkpoint_id] as [string, string, string];
    const dumped = await this._dumpWrites(...ids, taskId, writes);
    if (!dumped.length) return; // nothing to store: the library's empty BEGIN … COMMIT
    // The library upserts only a batch made of special channels (WRITES_IDX_MAP: error,
    // scheduled, interrupt, resume), which _dumpWrites gives their negative index; any other
    // batch is inserted, keeping a write that is already there.
    const query = dumped.every((d) => Number(d[4]) < 0)
      ? sql.UPSERT_CHECKPOINT_WRITES_SQL
      : sql.INSERT_CHECKPOINT_WRITES_SQL;
    await pipelinedTransaction(this.pipe, (client) =>
      Promise.resolve(dumped.map((d) => client.query(query, d))),
    );
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
