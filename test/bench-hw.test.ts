/**
 * The fast paths added for issue 8 (performance) must agree exactly with the plain definitions
 * they replace: hex formatting without BigInt, page-table indexing without a floating remainder,
 * zonelists built once, fault injection counted in arrays. Run: npx vitest run test/bench-hw.test.ts
 */
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../src/hw/arch.js';
import { fmtPointer, hexAddr, hexDigits, realAddr } from '../src/hw/addr.js';
import { PageTables } from '../src/hw/pagetable.js';
import { Kernel } from '../src/kernel/kernel.js';

/** Deterministic xorshift, so a failure names a reproducible value. */
function* values(seed: number, n: number, max: number): Generator<number> {
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const hi = (x >>> 0) / 2 ** 32;
    yield Math.floor(hi * max);
  }
}

const EDGES = [0, 1, 15, 16, 255, 256, 4095, 4096, 0xffff, 0x10000, 0xc8800000, 0xfdffe000, 2 ** 32 - 1, 2 ** 32, 2 ** 47, 2 ** 48 - 1, 2 ** 48, 2 ** 53 - 1];

describe('hexAddr fast paths', () => {
  for (const arch of Object.values(ARCHES)) {
    it(`${arch.name}: equals the BigInt definition`, () => {
      const all = [...EDGES, ...values(7, 20000, 2 ** 32), ...values(11, 20000, 2 ** 53), -1, -4096, -(2 ** 40)];
      for (const a of all) {
        expect(hexAddr(arch, a)).toBe('0x' + realAddr(arch, a).toString(16));
        expect(fmtPointer(arch, a)).toBe(realAddr(arch, a).toString(16).padStart(arch.ptrBytes * 2, '0'));
      }
    });
  }
  it('writes out known values', () => {
    expect(hexAddr(ARCHES.i386, 0xc8800000)).toBe('0xc8800000');
    expect(hexAddr(ARCHES.x86_64, Number(0xffffc90000000000n - 0xffff000000000000n))).toBe('0xffffc90000000000');
    expect(fmtPointer(ARCHES.i386, 0)).toBe('00000000');
    expect(fmtPointer(ARCHES.x86_64, 0)).toBe('0000000000000000');
    expect(hexDigits(0)).toBe('0');
    for (const v of [...EDGES, ...values(3, 5000, 2 ** 53)]) expect(hexDigits(v)).toBe(v.toString(16));
  });
});

describe('page-table index without fmod', () => {
  for (const arch of Object.values(ARCHES)) {
    it(`${arch.name}: index(level, addr) is floor(addr / 2^shift) % entries`, () => {
      const pt = new PageTables(arch);
      for (const a of [...EDGES, ...values(5, 5000, 2 ** 48)]) {
        arch.levels.forEach((l, level) => expect(pt.index(level, a)).toBe(Math.floor(a / 2 ** l.shift) % l.entries));
      }
    });
  }
});

describe('kernel services', () => {
  it('zonelistFor returns the machine zonelists, as fresh arrays', () => {
    const k = new Kernel({ arch: 'i386', ramMiB: 2048, cpus: 1, nodes: 1 }, { kmallocSizes: [32, 64], vmallocFile: 'vmalloc.c' });
    const names = (gfp: number) => k.zonelistFor(gfp).map((z) => z.name);
    expect(names(0)).toEqual(['NORMAL', 'DMA']);
    expect(names(0x02)).toEqual(['HIGHMEM', 'NORMAL', 'DMA']);
    expect(names(0x01)).toEqual(['DMA']);
    expect(k.zonelistFor(0)).not.toBe(k.zonelistFor(0));
  });

  it('fault injection fires the nth call of its site only, and counts every call', () => {
    const k = new Kernel({ arch: 'i386', ramMiB: 64, cpus: 1, nodes: 1 }, { kmallocSizes: [32, 64], vmallocFile: 'vmalloc.c' });
    k.faults.arm('alloc_page', 3);
    k.faults.arm('kmalloc', 1);
    const got = [k.alloc_page(0), k.alloc_page(0), k.alloc_page(0), k.alloc_page(0)].map((p) => p >= 0);
    expect(got).toEqual([true, true, false, true]);
    expect(k.kmalloc(16)).toBe(0);
    expect(k.kmalloc(16)).not.toBe(0);
    expect(k.faults.callCount('alloc_page')).toBe(4);
    expect(k.faults.callCount('kmalloc')).toBe(2);
    expect(k.faults.callCount('pte_alloc')).toBe(0);
    expect(k.faults.fired).toEqual([
      { site: 'alloc_page', call: 3 },
      { site: 'kmalloc', call: 1 },
    ]);
  });
});
