import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

const dom = (html: string) => {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
};

describe('renderMarkdown', () => {
  it('renders code blocks and inline markdown', () => {
    const d = dom(renderMarkdown('Hello **world**\n\n```ts\nconst a = 1;\n```'));
    expect(d.querySelector('strong')?.textContent).toBe('world');
    expect(d.querySelector('pre code')?.textContent).toBe('const a = 1;\n');
  });

  it('keeps an unclosed code fence mid-stream inside one code block', () => {
    const d = dom(renderMarkdown('Here:\n\n```js\nfunction f() {\n  return "<b>x</b>";'));
    const code = d.querySelector('pre code');
    expect(code?.textContent).toContain('return "<b>x</b>";');
    expect(d.querySelector('b')).toBeNull();
  });

  it('leaves a half-written link as text, then links it when complete', () => {
    const half = dom(renderMarkdown('See [the docs](https://exa'));
    // No link named "the docs" yet: the brackets stay visible text (GFM may autolink the bare URL).
    expect([...half.querySelectorAll('a')].some((a) => a.textContent === 'the docs')).toBe(false);
    expect(half.textContent).toContain('[the docs](');
    const full = dom(renderMarkdown('See [the docs](https://example.com)'));
    const a = full.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.com');
    expect(a.getAttribute('rel')).toContain('noopener');
  });

  it('never lets raw HTML or script URLs through', () => {
    const d = dom(
      renderMarkdown(
        '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <b onclick="x()">hi</b>',
      ),
    );
    expect(d.querySelector('script, img, b, [onerror], [onclick]')).toBeNull();
    expect(d.querySelector('a[href^="javascript"]')).toBeNull();
    expect(d.textContent).toContain('<script>alert(1)</script>');
  });

  it('handles a half-written html tag and an unterminated emphasis', () => {
    const d = dom(renderMarkdown('text <div class="a'));
    expect(d.querySelector('div')).toBeNull();
    expect(dom(renderMarkdown('so **bold')).textContent).toContain('so **bold');
  });
});
