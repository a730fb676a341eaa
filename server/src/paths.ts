import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The repository (or image) root: two levels above this module, which is server/src/paths.ts
// when run from source and server/dist/main.js once bundled (scripts/build-server.ts). Files the
// server reads at run time (migrations, the built client) are found from here in both cases.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const fromRoot = (...parts: string[]) => path.join(ROOT, ...parts);
