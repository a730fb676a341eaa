import { createRoot, createSignal } from 'solid-js';
import { reportUnauthenticated } from '../auth/unauthenticated';

// App-wide connection state, fed by the shape fetches, the socket and the browser. The two
// channels fail apart (the socket drops at once on a restart, the shape long-poll only when it
// next asks), so each is said on its own:
// "offline": the shapes cannot reach the server, rows are not syncing;
// "reconnecting": rows sync, the live channel (reply tokens) is reconnecting;
// "saving": writes are in flight; "synced": both channels up, nothing pending.

export type SyncState = 'synced' | 'saving' | 'reconnecting' | 'offline';

const state = createRoot(() => {
  const [shapesUp, setShapesUp] = createSignal(true);
  const [socketUp, setSocketUp] = createSignal(true);
  const [browserUp, setBrowserUp] = createSignal(typeof navigator === 'undefined' || navigator.onLine);
  const [pending, setPending] = createSignal(0);
  return { shapesUp, setShapesUp, socketUp, setSocketUp, browserUp, setBrowserUp, pending, setPending };
});

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => state.setBrowserUp(true));
  window.addEventListener('offline', () => state.setBrowserUp(false));
}

export const isOnline = () => state.shapesUp() && state.socketUp() && state.browserUp();
export const syncState = (): SyncState =>
  !state.shapesUp() || !state.browserUp()
    ? 'offline'
    : !state.socketUp()
      ? 'reconnecting'
      : state.pending() > 0
        ? 'saving'
        : 'synced';
/** Each channel in words, for the pill's tooltip. */
export const channelDetail = () =>
  `Board sync: ${state.shapesUp() && state.browserUp() ? 'connected' : 'reconnecting'}. ` +
  `Live replies: ${state.socketUp() && state.browserUp() ? 'connected' : 'reconnecting'}.`;
export const setSocketUp = (up: boolean) => state.setSocketUp(up);

/** A fetch for shape streams that reports whether the server answers at all. */
export const trackedFetch: typeof fetch = async (input, init) => {
  try {
    const res = await fetch(input, init);
    state.setShapesUp(res.status < 500);
    if (res.status === 401) reportUnauthenticated();
    return res;
  } catch (err) {
    // An abort is us cancelling a long-poll, not the network failing.
    if (!(err instanceof DOMException && err.name === 'AbortError')) state.setShapesUp(false);
    throw err;
  }
};

/** Counts a write as "saving" until it settles either way. */
export function trackPending<T>(promise: Promise<T>): Promise<T> {
  state.setPending((n) => n + 1);
  return promise.finally(() => state.setPending((n) => n - 1));
}
