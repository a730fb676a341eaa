import { createRoot, createSignal } from 'solid-js';

// App-wide connection state, fed by the shape fetches, the socket and the browser.
// "offline" means we cannot currently reach the server; "saving" means writes are in flight.

export type SyncState = 'synced' | 'saving' | 'offline';

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
  !isOnline() ? 'offline' : state.pending() > 0 ? 'saving' : 'synced';
export const setSocketUp = (up: boolean) => state.setSocketUp(up);

/** A fetch for shape streams that reports whether the server answers at all. */
export const trackedFetch: typeof fetch = async (input, init) => {
  try {
    const res = await fetch(input, init);
    state.setShapesUp(res.status < 500);
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
