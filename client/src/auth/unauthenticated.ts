// A 401 from any channel (REST, a shape, the socket) means the session ended. The channels only
// report it here; the session module decides what the screen does (back to sign-in, URL kept).
// Kept apart from session.ts so api/ and collections/ can report without importing the UI state.

type Listener = () => void;
const listeners = new Set<Listener>();

export function onUnauthenticated(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function reportUnauthenticated() {
  for (const fn of listeners) fn();
}
