import { createSignal, Show } from 'solid-js';
import { describeError } from '../../api/http';
import { parseArguments, prettyJson, toolCardView } from './tool-card-state';
import type { ToolCall } from './types';

export interface ToolCallCardProps {
  call: ToolCall;
  /** An editor or owner: may approve or deny a waiting call. */
  canDecide: boolean;
  onApprove: (args?: Record<string, unknown>) => Promise<unknown>;
  onDeny: (reason?: string) => Promise<unknown>;
}

/** One tool call inside a reply: collapsible, live, with the approval controls while it waits. */
export function ToolCallCard(props: ToolCallCardProps) {
  const view = () => toolCardView(props.call, props.canDecide);
  const [editing, setEditing] = createSignal<string>();
  const [denying, setDenying] = createSignal<string>();
  const [problem, setProblem] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const edited = () => {
    const text = editing();
    return text === undefined ? undefined : parseArguments(text);
  };
  const run = async (p: Promise<unknown>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await p;
      setEditing(undefined);
      setDenying(undefined);
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const approve = () => {
    const e = edited();
    if (e && !e.ok) return;
    void run(props.onApprove(e?.ok ? e.value : undefined));
  };
  return (
    <details
      class={`tool-card t-${props.call.status}`}
      open={view().open}
      data-testid="tool-call"
      data-tool={props.call.name}
      data-status={props.call.status}
    >
      <summary>
        <span class="tool-name">{props.call.name}</span>
        <span class="tool-status" data-testid="tool-status">
          {view().label}
        </span>
        <Show when={view().took}>
          <span class="muted">{view().took}</span>
        </Show>
      </summary>
      <div class="tool-body">
        <div class="tool-section">Arguments</div>
        <pre class="tool-json">{prettyJson(props.call.arguments)}</pre>
        <Show when={props.call.result_summary}>
          <div class="tool-section">Result</div>
          <p class="tool-result">{props.call.result_summary}</p>
        </Show>
        <Show when={props.call.error}>
          <div class="tool-section">Error</div>
          <p class="tool-error" role="alert">
            {props.call.error}
          </p>
        </Show>
        <Show when={view().decision}>
          <p class="muted small" data-testid="tool-decision">
            {view().decision}
          </p>
        </Show>
        <Show when={view().waitingNote}>
          <p class="muted small" data-testid="tool-waiting">
            {view().waitingNote}
          </p>
        </Show>
        <Show when={view().decide}>
          <Show when={editing() !== undefined}>
            <label class="tool-edit">
              Edited arguments (JSON)
              <textarea
                class="field mono"
                rows="6"
                value={editing()}
                aria-invalid={edited()?.ok === false}
                aria-describedby={`tool-args-${props.call.id}`}
                onInput={(e) => setEditing(e.currentTarget.value)}
              />
            </label>
            <Show when={edited()?.ok === false && edited()}>
              {(e) => (
                <p class="input-error" id={`tool-args-${props.call.id}`} role="alert">
                  {(e() as { reason: string }).reason}
                </p>
              )}
            </Show>
          </Show>
          <Show when={denying() !== undefined}>
            <label class="tool-edit">
              Reason (optional, the agent reads it)
              <input
                class="field"
                maxlength="1000"
                value={denying()}
                onInput={(e) => setDenying(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    void run(props.onDeny(denying()?.trim() || undefined));
                  }
                }}
              />
            </label>
          </Show>
          <div class="tool-actions">
            <Show when={denying() === undefined}>
              <button class="btn primary small" disabled={busy() || edited()?.ok === false} onClick={approve}>
                {editing() !== undefined ? 'Approve with these arguments' : 'Approve'}
              </button>
              <Show
                when={editing() === undefined}
                fallback={
                  <button class="btn ghost small" disabled={busy()} onClick={() => setEditing(undefined)}>
                    Cancel edit
                  </button>
                }
              >
                <button
                  class="btn small"
                  disabled={busy()}
                  onClick={() => setEditing(prettyJson(props.call.arguments))}
                >
                  Edit arguments
                </button>
              </Show>
            </Show>
            <Show when={editing() === undefined}>
              <Show
                when={denying() !== undefined}
                fallback={
                  <button class="btn danger small" disabled={busy()} onClick={() => setDenying('')}>
                    Deny
                  </button>
                }
              >
                <button
                  class="btn danger small"
                  disabled={busy()}
                  onClick={() => void run(props.onDeny(denying()?.trim() || undefined))}
                >
                  Deny call
                </button>
                <button class="btn ghost small" disabled={busy()} onClick={() => setDenying(undefined)}>
                  Cancel
                </button>
              </Show>
            </Show>
          </div>
          <Show when={problem()}>
            <p class="input-error" role="alert">
              {problem()}
            </p>
          </Show>
        </Show>
      </div>
    </details>
  );
}
