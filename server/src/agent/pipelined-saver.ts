import type { RunnableConfig } from '@langchain/core/runnables';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type pg from 'pg';
import { saverStatements, type SaverStatements } from '../adapters/langgraph-checkpoint-postgres';
import { pipelinedTransaction } from '../commands/message-pipeline';

// LangGraph's Postgres saver with its checkpoint write, a task's pending writes and the thread
// delete sent as ONE round trip each (commands/message-pipeline.ts) instead of BEGIN, one
// statement per channel blob (per write), the checkpoint, COMMIT, each awaited. In the worker
// profile these writes were the largest share of its CPU per reply (docs/performance.md). Same
// statements, same serialisation (the saver's protected _dump* methods, its extension points),
// same transaction. Reads stay the library's.
//
// A reply's run can also have its thread's writes HELD in memory (hold): serialised as LangGraph
// asks, written only when something needs them in the database: before a tool call's side effect
// (writesSettled), and before any read of the thread (such as the one that finds a run paused for
// an approval). A run that simply answers (no tool) writes nothing, and its
// deleteThread at the end has nothing to delete. What a crash loses is what a resumed run does
// again anyway: the steps since the last tool round began (agent-reply.ts).

type PutArgs = Parameters<PostgresSaver['put']>;
type GetTupleArgs = Parameters<PostgresSaver['getTuple']>;
type ListArgs = Parameters<PostgresSaver['list']>;
type PutWritesArgs = Parameters<PostgresSaver['putWrites']>;
/** One statement: its SQL and values. A write is a list of them (one transaction). */
type Statement = [string, unknown[]];

const threadOf = (config: RunnableConfig): unknown =>
  (config.configurable as Record<string, unknown> | undefined)?.thread_id;

export class PipelinedSaver extends PostgresSaver {
  private readonly statements: SaverStatements | undefined;
  /** Writes being serialised (or, for a thread not held, written), by thread. */
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();
  /** Held threads (hold): their serialised writes not yet in the database, in order. */
  private readonly held = new Map<string, Statement[]>();
  /** Per held thread, the flush in progress (flushes of a thread run one after another). */
  private readonly flushing = new Map<string, Promise<void>>();
  /** Threads known to have no checkpoint yet, until their first read (expectNew). */
  private readonly fresh = new Set<string>();
  /** Threads known to have nothing in the database: nothing of theirs was written since expectNew. */
  private readonly unwritten = new Set<string>();

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
   * read, the one LangGraph makes as the run starts, answers "none" without a round trip, and a
   * deleteThread before anything of it was written needs none either.
   */
  expectNew(threadId: string): void {
    this.fresh.add(threadId);
    this.unwritten.add(threadId);
  }

  /** Holds the thread's writes in memory until they are needed (see the top of this file). */
  hold(threadId: string): void {
    if (this.statements && !this.held.has(threadId)) this.held.set(threadId, []);
  }

  /**
   * The run of the thread is over in this process: its writes not yet written are dropped (the
   * caller wrote what must last with writesSettled, or deleted the thread), expectNew forgotten.
   */
  release(threadId: string): void {
    this.held.delete(threadId);
    this.fresh.delete(threadId);
    this.unwritten.delete(threadId);
  }

  override async getTuple(config: GetTupleArgs[0]): ReturnType<PostgresSaver['getTuple']> {
    const c = config.configurable as Record<string, unknown> | undefined;
    const threadId = c?.thread_id;
    if (typeof threadId !== 'string') return super.getTuple(config);
    if (
      this.fresh.delete(threadId) &&
      !c?.checkpoint_id &&
      !c?.checkpoint_ns &&
      !this.held.get(threadId)?.length
    )
      return undefined;
    await this.writesSettled(threadId); // a read sees every write asked for before it
    return super.getTuple(config);
  }

  override async *list(config: ListArgs[0], options?: ListArgs[1]): ReturnType<PostgresSaver['list']> {
    const threadId = threadOf(config);
    if (typeof threadId === 'string') await this.writesSettled(threadId);
    yield* super.list(config, options);
  }

