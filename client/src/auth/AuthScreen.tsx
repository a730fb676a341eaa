import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { authApi } from './auth-api';
import { AccountForm } from './AccountForm';
import { signedIn } from './session';

/** Sign in, sign up (when the instance allows it), or create the first account. */
export function AuthScreen() {
  const [instance] = createResource(() => authApi.instance());
  const [mode, setMode] = createSignal<'sign-in' | 'sign-up'>('sign-in');
  return (
    <main class="auth-screen">
      <div class="auth-card">
        <h1>Kanban</h1>
        <Switch>
          <Match when={instance.error}>
            <p class="state error" role="alert">
              The server cannot be reached. Reload the page to try again.
            </p>
          </Match>
          <Match when={instance.loading}>
            <p class="state" role="status">
              Loading…
            </p>
          </Match>
          <Match when={instance()?.hasUsers === false}>
            <h2>Create the first account</h2>
            <p class="muted">
              You will be this instance’s administrator and the owner of every existing board.
            </p>
            <AccountForm mode="sign-up" submitLabel="Create account" onDone={signedIn} />
          </Match>
          <Match when={mode() === 'sign-up'}>
            <h2>Create an account</h2>
            <AccountForm mode="sign-up" submitLabel="Create account" onDone={signedIn} />
            <p>
              Have an account?{' '}
              <button class="link" onClick={() => setMode('sign-in')}>
                Sign in
              </button>
            </p>
          </Match>
          <Match when={true}>
            <h2>Sign in</h2>
            <AccountForm mode="sign-in" submitLabel="Sign in" onDone={signedIn} />
            <Show when={instance()?.signup === 'open'}>
              <p>
                New here?{' '}
                <button class="link" onClick={() => setMode('sign-up')}>
                  Create an account
                </button>
              </p>
            </Show>
            <Show when={instance()?.signup === 'invite'}>
              <p class="muted">New accounts need an invite link from a board’s owner.</p>
            </Show>
          </Match>
        </Switch>
      </div>
    </main>
  );
}

export default AuthScreen;
