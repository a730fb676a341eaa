// Types of scripts/freshness.mjs (plain JavaScript so that scripts/start.mjs needs no tsx).
export interface Build {
  /** The file whose absence means "not built" (repository-relative). */
  output: string;
  /** The stamp file: the sources' fingerprint at the last build. */
  stamp: string;
  /** Files and directories the output is built from. */
  sources: string[];
}
export interface Fingerprint {
  hash: string;
  at: Date;
}
export const CLIENT_BUILD: Build;
export const SERVER_BUILD: Build;
export function fingerprint(root: string, build: Build): Fingerprint;
export function isFresh(root: string, build: Build): boolean;
export function writeStamp(root: string, build: Build, print: Fingerprint): void;
