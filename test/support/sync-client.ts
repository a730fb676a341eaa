import {
  isChangeMessage,
  Shape,
  ShapeStream,
  type Message,
  type Row,
  type ShapeStreamOptions,
} from '@electric-sql/client';
import { defaultHeaders } from './auth';

/** A client following one shape with the official ShapeStream and Shape, recording every message. */
export interface Follower<T extends Row<unknown> = Row> {
  stream: ShapeStream<T>;
  shape: Shape<T>;
  messages: Message<T>[];
  errors: Error[];
  rows(): T[];
  /** Resolves when `check` holds after a batch; rejects after `timeoutMs`. */
  until(check: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  stop(): void;
}

export function follow<T extends Row<unknown> = Row>(
  url: string,
  params: Record<string, string> = {},
  opts: Partial<ShapeStreamOptions<T>> = {},
): Follower<T> {
  const controller = new AbortController();
  const stream = new ShapeStream<T>({
    url,
    params,
    signal: controller.signal,
    warnOnHttp: false,
    // the session the test app registered for this server (test/support/auth.ts)
    headers: defaultHeaders(url),
    ...opts,
  } as ShapeStreamOptions<any>);
  const shape = new Shape<T>(stream);
  const messages: Message<T>[] = [];
  const errors: Error[] = [];
  const checks = new Set<() => void>();
  stream.subscribe(
    (batch) => {
      messages.push(...batch);
      for (const c of [...checks]) c();
    },
    (err) => errors.push(err),
  );
  shape.subscribe(() => {
    for (const c of [...checks]) c();
  });
  return {
    stream,
    shape,
    messages,
    errors,
    rows: () => shape.currentRows,
    until(check, timeoutMs = 10_000, what = 'condition') {
      return new Promise((resolve, reject) => {
        const run = () => {
          if (!stream.isUpToDate || !check()) return;
          clearTimeout(timer);
          checks.delete(run);
          resolve();
        };
        const timer = setTimeout(() => {
          checks.delete(run);
          reject(new Error(`timed out waiting for ${what}; errors: ${errors.map(String).join('; ')}`));
        }, timeoutMs);
        checks.add(run);
        run();
      });
    },
    stop() {
      controller.abort();
      stream.unsubscribeAll();
    },
  };
}

export const changes = <T extends Row<unknown>>(messages: Message<T>[]) => messages.filter(isChangeMessage);
