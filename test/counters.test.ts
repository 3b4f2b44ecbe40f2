import { describe, expect, it } from 'vitest';
import { COUNTER_INDEX, COUNTERS, counterIndex } from '../src/kernel/counters.js';
import { Kernel } from '../src/kernel/kernel.js';

describe('counters', () => {
  it('counterIndex gives each key its place in COUNTERS', () => {
    COUNTERS.forEach((c, i) => {
      expect(counterIndex(c.key)).toBe(i);
      expect(COUNTER_INDEX[c.key]).toBe(i);
    });
  });

  it('Kernel.count bumps the named counter and no other', () => {
    const k = new Kernel({ arch: 'i386', ramMiB: 64, cpus: 1, nodes: 1 }, { kmallocSizes: [32, 64], vmallocFile: 'vmalloc.c' });
    for (const c of COUNTERS) {
      const before = k.counters.slice();
      k.count(c.key, 3);
      COUNTERS.forEach((d, j) => expect(k.counters[j] - before[j]).toBe(d.key === c.key ? 3 : 0));
    }
  });
});
