import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// WCAG 2.x contrast of the colour pairs the stylesheet actually uses, computed from the CSS
// variables of both themes: 4.5:1 for text, 3:1 for the focus ring (a non-text indicator).

// Vitest runs from the repository root (under jsdom import.meta.url is an http URL).
const css = readFileSync(path.resolve('client/src/styles.css'), 'utf8');

function vars(body: string): Record<string, string> {
  return Object.fromEntries(
    [...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\b/gi)].map((m) => [m[1]!, m[2]!]),
  );
}
const light = vars(/:root \{([\s\S]*?)\n\}/.exec(css)![1]!);
const dark = {
  ...light,
  ...vars(/prefers-color-scheme: dark\) \{\s*:root \{([\s\S]*?)\n {2}\}/.exec(css)![1]!),
};

const channel = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
function luminance(hex: string) {
  const [r, g, b] = [1, 3, 5].map((i) => channel(parseInt(hex.slice(i, i + 2), 16) / 255));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function contrast(a: string, b: string) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

// [text, background, where]
const TEXT: [string, string, string][] = [
  ...['bg', 'surface', 'surface-2', 'column', 'user-bubble', 'danger-bg', 'warn-bg', 'code-bg'].map(
    (bg): [string, string, string] => ['text', bg, 'body text'],
  ),
  ['muted', 'bg', 'empty states on the board'],
  ['muted', 'surface', 'card meta, labels, placeholders, queued badge'],
  ['muted', 'surface-2', 'reply meta, chat heading'],
  ['muted', 'column', 'column count, "No cards yet"'],
  ['muted', 'danger-bg', 'meta of a failed reply'],
  ['accent', 'surface', 'thinking badge, links'],
  ['accent', 'surface-2', 'links in replies'],
  ['accent', 'user-bubble', 'links in own messages'],
  ['accent-text', 'accent', 'primary button, streaming badge'],
  ['danger', 'surface', 'danger button, offline pill'],
  ['danger', 'danger-bg', 'error badge, reply error'],
  ['warn', 'warn-bg', 'offline banner'],
  ...['p-urgent', 'p-high', 'p-medium', 'p-low'].map((p): [string, string, string] => [
    p,
    'surface',
    'priority badge',
  ]),
];

describe.each([
  ['light', light],
  ['dark', dark],
])('%s theme contrast', (_name, theme) => {
  it.each(TEXT)('--%s on --%s (%s) is at least 4.5:1', (fg, bg) => {
    expect(theme[fg], fg).toBeDefined();
    expect(theme[bg], bg).toBeDefined();
    expect(contrast(theme[fg]!, theme[bg]!)).toBeGreaterThanOrEqual(4.5);
  });
  it.each(['bg', 'surface', 'column'])('the focus ring on --%s is at least 3:1', (bg) => {
    expect(contrast(theme.focus!, theme[bg]!)).toBeGreaterThanOrEqual(3);
  });
});

describe('contrast()', () => {
  it('matches the WCAG reference values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});
