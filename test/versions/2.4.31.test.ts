/**
 * Linux 2.4.31 behaviour, worked out from the source (linux-history tag 2.4.31: mm/vmalloc.c blob
 * 4d2a93a0, include/asm-i386/highmem.h, arch/i386/mm/ioremap.c) and written out here; line
 * numbers are 2.4.31's. The changes against 2.4.22 came in 2.4.23 (ioremap size, commit
 * dc23c4603ed8) and 2.4.26 (failure path, PKMAP_BASE, commit 4d89c6e886d9).
 * Run: npx vitest run test/versions/2.4.31.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB: VMALLOC_START 0xc8800000, VMALLOC_END
 * 0xff7fe000 (PKMAP_BASE 0xff800000 - 2 pages). pgd slots are 4 MiB: 0xc8800000 starts one,
 * 0xc8c00000 the next.
 */
import { describe, expect, it } from 'vitest';
import { Owner } from '../../src/hw/frames.js';
import { COUNTER_INDEX, type CounterKey } from '../../src/kernel/counters.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { PAGE, boot, final, run, step, stepWithCost } from './support-2.4.js';

const V = '2.4.31';

function counter(k: Kernel, key: CounterKey): number {
  return k.counters[COUNTER_INDEX[key]];
}

function dataFrames(k: Kernel): number {
  return k.machine.mem.inUse[Owner.Data];
}

/** A get_vm_area filler so that the next area starts 4 pages below the pgd boundary 0xc8c00000. */
const FILLER = { op: 'get_vm_area' as const, size: 0x3fb000, as: 'filler' };
const AT = 0xc8bfc000;

describe('2.4.31 default window (highmem.h PKMAP_BASE 0xff800000 since 2.4.26)', () => {
  it('ends at 0xff7fe000 on i386 and PAE', () => {
    expect(boot(V).window).toEqual({ start: 0xc8800000, end: 0xff7fe000 });
    expect(boot(V, { arch: 'i386-pae' }).window).toEqual({ start: 0xc8800000, end: 0xff7fe000 });
    expect(boot('2.4.22').window.end).toBe(0xfdffe000);
  });
});

