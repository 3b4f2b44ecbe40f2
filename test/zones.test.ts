/**
 * machine.zones: "single" (default) gives the vmalloc code's data pages from all of RAM, as
 * the reference stub machine did; "split" honours the gfp zone modifiers as x86 does
 * (__GFP_DMA: the 16 MiB DMA zone only). Run: npx vitest run test/zones.test.ts
 */
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../src/harness/scenario.js';
import { runVersion } from '../src/harness/runner.js';
import { VERSION_IDS, findVersion } from '../src/registry.js';

const scenario = (zones?: 'single' | 'split') =>
  validateScenario(
    {
      name: 'zones',
      machine: { arch: 'i386', ramMiB: 64, cpus: 1, ...(zones ? { zones } : {}) },
      versions: ['2.4.19'],
      steps: [
        { op: 'vmalloc_dma', size: 20 * 1024 * 1024, as: 'big' },
        { op: 'vmalloc_dma', size: 8 * 1024 * 1024, as: 'fits' },
      ],
    },
    VERSION_IDS,
  );

describe('machine.zones', () => {
  const v = findVersion('2.4.19')!;

  it('split: vmalloc_dma beyond the 16 MiB DMA zone fails, a smaller one succeeds in DMA frames', () => {
    const r = runVersion(scenario('split'), v);
    expect(r.steps[0]).toMatchObject({ ok: false, error: 'ENOMEM', addr: null });
    expect(r.steps[1]).toMatchObject({ ok: true, addr: '0xc4800000' });
    // Every data page of the second area lies below 16 MiB (pfn < 4096).
    const k = r.run.kernel;
    for (let a = 0xc4800000; a < 0xc4800000 + 8 * 1024 * 1024; a += 4096) expect(k.walk(a)).toBeLessThan(4096);
  });

  it('single (default): RAM is one zone for data pages, so the 20 MiB vmalloc_dma succeeds', () => {
    const r = runVersion(scenario(), v);
    expect(r.steps[0]).toMatchObject({ ok: true, addr: '0xc4800000' });
    expect(r.steps[1]).toMatchObject({ ok: true, addr: '0xc5c01000' });
  });

  it('rejects an unknown zones mode naming the field', () => {
    expect(() =>
      validateScenario({ name: 'z', machine: { arch: 'i386', ramMiB: 64, zones: 'two' }, steps: [] }, VERSION_IDS),
    ).toThrow(/machine\.zones must be "single" or "split"/);
  });
});
