/**
 * Linux 2.4.22 mm/vmalloc.c behaviour, worked out from the source (linux-history tag 2.4.22,
 * mm/vmalloc.c blob e91e12aa50, include/linux/vmalloc.h 902d247261) and written out here.
 * Run: npx vitest run test/versions/2.4.22.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB: VMALLOC_START 0xc8800000, VMALLOC_END 0xfdffe000
 * (the asm-i386 headers did not move the window between 2.4.19 and 2.4.22).
 */
import { describe, expect, it } from 'vitest';
import { OWNER_NAMES } from '../../src/hw/frames.js';
import { COUNTER_INDEX, type CounterKey } from '../../src/kernel/counters.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { MiB, PAGE, boot, final, run, step, stepWithCost, version } from './support-2.4.js';

const V = '2.4.22';

function owner(k: Kernel, pfn: number): string {
  return OWNER_NAMES[k.machine.mem.owner(pfn)];
}

function counter(k: Kernel, key: CounterKey): number {
  return k.counters[COUNTER_INDEX[key]];
}

/** Pages a caller (a driver) owns: allocated outside vmalloc, count 1 each. */
function callerPages(k: Kernel, n: number): number[] {
  return Array.from({ length: n }, () => k.harness_alloc_page());
}

describe('2.4.22 vmap of caller pages', () => {
  it('maps N pages in order after a guard-page-sized area and raises each page count to 2', () => {
    // 0xc8800000 [p0][p1][p2][guard] 0xc8804000
    const r = boot(V);
    const k = r.kernel;
    const pages = callerPages(k, 3);
    expect(pages.map((p) => k.page_count(p))).toEqual([1, 1, 1]);
    const addr = r.api.vmap!(pages);
    expect(addr).toBe(0xc8800000);
    expect([0, 1, 2].map((i) => k.walk(addr + i * PAGE))).toEqual(pages);
    expect(k.walk(addr + 3 * PAGE)).toBe(-1);
    expect(pages.map((p) => k.page_count(p))).toEqual([2, 2, 2]);
    expect(final(r).areas).toEqual([{ addr: '0xc8800000', size: 0x4000, flags: ['VM_ALLOC'] }]);
  });

  it('vfree of the vmap area drops the extra reference only: the caller keeps its pages', () => {
    const r = boot(V);
    const k = r.kernel;
    const pages = callerPages(k, 3);
    const addr = r.api.vmap!(pages);
    const freed = counter(k, 'pages_freed');
    expect(r.api.vfree!(addr)).toBe('ok');
    expect(pages.map((p) => k.page_count(p))).toEqual([1, 1, 1]);
    expect(pages.map((p) => owner(k, p))).toEqual(['harness', 'harness', 'harness']);
    expect(counter(k, 'pages_freed')).toBe(freed);
    expect(pages.map((p, i) => k.walk(addr + i * PAGE))).toEqual([-1, -1, -1]);
    expect(final(r)).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 1, kmemleak: null });
  });

  it('runs the vmap op of the contract with VM_ALLOC, and vunmap (= vfree) undoes it', () => {
    const r = boot(V);
    const k = r.kernel;
    expect(step(r, { op: 'vmap', pages: 2, as: 'm' })).toEqual({ op: 'vmap', ok: true, addr: '0xc8800000', log: [] });
    const pfns = [k.walk(0xc8800000), k.walk(0xc8801000)];
    expect(pfns.map((p) => k.page_count(p))).toEqual([2, 2]);
    // bytes written through the mapping land in the caller's pages
    step(r, { op: 'vwrite', ref: 'm', offset: 4095, data: 'a1b2' });
    expect([k.machine.mem.readByte(pfns[0], 4095), k.machine.mem.readByte(pfns[1], 0)]).toEqual([0xa1, 0xb2]);
    const { result, detail } = stepWithCost(r, { op: 'vunmap', ref: 'm' });
    expect(result).toEqual({ op: 'vunmap', ok: true, log: [] });
    expect(detail.cost).toMatchObject({ ptes_cleared: 2, tlb_flush_all: 1, kfree_calls: 1 });
    expect(detail.cost.pages_freed).toBeUndefined();
    expect(pfns.map((p) => k.page_count(p))).toEqual([1, 1]);
    expect(k.machine.mem.readByte(pfns[1], 0)).toBe(0xb2);
  });

  it('vunmap has vfree\'s checks and texts', () => {
    const r = run(V, 'vunmap-texts', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'vunmap', addr: '0xc8800800' },
      { op: 'vunmap', addr: '0xc8900000' },
      { op: 'vunmap', ref: 'a' },
    ]);
    expect(r.steps.slice(1)).toEqual([
      { op: 'vunmap', ok: false, error: 'bad-address', log: ['Trying to vfree() bad address (c8800800)'] },
      { op: 'vunmap', ok: false, error: 'nonexistent', log: ['Trying to vfree() nonexistent vm area (c8900000)'] },
      { op: 'vunmap', ok: true, log: [] },
    ]);
  });

  it('vunmap of a vmalloc area frees its pages (it is vfree)', () => {
    const r = boot(V);
    step(r, { op: 'vmalloc', size: 65536, as: 'a' });
    expect(stepWithCost(r, { op: 'vunmap', ref: 'a' }).detail.cost.pages_freed).toBe(16);
  });

  it('keeps the extra reference on a PageReserved page forever (QUERY)', () => {
    // free_area_pte skips reserved pages, so vfree never drops what vmap took.
    const r = boot(V);
    const k = r.kernel;
    const reserved = k.machine.pt.pgdPfn; // swapper_pg_dir: a boot-image (reserved) frame
    expect(k.PageReserved(reserved)).toBe(true);
    const before = k.page_count(reserved);
    const addr = r.api.vmap!([reserved]);
    expect(addr).toBe(0xc8800000);
    expect(k.page_count(reserved)).toBe(before + 1);
    r.api.vfree!(addr);
    expect(k.page_count(reserved)).toBe(before + 1);
  });

  it('stops at a NULL entry of the array: the pages mapped before it get their reference back', () => {
    const r = boot(V);
    const k = r.kernel;
    const [p0, p2] = callerPages(k, 2);
    expect(r.api.vmap!([p0, -1, p2])).toBe(0);
    expect([k.page_count(p0), k.page_count(p2)]).toEqual([1, 1]);
    expect(final(r)).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 1, kmemleak: null });
    expect(k.console.take()).toEqual([]);
  });

  it('refuses 0 pages and more than max_mapnr pages before reserving anything', () => {
    const r = boot(V);
    const k = r.kernel;
    expect(step(r, { op: 'vmap', pages: 0 })).toEqual({ op: 'vmap', ok: false, error: 'ENOMEM', addr: null, log: [] });
    const kmallocs = counter(k, 'kmalloc_calls');
    // 128 MiB = 32768 frames; 32769 pages is 1 page more than max_mapnr << PAGE_SHIFT
    expect(r.api.vmap!(new Array<number>(32769).fill(1))).toBe(0);
    expect(counter(k, 'kmalloc_calls')).toBe(kmallocs);
  });

  it('refuses every vmap when max_mapnr << PAGE_SHIFT wraps to 0 (4 GiB of frames, QUERY)', () => {
    const r = boot(V, { ramMiB: 4096 });
    expect(step(r, { op: 'vmap', pages: 1 })).toEqual({ op: 'vmap', ok: false, error: 'ENOMEM', addr: null, log: [] });
    // vmalloc's own check shifts the size down instead and is not affected
    expect(step(r, { op: 'vmalloc', size: PAGE })).toMatchObject({ ok: true });
  });

  it('a pte page failing midway through a vmap: the page mapped so far gets its reference back', () => {
    // [v: 0xc8800000 .. 0xc8bff000) fills pgd slot 0x322 except its last page.
    // vmap of 4 pages at 0xc8bff000: p0 in slot 0x322, p1..p3 need a pte page for slot 0x323.
    const r = boot(V);
    const k = r.kernel;
    expect(step(r, { op: 'vmalloc', size: 4 * MiB - 2 * PAGE, as: 'v' })).toMatchObject({ addr: '0xc8800000' });
    const pages = callerPages(k, 4);
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    const set = counter(k, 'ptes_set');
    const cleared = counter(k, 'ptes_cleared');
    const kfrees = counter(k, 'kfree_calls');
    expect(r.api.vmap!(pages)).toBe(0);
    // p0 was mapped (count 2) then vfree'd (count 1); p1..p3 were never touched
    expect(counter(k, 'ptes_set') - set).toBe(1);
    expect(counter(k, 'ptes_cleared') - cleared).toBe(1);
    expect(counter(k, 'kfree_calls') - kfrees).toBe(1);
    expect(pages.map((p) => k.page_count(p))).toEqual([1, 1, 1, 1]);
    expect(pages.map((p) => owner(k, p))).toEqual(['harness', 'harness', 'harness', 'harness']);
    expect(k.walk(0xc8bff000)).toBe(-1);
    expect(final(r)).toEqual({
      areas: [{ addr: '0xc8800000', size: 0x3ff000, flags: ['VM_ALLOC'] }],
      pagesMapped: 1022,
      pageTablePages: 1,
      kmemleak: null,
    });
    // the same vmap goes through once the pte page can be had
    expect(r.api.vmap!(pages)).toBe(0xc8bff000);
    expect(pages.map((p) => k.page_count(p))).toEqual([2, 2, 2, 2]);
    expect(final(r).pageTablePages).toBe(2);
  });
});

