import { lazy, Match, Suspense, Switch } from 'solid-js';
import { render } from 'solid-js/web';
import { App } from './App';
import { currentUser, loadSession, sessionError } from './auth/session';
import './styles.css';
import './styles/board.css';
import './styles/panel.css';
import './styles/chat.css';
import './styles/account.css';
import './styles/features.css';
import './styles/agents.css';

// The sign-in and invite screens are small, and most visits (signed in already) never need them.
const AuthScreen = lazy(() => import('./auth/AuthScreen'));
const InvitePage = lazy(() => import('./auth/InvitePage'));

const inviteToken = /^\/invite\/([\w-]+)\/?$/.exec(window.location.pathname)?.[1];

function Root() {
  void loadSession();
  const loading = (
    <p class="state" role="status">
      Loading…
    </p>
  );
  return (
    <Suspense fallback={loading}>
      <Switch>
        <Match when={inviteToken}>{(t) => <InvitePage token={t()} />}</Match>
        <Match when={sessionError()}>
          <p class="state error" role="alert">
            {sessionError()}
          </p>
        </Match>
        <Match when={currentUser() === undefined}>{loading}</Match>
        <Match when={currentUser() === null}>
          <AuthScreen />
        </Match>
        <Match when={currentUser()} keyed>
          {(u) => <App user={u} />}
        </Match>
      </Switch>
    </Suspense>
  );
}

render(() => <Root />, document.getElementById('root')!);
