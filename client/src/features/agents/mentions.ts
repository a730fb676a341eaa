// @mentions in the composer (the server's rule, docs/agents-client.md): `@handle` addresses the
// board agent with that handle, `@all` every agent; any other @word is plain text (an e-mail,
// a person). A mention starts the text or follows a character that is not part of a word, so
// `bea@planner.io` mentions nobody.

export const ALL = 'all';
const HANDLE_CHAR = /[a-z0-9_-]/i;
const BEFORE_OK = (ch: string | undefined) => ch === undefined || !/[\p{L}\p{N}_.@-]/u.test(ch);

/** The @word being typed at the caret: where its `@` is and what follows it so far. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | undefined {
  let i = caret;
  while (i > 0 && HANDLE_CHAR.test(text[i - 1]!)) i--;
  if (text[i - 1] !== '@') return undefined;
  const at = i - 1;
  if (!BEFORE_OK(text[at - 1])) return undefined;
  // The caret inside a word (`@pla|nner`) still completes that word.
  return { start: at, query: text.slice(i, caret) };
}

export interface Suggestion {
  handle: string;
  name: string;
  color?: string;
  /** `@all`: every agent of the board. */
  all?: boolean;
}

/** Agents whose handle (first) or name starts with the query, then `@all`; at most `limit`. */
export function suggest(
  agents: readonly { handle: string; name: string; color?: string }[],
  query: string,
  limit = 8,
): Suggestion[] {
  const q = query.toLowerCase();
  const byHandle = agents.filter((a) => a.handle.toLowerCase().startsWith(q));
  const byName = agents.filter(
    (a) =>
      !byHandle.includes(a) &&
      a.name
        .toLowerCase()
        .split(/\s+/)
        .some((w) => w.startsWith(q)),
  );
  const out: Suggestion[] = [...byHandle, ...byName].map((a) => ({
    handle: a.handle,
    name: a.name,
    color: a.color,
  }));
  if (agents.length > 1 && ALL.startsWith(q) && !agents.some((a) => a.handle === ALL))
    out.push({ handle: ALL, name: 'Every agent of the board', all: true });
  return out.slice(0, limit);
}

/** The text with the @word at `start..caret` (and the rest of that word) replaced by `@handle `. */
export function applyMention(
  text: string,
  start: number,
  caret: number,
  handle: string,
): { text: string; caret: number } {
  let end = caret;
  while (end < text.length && HANDLE_CHAR.test(text[end]!)) end++;
  const rest = text.slice(end);
  const insert = `@${handle}${rest.startsWith(' ') ? '' : ' '}`;
  const next = text.slice(0, start) + insert + rest;
  return { text: next, caret: start + insert.length + (rest.startsWith(' ') ? 1 : 0) };
}

/**
 * The handles a message addresses, in the order they first appear; `@all` expands to every
 * handle. Unknown @words are left out (they are plain text).
 */
export function mentionsIn(text: string, handles: readonly string[]): string[] {
  const known = new Set(handles.map((h) => h.toLowerCase()));
  const out: string[] = [];
  const re = /@([a-z][a-z0-9_-]*)/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!BEFORE_OK(text[m.index - 1])) continue;
    const h = m[1]!.toLowerCase();
    if (h === ALL && !known.has(ALL)) {
      for (const k of handles) if (!out.includes(k.toLowerCase())) out.push(k.toLowerCase());
    } else if (known.has(h) && !out.includes(h)) out.push(h);
  }
  return out;
}

export interface MenuState {
  open: boolean;
  active: number;
  count: number;
}

export type MenuAction = 'none' | 'accept' | 'close';

/**
 * The listbox's keys: ↑/↓ move (wrapping), Enter and Tab accept the active option, Escape
 * closes. `handled` false: the key is the textarea's (Enter sends when the menu is closed).
 */
export function menuKey(
  state: MenuState,
  key: string,
): { state: MenuState; action: MenuAction; handled: boolean } {
  if (!state.open || state.count === 0) return { state, action: 'none', handled: false };
  switch (key) {
    case 'ArrowDown':
      return { state: { ...state, active: (state.active + 1) % state.count }, action: 'none', handled: true };
    case 'ArrowUp':
      return {
        state: { ...state, active: (state.active - 1 + state.count) % state.count },
        action: 'none',
        handled: true,
      };
    case 'Enter':
    case 'Tab':
      return { state: { ...state, open: false }, action: 'accept', handled: true };
    case 'Escape':
      return { state: { ...state, open: false }, action: 'close', handled: true };
    default:
      return { state, action: 'none', handled: false };
  }
}
