import { createResource, createSignal, For, Show } from 'solid-js';
import { describeError } from '../../api/http';
import { apiKeysApi } from '../../auth/auth-api';
import { Dialog } from '../../ui/Dialog';

/** The user's API keys for scripts: a new key is shown once; listed keys show their prefix. */
export function ApiKeysDialog(props: { onClose: () => void }) {
  const [keys, { refetch }] = createResource(() => apiKeysApi.list().then((r) => r.data));
  const [fresh, setFresh] = createSignal<string>();
  const [failure, setFailure] = createSignal<string>();
  let nameInput!: HTMLInputElement;

  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    const name = nameInput.value.trim();
    setFailure(undefined);
    if (!name) return setFailure('Give the key a name, so you know later what uses it.');
    try {
      const out = await apiKeysApi.create(name);
      setFresh(out.key);
      nameInput.value = '';
    } catch (err) {
      setFailure(describeError(err));
    }
    void refetch();
  };

  return (
    <Dialog open title="API keys" onClose={() => props.onClose()}>
      <p class="muted">
        Scripts send a key as <code>Authorization: Bearer &lt;key&gt;</code>. It acts as you.
      </p>
      <form class="inline-form" onSubmit={(e) => void create(e)}>
        <input ref={nameInput} class="field" aria-label="Key name" placeholder="Key name" maxlength="100" />
        <button class="btn primary" type="submit">
          Create key
        </button>
      </form>
      <Show when={failure()}>
        <p class="input-error" role="alert">
          {failure()}
        </p>
      </Show>
      <Show when={fresh()}>
        {(k) => (
          <div class="fresh-key" data-testid="new-api-key">
            <p>Copy this key now: it is not shown again.</p>
            <input class="field" readonly value={k()} aria-label="New API key" />
            <button class="btn" onClick={() => void navigator.clipboard?.writeText(k())}>
              Copy
            </button>
          </div>
        )}
      </Show>
      <ul class="key-list">
        <For each={keys() ?? []} fallback={<li class="muted">No keys yet.</li>}>
          {(k) => (
            <li>
              <span>{k.name}</span> <code>{k.prefix}…</code>{' '}
              <span class="muted">
                {k.last_used_at ? `used ${new Date(k.last_used_at).toLocaleString()}` : 'never used'}
              </span>
              <button
                class="btn danger"
                aria-label={`Revoke key ${k.name}`}
                onClick={() =>
                  void apiKeysApi
                    .revoke(k.id)
                    .catch((err: unknown) => setFailure(describeError(err)))
                    .then(() => refetch())
                }
              >
                Revoke
              </button>
            </li>
          )}
        </For>
      </ul>
      <div class="actions">
        <button class="btn" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

export default ApiKeysDialog;
