import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { fromRoot } from '../paths';

/**
 * The secret that signs session cookies. From config when set; otherwise (development and test
 * only: production refuses to start without one, see config.ts) generated once and kept beside
 * the embedded Postgres data, so `npm start` needs no configuration and sessions survive restarts.
 */
export function authSecret(config: Config): string {
  const given = config.BETTER_AUTH_SECRET ?? config.AUTH_SECRET;
  if (given) return given;
  const dataDir = path.resolve(fromRoot(), path.dirname(config.PG_DATA_DIR));
  const file = path.join(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // wx: two processes starting together keep the first one's secret.
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
  return secret;
}
