import { performance } from 'node:perf_hooks';

// Tokens are coalesced into deltas about every `windowMs`, so a fast model costs one socket
// packet (and one postgres-adapter NOTIFY) per window instead of one per token. The first token
// after a quiet window goes out at once (leading edge), so coalescing adds no first-token latency.

export interface Delta {
  offset: number;
  text: string;
}

export class DeltaCoalescer {
  private content = '';
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = -Infinity;

  constructor(
    private readonly windowMs: number,
    private readonly emit: (d: Delta) => void,
  ) {}

  /** All text so far, sent or not. */
  get text(): string {
    return this.content;
  }

  /** Text already shown before this run (a resumed reply): kept, not sent again. */
  seed(text: string): void {
    this.content = text;
    this.sent = text.length;
  }

  push(token: string): void {
    if (!token) return;
    this.content += token;
    if (this.timer) return;
    const wait = this.lastFlush + this.windowMs - performance.now();
    if (wait <= 0) return this.flush();
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending now (at the end of a stream, and on the timer). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sent === this.content.length) return;
    const delta = { offset: this.sent, text: this.content.slice(this.sent) };
    this.sent = this.content.length;
    this.lastFlush = performance.now();
    this.emit(delta);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
