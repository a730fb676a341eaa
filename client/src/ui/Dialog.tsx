import { createEffect, type JSX } from 'solid-js';

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes, and focus returns
 * to the opener afterwards.
 */
export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: JSX.Element }) {
  let el!: HTMLDialogElement;
  createEffect(() => {
    if (props.open && !el.open) el.showModal?.();
    if (!props.open && el.open) el.close();
  });
  return (
    <dialog ref={el} aria-label={props.title} onClose={() => props.onClose()}>
      <h2>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog open={props.open} title={props.title} onClose={() => props.onClose()}>
      <p>{props.message}</p>
      <div class="actions">
        <button class="btn" onClick={() => props.onClose()} autofocus>
          Cancel
        </button>
        <button
          class="btn danger"
          onClick={() => {
            props.onConfirm();
            props.onClose();
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
