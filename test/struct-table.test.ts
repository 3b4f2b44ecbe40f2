import { describe, expect, it } from 'vitest';
import { ref, structTable } from '../src/kernel/struct-table.js';

// StructTable (src/kernel/struct-table.ts): a struct as columns, one row per kmalloc'ed address.
describe('structTable', () => {
  const LAYOUT = { next: 'ptr', addr: 'ulong', flags: 'int', caller: ref<string>() } as const;

  it('gives row 1 first (0 is NULL) and the same row again for the same address', () => {
    const t = structTable(LAYOUT);
    const a = t.handleAt(0xc1000010);
    const b = t.handleAt(0xc1000020);
    expect([a, b]).toEqual([1, 2]);
    expect(t.handleAt(0xc1000010)).toBe(1);
    expect(t.self[1]).toBe(0xc1000010);
    expect(t.self[2]).toBe(0xc1000020);
    expect(t.rows).toBe(3);
  });

  it('keeps a row written before the address comes back (kmalloc does not clear)', () => {
    const t = structTable(LAYOUT);
    const p = t.handleAt(0xc1000040);
    t.addr[p] = 0xc8800000;
    t.flags[p] = 2;
    t.caller[p] = 'vmalloc';
    expect(t.handleAt(0xc1000040)).toBe(p);
    expect([t.addr[p], t.flags[p], t.caller[p]]).toEqual([0xc8800000, 2, 'vmalloc']);
  });

  it('holds x86_64 biased addresses exactly and links rows as a list', () => {
    const t = structTable(LAYOUT);
    const base = 2 ** 47 + 0x1000000000; // biased 0xffff801000000000
    let head = 0;
    // 1,000 rows: the columns grow past their first 64 rows several times.
    for (let i = 0; i < 1000; i++) {
      const p = t.handleAt(base + i * 64);
      t.addr[p] = 2 ** 48 - 4096 * (i + 1);
      t.next[p] = head;
      t.caller[p] = `c${i}`;
      head = p;
    }
    const seen: number[] = [];
    for (let p = head; p; p = t.next[p]) seen.push(t.addr[p]);
    expect(seen).toHaveLength(1000);
    expect(seen[0]).toBe(2 ** 48 - 4096 * 1000);
    expect(seen[999]).toBe(2 ** 48 - 4096);
    expect(t.caller[t.handleAt(base + 999 * 64)]).toBe('c999');
    expect(t.self[t.handleAt(base)]).toBe(base);
    expect(t.rows).toBe(1001);
  });

  it('refuses a field named like the table itself', () => {
    expect(() => structTable({ self: 'ulong' })).toThrow(/self/);
    expect(() => structTable({ rows: 'int' })).toThrow(/rows/);
  });
});
