import { createSignal } from 'solid-js';

/**
 * Keeps a scroll container pinned to the bottom while new content arrives, until the user
 * scrolls up; scrolling back to the bottom (or `jump`) pins it again.
 */
export function createAutoscroll(slack = 48) {
  let el: HTMLElement | undefined;
  const [pinned, setPinned] = createSignal(true);
  const atBottom = () => !el || el.scrollHeight - el.scrollTop - el.clientHeight <= slack;
  return {
    ref: (node: HTMLElement) => {
      el = node;
      node.addEventListener('scroll', () => setPinned(atBottom()), { passive: true });
    },
    pinned,
    /** Call after content changed. */
    follow: () => {
      if (el && pinned()) el.scrollTop = el.scrollHeight;
    },
    /** Runs `change` (which adds content above) keeping the visible content in place. */
    keepPosition: (change: () => void) => {
      if (!el) return change();
      const fromBottom = el.scrollHeight - el.scrollTop;
      change();
      el.scrollTop = el.scrollHeight - fromBottom;
      // The scroll event comes a frame later; a follow() queued by `change` must not jump.
      setPinned(atBottom());
    },
    jump: () => {
      setPinned(true);
      if (el) el.scrollTop = el.scrollHeight;
    },
  };
}
