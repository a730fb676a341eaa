import { ensureClientBuilt } from '../../scripts/build-client';

// Global setup of the projects that serve the built client (e2e): builds client/dist once, before
// any test of the run starts a server (vitest runs every project's global setup first), and only
// when its stamp is stale. Projects that never load the board do not wait for a Vite build.
export default async function setup() {
  await ensureClientBuilt();
}