describe('2.4.31 __vmalloc_area_pages failure path (mm/vmalloc.c:183-188, QUERY)', () => {
  it('a failure in the first pgd chunk unmaps nothing: the pages mapped so far stay mapped and allocated', () => {
    // 8 pages at 0xc8bfc000: 4 in pgd slot 0x322, 4 in 0x323; the 3rd alloc_page fails.
    // address == start at err (line 186), so no vmfree_area_pages; __vfree(addr, 0) (line 283)
    // drops the vm_struct only.
    const r = boot(V);
    const k = r.kernel;
    step(r, FILLER);
    step(r, { op: 'fail', site: 'alloc_page', nth: 3 });
    const before = dataFrames(k);
    const { result, detail } = stepWithCost(r, { op: 'vmalloc', size: 8 * PAGE });
    expect(result).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(detail.cost).toMatchObject({ pages_alloc: 2, ptes_set: 2, cache_flush: 1, kfree_calls: 1 });
    expect(detail.cost.pages_freed).toBeUndefined();
    expect(detail.cost.ptes_cleared).toBeUndefined();
    expect(detail.cost.tlb_flush_all).toBeUndefined();
    expect(dataFrames(k) - before).toBe(2);
    expect([0, 1, 2].map((i) => k.walk(AT + i * PAGE) >= 0)).toEqual([true, true, false]);
    expect(final(r)).toEqual({
      areas: [{ addr: '0xc8800000', size: 0x3fc000, flags: ['VM_ALLOC'] }],
      pagesMapped: 2,
      pageTablePages: 1,
      kmemleak: null,
    });
  });

  it('a failure in the second chunk frees the first chunk and keeps the second chunk\'s pages', () => {
    // the 7th page fails: chunk 0x322 (4 pages) is unmapped by vmfree_area_pages(start,
    // address - start); pages 5-6 in chunk 0x323 stay.
    const r = boot(V);
    const k = r.kernel;
    step(r, FILLER);
    step(r, { op: 'fail', site: 'alloc_page', nth: 7 });
    const { detail } = stepWithCost(r, { op: 'vmalloc', size: 8 * PAGE });
    expect(detail.cost).toMatchObject({ pages_alloc: 6, ptes_set: 6, pages_freed: 4, ptes_cleared: 4, cache_flush: 2, tlb_flush_all: 1 });
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => k.walk(AT + i * PAGE) >= 0)).toEqual([false, false, false, false, true, true, false]);
    expect(dataFrames(k)).toBe(2);
    expect(final(r).pagesMapped).toBe(2);
  });

  it('2.4.22 vfree\'d the whole area: nothing is left', () => {
    const r = boot('2.4.22');
    step(r, FILLER);
    step(r, { op: 'fail', site: 'alloc_page', nth: 7 });
    const { detail } = stepWithCost(r, { op: 'vmalloc', size: 8 * PAGE });
    expect(detail.cost).toMatchObject({ pages_alloc: 6, pages_freed: 6, ptes_cleared: 6 });
    expect(dataFrames(r.kernel)).toBe(0);
    expect(final(r).pagesMapped).toBe(0);
  });

  it('the next area over the leaked ptes prints "page already exists" per pte and loses those pages for good', () => {
    const r = boot(V);
    const k = r.kernel;
    step(r, FILLER);
    step(r, { op: 'fail', site: 'alloc_page', nth: 4 });
    step(r, { op: 'vmalloc', size: 8 * PAGE }); // 3 pages left mapped at 0xc8bfc000
    expect(step(r, { op: 'vmalloc', size: 8 * PAGE, as: 'a' })).toEqual({
      op: 'vmalloc',
      ok: true,
      addr: '0xc8bfc000',
      log: Array(3).fill('alloc_area_pte: page already exists'),
    });
    // 8 pages mapped by a, plus the 3 overwritten ones nothing maps any more
    expect(dataFrames(k)).toBe(11);
    expect(stepWithCost(r, { op: 'vfree', ref: 'a' }).detail.cost.pages_freed).toBe(8);
    expect(dataFrames(k)).toBe(3);
    expect(final(r).pagesMapped).toBe(0);
  });

  it('a pte table that fails at the start of a chunk leaks nothing (alloc_area_pmd returns before any pte)', () => {
    const r = boot(V);
    step(r, FILLER);
    step(r, { op: 'fail', site: 'pte_alloc', nth: 2 });
    const { detail } = stepWithCost(r, { op: 'vmalloc', size: 8 * PAGE });
    expect(detail.cost).toMatchObject({ pages_alloc: 4, pages_freed: 4, pt_pages: 1 });
    expect(dataFrames(r.kernel)).toBe(0);
  });

  it('on PAE the whole window is one pgd chunk: any failure keeps everything mapped so far', () => {
    // pgd slot 3 covers 0xc0000000-0xffffffff; 2 MiB pmds. The 2nd pte table (0xc8a00000) fails.
    const r = boot(V, { arch: 'i386-pae' });
    step(r, { op: 'get_vm_area', size: 0x1fb000 });
    step(r, { op: 'fail', site: 'pte_alloc', nth: 2 });
    const { detail } = stepWithCost(r, { op: 'vmalloc', size: 8 * PAGE });
    expect(detail.cost).toMatchObject({ pages_alloc: 4, pt_pages: 1 });
    expect(detail.cost.pages_freed).toBeUndefined();
    expect(dataFrames(r.kernel)).toBe(4);
    expect(final(r).pagesMapped).toBe(4);
  });

  it('vmap keeps the references it took in the failing chunk (the caller\'s pages stay at count 2)', () => {
    const r = boot(V);
    const k = r.kernel;
    const pages = [k.harness_alloc_page(), k.harness_alloc_page()];
    // a NULL third entry: alloc_area_pte returns -ENOMEM after taking references on two pages
    expect(r.api.vmap!([...pages, -1])).toBe(0);
    expect(pages.map((p) => k.page_count(p))).toEqual([2, 2]);
    expect(pages.map((_, i) => k.walk(0xc8800000 + i * PAGE))).toEqual(pages);
    const r22 = boot('2.4.22');
    const k22 = r22.kernel;
    const p22 = [k22.harness_alloc_page(), k22.harness_alloc_page()];
    expect(r22.api.vmap!([...p22, -1])).toBe(0);
    expect(p22.map((p) => k22.page_count(p))).toEqual([1, 1]);
  });

  it('vfree is __vfree(addr, 1): a successful area is unmapped and freed as before', () => {
    const r = boot(V);
    step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'a' });
    const { detail } = stepWithCost(r, { op: 'vfree', ref: 'a' });
    expect(detail.cost).toMatchObject({ pages_freed: 2, ptes_cleared: 2, cache_flush: 1, tlb_flush_all: 1, kfree_calls: 1 });
    expect(counter(r.kernel, 'pages_alloc')).toBe(2);
  });
});

