import { createSignal, Show } from 'solid-js';
import { LIMITS, tooLong } from '../../lib/field-errors';
import { CharCount } from '../../ui/CharCount';
import { InputError } from '../../ui/InputError';

export interface ComposerProps {
  busy: boolean;
  /** False while the server cannot be reached: Stop could not reach it either. */
  online?: boolean;
  /** Sends; resolves to why it failed, or undefined when it was sent. */
  onSend: (text: string) => Promise<string | undefined>;
  onStop: () => void;
  /** Typing in the box (each keystroke), and no longer typing (sent or left). */
  onTyping?: (typing: boolean) => void;
}

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
  const send = (text = box.value.trim()) => {
    if (!text) return;
    if (text.length > LIMITS.message) {
      setFailed({ text, reason: `${tooLong('Message', text.length, LIMITS.message)}. Shorten it to send.` });
      return;
    }
    setFailed(undefined);
    box.value = '';
    setLength(0);
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
            props.busy ? 'The agent is replying; what you send now waits its turn' : 'Message the agent…'
          }
          aria-label="Message"
          aria-describedby="composer-error"
          onInput={(e) => {
            setLength(e.currentTarget.value.trim().length);
            props.onTyping?.(e.currentTarget.value.trim() !== '');
            // A refusal for length is about the text being edited now; the counter carries on.
            if ((failed()?.text.length ?? 0) > LIMITS.message) setFailed(undefined);
          }}
          onBlur={() => props.onTyping?.(false)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
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
