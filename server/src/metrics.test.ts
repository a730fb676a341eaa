import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics';

// Each app owns its registry: two in one process neither clash nor share series.
describe('Metrics', () => {
  it('keeps two apps apart in one process', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.replyEnded('completed', 'openai:m', { input_tokens: 5, output_tokens: 2 });
    expect(await a.text()).toMatch(/^kanban_replies_total\{status="completed"\} 1$/m);
    expect(await b.text()).not.toMatch(/^kanban_replies_total\{/m);
  });

  it('reads pulled gauges at scrape time and survives a failing source', async () => {
    const m = new Metrics();
    let shapes = 2;
    m.use({
      shapes: () => ({ shapes }),
      queues: () => Promise.reject(new Error('database away')),
      connections: () => ({ control: false }),
    });
    expect(await m.text()).toMatch(/^kanban_shapes 2$/m);
    shapes = 3;
    const text = await m.text();
    expect(text).toMatch(/^kanban_shapes 3$/m);
    expect(text).toMatch(/^kanban_connection_up\{name="control"\} 0$/m);
    expect(text).not.toMatch(/^kanban_queue_jobs\{/m);
  });
});

describe('process metrics', () => {
  it('are collected only when asked for (their observers cannot be stopped)', async () => {
    expect(await new Metrics().text()).not.toMatch(/^process_resident_memory_bytes /m);
    expect(await new Metrics({ processMetrics: true }).text()).toMatch(/^process_resident_memory_bytes /m);
  });
});
