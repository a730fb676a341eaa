import type { Transaction } from '@tanstack/solid-db';
import { describeError } from '../api/http';
import { trackPending } from './connection';
import { showToast } from './toasts';

/**
 * Watches an optimistic write: "saving" until the server's txid arrives in the shape, and on
 * failure (TanStack DB has already rolled the change back) a toast that says why.
 */
export function commit(tx: Pick<Transaction, 'isPersisted'>, what: string): Promise<boolean> {
  return trackPending(tx.isPersisted.promise).then(
    () => true,
    (err: unknown) => {
      showToast(`${what} failed: ${describeError(err)}`);
      return false;
    },
  );
}
