import type { Transaction } from '@tanstack/solid-db';
import { ApiError, describeError } from '../api/http';
import { trackPending } from './connection';
import { showToast } from './toasts';

/** `status`: the server's answer when it refused (409: changed by someone else meanwhile). */
export type Outcome = { ok: true } | { ok: false; reason: string; status?: number };

/**
 * Watches an optimistic write: "saving" until the server's txid arrives in the shape. On failure
 * TanStack DB has already rolled the change back; the outcome says why, and unless the caller
 * shows it beside its input (`quiet`), a toast does.
 */
export function settle(
  tx: Pick<Transaction, 'isPersisted'>,
  what: string,
  opts: { quiet?: boolean } = {},
): Promise<Outcome> {
  return trackPending(tx.isPersisted.promise).then(
    (): Outcome => ({ ok: true }),
    (err: unknown): Outcome => {
      const reason = describeError(err);
      if (!opts.quiet) showToast(`${what} failed: ${reason}`);
      return { ok: false, reason, ...(err instanceof ApiError ? { status: err.status } : {}) };
    },
  );
}

/** `settle` for writes whose caller only needs to know whether it worked. */
export function commit(tx: Pick<Transaction, 'isPersisted'>, what: string): Promise<boolean> {
  return settle(tx, what).then((o) => o.ok);
}
