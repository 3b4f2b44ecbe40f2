import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newListWalk, ulong_add, ulong_align, vmlist_find, vmlist_find_from } from '../src/kernel/list-walk.js';

// src/kernel/list-walk.ts: the module-level vmlist walks and their branch-free unsigned-long
// helpers. Expected values are worked out by hand from the C's definitions (a + b mod 2^BITS,
// ALIGN(x, a) = (x + a - 1) & ~(a - 1)), not taken from vmx's output.
const I386 = 2 ** 32;
const X86_64 = 2 ** 48; // the biased space's wrap (src/hw/arch.ts)

/** Any unsigned long below `wrap`, its edges often (fc.integer stops at 2^31). */
const below = (wrap: number) =>
  fc.oneof(
    fc.constantFrom(0, 1, wrap - 1, wrap - 0x1000, wrap / 2),
    fc.tuple(fc.integer({ min: 0, max: 2 ** 24 - 1 }), fc.integer({ min: 0, max: 2 ** 24 - 1 })).map(([hi, lo]) => (hi * 2 ** 24 + lo) % wrap),
  );

/** The definition the ports used before: the sum taken modulo the wrap. */
const modSum = (a: number, b: number, wrap: number): number => (a + b) % wrap;

describe('ulong_add', () => {
  it('wraps at 2^32 on i386 as unsigned long addition does', () => {
    expect(ulong_add(0xc8800000, 0x1000, I386)).toBe(0xc8801000);
    expect(ulong_add(0xfffff000, 0x1000, I386)).toBe(0); // an area ending at 4 GiB
    expect(ulong_add(0xfffff000, 0x3000, I386)).toBe(0x2000);
    expect(ulong_add(0xffffffff, 0xffffffff, I386)).toBe(0xfffffffe);
  });

  it('agrees with the sum modulo the wrap for every pair below it', () => {
    for (const wrap of [I386, X86_64]) {
      fc.assert(
        fc.property(below(wrap), below(wrap), (a, b) => ulong_add(a, b, wrap) === modSum(a, b, wrap)),
        { numRuns: 2000 },
      );
    }
  });
});

describe('ulong_align', () => {
  it('rounds up to the alignment, wrapping past the top as the C does', () => {
    expect(ulong_align(0xc8801234, 0x1000, I386)).toBe(0xc8802000);
    expect(ulong_align(0xc8802000, 0x1000, I386)).toBe(0xc8802000);
    expect(ulong_align(0xc8801234, 1, I386)).toBe(0xc8801234);
    expect(ulong_align(0xfffff001, 0x1000, I386)).toBe(0); // (x + 0xfff) wraps to 0x0000: 0
    expect(ulong_align(0xc8900000, 0x200000, I386)).toBe(0xc8a00000);
  });

  it('agrees with (x + a - 1) rounded down to a, modulo the wrap, for powers of two', () => {
    for (const wrap of [I386, X86_64]) {
      fc.assert(
        fc.property(below(wrap), fc.integer({ min: 0, max: 24 }), (x, bit) => {
          const a = 2 ** bit;
          return ulong_align(x, a, wrap) === Math.floor(modSum(x, a - 1, wrap) / a) * a;
        }),
        { numRuns: 2000 },
      );
    }
  });
});

describe('vmlist_find and vmlist_find_from', () => {
  // vmlist: row 3 (0x1000) -> row 1 (0x3000) -> row 2 (0x6000) -> NULL
  const next = Int32Array.from([0, 2, 0, 1]);
  const addrs = Float64Array.from([0, 0x3000, 0x6000, 0x1000]);
  const head = 3;

  it('finds an entry by address with the one before it, counting every entry it inspects', () => {
    const w = newListWalk();
    expect(vmlist_find(next, addrs, head, 0x3000, w)).toBe(1);
    expect([w.tmp, w.prev, w.visited]).toEqual([1, 3, 2]);
    expect(vmlist_find(next, addrs, head, 0x1000, w)).toBe(3);
    expect([w.prev, w.visited]).toEqual([0, 1]); // the head: no entry before it
  });

  it('runs off the end for an address no entry has, having visited them all', () => {
    const w = newListWalk();
    expect(vmlist_find(next, addrs, head, 0x4000, w)).toBe(0);
    expect([w.tmp, w.prev, w.visited]).toEqual([0, 2, 3]);
    expect(vmlist_find(next, addrs, 0, 0x4000, w)).toBe(0); // an empty list
    expect([w.prev, w.visited]).toEqual([0, 0]);
  });

  it('finds the first entry at or above an address (insert_vmalloc_vm), or NULL past the last', () => {
    const w = newListWalk();
    expect(vmlist_find_from(next, addrs, head, 0x4000, w)).toBe(2);
    expect([w.prev, w.visited]).toEqual([1, 3]);
    expect(vmlist_find_from(next, addrs, head, 0x3000, w)).toBe(1);
    expect([w.prev, w.visited]).toEqual([3, 2]);
    expect(vmlist_find_from(next, addrs, head, 0x7000, w)).toBe(0);
    expect([w.prev, w.visited]).toEqual([2, 3]);
  });
});
