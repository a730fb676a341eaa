import { createSignal, lazy, Show, Suspense } from 'solid-js';
import type { BoardRole } from '@kanban/shared';
import { boardsApi } from '../../api/rest';
import { describeError } from '../../api/http';
import { patchBoardRow } from '../../collections/board-list';
import { trackPending } from '../../collections/connection';
import { showToast } from '../../collections/toasts';
import type { BoardRow } from '../../collections/types';
import { ConfirmDialog, Dialog } from '../../ui/Dialog';
import { SaveRow } from '../../ui/SaveRow';
import { ModelPicker } from '../agents/ModelPicker';

// The agents, column hooks and budgets load when the dialog first opens.
const AgentsSettings = lazy(() =>
  import('../agents/AgentsSettings').then((m) => ({ default: m.AgentsSettings })),
);

// Rename, the agent settings (owners only, as the policy says: docs/accounts.md) and delete of
// the open board. The role is the caller's membership row (the members?user=me shape); the
// server checks again on every write.

export function BoardSettings(props: { board: BoardRow; role: BoardRole; onDeleted: () => void }) {
  const [open, setOpen] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const owner = () => props.role === 'owner';
  let name!: HTMLInputElement;
  let prompt!: HTMLTextAreaElement;
  const [model, setModel] = createSignal<string | null>(null);
  const openDialog = () => {
    setModel(props.board.settings.defaultModel ?? null);
    setOpen(true);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const b = props.board;
    const newName = name.value.trim();
    if (newName && newName !== b.name)
      void trackPending(boardsApi.rename(b.id, newName)).then(
        () => patchBoardRow(b.id, { name: newName }),
        (err: unknown) => showToast(`Renaming the board failed: ${describeError(err)}`),
      );
    if (owner()) {
      const systemPrompt = prompt.value.trim() || null;
      const defaultModel = model();
      if (
        systemPrompt !== (b.settings.systemPrompt ?? null) ||
        defaultModel !== (b.settings.defaultModel ?? null)
      ) {
        try {
          await boardsApi.update(b.id, { settings: { systemPrompt, defaultModel } });
          patchBoardRow(b.id, { settings: { ...b.settings, systemPrompt, defaultModel } });
        } catch (err) {
          setError(describeError(err));
          return;
        }
      }
    }
    setOpen(false);
  };

  const remove = (id: string, onDeleted: () => void) =>
    boardsApi
      .remove(id)
      .then(onDeleted, (err: unknown) => showToast(`Deleting the board failed: ${describeError(err)}`));

  return (
    <>
      <button class="btn" onClick={openDialog} aria-label="Board settings">
        Board settings
      </button>
      <Dialog open={open()} title="Board settings" onClose={() => setOpen(false)}>
        <Show when={open()}>
          <form class="board-settings" onSubmit={(e) => void save(e)}>
            <label>
              Name
              <input
                ref={name}
                class="field"
                required
                maxlength="200"
                value={props.board.name}
                aria-label="Board name"
              />
            </label>
            <label>
              Agent system prompt
              <textarea
                ref={prompt}
                class="field"
                maxlength="20000"
                rows="4"
                disabled={!owner()}
                aria-label="Agent system prompt"
              >
                {props.board.settings.systemPrompt ?? ''}
              </textarea>
            </label>
            <label>
              Default model
              <ModelPicker
                label="Default model"
                value={model()}
                defaultLabel="The server's default"
                disabled={!owner()}
                onChange={setModel}
              />
            </label>
            <Show when={!owner()}>
              <p class="hint" data-testid="settings-owner-only">
                Only the board's owners can change the agent's prompt and model.
              </p>
            </Show>
            <SaveRow
              error={error()}
              saveLabel="Save"
              onCancel={() => setOpen(false)}
              start={
                <Show when={owner()}>
                  <button type="button" class="btn danger" onClick={() => setConfirming(true)}>
                    Delete board…
                  </button>
                </Show>
              }
            />
          </form>
          <Suspense fallback={<p class="state">Loading agents…</p>}>
            <AgentsSettings board={props.board} owner={owner()} />
          </Suspense>
        </Show>
      </Dialog>
      <ConfirmDialog
        open={confirming()}
        title="Delete board"
        message={`Delete the board “${props.board.name}”? Its columns, cards and chats are deleted for everyone. This cannot be undone.`}
        confirmLabel={`Delete “${props.board.name}”`}
        onConfirm={() => {
          setOpen(false);
          // eslint-disable-next-line solid/reactivity -- runs once, when the delete is confirmed
          void remove(props.board.id, () => props.onDeleted());
        }}
        onClose={() => setConfirming(false)}
      />
    </>
  );
}
