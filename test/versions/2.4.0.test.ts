/**
 * Linux 2.4.0 behaviour, worked out from the source (linux-history tag 2.4.0: mm/vmalloc.c blob
 * 62ce5f1f, include/asm-i386/pgtable.h, fixmap.h, pgalloc.h, arch/i386/mm/init.c,
 * arch/i386/mm/ioremap.c) and written out here; line numbers are 2.4.0's.
 * Run: npx vitest run test/versions/2.4.0.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB: VMALLOC_START 0xc8800000 (high_memory
 * 0xc8000000 + 8 MiB, rounded up to 8 MiB), VMALLOC_END 0xfffb5000 (FIXADDR_START).
 */
import { describe, expect, it } from 'vitest';
import { Owner } from '../../src/hw/frames.js';
import { COUNTER_INDEX, type CounterKey } from '../../src/kernel/counters.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { validateScenario } from '../../src/harness/scenario.js';
import { bootVersion } from '../../src/harness/runner.js';
import { VERSION_IDS } from '../../src/registry.js';
import { MiB, PAGE, boot, final, run, step, stepWithCost, version } from './support-2.4.js';

const V = '2.4.0';

function counter(k: Kernel, key: CounterKey): number {
  return k.counters[COUNTER_INDEX[key]];
}

describe('2.4.0 default window (asm-i386/pgtable.h:140-143, fixmap.h)', () => {
  it('ends at FIXADDR_START = 0xffffe000 - 73 pages on i386 and PAE alike', () => {
    // __end_of_fixed_addresses = FIX_APIC_BASE 1 + FIX_IO_APIC_BASE_0..END 8 + FIX_KMAP 2 * 32
    expect(boot(V).window).toEqual({ start: 0xc8800000, end: 0xfffb5000 });
    expect(boot(V, { arch: 'i386-pae' }).window).toEqual({ start: 0xc8800000, end: 0xfffb5000 });
    // 2.4.1 (2.4.0.1) ends the window 2 pages below PKMAP_BASE instead
    expect(boot('2.4.19').window).toEqual({ start: 0xc8800000, end: 0xfdffe000 });
  });

  it('covers the kmap area: an area above PKMAP_BASE 0xfe000000 is handed out (QUERY)', () => {
    // 0xc8800000 [a 0x2000] 0xc8802000 [big 0x35800000 + guard] 0xfe003000
    const r = run(V, 'pkmap', [
      { op: 'vmalloc', size: PAGE },
      { op: 'get_vm_area', size: 0x35800000 },
      { op: 'get_vm_area', size: PAGE },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8802000', '0xfe003000']);
  });
});

describe('2.4.0 get_vm_area refuses an exact fit (mm/vmalloc.c:185, `<` until 2.4.5)', () => {
  it('skips a freed one-page hole for a one-page request and reuses a larger hole', () => {
    // a 0xc8800000, b 0xc8802000, c 0xc8804000 (0x2000 each with the guard page)
    // vfree b: hole [0xc8802000, 0xc8804000); size + addr = 0xc8804000 is not < c's 0xc8804000
    const steps = [
      { op: 'vmalloc' as const, size: PAGE, as: 'a' },
      { op: 'vmalloc' as const, size: PAGE, as: 'b' },
      { op: 'vmalloc' as const, size: PAGE, as: 'c' },
      { op: 'vfree' as const, ref: 'b' },
      { op: 'vmalloc' as const, size: PAGE, as: 'd' },
      { op: 'vfree' as const, ref: 'a' },
      { op: 'vmalloc' as const, size: PAGE, as: 'e' },
    ];
    expect(run(V, 'exact', steps).steps.map((s) => s.addr ?? null)).toEqual([
      '0xc8800000',
      '0xc8802000',
      '0xc8804000',
      null,
      '0xc8806000', // past c
      null,
      '0xc8800000', // [0xc8800000, 0xc8804000) is two pages longer than needed
    ]);
    expect(run('2.4.19', 'exact', steps).steps[4].addr).toBe('0xc8802000');
  });

  it('still fits an area flush against VMALLOC_END (addr > VMALLOC_END - size is the end test)', () => {
    const m = { vmallocStart: '0xd0000000', vmallocEnd: '0xd0004000' };
    const r = run(V, 'end', [{ op: 'vmalloc', size: PAGE }, { op: 'vmalloc', size: PAGE }, { op: 'vmalloc', size: PAGE }], m);
    expect(r.steps.map((s) => s.addr ?? s.error)).toEqual(['0xd0000000', '0xd0002000', 'ENOMEM']);
  });
});

describe('2.4.0 flushes (vmalloc_area_pages:144,164; vmfree_area_pages:84,90)', () => {
  it('a vmalloc flushes the whole cache before and the whole TLB after the mapping', () => {
    const r = boot(V);
    const { detail } = stepWithCost(r, { op: 'vmalloc', size: 3 * PAGE });
    expect(detail.cost).toMatchObject({ pages_alloc: 3, ptes_set: 3, pt_pages: 1, cache_flush: 1, tlb_flush_all: 1 });
    // 2.4.19: flush_cache_all once after the loop (2.4.18), no TLB flush (gone in 2.4.10)
    const { detail: d19 } = stepWithCost(boot('2.4.19'), { op: 'vmalloc', size: 3 * PAGE });
    expect(d19.cost.cache_flush).toBe(1);
    expect(d19.cost.tlb_flush_all).toBeUndefined();
  });

  it('a failed vmalloc flushes twice: its own mapping pass, then the vfree that undoes it', () => {
    const r = boot(V);
    step(r, { op: 'fail', site: 'alloc_page', nth: 2 });
    const { result, detail } = stepWithCost(r, { op: 'vmalloc', size: 3 * PAGE });
    expect(result).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(detail.cost).toMatchObject({ pages_alloc: 1, pages_freed: 1, ptes_set: 1, ptes_cleared: 1, cache_flush: 2, tlb_flush_all: 2 });
    expect(final(r)).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 1, kmemleak: null });
  });

  it('vfree flushes the cache before and the TLB after unmapping, as in every 2.4', () => {
    const r = boot(V);
    step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'a' });
    const { detail } = stepWithCost(r, { op: 'vfree', ref: 'a' });
    expect(detail.cost).toMatchObject({ pages_freed: 2, ptes_cleared: 2, cache_flush: 1, tlb_flush_all: 1, kfree_calls: 1 });
  });
});

