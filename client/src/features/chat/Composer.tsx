import { createMemo, createSignal, For, Show } from 'solid-js';
import { LIMITS, tooLong } from '../../lib/field-errors';
import { CharCount } from '../../ui/CharCount';
import { InputError } from '../../ui/InputError';
import { Avatar } from '../../ui/Avatar';
import { applyMention, mentionAt, mentionsIn, menuKey, suggest } from '../agents/mentions';

export interface ComposerProps {
  busy: boolean;
  /** False while the server cannot be reached: Stop could not reach it either. */
  online?: boolean;
  /** Sends; resolves to why it failed, or undefined when it was sent. */
  onSend: (text: string) => Promise<string | undefined>;
  onStop: () => void;
  /** Typing in the box (each keystroke), and no longer typing (sent or left). */
  onTyping?: (typing: boolean) => void;
  /** The board's agents, offered when an @word is typed (handles only count as mentions). */
  agents?: readonly { handle: string; name: string; color?: string }[];
}

let composerIds = 0;

/**
 * Message box: Enter sends, Shift+Enter adds a line; Stop while a reply runs. The box empties as
 * the message appears, and a send that fails puts the text back with the reason and a retry, so
 * nothing typed is lost. No maxlength: it would cut a long paste silently; the counter and the
 * refusal say how much is too much instead.
 */
export function Composer(props: ComposerProps) {
  let box!: HTMLTextAreaElement;
  const [length, setLength] = createSignal(0);
  const [failed, setFailed] = createSignal<{ text: string; reason: string }>();
  // The @mention menu: the @word at the caret, which option is active, and a word Escape closed.
  const listId = `mention-list-${++composerIds}`;
  const [text, setText] = createSignal('');
  const [at, setAt] = createSignal<{ start: number; query: string }>();
  const [active, setActive] = createSignal(0);
  const [dismissed, setDismissed] = createSignal<number>();
  const options = createMemo(() => {
    const a = at();
    return a && props.agents?.length ? suggest(props.agents, a.query) : [];
  });
  const menuOpen = () => options().length > 0 && dismissed() !== at()?.start;
  const addressed = () => mentionsIn(text(), props.agents?.map((a) => a.handle) ?? []);
  const track = () => {
    setText(box.value);
    const next = mentionAt(box.value, box.selectionStart ?? box.value.length);
    const prev = at();
    if (next?.start !== prev?.start || next?.query !== prev?.query) setActive(0);
    if (next?.start !== dismissed()) setDismissed(undefined);
    setAt(next);
  };
  const accept = (i = active()) => {
    const a = at();
    const o = options()[i];
    if (!a || !o) return;
    const r = applyMention(box.value, a.start, box.selectionStart ?? box.value.length, o.handle);
    box.value = r.text;
    box.setSelectionRange(r.caret, r.caret);
    setLength(r.text.trim().length);
    setAt(undefined);
    setText(r.text);
    box.focus();
  };
  const send = (text = box.value.trim()) => {
    if (!text) return;
    if (text.length > LIMITS.message) {
      setFailed({ text, reason: `${tooLong('Message', text.length, LIMITS.message)}. Shorten it to send.` });
      return;
    }
    setFailed(undefined);
    box.value = '';
    setLength(0);
    setText('');
    setAt(undefined);
    props.onTyping?.(false);
    void props.onSend(text).then((reason) => {
      if (reason === undefined) return;
      // Put it back unless something new was typed meanwhile (then the retry still has it).
      if (!box.value.trim()) {
        box.value = text;
        setLength(text.length);
      }
      setFailed({ text, reason });
    });
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div class="composer-input">
        <textarea
          ref={box}
          class="field"
          rows="2"
          placeholder={
            props.busy
              ? 'The agent is replying; what you send now waits its turn'
              : 'Message the agent… (@ picks one)'
          }
          aria-label="Message"
          aria-describedby="composer-error"
          role="combobox"
          aria-autocomplete="list"
          aria-haspopup="listbox"
          aria-expanded={menuOpen()}
          aria-controls={listId}
          aria-activedescendant={menuOpen() ? `${listId}-${active()}` : undefined}
          onClick={track}
          onKeyUp={(e) => {
            if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End')
              track();
          }}
          onInput={(e) => {
            track();
            setLength(e.currentTarget.value.trim().length);
            props.onTyping?.(e.currentTarget.value.trim() !== '');
            // A refusal for length is about the text being edited now; the counter carries on.
            if ((failed()?.text.length ?? 0) > LIMITS.message) setFailed(undefined);
          }}
          onBlur={() => {
            props.onTyping?.(false);
            setAt(undefined);
          }}
          onKeyDown={(e) => {
            if (e.isComposing) return;
            const k = menuKey({ open: menuOpen(), active: active(), count: options().length }, e.key);
            if (k.handled) {
              e.preventDefault();
              setActive(k.state.active);
              if (k.action === 'accept') accept(k.state.active);
              if (k.action === 'close') setDismissed(at()?.start);
              return;
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
        <Show when={menuOpen()}>
          <ul class="mention-menu" id={listId} role="listbox" aria-label="Agents">
            <For each={options()}>
              {(o, i) => (
                <li
                  id={`${listId}-${i()}`}
                  role="option"
                  aria-selected={i() === active()}
                  class="mention-option"
                  classList={{ active: i() === active() }}
                  // mousedown, not click: the box must not lose focus (and close the menu) first
                  onMouseDown={(e) => {
                    e.preventDefault();
                    accept(i());
                  }}
                  onMouseEnter={() => setActive(i())}
                >
                  <span aria-hidden="true">
                    <Show when={!o.all} fallback={<span class="avatar small all">@</span>}>
                      <Avatar name={o.name} color={o.color} small />
                    </Show>
                  </span>
                  <span class="mention-handle">@{o.handle}</span>
                  <span class="muted">{o.name}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={addressed().length}>
          <p class="muted small addressed" data-testid="addressed">
            Answers:{' '}
            {addressed()
              .map((h) => `@${h}`)
              .join(', ')}
          </p>
        </Show>
        <CharCount length={length()} max={LIMITS.message} />
        <InputError
          id="composer-error"
          reason={failed()?.reason}
          onRetry={
            failed() && failed()!.text.length <= LIMITS.message
              ? () => {
                  const f = failed();
                  if (!f) return;
                  if (box.value.trim() === f.text) send();
                  else send(f.text);
                }
              : undefined
          }
        />
      </div>
      <Show when={props.busy && props.online !== false}>
        <button type="button" class="btn danger" onClick={() => props.onStop()}>
          Stop
        </button>
      </Show>
      <button type="submit" class="btn primary">
        Send
      </button>
    </form>
  );
}
