import { Show } from 'solid-js';

/** Message box: Enter sends, Shift+Enter adds a line; Stop while a reply runs. */
export function Composer(props: { busy: boolean; onSend: (text: string) => void; onStop: () => void }) {
  let box!: HTMLTextAreaElement;
  const send = () => {
    const text = box.value.trim();
    if (!text) return;
    props.onSend(text);
    box.value = '';
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={box}
        class="field"
        rows="2"
        placeholder={
          props.busy ? 'The agent is replying; what you send now waits its turn' : 'Message the agent…'
        }
        aria-label="Message"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <Show when={props.busy}>
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
