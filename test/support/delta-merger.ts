import type { MessageDelta } from '@kanban/shared';
import {
  applyDelta,
  applyRow,
  emptyStream,
  type StreamText,
} from '../../client/src/features/chat/stream-merge';

// Rebuilds reply texts from deltas with the browser's own merge (client/src/features/chat/
// stream-merge.ts), so the integration tests check the code users run, not a copy of it.
// This class only keeps one StreamText per message and lets tests wait on its changes.

type Waiter = { messageId: string; check: (text: string) => boolean; resolve: (text: string) => void };

export class DeltaMerger {
  private readonly streams = new Map<string, StreamText>();
  private waiters: Waiter[] = [];
  /** Deltas that arrived ahead of a hole; duplicates that added nothing. */
  gaps = 0;
  duplicates = 0;
  /** Every delta applied, in arrival order. */
  readonly received: MessageDelta[] = [];

  /** The text so far, by message id (a view over the client's stream state). */
  get texts(): ReadonlyMap<string, string> {
    return new Map([...this.streams].map(([id, s]) => [id, s.text]));
  }

  text(messageId: string): string | undefined {
    return this.streams.get(messageId)?.text;
  }

  /** Folds in the row's content (a checkpoint), as the browser does with a shape update. */
  seed(messageId: string, content: string) {
    this.set(messageId, applyRow(this.streams.get(messageId) ?? emptyStream(), content));
  }

  apply(d: MessageDelta) {
    this.received.push(d);
    const before = this.streams.get(d.messageId) ?? emptyStream();
    const after = applyDelta(before, d);
    if (after.parked.length > before.parked.length) this.gaps++;
    else if (after.text === before.text) this.duplicates++;
    this.set(d.messageId, after);
  }

  /** Deltas still waiting for the text before them. */
  waiting(messageId: string) {
    return this.streams.get(messageId)?.parked.length ?? 0;
  }

  /** Resolves with the text once `check` holds for it (checked now and on every change). */
  whenText(messageId: string, check: (text: string) => boolean): Promise<string> {
    const now = this.text(messageId) ?? '';
    if (check(now)) return Promise.resolve(now);
    return new Promise((resolve) => this.waiters.push({ messageId, check, resolve }));
  }

  private set(messageId: string, s: StreamText) {
    this.streams.set(messageId, s);
    this.waiters = this.waiters.filter((w) => {
      if (w.messageId !== messageId || !w.check(s.text)) return true;
      w.resolve(s.text);
      return false;
    });
  }
}
