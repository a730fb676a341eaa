import { ensureClientBuilt } from './build-client';

// `npm start`: one process, not two. Checking the client build in a tsx process of its own and then
// exec'ing another for the server paid Node + tsx start-up twice (bench/startup.bench.ts).
if (await ensureClientBuilt()) process.stdout.write('client built\n');
await import('../server/src/main');
