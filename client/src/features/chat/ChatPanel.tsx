import { createEffect, createMemo, createSignal, For, lazy, on, onCleanup, Show, Suspense } from 'solid-js';
import { TERMINAL_STATUSES } from '../../lib/constants';
import { watchTask } from '../../api/socket';
import { isOnline } from '../../collections/connection';
import { PENDING_SEQ, seqOf, type MessageRow } from '../../collections/types';
import type { BoardView } from '../board/use-board';
import { createAutoscroll } from './autoscroll';
import { cancelReply, editAndResend, regenerateReply, retryReply, sendMessage } from './chat-actions';
import { pickVersions } from './versions';
import { useChat } from './chat-collection';
import { Composer } from './Composer';
import { useCanWrite } from '../board/role';
import { currentUser } from '../../auth/session';
import { noteTyping, othersOnTask, stopTyping } from '../../api/presence';
import { foldRow, forgetStream, listenForDeltas, liveStream } from './live-stream';
import { MessageBubble } from './MessageBubble';
import { visibleText } from './stream-merge';
import { markSeen, pageVisible } from './unread';
import { agentOf, boardAgents } from '../agents/agents-store';
import { useToolCalls } from '../agents/tool-calls';
import { toolCallsApi } from '../agents/agents-api';
import { ToolCallCard } from '../agents/ToolCallCard';
import { OPEN_REPLY_STATUSES } from '../agents/status';

// The trace drawer loads the first time a trace is opened.
const TraceDrawer = lazy(() => import('../agents/TraceDrawer').then((m) => ({ default: m.TraceDrawer })));

