import { createHash, randomBytes } from 'node:crypto';

// Secrets handed to people (API keys, invite tokens) are random and stored only as a SHA-256:
// they are long enough that a slow hash adds nothing, and a lookup by hash stays one index probe.

export const newToken = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
