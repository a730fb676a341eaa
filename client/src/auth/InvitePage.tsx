import { createResource, createSignal, Match, Show, Switch } from 'solid-js';
import { ApiError, describeError } from '../api/http';
import { inviteApi } from './auth-api';
import { AccountForm } from './AccountForm';
import { currentUser } from './session';

const EXPIRED = 'This invite link has expired or was revoked. Ask the board’s owner for a new one.';

/** `/invite/<token>`: which board and role, sign up or sign in, accept, then open the board. */
export function InvitePage(props: { token: string }) {
  const [info] = createResource(
    () => props.token,
    (t) => inviteApi.info(t).then((r) => r.data),
  );
  const [mode, setMode] = createSignal<'sign-in' | 'sign-up'>('sign-up');
  const [failure, setFailure] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const accept = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const { data } = await inviteApi.accept(props.token);
      // A fresh page on the board: the new session's streams start from nothing.
      window.location.assign(`/#/b/${data.board_id}`);
    } catch (err) {
      setFailure(err instanceof ApiError && err.status === 410 ? EXPIRED : describeError(err));
      setBusy(false);
    }
  };

  return (
    <main class="auth-screen">
      <div class="auth-card" data-testid="invite-page">
        <h1>Kanban</h1>
        <Switch>
          <Match when={info.error}>
            <p class="state error" role="alert">
              {info.error instanceof ApiError && info.error.status === 404
                ? 'This invite link does not exist. Check that you copied all of it.'
                : describeError(info.error)}
            </p>
          </Match>
          <Match when={info.loading || currentUser() === undefined}>
            <p class="state" role="status">
              Loading…
            </p>
          </Match>
          <Match when={info() && !info()!.valid}>
            <p class="state" role="alert" data-testid="invite-expired">
              {EXPIRED}
            </p>
          </Match>
          <Match when={info()}>
            {(i) => (
              <>
                <h2>
                  Join “{i().boardName}” as {i().role === 'editor' ? 'an' : 'a'} {i().role}
                </h2>
                <Show when={failure()}>
                  <p class="input-error" role="alert">
                    {failure()}
                  </p>
                </Show>
                <Show
                  when={currentUser()}
                  fallback={
                    <>
                      <AccountForm
                        mode={mode()}
                        inviteToken={props.token}
                        submitLabel={mode() === 'sign-up' ? 'Create account and join' : 'Sign in and join'}
                        onDone={() => void accept()}
                      />
                      <p>
                        <button
                          class="link"
                          onClick={() => setMode(mode() === 'sign-up' ? 'sign-in' : 'sign-up')}
                        >
                          {mode() === 'sign-up'
                            ? 'I have an account: sign in'
                            : 'I am new: create an account'}
                        </button>
                      </p>
                    </>
                  }
                >
                  {(u) => (
                    <>
                      <p class="muted">Signed in as {u().name}.</p>
                      <button class="btn primary" disabled={busy()} onClick={() => void accept()}>
                        Join board
                      </button>
                    </>
                  )}
                </Show>
              </>
            )}
          </Match>
        </Switch>
      </div>
    </main>
  );
}

export default InvitePage;
