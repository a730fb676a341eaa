import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint, isFresh, writeStamp, type Build } from './freshness.mjs';

// scripts/freshness.mjs on a small tree of real files: what makes a build stale, what does not.

const BUILD: Build = { output: 'dist/out.js', stamp: 'dist/.build-stamp', sources: ['src', 'config.json'] };

let root: string;
const file = (rel: string) => path.join(root, rel);
const write = (rel: string, text: string) => {
  mkdirSync(path.dirname(file(rel)), { recursive: true });
  writeFileSync(file(rel), text);
};
/** Dates a file `s` seconds after the stamp, so "newer" never depends on the clock's resolution. */
const afterStamp = (rel: string, s = 10) => {
  const t = new Date(statSync(file(BUILD.stamp)).mtimeMs + s * 1000);
  utimesSync(file(rel), t, t);
};
const built = () => {
  const print = fingerprint(root, BUILD);
  write(BUILD.output, 'bundle');
  writeStamp(root, BUILD, print);
};

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'kanban-fresh-'));
  write('src/a.ts', 'a');
  write('src/deep/b.ts', 'b');
  write('config.json', '{}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('isFresh', () => {
  it('is false before the first build and true after it', () => {
    expect(isFresh(root, BUILD)).toBe(false);
    built();
    expect(isFresh(root, BUILD)).toBe(true);
  });

  it('is false once a source changes, anywhere in the tree', () => {
    built();
    write('src/deep/b.ts', 'b2');
    afterStamp('src/deep/b.ts');
    expect(isFresh(root, BUILD)).toBe(false);
  });

  it('is false when a source is added or removed', () => {
    built();
    write('src/c.ts', 'c');
    afterStamp('src/c.ts');
    expect(isFresh(root, BUILD)).toBe(false);
    rmSync(file('src/c.ts'));
    expect(isFresh(root, BUILD)).toBe(true); // the tree is what was built
    rmSync(file('src/a.ts'));
    afterStamp('src');
    expect(isFresh(root, BUILD)).toBe(false);
  });

  it('stays true when sources are only touched (a checkout that came back), and moves the stamp', () => {
    built();
    const past = (s: number) => new Date(Date.now() - s * 1000);
    utimesSync(file(BUILD.stamp), past(100), past(100));
    utimesSync(file('src/a.ts'), past(50), past(50));
    expect(isFresh(root, BUILD)).toBe(true);
    // Dated now: the next check is stat-only again.
    expect(statSync(file(BUILD.stamp)).mtimeMs).toBeGreaterThan(past(50).getTime());
  });

  it('ignores test files: editing or adding one is no reason to build', () => {
    write('src/a.test.ts', 'one');
    built();
    write('src/a.test.ts', 'two');
    write('src/deep/new.test.tsx', 'three');
    afterStamp('src/a.test.ts');
    afterStamp('src/deep/new.test.tsx');
    expect(isFresh(root, BUILD)).toBe(true);
  });

  it('is false when the output or the stamp is gone', () => {
    built();
    rmSync(file(BUILD.output));
    expect(isFresh(root, BUILD)).toBe(false);
    built();
    rmSync(file(BUILD.stamp));
    expect(isFresh(root, BUILD)).toBe(false);
  });

  it('is false after a build during which a source was edited (the stamp is dated when the build began)', () => {
    const began = new Date(Date.now() - 10_000);
    const print = { ...fingerprint(root, BUILD), at: began };
    write('src/a.ts', 'edited while building');
    const edited = new Date(began.getTime() + 1000); // after the build began, before it ended
    utimesSync(file('src/a.ts'), edited, edited);
    write(BUILD.output, 'bundle');
    writeStamp(root, BUILD, print);
    expect(readFileSync(file(BUILD.stamp), 'utf8').trim()).toBe(print.hash);
    expect(isFresh(root, BUILD)).toBe(false);
  });
});