describe('2.4.0 ops and BUGs', () => {
  it('has no vwrite (2.4.17), vmap or vunmap (2.4.22)', () => {
    const r = run(V, 'ops', [
      { op: 'vmalloc', size: PAGE, as: 'a' },
      { op: 'vwrite', ref: 'a', data: '01' },
      { op: 'vmap', pages: 1 },
      { op: 'vunmap', ref: 'a' },
      { op: 'vread', ref: 'a', count: 2 },
    ]);
    expect(r.steps.slice(1).map((s) => s.error ?? 'ok')).toEqual(['unsupported', 'unsupported', 'unsupported', 'ok']);
    expect(version(V).arches).toEqual(['i386', 'i386-pae']);
  });

  it('BUG()s at vmalloc.c:234 for vmalloc(0)', () => {
    expect(run(V, 'zero', [{ op: 'vmalloc', size: 0 }]).steps[0]).toEqual({
      op: 'vmalloc',
      ok: false,
      error: 'BUG',
      addr: null,
      log: ['kernel BUG at vmalloc.c:234!'],
    });
  });
});

describe('2.4.0 pte_alloc_kernel / get_pte_kernel_slow (pgalloc.h:100-118, init.c:114-134)', () => {
  it('points the pmd at empty_bad_pte_table when the pte page cannot be allocated', () => {
    // 0xc8800000 [a: 2 pages][guard]: get_pte_kernel_slow fails, set_pmd(pmd, bad table) (init.c:125)
    // and returns NULL; __vmalloc's vfree then clears entries 0-2 of the bad table.
    const r = boot(V);
    const k = r.kernel;
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    const { result, detail } = stepWithCost(r, { op: 'vmalloc', size: 2 * PAGE, as: 'a' });
    expect(result).toMatchObject({ ok: false, error: 'ENOMEM', log: [] });
    expect(detail.cost.pt_pages).toBeUndefined();
    expect(detail.cost.pages_alloc).toBeUndefined();
    // every other entry maps empty_bad_page (here frame max_mapnr = num_physpages: 32768)
    const bad = k.num_physpages;
    expect(bad).toBe(32768);
    expect([0, 1, 2, 3, 1023].map((i) => k.walk(0xc8800000 + i * PAGE))).toEqual([-1, -1, -1, bad, bad]);
    // 1021 present ptes; the bad table is part of the kernel image, not a page-table page
    expect(final(r)).toEqual({ areas: [], pagesMapped: 1021, pageTablePages: 0, kmemleak: null });
  });

  it('maps the next vmalloc of that 4 MiB into the shared bad table, a message per entry still set', () => {
    const r = boot(V);
    const k = r.kernel;
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    step(r, { op: 'vmalloc', size: 2 * PAGE });
    // b reuses cleared entries 0-1 (no message); c at 0xc8803000 lands on entries 3-4
    expect(step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'b' })).toEqual({ op: 'vmalloc', ok: true, addr: '0xc8800000', log: [] });
    expect(step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'c' })).toEqual({
      op: 'vmalloc',
      ok: true,
      addr: '0xc8803000',
      log: ['alloc_area_pte: page already exists', 'alloc_area_pte: page already exists'],
    });
    const data = [0, 1, 3, 4].map((i) => k.walk(0xc8800000 + i * PAGE));
    expect(data.every((p) => p >= 0 && p < k.num_physpages && k.machine.mem.owner(p) === Owner.Data)).toBe(true);
    // vfree of c frees its pages (VALID_PAGE) and leaves none behind: entries 3-5 now none
    expect(stepWithCost(r, { op: 'vfree', ref: 'c' }).detail.cost).toMatchObject({ pages_freed: 2, ptes_cleared: 3 });
    expect(k.walk(0xc8803000)).toBe(-1);
    expect(k.walk(0xc8806000)).toBe(k.num_physpages);
  });

  it('never frees empty_bad_page: VALID_PAGE() is false for it (free_area_pte, vmalloc.c:46)', () => {
    const r = boot(V);
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    step(r, { op: 'vmalloc', size: PAGE });
    // an area over entries that map empty_bad_page: get_vm_area with no pages at 0xc8800000
    // (entries 0-8; the failed vmalloc's vfree already cleared 0-1), then vfree: 7 cleared
    step(r, { op: 'get_vm_area', size: 8 * PAGE, as: 'g' });
    const { detail } = stepWithCost(r, { op: 'vfree', ref: 'g' });
    expect(detail.cost).toMatchObject({ ptes_cleared: 7 });
    expect(detail.cost.pages_freed).toBeUndefined();
  });

  it('gives the PAE pmd a 512-entry bad table covering 2 MiB', () => {
    const r = boot(V, { arch: 'i386-pae' });
    const k = r.kernel;
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    step(r, { op: 'vmalloc', size: PAGE });
    expect(final(r).pagesMapped).toBe(510);
    expect(k.walk(0xc8800000 + 511 * PAGE)).toBe(k.num_physpages);
    expect(k.walk(0xc8a00000)).toBe(-1);
  });
});

