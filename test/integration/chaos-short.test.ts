import { expect, it } from 'vitest';
import { CONNECTIONS, runChaos } from '../chaos/run';
import { failures, formatTable } from '../chaos/table';

// The chaos suite (`npm run chaos`) in small: one trial of every scenario, on the external
// database path (the full run adds the embedded path and more trials), against processes and a
// Postgres of its own. The bar is the suite's: 0 acknowledged writes lost, 0 stuck replies, 0 5xx
// outside the outage window, recovery within 10 s.

it('survives every chaos scenario once', { timeout: 900_000 }, async () => {
  const rows = await runChaos({
    modes: ['external'],
    trials: 1,
    shapeRequests: 300,
    subscribes: 300,
    connections: CONNECTIONS,
  });
  expect(failures(rows), formatTable(rows)).toEqual([]);
});
