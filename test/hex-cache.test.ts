import { describe, expect, it } from 'vitest';
import { AddrHexCache, hexAddr } from '../src/hw/addr.js';
import { ARCHES } from '../src/hw/arch.js';

describe('AddrHexCache', () => {
  it('answers as hexAddr does, for addresses that share a slot and for repeats', () => {
    for (const arch of [ARCHES.i386, ARCHES.x86_64]) {
      const cache = new AddrHexCache(arch);
      const base = arch.name === 'i386' ? 0xc8800000 : 2 ** 47 + 0x1234000;
      // 1,024 pages apart: the same slot of the direct-mapped table, one after another
      const addrs = [base, base + 1024 * 4096, base, base + 4096, base + 2048 * 4096, base + 1024 * 4096, 0, 4095, -8];
      for (let round = 0; round < 2; round++) for (const a of addrs) expect(cache.hex(a)).toBe(hexAddr(arch, a));
    }
  });
});
