import { describe, expect, it } from 'vitest';
import { DeltaCoalescer, type Delta } from './coalescer';

describe('DeltaCoalescer', () => {
  it('sends the first token at once, then one delta per window, contiguous offsets', async () => {
    const out: Delta[] = [];
    const c = new DeltaCoalescer(20, (d) => out.push(d));
    c.push('a');
    expect(out).toEqual([{ offset: 0, text: 'a' }]);
    c.push('b');
    c.push('c');
    expect(out).toHaveLength(1);
    await new Promise<void>((resolve) => {
      const check = () => (out.length === 2 ? resolve() : setTimeout(check, 2));
      check();
    });
    expect(out[1]).toEqual({ offset: 1, text: 'bc' });
    c.push('d');
    c.flush();
    expect(out[2]).toEqual({ offset: 3, text: 'd' });
    expect(c.text).toBe('abcd');
    c.flush(); // nothing pending: no empty delta
    expect(out).toHaveLength(3);
    c.stop();
  });
});
