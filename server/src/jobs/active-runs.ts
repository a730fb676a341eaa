import type { MessageDelta, ToolCall } from '@kanban/shared';

// The replies this process is streaming right now, so a cancel or a late joiner's catch-up
// (both arrive as NOTIFY on the control channel) can reach the run that owns the message.

export interface ActiveRun {
  taskId: string;
  messageId: string;
  abort(reason: Error): void;
  /** Everything generated so far (a catch-up sends it from offset 0). */
  text(): string;
  streaming(): boolean;
}

export interface Publisher {
  /** To everyone watching the task. */
  delta(d: MessageDelta): void;
  /** To one socket, on whichever instance holds it. */
  deltaTo(socketId: string, d: MessageDelta): void;
  /** A tool-call row, created or changed, to everyone watching its task (on every instance). */
  toolCall(row: ToolCall): void;
}

export class ActiveRuns {
  private readonly runs = new Map<string, ActiveRun>();

  add(run: ActiveRun): () => void {
    this.runs.set(run.messageId, run);
    return () => this.runs.delete(run.messageId);
  }

  get(messageId: string): ActiveRun | undefined {
    return this.runs.get(messageId);
  }

  forTask(taskId: string): ActiveRun[] {
    return [...this.runs.values()].filter((r) => r.taskId === taskId);
  }

  get size(): number {
    return this.runs.size;
  }

  abortAll(reason: Error): void {
    for (const r of this.runs.values()) r.abort(reason);
  }

  /** A new watcher of `taskId` gets the text so far of every reply streaming there. */
  catchUp(publisher: Publisher, taskId: string, socketId: string): void {
    for (const r of this.forTask(taskId))
      if (r.streaming())
        publisher.deltaTo(socketId, { taskId, messageId: r.messageId, offset: 0, text: r.text() });
  }
}
