/**
 * pcpu_get_vm_areas / pcpu_free_vm_areas on 2.6.32 and 2.6.39 (issue 13, "missing functions"),
 * and their absence before 2.6.30 (commit ca23e405e06d, "vmalloc: implement pcpu_get_vm_areas()").
 * Expected values are worked out from the C and written out here, not read back from vmx:
 *   mm/vmalloc.c pcpu_get_vm_areas (2.6.32 line 2104, 2.6.39 line 2276): vmalloc_end =
 *     VMALLOC_END & ~(align - 1); with no vmap_area at or above vmap_area_pcpu_hole (VMALLOC_END
 *     after vmalloc_init) the first scan puts base at vmalloc_end - last_end, so the area with the
 *     highest offset ends at vmalloc_end; each later request goes below the previous one
 *     (pvm_determine_end aligns next->va_start down); area i is at base + offsets[i], with no guard
 *     page (insert_vmalloc_vm: size = va_end - va_start), caller pcpu_get_vm_areas.
 *   BUG_ON(align & ~PAGE_MASK || !is_power_of_2(align)) 2119 / 2289; BUG_ON(!IS_ALIGNED(offsets[area],
 *     align)) 2125 / 2295, sizes 2126 / 2296; overlap BUG_ONs 2139, 2140 / 2309, 2310; WARN_ON(true)
 *     2146 / 2316 when vmalloc_end - vmalloc_start < last_end, returning NULL before any kzalloc.
 *   pcpu_free_vm_areas: free_vm_area(vms[i]) for each (remove_vm_area: the va becomes lazy), then
 *     kfree(vms); __free_vmap_area at the purge raises vmap_area_pcpu_hole to the freed va_end.
 * Run: npx vitest run test/versions/pcpu.test.ts
 *
 * Machine: i386 256 MiB, 1 CPU: VMALLOC_START 0xd0800000, VMALLOC_END 0xff7fe000 on both versions.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError, validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, type VersionRun } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';

const M = 1 << 20;
const END = 0xff7fe000;
const LINES = {
  '2.6.32': { align: 2119, offset: 2125, size: 2126, start2: 2139, end2: 2140, warn: 2146 },
  '2.6.39': { align: 2289, offset: 2295, size: 2296, start2: 2309, end2: 2310, warn: 2316 },
} as const;

function boot(v: string): VersionRun {
  const machine = { arch: 'i386' as const, ramMiB: 256, cpus: 1 };
  return bootVersion(validateScenario({ name: 'pcpu', machine, steps: [] }, VERSION_IDS, 'pcpu'), findVersion(v)!);
}
const step = (run: VersionRun, s: Partial<Step>): StepResult => runStep(run, s as Step).result;
const hex = (n: number) => '0x' + n.toString(16);
const get = (offsets: number[], sizes: number[], align: number, as?: string): Partial<Step> => ({ op: 'pcpu_get_vm_areas', offsets, sizes, align, ...(as ? { as } : {}) });

describe.each(['2.6.32', '2.6.39'] as const)('%s pcpu_get_vm_areas', (v) => {
  it('puts congruent areas at the top of the window, each request below the last, without guard pages', () => {
    const r = boot(v);
    // last_end = 4 MiB + 8 KiB: base = 0xff7fe000 - 0x402000 = 0xff3fc000
    expect(step(r, get([0, 4 * M], [8192, 8192], 4096, 'p'))).toEqual({ op: 'pcpu_get_vm_areas', ok: true, addrs: ['0xff3fc000', '0xff7fc000'], log: [] });
    // next = the area at 0xff7fc000: base = 0xff7fc000 - 0x402000
    expect(step(r, get([0, 4 * M], [8192, 8192], 4096, 'q')).addrs).toEqual(['0xff3fa000', '0xff7fa000']);
    // the highest offset need not be the first: area 0 (offset 8 MiB) ends right below q.1
    expect(step(r, get([8 * M, 0], [4096, 4096], 4096, 'r')).addrs).toEqual([hex(0xff7fa000 - 4096), hex(0xff7fa000 - 4096 - 8 * M)]);
    // the bindings: r.0 and r.1 are the areas; vmallocinfo names the caller, no guard page
    expect(r.bindings.get('r.1')).toBe(0xff7f9000 - 8 * M);
    const text = step(r, { op: 'vmallocinfo' }).text!;
    expect(text).toContain('0xff3fc000-0xff3fe000    8192 pcpu_get_vm_areas+0x0/0x0 vmalloc\n');
  });

  it('reuses the space a freed group left once the purge has raised vmap_area_pcpu_hole', () => {
    const r = boot(v);
    step(r, get([0, 4 * M], [8192, 8192], 4096, 'p'));
    step(r, get([0, 4 * M], [8192, 8192], 4096, 'q'));
    expect(step(r, { op: 'pcpu_free_vm_areas', ref: 'p' })).toEqual({ op: 'pcpu_free_vm_areas', ok: true, log: [] });
    // a second free of one vms array: refused (SIM, nothing called)
    expect(step(r, { op: 'pcpu_free_vm_areas', ref: 'p' })).toEqual({ op: 'pcpu_free_vm_areas', ok: false, error: 'nonexistent', log: [] });
    // freed lazily: p's vmap_areas are still in the tree, so the hole has not moved (q is below p)
    expect(step(r, get([0, 4 * M], [8192, 8192], 4096, 's')).addrs).toEqual(['0xff3f8000', '0xff7f8000']);
    step(r, { op: 'vm_unmap_aliases' });
    // after the purge vmap_area_pcpu_hole = VMALLOC_END again: p's old place
    expect(step(r, get([0, 4 * M], [8192, 8192], 4096, 't')).addrs).toEqual(['0xff3fc000', '0xff7fc000']);
  });

  it("BUGs on the C's parameter checks and WARNs when the span exceeds the window", () => {
    const L = LINES[v];
    const bug = (line: number) => ({ op: 'pcpu_get_vm_areas', ok: false, error: 'BUG', addrs: null, log: [`kernel BUG at mm/vmalloc.c:${line}!`] });
    const r = boot(v);
    expect(step(r, get([0, 4 * M], [8192, 8192], 2048))).toEqual(bug(L.align));
    expect(step(r, get([4096, 4 * M], [8192, 8192], 8192))).toEqual(bug(L.offset));
    expect(step(r, get([0, 4 * M], [12288, 8192], 8192))).toEqual(bug(L.size));
    // area 1 starts inside area 0
    expect(step(r, get([0, 4096], [8192, 4096], 4096))).toEqual(bug(L.start2));
    // area 1 (offset 0, 12 KiB) ends inside area 0 (offset 8 KiB): start2 < start, end2 in (start, end]
    expect(step(r, get([8192, 0], [4096, 12288], 4096))).toEqual(bug(L.end2));
    // 1 GiB + 4 KiB > 0xff7fe000 - 0xd0800000
    expect(step(r, get([0, 1024 * M], [4096, 4096], 4096))).toEqual({
      op: 'pcpu_get_vm_areas',
      ok: false,
      error: 'ENOMEM',
      addrs: null,
      log: [`WARNING: at mm/vmalloc.c:${L.warn} pcpu_get_vm_areas()`],
    });
    // none of these allocated anything or left a lock held
    expect(step(r, get([0], [4096], 4096)).addrs).toEqual([hex(END - 4096)]);
  });

  it('returns NULL when a kzalloc fails, kfree-ing what it had (no slab object left behind)', () => {
    for (let nth = 1; nth <= 4; nth++) {
      const r = boot(v);
      const live = r.kernel.slab.live.size;
      step(r, { op: 'fail', site: 'kmalloc', nth });
      // vms, vas, vas[0], vms[0]: any of them NULL goes to err_free
      expect(step(r, get([0], [4096], 4096, 'f'))).toEqual({ op: 'pcpu_get_vm_areas', ok: false, error: 'ENOMEM', addrs: null, log: [] });
      expect(r.kernel.slab.live.size).toBe(live);
      expect(r.bindings.get('f.0')).toBe(0);
    }
  });
});

describe('pcpu_get_vm_areas before 2.6.30', () => {
  it.each(['2.6.9', '2.6.27'])('%s has none (unsupported)', (v) => {
    const r = boot(v);
    expect(step(r, get([0], [4096], 4096, 'p'))).toEqual({ op: 'pcpu_get_vm_areas', ok: false, error: 'unsupported', addrs: null, log: [] });
    expect(step(r, { op: 'pcpu_free_vm_areas', ref: 'p' })).toEqual({ op: 'pcpu_free_vm_areas', ok: false, error: 'unsupported', log: [] });
  });
});

describe('pcpu_get_vm_areas steps are validated', () => {
  const machine = { arch: 'i386', ramMiB: 256 };
  const check = (s: object) => () => validateScenario({ name: 'x', machine, steps: [s] }, VERSION_IDS);
  it('needs offsets and sizes as arrays of the same length', () => {
    expect(check({ op: 'pcpu_get_vm_areas', offsets: [0, 4096], sizes: [4096], align: 4096 })).toThrow(
      new ScenarioError('scenario: step 0 (pcpu_get_vm_areas): fields "offsets" and "sizes" must have the same number of entries (got 2 and 1)'),
    );
    expect(check({ op: 'pcpu_get_vm_areas', offsets: 0, sizes: [4096], align: 4096 })).toThrow(/field "offsets" must be an array of 1 to 4096 integers/);
    expect(check({ op: 'pcpu_get_vm_areas', offsets: [0, -1], sizes: [4096, 4096], align: 4096 })).toThrow(/field "offsets\[1\]" must be a non-negative integer/);
  });
  it('binds NAME.i for each area, usable as refs', () => {
    expect(() => validateScenario({ name: 'x', machine, steps: [{ op: 'pcpu_get_vm_areas', offsets: [0, 8192], sizes: [4096, 4096], align: 4096, as: 'p' }, { op: 'vfree', ref: 'p.1' }] }, VERSION_IDS)).not.toThrow();
    expect(check({ op: 'vfree', ref: 'p.2' })).toThrow(/names nothing bound/);
  });
});
