import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import type { SearchHit } from '@kanban/shared';
import { searchApi } from '../../api/rest';
import { describeError } from '../../api/http';
import { navigate } from '../../lib/route';

// Search every board you can see (GET /api/search). Ctrl+K (⌘K) focuses it from anywhere; the
// arrows pick a result and Enter opens the card on its board.

const DEBOUNCE_MS = 200;

export function SearchBox() {
  const [text, setText] = createSignal('');
  const [query, setQuery] = createSignal('');
  const [active, setActive] = createSignal(0);
  const [open, setOpen] = createSignal(false);
  let input!: HTMLInputElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Results live in a plain signal, not a createResource: reading a pending resource here
  // registers with the app's root <Suspense>, which swaps the whole page (this input included)
  // for "Loading…" while a search runs — focus falls to <body>, focusout closes the list, and
  // the results never show. The newest query wins; a slower, older answer is dropped.
  const [hits, setHits] = createSignal<SearchHit[] | string>();
  let asked = 0;
  createEffect(
    on(query, (raw) => {
      const q = raw.trim();
      const n = ++asked;
      if (!q) return setHits(undefined);
      void searchApi.search(q).then(
        (r) => n === asked && setHits(r.data),
        (err: unknown) => n === asked && setHits(describeError(err)),
      );
    }),
  );
  const results = () => {
    const h = hits();
    return Array.isArray(h) ? h : [];
  };
  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      input.focus();
      input.select();
    }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => {
    document.removeEventListener('keydown', onKey);
    clearTimeout(timer);
  });
  const go = (h: SearchHit) => {
    setOpen(false);
    input.blur();
    navigate({ boardId: h.board_id, taskId: h.id });
  };
  return (
    <div
      class="search-box"
      onFocusOut={(e) => !e.currentTarget.contains(e.relatedTarget as Node) && setOpen(false)}
    >
      <input
        ref={input}
        class="field"
        type="search"
        placeholder="Search all boards (Ctrl+K)"
        aria-label="Search all boards"
        aria-keyshortcuts="Control+K"
        aria-expanded={open() && !!query()}
        aria-controls="search-results"
        maxlength="200"
        value={text()}
        onInput={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          setOpen(true);
          setActive(0);
          clearTimeout(timer);
          timer = setTimeout(() => setQuery(v), DEBOUNCE_MS);
        }}
        onKeyDown={(e) => {
          const list = results();
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((i) => Math.min(i + 1, list.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((i) => Math.max(i - 1, 0));
          } else if (e.key === 'Enter' && list[active()]) {
            e.preventDefault();
            go(list[active()]!);
          } else if (e.key === 'Escape') {
            setOpen(false);
          }
        }}
      />
      <Show when={open() && query().trim()}>
        <div class="search-results" id="search-results" role="listbox" data-testid="search-results">
          <Show when={typeof hits() === 'string'}>
            <p class="hint">{hits() as string}</p>
          </Show>
          <Show when={Array.isArray(hits()) && !results().length}>
            <p class="hint">No cards match “{query()}”.</p>
          </Show>
          <For each={results()}>
            {(h, i) => (
              <button
                type="button"
                role="option"
                class="search-hit"
                aria-selected={i() === active()}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => go(h)}
              >
                <span class="search-title">{h.title}</span>
                <span class="hint">
                  {h.board_name} · {h.column_name}
                  {h.archived ? ' · archived' : ''}
                </span>
              </button>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
