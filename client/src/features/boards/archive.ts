import { archiveApi } from '../../api/rest';
import { describeError } from '../../api/http';
import { showToast } from '../../collections/toasts';

// Archive and restore go straight to REST; the change comes back through the shapes like any
// other write (the card leaves the board, or returns to its place).

export function setArchived(kind: 'task' | 'column', id: string, archived: boolean, what: string) {
  return archiveApi[archived ? 'archive' : 'restore'](kind, id).then(
    () => true,
    (err: unknown) => {
      showToast(`${archived ? 'Archiving' : 'Restoring'} ${what} failed: ${describeError(err)}`);
      return false;
    },
  );
}
