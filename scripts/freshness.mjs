// Is a build output (client/dist, server/dist) up to date with its sources? Plain JavaScript:
// scripts/start.mjs runs under plain node and asks this on every `npm start`, and the build
// scripts (under tsx) record the answer.
//
// Each output has a stamp file holding a fingerprint (a hash of its sources' paths and bytes).
// The warm path reads nothing: when no source is newer than the stamp (stat calls only, ~10 ms
// for the few hundred files) the output is fresh. Only when one is newer (an edit, a checkout,
// an npm install) are the sources hashed; an unchanged hash (a checkout that came back, a test
// file saved) touches the stamp and rebuilds nothing. Test files are not sources: no bundle
// contains them, so editing one never costs a build.
import { createHash } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** @typedef {{ output: string, stamp: string, sources: string[] }} Build */

const NOT_SOURCE = /\.test\.tsx?$/;

/** @type {Build} */
export const CLIENT_BUILD = {
  output: 'client/dist/index.html',
  stamp: 'client/dist/.build-stamp',
  sources: [
    'client/src',
    'client/index.html',
    'client/vite.config.ts',
    'client/package.json',
    'shared/src',
    // Versions of the client's dependencies (what vite bundles).
    'package-lock.json',
  ],
};

/** @type {Build} */
export const SERVER_BUILD = {
  output: 'server/dist/main.js',
  stamp: 'server/dist/.build-stamp',
  sources: [
    'server/src',
    'shared/src',
    'server/package.json',
    'scripts/build-server.ts',
    'scripts/freshness.mjs',
    // The bundle contains the dependencies: what npm last installed into node_modules.
    'package-lock.json',
    'node_modules/.package-lock.json',
  ],
};

/** @param {string} root @param {string[]} sources @returns {string[]} files, sorted */
function sourceFiles(root, sources) {
  /** @type {string[]} */
  const files = [];
  /** @param {string} rel */
  const walk = (rel) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    if (!statSync(abs).isDirectory()) {
      if (!NOT_SOURCE.test(rel)) files.push(rel);
      return;
    }
    for (const e of readdirSync(abs)) walk(path.join(rel, e));
  };
  for (const s of sources) walk(s);
  return files.sort();
}

/** @param {string} root @param {string[]} sources @param {number} since @returns {boolean} */
function anyNewer(root, sources, since) {
  /** @param {string} abs @returns {boolean} */
  const newer = (abs) => {
    if (!existsSync(abs)) return false;
    const s = statSync(abs);
    // A directory's own mtime changes when an entry is added, removed or renamed.
    if (s.mtimeMs > since) return true;
    return s.isDirectory() && readdirSync(abs).some((e) => !NOT_SOURCE.test(e) && newer(path.join(abs, e)));
  };
  return sources.some((s) => newer(path.join(root, s)));
}

/**
 * The hash of a build's sources (their paths and contents), and when it was taken (before
 * reading them: an edit after that moment is newer than a stamp dated then).
 * @param {string} root @param {Build} build @returns {{ hash: string, at: Date }}
 */
export function fingerprint(root, build) {
  const at = new Date();
  const hash = createHash('sha256');
  for (const f of sourceFiles(root, build.sources)) {
    hash.update(`${f}\0`);
    hash.update(readFileSync(path.join(root, f)));
    hash.update('\0');
  }
  return { hash: hash.digest('hex'), at };
}

/**
 * True when the build's output and stamp exist and its sources are what the stamp records.
 * @param {string} root @param {Build} build
 */
export function isFresh(root, build) {
  const stamp = path.join(root, build.stamp);
  if (!existsSync(path.join(root, build.output)) || !existsSync(stamp)) return false;
  const since = statSync(stamp).mtimeMs;
  if (!anyNewer(root, build.sources, since)) return true;
  const print = fingerprint(root, build);
  if (readFileSync(stamp, 'utf8').trim() !== print.hash) return false;
  // Same sources, newer times: remember that, so the next check stays on the stat-only path.
  utimesSync(stamp, print.at, print.at);
  return true;
}

/**
 * Records a finished build: `print` is the fingerprint taken before it started, and the stamp is
 * dated then too, so a source edited during the build is newer than the stamp and gets rehashed.
 * @param {string} root @param {Build} build @param {{ hash: string, at: Date }} print
 */
export function writeStamp(root, build, print) {
  const stamp = path.join(root, build.stamp);
  const tmp = `${stamp}.${process.pid}.tmp`;
  writeFileSync(tmp, `${print.hash}\n`);
  utimesSync(tmp, print.at, print.at);
  renameSync(tmp, stamp);
}