/** The task's chat: rows from its own on-demand collection, live text from socket deltas. */
export function ChatPanel(props: { board: BoardView; taskId: string }) {
  listenForDeltas();
  const canWrite = useCanWrite();
  const typists = () =>
    othersOnTask(props.taskId)
      .filter((u) => u.typing)
      .map((u) => u.name);
  onCleanup(() => stopTyping(props.taskId));
  // eslint-disable-next-line solid/reactivity -- the panel is keyed by task id
  const stop = watchTask(props.taskId);
  onCleanup(stop);

  // The chat's own collection: the newest page first, older pages as the reader asks for them
  // (chat-collection.ts). The card's count (the task row's summary) says how many are older.
  // eslint-disable-next-line solid/reactivity -- the panel is keyed by task id
  const chat = useChat(props.taskId);
  const rows = () => chat.rows();
  const visible = rows;
  const total = () => {
    const n = Number(props.board.task(props.taskId)?.chat_count ?? 0);
    return Math.max(n, rows().filter((m) => m.seq !== PENDING_SEQ).length);
  };
  const hiddenCount = () =>
    chat.hasOlder() ? Math.max(1, total() - rows().filter((m) => m.seq !== PENDING_SEQ).length) : 0;
  // Which version of each regenerated reply the reader is looking at (versions.ts).
  const [chosen, setChosen] = createSignal<ReadonlyMap<string, string>>(new Map());
  const picked = createMemo(() => pickVersions(visible(), chosen()));
  const choose = (parentId: string, id: string | undefined) => {
    const next = new Map(chosen());
    if (id) next.set(parentId, id);
    else next.delete(parentId);
    setChosen(next);
  };
  const isFinal = (m: MessageRow) => TERMINAL_STATUSES.includes(m.status);
  const textOf = (m: MessageRow) => visibleText(m.content, isFinal(m), liveStream(m.id));
  const active = () => rows().find((m) => m.role === 'assistant' && OPEN_REPLY_STATUSES.has(m.status));
  // eslint-disable-next-line solid/reactivity -- the panel is keyed by task id
  const toolCalls = useToolCalls(props.taskId);
  const [traceOf, setTraceOf] = createSignal<string>();
  const agents = () => boardAgents(props.board.data.boardId);
  const agentFor = (m: MessageRow) => {
    const a = agentOf(props.board.data.boardId, m.agent_id);
    return a && { name: a.name, handle: a.handle, color: a.color };
  };

  // Rows are the truth: fold checkpoints into the live text, drop it once a reply is final.
  createEffect(() => {
    for (const m of rows()) {
      if (m.role !== 'assistant') continue;
      if (isFinal(m)) forgetStream(m.id);
      else foldRow(m.id, m.content);
    }
  });
  const scroll = createAutoscroll();
  // A finished reply is read once it is on screen: the panel open, scrolled to the bottom, the
  // page visible.
  createEffect(() => {
    if (!scroll.pinned() || !pageVisible()) return;
    const last = rows()
      .filter((m) => m.role === 'assistant' && isFinal(m))
      .at(-1);
    if (last) markSeen(props.taskId, seqOf(last));
  });
  createEffect(
    on(
      () => visible().map(textOf).join('\u0000').length,
      () => queueMicrotask(scroll.follow),
    ),
  );

  // Older messages go in above what the reader is looking at, which stays where it is.
  const showOlder = () => void chat.loadOlder(scroll.keepPosition);
  // Scrolled up near the oldest loaded message: the page below comes on its own.
  const nearTop = (e: Event) => {
    if ((e.currentTarget as HTMLElement).scrollTop < 120 && chat.hasOlder()) showOlder();
  };

  return (
    <section class="chat" aria-labelledby="chat-heading">
      <div class="chat-head">
        <h3 id="chat-heading">Agent chat</h3>
        <Show when={total()}>
          <span class="muted">
            {total()} {total() === 1 ? 'message' : 'messages'}
          </span>
        </Show>
      </div>
      <div
        class="chat-log"
        ref={scroll.ref}
        onScroll={nearTop}
        role="log"
        aria-live="polite"
        data-testid="chat-log"
      >
        <Show when={hiddenCount() > 0}>
          <button class="btn" style={{ 'align-self': 'center' }} onClick={showOlder}>
            Show older messages ({hiddenCount()})
          </button>
        </Show>
        <Show when={chat.ready() && !rows().length}>
          <p class="state">No messages yet. Ask the agent about this task.</p>
        </Show>
        <For each={picked().shown}>
          {(m) => (
            <MessageBubble
              message={m}
              text={textOf(m)}
              online={isOnline()}
              userId={currentUser()?.id}
              agent={m.role === 'assistant' ? agentFor(m) : undefined}
              onTrace={m.role === 'assistant' ? () => setTraceOf(m.id) : undefined}
              toolCalls={
                <Show when={m.role === 'assistant' && toolCalls.of(m.id).length}>
                  <div class="tool-calls" data-testid="tool-calls">
                    <For each={toolCalls.of(m.id)}>
                      {(c) => (
                        <ToolCallCard
                          call={c}
                          canDecide={canWrite()}
                          onApprove={(args) =>
                            toolCallsApi.approve(c.id, args).then((r) => toolCalls.apply(r.data))
                          }
                          onDeny={(reason) =>
                            toolCallsApi.deny(c.id, reason).then((r) => toolCalls.apply(r.data))
                          }
                        />
                      )}
                    </For>
                  </div>
                </Show>
              }
              onRetry={() => void retryReply(chat.collection, m.id)}
              onEdit={canWrite() ? (text) => editAndResend(chat.collection, m.id, text) : undefined}
              newest={picked().newestId === m.id}
              version={picked().versions.get(m.id)}
              onPickVersion={(id) => m.parent_id && choose(m.parent_id, id)}
              onRegenerate={() => {
                // the new version shows as it arrives
                if (m.parent_id) choose(m.parent_id, undefined);
                void regenerateReply(chat.collection, m.id);
              }}
            />
          )}
        </For>
        <Show when={!scroll.pinned()}>
          <button class="btn jump" onClick={() => scroll.jump()}>
            Jump to latest ↓
          </button>
        </Show>
      </div>
      <p class="typing muted" aria-live="polite" data-testid="typing">
        {typingSentence(typists())}
      </p>
      <Show
        when={canWrite()}
        fallback={
          <p class="muted composer-readonly" data-testid="read-only-chat">
            You can read this chat; viewers cannot post.
          </p>
        }
      >
        <Composer
          agents={agents()}
          busy={!!active()}
          online={isOnline()}
          onSend={(text) => {
            scroll.jump();
            return sendMessage(chat.collection, props.board.data.boardId, props.taskId, text).then((o) =>
              o.ok ? undefined : o.reason,
            );
          }}
          onStop={() => {
            const m = active();
            if (m) void cancelReply(chat.collection, m.id);
          }}
          onTyping={(typing) => (typing ? noteTyping(props.taskId) : stopTyping(props.taskId))}
        />
      </Show>
      <Show when={traceOf()} keyed>
        {(id) => (
          <Suspense fallback={<p class="state">Loading…</p>}>
            <TraceDrawer messageId={id} onClose={() => setTraceOf(undefined)} />
          </Suspense>
        )}
      </Show>
    </section>
  );
}

/** "Bea is typing…", "Bea and Cy are typing…", "3 people are typing…"; empty when nobody. */
export function typingSentence(names: string[]): string {
  if (!names.length) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}
