import { describe, expect, it } from 'vitest';
import { highlightCode } from './highlight';
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

describe('markdown images', () => {
  it('shows https and same-site images, lazily and without a referrer', () => {
    const d = dom(renderMarkdown('![a chart](https://example.com/c.png "Chart") ![logo](/logo.png)'));
    const imgs = [...d.querySelectorAll('img')];
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual(['https://example.com/c.png', '/logo.png']);
    expect(imgs[0]!.getAttribute('alt')).toBe('a chart');
    expect(imgs[0]!.getAttribute('loading')).toBe('lazy');
    expect(imgs[0]!.getAttribute('referrerpolicy')).toBe('no-referrer');
  });

  it('shows the alt text of any other image in its place', () => {
    for (const src of [
      'http://example.com/x.png',
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      '//evil.test/x.png',
    ]) {
      const d = dom(renderMarkdown(`before ![the diagram](${src}) after`));
      expect(d.querySelector('img'), src).toBeNull();
      expect(d.querySelector('.md-img-blocked')?.textContent, src).toContain('the diagram');
    }
  });

  it('escapes alt text and titles', () => {
    const d = dom(renderMarkdown('![<b>x</b>" onerror="y](https://example.com/a.png)'));
    expect(d.querySelector('[onerror], b')).toBeNull();
  });
});

describe('highlightCode', () => {
  it('highlights a ts block and keeps code text as text', async () => {
    const d = dom(renderMarkdown('```ts\nconst a: number = 1; // <img src=x onerror=alert(1)>\n```'));
    await highlightCode(d);
    const code = d.querySelector('pre code')!;
    expect(code.classList.contains('hljs')).toBe(true);
    expect([...code.querySelectorAll('.hljs-keyword')].map((s) => s.textContent)).toContain('const');
    expect(code.querySelector('img')).toBeNull();
    expect(code.textContent).toBe('const a: number = 1; // <img src=x onerror=alert(1)>\n');
  });

  it('leaves unknown languages and plain blocks untouched', async () => {
    const d = dom(renderMarkdown('```nosuchlang\nx\n```\n\n```\ny\n```'));
    await highlightCode(d);
    expect(d.querySelector('.hljs')).toBeNull();
  });
});