describe('2.4.31 __ioremap size PAGE_ALIGN(last_addr+1) - phys_addr (ioremap.c:143, 2.4.23)', () => {
  it('maps the page holding the last byte: ioremap(0xe0000ff0, 0x11) takes two pages', () => {
    // last_addr 0xe0001000: PAGE_ALIGN(0xe0001001) - 0xe0000000 = 0x2000 (2.4.22: 0x1000)
    const r = boot(V);
    const k = r.kernel;
    expect(step(r, { op: 'ioremap', phys: '0xe0000ff0', size: 0x11, as: 'io' })).toEqual({ op: 'ioremap', ok: true, addr: '0xc8800ff0', log: [] });
    expect([0, 1, 2].map((i) => k.walk(0xc8800000 + i * PAGE))).toEqual([0xe0000, 0xe0001, -1]);
    expect(final(r).areas).toEqual([{ addr: '0xc8800000', size: 0x3000, flags: ['VM_IOREMAP'] }]);
    const r22 = boot('2.4.22');
    step(r22, { op: 'ioremap', phys: '0xe0000ff0', size: 0x11 });
    expect(final(r22).areas).toEqual([{ addr: '0xc8800000', size: 0x2000, flags: ['VM_IOREMAP'] }]);
  });

  it('maps one page for a one-byte ioremap of a page-aligned address, where 2.4.22 BUG()s at ioremap.c:73', () => {
    const r = boot(V);
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: 1, as: 'io' })).toEqual({ op: 'ioremap', ok: true, addr: '0xc8800000', log: [] });
    expect(final(r)).toEqual({ areas: [{ addr: '0xc8800000', size: 0x2000, flags: ['VM_IOREMAP'] }], pagesMapped: 1, pageTablePages: 1, kmemleak: null });
    expect(step(r, { op: 'iounmap', ref: 'io' })).toEqual({ op: 'iounmap', ok: true, log: [] });
    expect(run('2.4.22', 'one-byte', [{ op: 'ioremap', phys: '0xe0000000', size: 1 }]).steps[0]).toMatchObject({
      error: 'BUG',
      log: ['kernel BUG at ioremap.c:73!'],
    });
  });

  it('gets the size of a range ending at 4 GiB right through the unsigned wrap of last_addr + 1', () => {
    // last_addr 0xffffffff: PAGE_ALIGN(0) - 0xfffff000 = 0x1000
    const r = boot(V);
    expect(step(r, { op: 'ioremap', phys: '0xfffff000', size: PAGE })).toMatchObject({ ok: true, addr: '0xc8800000' });
    expect(final(r).areas).toEqual([{ addr: '0xc8800000', size: 0x2000, flags: ['VM_IOREMAP'] }]);
  });
});
