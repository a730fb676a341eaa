import DOMPurify from 'dompurify';
import { Marked } from 'marked';

// Markdown for descriptions and chat. Two locks on raw HTML: marked renders any HTML in the
// source as escaped text, and DOMPurify sanitises whatever marked produced. Partial input
// (a reply mid-stream with an open code fence or half a link) is just more markdown: marked
// closes open blocks at the end of input, and a half link stays text.

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

let hooked = false;
function purifier() {
  if (!hooked) {
    // Links open in a new tab and cannot reach back into the app.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
    hooked = true;
  }
  return DOMPurify;
}

/** Safe HTML for a markdown string. */
export function renderMarkdown(src: string): string {
  const html = marked.parse(src, { async: false });
  return purifier().sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe', 'img'],
    FORBID_ATTR: ['style'],
  });
}
