import { createRoot, createSignal } from 'solid-js';
import { authApi, type User } from './auth-api';
import { onUnauthenticated } from './unauthenticated';

// Who is signed in: undefined while asking, null when nobody. The address is left alone on a
// 401, so the sign-in screen takes its place and signing in returns to the same board and task.
// The board's collections and socket belong to one user: once started, a new sign-in reloads the
// page rather than reuse streams (and rows) of a session that ended.

const store = createRoot(() => {
  const [user, setUser] = createSignal<User | null | undefined>(undefined);
  const [error, setError] = createSignal<string | undefined>();
  return { user, setUser, error, setError };
});

export const currentUser = store.user;
export const sessionError = store.error;

let started = false;
/** The board's streams are running (they belong to this session). */
export const markStarted = () => void (started = true);

onUnauthenticated(() => {
  if (store.user()) store.setUser(null);
});

export async function loadSession(): Promise<void> {
  try {
    const s = await authApi.session();
    store.setUser(s?.user ?? null);
    store.setError(undefined);
  } catch {
    store.setError('The server cannot be reached. Reload the page to try again.');
  }
}

/** After a successful sign-in or sign-up. */
export function signedIn(user: User) {
  if (started) window.location.reload();
  else store.setUser(user);
}

export async function signOut() {
  await authApi.signOut().catch(() => undefined);
  // A clean page: no streams, rows or socket of the old session survive.
  window.location.assign('/');
}
