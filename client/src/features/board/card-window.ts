import { batch, createEffect, createMemo, createSignal, on, onMount, type Accessor } from 'solid-js';
import {
  createVirtualizer,
  defaultRangeExtractor,
  observeElementRect,
  type Range,
  type Virtualizer,
} from '@tanstack/solid-virtual';
import type { TaskRow } from '../../collections/types';

// A long column renders only the cards in and near its scrolled view (TanStack Virtual): with
// 1,000 cards, mounting every card (and registering it with drag and drop) was most of a 2 s
// first render and every keystroke of the filter. Cards stay in normal flow between two spacer
// items that stand for the cards above and below (not paddings: a flex item cannot shrink below
// its padding, so the list would stop scrolling), so the list's own layout (gap, drop lines) is
// unchanged and cards of any height are measured as they render.

/** Matches .cards in board.css: padding 4px (top and bottom), gap 8px. */
const PAD = 4;
const GAP = 8;
/** A one-line card; real heights are measured. */
const ESTIMATE = 62;

/**
 * The list is as tall as its cards up to the column's limit, so its own height says nothing
 * about how many cards fit (empty, it is 0 and nothing would render). It is seen as at least a
 * window tall: a short column renders what it would show anyway, a long one its scrolled view.
 */
const observeListRect: typeof observeElementRect = (instance, cb) =>
  observeElementRect(instance, (rect) =>
    cb({ width: rect.width, height: Math.max(rect.height, instance.targetWindow?.innerHeight ?? 900) }),
  );

export interface CardWindow {
  /** The cards to render, in order. */
  shown: Accessor<TaskRow[]>;
  /** Heights of the spacers that stand for the cards above and below the rendered ones (0: none). */
  padTop: Accessor<number>;
  padBottom: Accessor<number>;
  /** Call with the list element once mounted. */
  setList: (el: HTMLUListElement) => void;
  /** The focused card (kept rendered while it has focus). */
  setFocused: (id: string | undefined) => void;
}

/**
 * `pinned`: ids that must stay rendered wherever the list is scrolled (the dragged card, the
 * open one, one just moved by keyboard); the rendered range grows to reach them, so the cards
 * between stay in order and in flow.
 */
export function createCardWindow(
  cards: Accessor<TaskRow[]>,
  pinned: Accessor<(string | undefined)[]>,
  /** The rendered rows as the store's proxies (`cards` may be plain rows: see use-rows.ts). */
  live: (row: TaskRow) => TaskRow | undefined = (row) => row,
): CardWindow {
  const [element, setList] = createSignal<HTMLUListElement>();
  // The virtualizer takes its window from the element's document, and a freshly rendered list
  // can still belong to Solid's template document at mount: it is handed over once in the page.
  const [list, setAttached] = createSignal<HTMLUListElement>();
  onMount(() => {
    const attach = () => {
      const el = element();
      if (el?.isConnected) setAttached(el);
      else if (el) requestAnimationFrame(attach);
    };
    attach();
  });
  const [focused, setFocused] = createSignal<string>();
  const indexOf = createMemo(() => new Map(cards().map((t, i) => [t.id, i])));
  const pins = createMemo(
    () =>
      [...pinned(), focused()]
        .map((id) => (id === undefined ? undefined : indexOf().get(id)))
        .filter((i): i is number => i !== undefined),
    [],
    { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) },
  );
  const rangeExtractor = createMemo(() => {
    const keep = pins();
    return (range: Range) => {
      if (!keep.length) return defaultRangeExtractor(range);
      const startIndex = Math.min(range.startIndex, ...keep);
      const endIndex = Math.max(range.endIndex, ...keep);
      return defaultRangeExtractor({ ...range, startIndex, endIndex });
    };
  });
  const virtualizer = createVirtualizer({
    get count() {
      return cards().length;
    },
    // A getter, so a new element is a change of options the virtualizer sees.
    get getScrollElement() {
      const el = list() ?? null;
      return () => el;
    },
    observeElementRect: observeListRect as (
      instance: Virtualizer<HTMLUListElement, Element>,
      cb: (rect: { width: number; height: number }) => void,
    ) => void | (() => void),
    estimateSize: () => ESTIMATE,
    getItemKey: (i) => cards()[i]?.id ?? i,
    paddingStart: PAD,
    paddingEnd: PAD,
    gap: GAP,
    overscan: 6,
    get rangeExtractor() {
      return rangeExtractor();
    },
  });
  const shown = createMemo(
    () =>
      virtualizer
        .getVirtualItems()
        .map((v) => {
          const row = cards()[v.index];
          return row && live(row);
        })
        .filter((t): t is TaskRow => t !== undefined),
    [],
    // `live` reads the list's version: a change elsewhere on the board must not count as a new
    // window here (it would re-measure every rendered card).
    { equals: (a, b) => a.length === b.length && a.every((t, i) => t === b[i]) },
  );
  // A spacer and the gap after it stand for the cards above; the gap before the lower spacer
  // and the spacer, for the cards below.
  const padTop = () => Math.max(0, (virtualizer.getVirtualItems()[0]?.start ?? PAD) - PAD - GAP);
  const padBottom = () => {
    const items = virtualizer.getVirtualItems();
    const last = items[items.length - 1];
    return last ? Math.max(0, virtualizer.getTotalSize() - PAD - last.end - GAP) : 0;
  };
  // Measure what rendered (and watch it resize): each card element is told its index first,
  // which is how the virtualizer maps an element to its row.
  createEffect(
    on([shown, list], ([, ul]) => {
      if (!ul) return;
      // In one batch: each measurement notifies, and the list re-renders once for all of them.
      batch(() => {
        for (const el of ul.querySelectorAll<HTMLElement>(':scope > li[data-task-id]')) {
          const i = indexOf().get(el.dataset.taskId!);
          if (i === undefined) continue;
          el.dataset.index = String(i);
          virtualizer.measureElement(el);
        }
      });
    }),
  );
  return { shown, padTop, padBottom, setList, setFocused };
}
