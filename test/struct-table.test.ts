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

  it('memset0 clears every kind of field of one row, before and after the columns grow', () => {
    const t = structTable(LAYOUT);
    const fill = (p: number): void => {
      t.next[p] = 7;
      t.addr[p] = 0xc8800000;
      t.flags[p] = 3;
      t.caller[p] = 'vmalloc';
    };
    const row = (p: number): unknown[] => [t.self[p], t.next[p], t.addr[p], t.flags[p], t.caller[p]];
    const a = t.handleAt(0xc1000040);
    const b = t.handleAt(0xc1000080);
    fill(a);
    fill(b);
    t.memset0(a);
    expect(row(a)).toEqual([0xc1000040, 0, 0, 0, null]);
    expect(row(b)).toEqual([0xc1000080, 7, 0xc8800000, 3, 'vmalloc']);
    // Past the first 64 rows every column is a new array: memset0 must clear those.
    let last = 0;
    for (let i = 0; i < 100; i++) last = t.handleAt(0xc2000000 + i * 64);
    fill(last);
    fill(b);
    t.memset0(last);
    expect(row(last)).toEqual([0xc2000000 + 99 * 64, 0, 0, 0, null]);
    expect(row(b)).toEqual([0xc1000080, 7, 0xc8800000, 3, 'vmalloc']);
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
