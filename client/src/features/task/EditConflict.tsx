import { Show } from 'solid-js';

/**
 * Says that the field being edited was changed by someone else meanwhile, shows their text, and
 * lets the person choose: keep mine (save over theirs) or take theirs (drop mine). Nothing is
 * saved or dropped until they choose.
 */
export function EditConflict(props: {
  who: string;
  what: string;
  theirs: string;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  return (
    <div class="edit-conflict" role="alert" data-testid="edit-conflict">
      <p>
        {props.who} changed the {props.what} while you were editing.
        <Show when={props.theirs.trim()} fallback={<> They left it empty.</>}>
          {' '}
          Theirs:
        </Show>
      </p>
      <Show when={props.theirs.trim()}>
        <blockquote class="theirs" data-testid="conflict-theirs">
          {props.theirs}
        </blockquote>
      </Show>
      <div class="row">
        <button class="btn small primary" onClick={() => props.onKeepMine()}>
          Keep mine
        </button>
        <button class="btn small" onClick={() => props.onTakeTheirs()}>
          Take theirs
        </button>
      </div>
    </div>
  );
}