describe('2.4.0 i386 ioremap (arch/i386/mm/ioremap.c 2.4.0)', () => {
  it('BUG()s at ioremap.c:72 for a one-byte map of a page-aligned address (size PAGE_ALIGN(last_addr) - phys = 0)', () => {
    const r = boot(V);
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: 1 })).toEqual({
      op: 'ioremap',
      ok: false,
      error: 'BUG',
      addr: null,
      log: ['kernel BUG at ioremap.c:72!'],
    });
    // the vm_struct of size 0 + guard stays on vmlist
    expect(final(r).areas).toEqual([{ addr: '0xc8800000', size: PAGE, flags: ['VM_IOREMAP'] }]);
  });

  it('returns from remap_area_pages without flush_tlb_all when the pte table fails (2.4.3 flushes)', () => {
    const r = boot(V);
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    const { result, detail } = stepWithCost(r, { op: 'ioremap', phys: '0xe0000000', size: 2 * PAGE });
    expect(result).toMatchObject({ ok: false, error: 'ENOMEM' });
    // remap_area_pages: flush_cache_all (line 70), return -ENOMEM (line 80); then vfree:
    // vmfree_area_pages flush_cache_all + flush_tlb_all
    expect(detail.cost).toMatchObject({ cache_flush: 2, tlb_flush_all: 1 });
    const { detail: d19 } = (() => {
      const r19 = boot('2.4.19');
      step(r19, { op: 'fail', site: 'pte_alloc', nth: 1 });
      return stepWithCost(r19, { op: 'ioremap', phys: '0xe0000000', size: 2 * PAGE });
    })();
    expect(d19.cost).toMatchObject({ cache_flush: 2, tlb_flush_all: 2 });
  });

  it('BUG()s in remap_area_pte over the bad table a failed vmalloc left (ioremap.c:28-29)', () => {
    const r = boot(V);
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    step(r, { op: 'vmalloc', size: PAGE });
    // 0xc8800000 is free again, but entry 2 of the bad table still maps empty_bad_page:
    // an ioremap of 3 pages there reaches it
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: 3 * PAGE })).toEqual({
      op: 'ioremap',
      ok: false,
      error: 'BUG',
      addr: null,
      log: ['remap_area_pte: page already exists', 'kernel BUG at ioremap.c:29!'],
    });
  });
});

describe('2.4.0 gfp bits (include/linux/mm.h: __GFP_DMA 0x08, __GFP_HIGHMEM 0x10)', () => {
  it('vmalloc_dma takes DMA-zone pages and vmalloc highmem first when the zones are split', () => {
    const s = validateScenario({ name: 'split', machine: { arch: 'i386', ramMiB: 1024, cpus: 1, zones: 'split' }, steps: [] }, VERSION_IDS, 'split');
    const r = bootVersion(s, version(V));
    const k = r.kernel;
    const dma = r.api.vmalloc_dma!(PAGE);
    expect(k.walk(dma)).toBeLessThan((16 * MiB) / PAGE);
    const high = r.api.vmalloc!(PAGE);
    expect(k.walk(high)).toBeGreaterThanOrEqual((896 * MiB) / PAGE);
    const normal = r.api.vmalloc_32!(PAGE);
    const pfn = k.walk(normal);
    expect(pfn >= (16 * MiB) / PAGE && pfn < (896 * MiB) / PAGE).toBe(true);
    expect(counter(k, 'pages_alloc')).toBe(3);
  });
});
