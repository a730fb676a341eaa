// Syntax highlighting for fenced code blocks in rendered markdown. The highlighter is a separate
// chunk, imported only when a block names a language, so the initial bundle does not carry it.
// Safe by construction: highlight.js reads the block's textContent and writes escaped HTML
// (only <span class="hljs-…"> wrappers), so code text can never become markup.

import type hljsCore from './highlight-langs';

type Hljs = typeof hljsCore;
let loading: Promise<Hljs> | undefined;
const load = () => (loading ??= import('./highlight-langs').then((m) => m.default));

const blocks = (root: ParentNode) =>
  [...root.querySelectorAll<HTMLElement>('pre code[class*="language-"]')].filter(
    (c) => !c.classList.contains('hljs'),
  );

/** Highlights the not-yet-highlighted code blocks under root that name a known language. */
export async function highlightCode(root: ParentNode): Promise<void> {
  if (blocks(root).length === 0) return;
  const hljs = await load();
  for (const code of blocks(root)) {
    const lang = /language-([\w+-]+)/.exec(code.className)?.[1];
    if (!lang || !hljs.getLanguage(lang)) continue;
    const { value } = hljs.highlight(code.textContent ?? '', { language: lang, ignoreIllegals: true });
    // hljs output: the code text escaped, inside hljs spans only.
    code.innerHTML = value;
    code.classList.add('hljs');
  }
}