describe('2.4.22 __vmalloc', () => {
  it('returns NULL without a message for size 0, a size wrapping under PAGE_ALIGN, and more pages than RAM', () => {
    const enomem = { op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] };
    const r = run(V, 'bad-sizes', [
      { op: 'vmalloc', size: 0 },
      { op: 'vmalloc', size: 0xfffff001 },
      { op: 'vmalloc', size: 128 * MiB + PAGE },
      { op: 'vmalloc_32', size: 0 },
      { op: 'vmalloc_dma', size: 0 },
      { op: 'vmalloc', size: 4096 },
    ]);
    expect(r.steps.slice(0, 5)).toEqual([enomem, enomem, enomem, { ...enomem, op: 'vmalloc_32' }, { ...enomem, op: 'vmalloc_dma' }]);
    expect(r.steps[5]).toEqual({ op: 'vmalloc', ok: true, addr: '0xc8800000', log: [] });
  });

  it('where 2.4.19 calls BUG() at vmalloc.c:236 for vmalloc(0)', () => {
    expect(run('2.4.19', 'zero', [{ op: 'vmalloc', size: 0 }]).steps[0]).toEqual({
      op: 'vmalloc',
      ok: false,
      error: 'BUG',
      addr: null,
      log: ['kernel BUG at vmalloc.c:236!'],
    });
    expect(run(V, 'zero', [{ op: 'vmalloc', size: 0 }]).steps[0]).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
  });

  it('a data page failing midway: the pages so far are freed, the pte page is kept (as in 2.4.19)', () => {
    const r = boot(V);
    step(r, { op: 'fail', site: 'alloc_page', nth: 3 });
    const { result, detail } = stepWithCost(r, { op: 'vmalloc', size: 4 * PAGE });
    expect(result).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(detail.cost).toMatchObject({ pages_alloc: 2, pages_freed: 2, pt_pages: 1, ptes_set: 2, ptes_cleared: 2, kmalloc_calls: 1, kfree_calls: 1 });
    expect(final(r)).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 1, kmemleak: null });
    expect(r.kernel.slab.live.size).toBe(0);
  });
});

