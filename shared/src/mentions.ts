// @mentions in a chat message (docs/agents.md, "Who answers"). Shared so the composer can show
// which words address an agent exactly as the server reads them.
//
// A mention is `@` + a handle, standing on its own: at the start or after a space or opening
// punctuation, and not running on into more handle characters, another `@`, a path or a domain
// (so `bob@planner.io`, `@planner.io`, `x/@planner` and `\@planner` are text). Code spans and
// fenced code blocks are text too. Only handles the board has count (the caller says which);
// anything else — a person's name, an e-mail — stays plain text.

/** `@all`: every agent of the board. Not a valid agent handle (shared/src/schemas/agent.ts). */
export const ALL_AGENTS = 'all';

// What may stand right before the `@`: nothing, whitespace, or opening/separating punctuation.
const BEFORE = /[\s([{<"'“‘«,;:!?*]/;
// The longest handle-looking word after an `@` (handles: ^[a-z][a-z0-9_-]{0,31}$, any case here).
const CANDIDATE = /@([A-Za-z][A-Za-z0-9_-]*)/g;

/** The text with code blocks and code spans blanked out (same length, so indices still match). */
export function maskCode(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  // Fenced blocks: a line opening with ``` or ~~~ up to a closing fence of the same kind (or the end).
  let out = text.replace(
    /^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\2[`~]*[ \t]*$|(?![\s\S]))/gm,
    blank,
  );
  // Code spans: a run of backticks up to the next run of the same length.
  out = out.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, blank);
  return out;
}

/**
 * The handles (lower case, in order of first appearance, each once) that `text` addresses among
 * `known` (the board's handles, lower case); `all` when it says `@all`.
 */
export function parseMentions(text: string, known: ReadonlySet<string>): string[] {
  const masked = maskCode(text);
  const found: string[] = [];
  for (const m of masked.matchAll(CANDIDATE)) {
    const at = m.index;
    if (at > 0 && !BEFORE.test(masked[at - 1]!)) continue;
    const word = m[1]!;
    const after = masked.slice(at + 1 + word.length);
    // `@planner@x`, `@planner.io`, `@planner/x`: an address or a path, not a mention.
    if (/^(?:@|[./][A-Za-z0-9])/.test(after)) continue;
    // "@planner-" or "@writer_": trailing - and _ are punctuation when the word is not a handle.
    const handle = [word, word.replace(/[-_]+$/, '')]
      .map((w) => w.toLowerCase())
      .find((w) => w.length <= 32 && (w === ALL_AGENTS || known.has(w)));
    if (handle && !found.includes(handle)) found.push(handle);
  }
  return found;
}
