import type { Kysely } from 'kysely';
import { isGraphInterrupt } from '@langchain/langgraph';
import { ToolMessage } from '@langchain/core/messages';
import { ToolInvocationError } from 'langchain';
import type { Logger } from 'pino';
import type { ToolCall } from '@kanban/shared';
import type { Database, ToolCallRow } from '../db/schema';
import type { ToolCallHook } from '../agent/reply-agent';
import { endToolCall, findToolCall, startToolCall } from './tool-call-store';
import { toolCallJson } from './tool-call-json';

// The wrapToolCall of a reply: every call the model asks for is a tool_calls row from the start
// (running) to its end, published to the task's room each time it changes. A call that already
// ended in this reply (a run resumed from its checkpoint after a crash) is not run again: the
// model gets the stored result. A tool that throws is reported as a failed call, and the run goes
// on; only a cancel or stop (the run's signal) ends it.

export interface ToolRunnerDeps {
  db: Kysely<Database>;
  log: Logger;
  publish(row: ToolCall): void;
  /** The run's abort signal: an abort is not the tool's failure. */
  signal: AbortSignal;
  reply: { boardId: string; taskId: string; messageId: string; agentId: string | null };
  /** The model call of the run that asked for the call now running (from 1). */
  round(): number;
}

const message = (call: { id?: string; name: string }, content: string, failed: boolean) =>
  new ToolMessage({
    content,
    tool_call_id: call.id ?? '',
    name: call.name,
    status: failed ? 'error' : 'success',
  });

const textOf = (content: unknown) => (typeof content === 'string' ? content : JSON.stringify(content));

export function toolRunner(deps: ToolRunnerDeps): ToolCallHook {
  const publish = (row: ToolCallRow | undefined) => row && deps.publish(toolCallJson(row));
  return async (call, execute) => {
    const round = deps.round();
    const callId = call.id ?? `${call.name}#${round}`;
    const known = await findToolCall(deps.db, deps.reply.messageId, round, callId);
    if (known?.status === 'succeeded' || known?.status === 'failed')
      return message(call, known.result_summary ?? known.error ?? '', known.status === 'failed');
    const row = await startToolCall(deps.db, {
      ...deps.reply,
      callId,
      round,
      name: call.name,
      args: call.args,
    });
    publish(row);
    const end = async (status: 'succeeded' | 'failed', result: string) =>
      publish(
        await endToolCall(deps.db, row.id, { status, result, error: status === 'failed' ? result : null }),
      );
    try {
      const out = await execute();
      if (!ToolMessage.isInstance(out)) {
        await end('succeeded', 'done');
        return out;
      }
      const text = textOf(out.content);
      await end(out.status === 'error' || text.startsWith('error') ? 'failed' : 'succeeded', text);
      return out;
    } catch (err) {
      // A cancel, shutdown or lost claim aborts the run; the row stays `running` and a resumed
      // run executes it again (its effect was never recorded as done).
      if (deps.signal.aborted || isGraphInterrupt(err)) throw err;
      // Invalid arguments (the tool's zod schema): the model reads why and may try again.
      const invalid = ToolInvocationError.isInstance(err);
      const text = invalid
        ? `error: invalid arguments for ${call.name}: ${(err as Error).message}`
        : `error: the ${call.name} tool failed`;
      if (!invalid) deps.log.warn({ err, tool: call.name }, 'a tool threw');
      await end('failed', text);
      return message(call, text, true);
    }
  };
}