describe('2.4.22 get_vm_area', () => {
  it('refuses a size that wraps to 0 with the guard page (the 2.4.20 check), freeing its vm_struct', () => {
    const r = boot(V);
    step(r, { op: 'vmalloc', size: 65536 });
    const { result, detail } = stepWithCost(r, { op: 'get_vm_area', size: 0xfffff000 });
    expect(result).toEqual({ op: 'get_vm_area', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(detail.cost).toMatchObject({ kmalloc_calls: 1, kfree_calls: 1 });
    expect(final(r).areas).toEqual([{ addr: '0xc8800000', size: 0x11000, flags: ['VM_ALLOC'] }]);
    // 0xffffe000 + PAGE_SIZE does not wrap: on an empty list it would still be accepted
    expect(run(V, 'no-wrap', [{ op: 'get_vm_area', size: 0xffffe000 }]).steps[0]).toMatchObject({ ok: true, addr: '0xc8800000' });
  });

  it('never moves the candidate backwards (the 2.4.21 next > addr test)', () => {
    // big ends at 0xc8800000 + 0xfff01000 = 0xc8701000 (mod 2^32): 2.4.19 follows it down there.
    const steps = [
      { op: 'get_vm_area' as const, size: 0xfff00000 },
      { op: 'get_vm_area' as const, size: 4096 },
    ];
    expect(run(V, 'fwd', steps).steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8800000']);
    expect(run('2.4.19', 'fwd', steps).steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8701000']);
  });

  it('places later areas inside a wrapped entry, after the last real one (QUERY)', () => {
    // big = [0xc8800000, +0xfff01000) "ends" at 0xc8701000 < addr: the candidate stays at
    // 0xc8800000 past big and then moves on only past real areas, all of them inside big.
    const r = run(V, 'inside-big', [
      { op: 'get_vm_area', size: 0xfff00000 },
      { op: 'vmalloc', size: PAGE },
      { op: 'vmalloc', size: PAGE },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8800000', '0xc8802000']);
    expect(r.steps.every((s) => s.log.length === 0)).toBe(true);
    expect(r.final.pagesMapped).toBe(2);
  });

  it('reserves VM_IOREMAP areas with the same first fit', () => {
    const r = run(V, 'ioremap-area', [
      { op: 'vmalloc', size: 4096 },
      { op: 'get_vm_area', size: 65536, flags: 'VM_IOREMAP' },
      { op: 'get_vm_area', size: 262144, flags: 'VM_IOREMAP' },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8802000', '0xc8813000']);
    expect(r.final.areas.map((a) => a.flags)).toEqual([['VM_ALLOC'], ['VM_IOREMAP'], ['VM_IOREMAP']]);
  });

  it('has no remove_vm_area', () => {
    const r = boot(V);
    expect(step(r, { op: 'remove_vm_area', addr: '0xc8800000' })).toEqual({ op: 'remove_vm_area', ok: false, error: 'unsupported', log: [] });
  });
});

describe('2.4.22 agrees with 2.4.19 where the algorithms agree', () => {
  it('gives the same addresses, results and final state for a seeded vmalloc/vfree/vread mix', () => {
    // seed 22: a small LCG, so the sequence is the same on every run
    let seed = 22;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const steps: { op: 'vmalloc' | 'vfree' | 'vread' | 'vwrite'; size?: number; as?: string; ref?: string; count?: number; data?: string }[] = [];
    const live: string[] = [];
    for (let i = 0; i < 300; i++) {
      const c = rnd(10);
      if (c < 5 || live.length === 0) {
        const name = `a${i}`;
        steps.push({ op: 'vmalloc', size: 1 + rnd(40 * PAGE), as: name });
        live.push(name);
      } else if (c < 8) {
        steps.push({ op: 'vfree', ref: live.splice(rnd(live.length), 1)[0] });
      } else if (c < 9) {
        steps.push({ op: 'vwrite', ref: live[rnd(live.length)], data: 'c0ffee' });
      } else {
        steps.push({ op: 'vread', ref: live[rnd(live.length)], count: 5000 });
      }
    }
    const a = run('2.4.19', 'mix', steps);
    const b = run(V, 'mix', steps);
    expect(b.steps).toEqual(a.steps);
    expect(b.final).toEqual(a.final);
    expect(a.steps[0]).toEqual({ op: 'vmalloc', ok: true, addr: '0xc8800000', log: [] });
    expect(a.final.areas.length).toBeGreaterThan(10);
  });

  it('gives the 2.4.19 constants: 0xc8800000, then 0x11000 apart for 64 KiB, first fit into a hole', () => {
    const r = run(V, 'constants', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'vmalloc', size: 65536, as: 'b' },
      { op: 'vmalloc', size: 65536, as: 'c' },
      { op: 'vfree', ref: 'b' },
      { op: 'vmalloc', size: 65536, as: 'd' },
    ]);
    expect(r.steps.map((s) => s.addr ?? null)).toEqual(['0xc8800000', '0xc8811000', '0xc8822000', null, '0xc8811000']);
  });
});

describe('2.4.22 change catalogue', () => {
  it('lists each change since 2.4.19 with the release that brought it', () => {
    const v = version(V);
    expect(v.changes.map((c) => [c.id, c.since])).toEqual([
      ['get-vm-area-size-wrap', '2.4.20'],
      ['get-vm-area-forward-only', '2.4.21'],
      ['vmalloc-bad-size-null', '2.4.21'],
      ['vmap', '2.4.22'],
      ['vmap-page-refcount', '2.4.22'],
      ['vunmap-is-vfree', '2.4.22'],
    ]);
    for (const c of v.changes) {
      expect(c.functions.length).toBeGreaterThan(0);
      expect(c.affects.length).toBeGreaterThan(0);
    }
  });
});
