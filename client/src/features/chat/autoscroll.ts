import { createSignal } from 'solid-js';

/**
 * Keeps a scroll container pinned to the bottom while new content arrives, until the user
 * scrolls up; scrolling back to the bottom (or `jump`) pins it again.
 */
export function createAutoscroll(slack = 48) {
  let el: HTMLElement | undefined;
  // Distance from the bottom to hold while older content loads above (see `hold`).
  let anchor: number | undefined;
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
      if (el && anchor !== undefined) el.scrollTop = el.scrollHeight - anchor;
      else if (el && pinned()) el.scrollTop = el.scrollHeight;
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
    /**
     * Content is about to be added above, later (an older page loading): from now until
     * `release`, `follow` keeps what the reader looks at in place instead of pinning.
     */
    hold: () => {
      if (el) anchor = el.scrollHeight - el.scrollTop;
    },
    release: () => {
      anchor = undefined;
      setPinned(atBottom());
    },
    jump: () => {
      setPinned(true);
      if (el) el.scrollTop = el.scrollHeight;
    },
  };
}
