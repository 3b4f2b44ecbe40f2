import { describe, expect, it } from 'vitest';
import { AddrTable } from '../src/kernel/addr-table.js';

// AddrTable (src/kernel/addr-table.ts) stands in for the Map slab.live and kmemleak.objects were:
// the same answers and the same iteration order as a Map under any sequence of set/delete/get.
describe('AddrTable', () => {
  it('answers and iterates as a Map does, on i386, x86_64 and user-half style keys', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    for (const base of [0, 0xc1000000, 2 ** 47 + 0x880000000000, 0xffff8000]) {
      const t = new AddrTable<{ r: number }>();
      const m = new Map<number, { r: number }>();
      for (let r = 0; r < 20000; r++) {
        const a = base + Math.floor(rnd() * 700) * (rnd() < 0.5 ? 32 : 4096 * 1024);
        const x = rnd();
        if (x < 0.45) {
          const v = { r };
          t.set(a, v);
          m.set(a, v);
        } else if (x < 0.9) {
          expect(t.delete(a)).toBe(m.delete(a));
        } else {
          expect(t.get(a)).toBe(m.get(a));
          expect(t.has(a)).toBe(m.has(a));
        }
        expect(t.size).toBe(m.size);
        if (r % 2000 === 0) {
          expect([...t]).toEqual([...m]);
          expect([...t.keys()]).toEqual([...m.keys()]);
          expect([...t.values()]).toEqual([...m.values()]);
        }
      }
    }
  });

  it('puts a key set again after its delete last, and keeps a live key in place', () => {
    const t = new AddrTable<string>();
    t.set(0xc0001000, 'a').set(0xc0002000, 'b').set(0xc0003000, 'c');
    t.delete(0xc0001000);
    t.set(0xc0001000, 'a2');
    t.set(0xc0002000, 'b2');
    expect([...t]).toEqual([
      [0xc0002000, 'b2'],
      [0xc0003000, 'c'],
      [0xc0001000, 'a2'],
    ]);
    expect(t.get(0xc0004000)).toBeUndefined();
    expect(t.delete(0xc0004000)).toBe(false);
  });
});