  /** Tracks a write of `threadId` from the moment it is asked for until it is serialised (held) or written. */
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
   * Resolves once every write of the thread asked for so far is in the database (rejects if one
   * failed), a held thread's written now, in one round trip. A held thread's steps are not in
   * the database when LangGraph goes on to the next one; a tool call waits here before its side
   * effect, so the checkpoint holding the model answer that asked for it is in the database
   * first: a crash in the tool round resumes from that answer (and its call ids, which
   * tool_calls rows dedupe), never from before it, where a model call made again could ask for
   * the same effect under new ids. LangGraph chains its checkpoint puts (each is asked for only
   * once the previous one resolved), so an empty set is looked at again after the callbacks of
   * that chain have run.
   */
  async writesSettled(threadId: string): Promise<void> {
    for (;;) {
      const pending = this.inFlight.get(threadId);
      if (pending?.size) {
        await Promise.all(pending);
        continue;
      }
      await this.flush(threadId);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.inFlight.get(threadId)?.size && !this.held.get(threadId)?.length) return;
    }
  }

  /** Writes what the held thread has so far as one transaction, after any flush of it in progress. */
  private flush(threadId: string): Promise<void> {
    const next = (this.flushing.get(threadId) ?? Promise.resolve()).then(async () => {
      const batch = this.held.get(threadId)?.splice(0);
      if (!batch?.length) return;
      this.unwritten.delete(threadId);
      await pipelinedTransaction(this.pipe, (client) =>
        Promise.resolve(batch.map(([text, values]) => client.query(text, values))),
      );
    });
    const settled = next.finally(() => {
      if (this.flushing.get(threadId) === settled) this.flushing.delete(threadId);
    });
    this.flushing.set(threadId, settled);
    return next;
  }

  /** Holds the statements of a held thread; writes them now, as one transaction, for any other. */
  private async write(threadId: string, statements: Statement[]): Promise<void> {
    const held = this.held.get(threadId);
    if (held) return void held.push(...statements);
    this.unwritten.delete(threadId);
    await pipelinedTransaction(this.pipe, (client) =>
      Promise.resolve(statements.map(([text, values]) => client.query(text, values))),
    );
  }

  override put(
    config: PutArgs[0],
    checkpoint: PutArgs[1],
    metadata: PutArgs[2],
    newVersions: PutArgs[3],
  ): Promise<RunnableConfig> {
    return this.track(threadOf(config), this.putNow(config, checkpoint, metadata, newVersions));
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
    await this.write(thread_id!, [
      ...blobs.map((b): Statement => [sql.UPSERT_CHECKPOINT_BLOBS_SQL, b]),
      [
        sql.UPSERT_CHECKPOINTS_SQL,
        [thread_id, checkpoint_ns, checkpoint.id, checkpoint_id, serialized, meta],
      ],
    ]);
    return { configurable: { thread_id, checkpoint_ns, checkpoint_id: checkpoint.id } };
  }

  // A step's writes (each node's channel writes, an interrupt, an error) are saved before the
  // step's checkpoint, several per reply. The saver's own is BEGIN, one INSERT per write,
  // COMMIT, each awaited.
  override putWrites(config: PutWritesArgs[0], writes: PutWritesArgs[1], taskId: string): Promise<void> {
    return this.track(threadOf(config), this.putWritesNow(config, writes, taskId));
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
    await this.write(
      ids[0],
      dumped.map((d): Statement => [query, d]),
    );
  }

  override async deleteThread(threadId: string): Promise<void> {
    const sql = this.statements;
    if (!sql) return super.deleteThread(threadId);
    this.held.get(threadId)?.splice(0); // never to be written
    if (this.unwritten.has(threadId)) return; // nothing of it is in the database, nor on its way
    await this.flushing.get(threadId)?.catch(() => undefined); // one in progress lands first
    await pipelinedTransaction(this.pipe, (client) =>
      Promise.resolve([
        client.query(sql.DELETE_CHECKPOINT_BLOBS_SQL, [threadId]),
        client.query(sql.DELETE_CHECKPOINTS_SQL, [threadId]),
        client.query(sql.DELETE_CHECKPOINT_WRITES_SQL, [threadId]),
      ]),
    );
  }
}
