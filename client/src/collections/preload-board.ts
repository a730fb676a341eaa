import { boardData } from './board-data';
import { labelsCollection } from './labels';

// A deep link names its board before the board list says the user may see it: the list's own
// shapes (memberships, then one row per board) take a round trip or two, and the board screen,
// which starts the board's shapes, mounts only after them. Starting the board's shapes as soon
// as the session is known overlaps those waits; on a 1,000-card board the cards shape is the
// longest request of the first load. The shape server authorises each one as usual: a board
// the user cannot see only answers an error to a collection nothing shows.
export function preloadBoard(boardId: string) {
  const d = boardData(boardId);
  for (const c of [d.columns, labelsCollection(boardId)]) c.startSyncImmediate();
  void d.loaded.then((x) => x.tasks.startSyncImmediate());
}
