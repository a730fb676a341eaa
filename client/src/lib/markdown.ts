import DOMPurify from 'dompurify';
import { Marked } from 'marked';

// Markdown for descriptions and chat. Two locks on raw HTML: marked renders any HTML in the
// source as escaped text, and DOMPurify sanitises whatever marked produced. Partial input
// (a reply mid-stream with an open code fence or half a link) is just more markdown: marked
// closes open blocks at the end of input, and a half link stays text.

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Images load only from https or this origin (a path like /x.png): no http (mixed content), no
 * data: or javascript: URLs, no other schemes. Anything else shows its alt text in place, marked
 * as an image, so a picture never vanishes silently.
 */
export function imageAllowed(src: string): boolean {
  if (/^\/(?!\/)/.test(src)) return true;
  try {
    return new URL(src).protocol === 'https:';
  } catch {
    return false;
  }
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text, title }) => {
      const alt = escapeHtml(text || 'image');
      if (!imageAllowed(href))
        return `<span class="md-img-blocked" title="Image not shown: only https or same-site images load">🖼 ${alt}</span>`;
      const t = title ? ` title="${escapeHtml(title)}"` : '';
      return `<img src="${escapeHtml(href)}" alt="${alt}"${t} loading="lazy" referrerpolicy="no-referrer">`;
    },
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
      // Second lock on images (the renderer made them): a src that is not allowed goes.
      if (node.tagName === 'IMG' && !imageAllowed(node.getAttribute('src') ?? ''))
        node.removeAttribute('src');
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
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'],
    FORBID_ATTR: ['style'],
    ADD_ATTR: ['loading', 'referrerpolicy'],
  });
}
