import { createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { Markdown } from '../../ui/Markdown';
import { CopyButton } from '../../ui/CopyButton';
import { VersionPager } from './VersionPager';
import type { Version } from './versions';
import type { MessageRow } from '../../collections/types';
import { Avatar } from '../../ui/Avatar';
import { usageOf, usageText } from '../agents/cost';
import { OPEN_REPLY_STATUSES } from '../agents/status';

export interface MessageBubbleProps {
  message: MessageRow;
  /** What to show: the row, or the live stream while it is ahead of the row. */
  text: string;
  /** False while the server cannot be reached: an open reply is then cut, not live. */
  online?: boolean;
  onRetry: () => void;
  /** Edit and resend one's own user message (docs/chat.md); resolves true once saved. Unset: no Edit. */
  onEdit?: (content: string) => Promise<boolean>;
  /** The signed-in user: their own messages are "You", others' carry the author's name. */
  userId?: string;
  /** This is the chat's newest reply: only it can be retried or regenerated. */
  newest?: boolean;
  /** Which version of a regenerated reply this is (versions.ts). */
  version?: Version;
  onPickVersion?: (id: string) => void;
  onRegenerate?: () => void;
  /** The agent that wrote this reply (messages.agent_id), for its avatar and name. */
  agent?: { name: string; handle: string; color?: string | null };
  /** The reply's tool-call cards, shown above its text. */
  toolCalls?: JSX.Element;
  /** Opens the reply's trace (model and tool steps, tokens, cost). Unset: no Trace button. */
  onTrace?: () => void;
}

const RETRYABLE = new Set(['failed', 'cancelled', 'interrupted']);
const PLACEHOLDER: Record<string, string> = {
  queued: 'Queued…',
  streaming: 'Thinking…',
  executing: 'Working on the board…',
  waiting_for_user: 'Waiting for an editor to approve a tool call…',
};

/** One chat message; replies show their state, model, error and a retry when it makes sense. */
export function MessageBubble(props: MessageBubbleProps) {
  const m = () => props.message;
  const isDemo = () => /^demo\b/i.test(m().model ?? '');
  const open = () => OPEN_REPLY_STATUSES.has(m().status);
  const usage = () => (m().role === 'assistant' ? usageOf(m()) : undefined);
  const cut = () => open() && props.online === false;
  const mine = () => !m().author_id || m().author_id === props.userId;
  const author = () => (mine() ? 'You' : (m().author_name ?? 'A member'));
  // Only a message this user wrote (not an API or legacy one without an author) can be edited.
  const editable = () =>
    m().role === 'user' && !!props.onEdit && !!m().author_id && m().author_id === props.userId;
  const [draft, setDraft] = createSignal<string>();
  const [saving, setSaving] = createSignal(false);
  let editButton: HTMLButtonElement | undefined;
  // Cancelling puts focus back on Edit (it renders again once the draft is gone), not the page.
  const cancel = () => {
    setDraft(undefined);
    queueMicrotask(() => editButton?.focus());
  };
  const save = async () => {
    const text = draft()?.trim();
    if (!text || !props.onEdit) return;
    setSaving(true);
    const ok = await props.onEdit(text);
    setSaving(false);
    if (ok) setDraft(undefined);
  };
  return (
    <article
      class={`bubble ${m().role} ${m().status}`}
      aria-label={m().role === 'user' ? author() : 'Agent reply'}
      data-testid={`message-${m().role}`}
      data-status={m().status}
      data-cut={cut() ? 'true' : undefined}
      data-message-id={m().id}
    >
      <Show when={m().role === 'assistant' && props.agent}>
        {(a) => (
          <div class="bubble-author agent" data-testid="reply-agent">
            <Avatar name={a().name} color={a().color} small title={`${a().name} (@${a().handle})`} />
            <span>{a().name}</span>
            <span class="muted">@{a().handle}</span>
          </div>
        )}
      </Show>
      {props.toolCalls}
      <Show when={m().role === 'user' && !mine()}>
        <div class="bubble-author" data-testid="message-author">
          {author()}
        </div>
      </Show>
      <Show when={draft() !== undefined}>
        <div class="bubble-edit">
          <textarea
            aria-label="Edit message"
            value={draft()}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                // Escape leaves the editor, not the whole task panel.
                e.stopPropagation();
                cancel();
              }
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void save();
            }}
          />
          <p class="muted small">The replies after this message will be replaced by a new one.</p>
          <div class="bubble-meta">
            <button class="btn primary" disabled={saving() || !draft()?.trim()} onClick={() => void save()}>
              Save &amp; resend
            </button>
            <button class="btn ghost" disabled={saving()} onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      </Show>
      <Show
        when={draft() === undefined && props.text}
        fallback={<em class="muted">{PLACEHOLDER[m().status as string] ?? ''}</em>}
      >
        <Markdown text={props.text} />
      </Show>
      <Show when={m().role === 'user' && props.text && draft() === undefined}>
        <div class="bubble-meta">
          <CopyButton text={props.text} />
          <Show when={editable()}>
            <button ref={editButton} class="btn ghost small" onClick={() => setDraft(m().content)}>
              Edit
            </button>
          </Show>
        </div>
      </Show>
      <Show when={m().role === 'assistant'}>
        <Show when={m().error}>
          <div class="err" role="alert">
            {m().error}
          </div>
        </Show>
        <div class="bubble-meta">
          <Switch>
            <Match when={cut()}>
              <span data-testid="reply-state" role="status">
                connection lost — the reply will resume or end when the server is back
              </span>
            </Match>
            <Match when={m().status === 'queued'}>
              <span data-testid="reply-state">queued</span>
            </Match>
            <Match when={m().status === 'streaming'}>
              <span data-testid="reply-state">
                <span class="dot live" aria-hidden="true" /> streaming
              </span>
            </Match>
            <Match when={(m().status as string) === 'executing'}>
              <span data-testid="reply-state">
                <span class="dot live" aria-hidden="true" /> working on the board
              </span>
            </Match>
            <Match when={(m().status as string) === 'waiting_for_user'}>
              <span data-testid="reply-state">waiting for approval</span>
            </Match>
            <Match when={m().status === 'cancelled'}>
              <span data-testid="reply-state">cancelled</span>
            </Match>
            <Match when={m().status === 'failed'}>
              <span data-testid="reply-state">failed</span>
            </Match>
            <Match when={m().status === 'interrupted'}>
              <span
                data-testid="reply-state"
                title="The reply stopped before it finished (a restart or a lost worker)"
              >
                interrupted
              </span>
            </Match>
          </Switch>
          <Show when={m().model}>
            <span title="Model">{m().model}</span>
            <Show when={isDemo()}>
              <span class="badge" title="Offline demo model, not a real LLM">
                demo
              </span>
            </Show>
          </Show>
          <Show when={usage()}>
            {(u) => (
              <span data-testid="reply-usage" title={`${u().tokensIn} tokens in, ${u().tokensOut} out`}>
                {usageText(u())}
              </span>
            )}
          </Show>
          <Show when={props.onTrace && !open() && m().status !== 'queued'}>
            <button
              class="btn ghost small"
              onClick={() => props.onTrace?.()}
              aria-label="Show the reply's trace"
            >
              Trace
            </button>
          </Show>
          <Show when={!open() && props.text}>
            <CopyButton text={props.text} label="Copy reply" />
          </Show>
          <Show when={props.version}>
            {(v) => <VersionPager version={v()} onPick={(id) => props.onPickVersion?.(id)} />}
          </Show>
          <Show when={props.newest && props.onRegenerate && !open() && m().status === 'completed'}>
            <button
              class="btn ghost small"
              onClick={() => props.onRegenerate?.()}
              title="Answer the same question again; this version stays"
            >
              Regenerate
            </button>
          </Show>
          <Show when={RETRYABLE.has(m().status) && props.newest !== false}>
            <button class="btn" onClick={() => props.onRetry()}>
              Retry
            </button>
          </Show>
        </div>
      </Show>
    </article>
  );
}
