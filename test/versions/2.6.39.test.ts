/**
 * Linux 2.6.39 mm/vmalloc.c behaviour, worked out from the source (mainline "Linux 2.6.39",
 * commit 61c4f2c81c61 in gpl-releases/linux-2.6.39.3, mm/vmalloc.c blob 5d603023; lib/rbtree.c,
 * arch/x86/mm/ioremap.c, kernel/resource.c) and written out as constants here, not read back from
 * vmx. What the oracle cannot drive (peek/poke through a CPU's TLB, set_iounmap_nonlazy, ioremap,
 * internal state such as free_vmap_cache and cached_hole_size) is tested here; the k39-* vectors
 * hold what the real code did with the rest.
 * Run: npx vitest run test/versions/2.6.39.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB, 1 CPU: VMALLOC_START = 0xc8800000,
 * VMALLOC_END = 0xff7fe000 (pgtable_32_types.h as in 2.6.32). A vmalloc(n pages) reserves n + 1
 * pages and the walk restarts at va_end + PAGE_SIZE, so 1-page areas sit 3 pages apart.
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, runVersion, type VersionRun } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import { finalState } from '../../src/harness/final.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';
import { KernelBug } from '../../src/kernel/kernel.js';
import { RB_BLACK, rb_augment_erase_begin, rb_augment_erase_end, rb_augment_insert, rb_erase, rb_insert_color, rb_link_node, rb_node, type rb_root } from '../../versions/2.6.39/lib/rbtree.js';
import { is_power_of_2 } from '../../versions/2.6.39/mm/vmalloc.js';

const V = '2.6.39';
const PAGE = 4096;
const MiB = 1024 * 1024;

interface MachineOpts {
  arch?: 'i386' | 'i386-pae' | 'x86_64';
  ramMiB?: number;
  cpus?: number;
  vmallocStart?: string;
  vmallocEnd?: string;
}

function scenario(name: string, steps: Partial<Step>[], m: MachineOpts = {}) {
  const machine: Record<string, unknown> = { arch: m.arch ?? 'i386', ramMiB: m.ramMiB ?? 128, cpus: m.cpus ?? 1 };
  if (m.vmallocStart) {
    machine.vmallocStart = m.vmallocStart;
    machine.vmallocEnd = m.vmallocEnd;
  }
  return validateScenario({ name, machine, steps }, VERSION_IDS, name);
}

function boot(m: MachineOpts = {}, version = V): VersionRun {
  return bootVersion(scenario('boot', [], m), findVersion(version)!);
}

function step(run: VersionRun, s: Partial<Step>): StepResult {
  return runStep(run, s as Step).result;
}

function cost(run: VersionRun, s: Partial<Step>) {
  return runStep(run, s as Step).detail.cost;
}

const summary = (r: VersionRun) => r.api.stateSummary!();

describe('2.6.39 window', () => {
  it('derives the same window as 2.6.32 (and as the oracle): high_memory + 8 MiB to PKMAP_BASE - 2 pages', () => {
    expect(boot().window).toEqual({ start: 0xc8800000, end: 0xff7fe000 });
    expect(boot({ arch: 'i386-pae' }).window).toEqual({ start: 0xc8800000, end: 0xff9fe000 });
    // 1 GiB of RAM: max_low_pfn = MAXMEM_PFN, MAXMEM = 0xff7fe000 - 0xc0000000 - 128 MiB = 0x377fe000
    // (init_32.c), so high_memory = 0xf77fe000 and VMALLOC_START = 0xf7ffe000, below the 896 MiB the
    // simulated machine maps directly; PAE: MAXMEM = 0xff9fe000 - 0xc0000000 - 128 MiB = 0x379fe000
    expect(boot({ ramMiB: 1024 }).window).toEqual({ start: 0xf7ffe000, end: 0xff7fe000 });
    expect(boot({ ramMiB: 1024, arch: 'i386-pae' }).window).toEqual({ start: 0xf81fe000, end: 0xff9fe000 });
    // below MAXMEM, high_memory is the end of RAM: 880 MiB -> 0xf7000000 + 8 MiB
    expect(boot({ ramMiB: 880 }).window.start).toBe(0xf7800000);
    const x = boot({ arch: 'x86_64' });
    expect(x.kernel.hex(x.window.start)).toBe('0xffffc90000000000');
    expect(x.kernel.hex(x.window.end)).toBe('0xffffe8ffffffffff');
  });
});

describe('2.6.39 free_vmap_cache (89699605fe7c)', () => {
  it('caches the last allocated area, with the vstart and alignment of that request', () => {
    const r = boot();
    expect(summary(r)).toMatchObject({ free_vmap_cache: 'NULL', cached_hole_size: 0, cached_align: 0 });
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    // vmalloc: __vmalloc_node(size, align 1, …) -> __get_vm_area_node -> alloc_vmap_area(align 1)
    expect(summary(r)).toMatchObject({ free_vmap_cache: '0xc8800000', cached_hole_size: 0, cached_vstart: '0xc8800000', cached_align: 1 });
    // vmalloc_user passes SHMLBA (PAGE_SIZE) as the alignment
    expect(step(r, { op: 'vmalloc_user', size: PAGE }).addr).toBe('0xc8803000');
    expect(summary(r)).toMatchObject({ free_vmap_cache: '0xc8803000', cached_align: PAGE });
  });

  it('records the largest hole the walk skipped, rescans from vstart for a request that fits it, and rejects an exact fit', () => {
    // 0xc8800000 [a 4][g] . 0xc8806000 [b 16][g] . 0xc8818000 [c 4][g] .
    const r = boot();
    step(r, { op: 'vmalloc', size: 4 * PAGE, as: 'a' });
    step(r, { op: 'vmalloc', size: 16 * PAGE, as: 'b' });
    step(r, { op: 'vmalloc', size: 4 * PAGE, as: 'c' });
    step(r, { op: 'vfree', ref: 'b' });
    step(r, { op: 'vm_unmap_aliases' });
    // __free_vmap_area(b): b starts below the cached c, so free_vmap_cache = rb_prev(b) = a
    expect(summary(r).free_vmap_cache).toBe('0xc8800000');
    // 32 pages (33 with the guard): from a, the hole 0xc8806000..0xc8818000 (18 pages) is too small;
    // cached_hole_size = 0xc8818000 - 0xc8806000; the area goes after c at 0xc881e000
    expect(step(r, { op: 'vmalloc', size: 32 * PAGE, as: 'd' }).addr).toBe('0xc881e000');
    expect(summary(r)).toMatchObject({ free_vmap_cache: '0xc881e000', cached_hole_size: 18 * PAGE });
    // 8 pages (size 9 pages) < cached_hole_size: cache dropped, search from VMALLOC_START, hole reused
    expect(step(r, { op: 'vmalloc', size: 8 * PAGE, as: 'f' }).addr).toBe('0xc8806000');
    expect(summary(r)).toMatchObject({ free_vmap_cache: '0xc8806000', cached_hole_size: 0 });
    // the hole left is 0xc8810000..0xc8818000, 8 pages: 7 pages + guard is an exact fit, and the walk
    // `while (addr + size >= first->va_start …)` skips it (2.6.32's `>` took it); it records 8 pages
    expect(step(r, { op: 'vmalloc', size: 7 * PAGE, as: 'g' }).addr).toBe('0xc8840000');
    expect(summary(r).cached_hole_size).toBe(8 * PAGE);
    // 6 pages (7 with the guard) < 8 pages: rescan from the bottom, the hole is taken
    expect(step(r, { op: 'vmalloc', size: 6 * PAGE, as: 'h' }).addr).toBe('0xc8810000');
  });

  it('2.6.32 places the same exact fit in the hole', () => {
    const r = boot({}, '2.6.32');
    for (const [as, pages] of [['a', 4], ['b', 16], ['c', 4]] as const) step(r, { op: 'vmalloc', size: pages * PAGE, as });
    step(r, { op: 'vfree', ref: 'b' });
    step(r, { op: 'vm_unmap_aliases' });
    step(r, { op: 'vmalloc', size: 32 * PAGE });
    expect(step(r, { op: 'vmalloc', size: 8 * PAGE }).addr).toBe('0xc8806000');
    expect(step(r, { op: 'vmalloc', size: 7 * PAGE }).addr).toBe('0xc8810000');
  });

  it('empties the cache when the lowest area is freed (rb_prev is NULL), and the next search starts at vstart', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    step(r, { op: 'vmalloc', size: PAGE, as: 'b' });
    step(r, { op: 'vfree', ref: 'a' });
    step(r, { op: 'vm_unmap_aliases' });
    expect(summary(r).free_vmap_cache).toBe('NULL');
    expect(step(r, { op: 'vmalloc', size: PAGE }).addr).toBe('0xc8800000');
  });

  it('drops the cache for a lower vstart, and when the cached position is below a higher vstart', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: PAGE });
    // __vmalloc_node_range from 0xe0000000: ALIGN(cache->va_end + PAGE_SIZE) = 0xc8803000 < vstart: goto nocache
    expect(step(r, { op: '__vmalloc_node_range', size: PAGE, align: PAGE, start: '0xe0000000', end: '0xe0100000' }).addr).toBe('0xe0000000');
    expect(summary(r)).toMatchObject({ free_vmap_cache: '0xe0000000', cached_vstart: '0xe0000000', cached_align: PAGE });
    // vmalloc: vstart 0xc8800000 < cached_vstart, search from the bottom: 0xc8803000
    expect(step(r, { op: 'vmalloc', size: PAGE }).addr).toBe('0xc8803000');
    expect(summary(r).cached_vstart).toBe('0xc8800000');
  });

  it('saves the walk: the 1001st area after 1000 costs a few tree nodes instead of every area (long_busy_list shape)', () => {
    // Both versions then walk vmlist in insert_vmalloc_vm (1000 vm_structs, sorted insert at the
    // end). On top of that 2.6.32's alloc_vmap_area descends to the lowest area and rb_next()s over
    // all 1000 (no hole); 2.6.39 starts at the cached last area, whose rb_next only climbs to the root.
    const visited = (v: string) => {
      const r = boot({ vmallocStart: '0xd0000000', vmallocEnd: '0xf0000000' }, v);
      for (let i = 0; i < 1000; i++) step(r, { op: 'vmalloc', size: PAGE });
      return cost(r, { op: 'vmalloc', size: PAGE }).nodes_visited ?? 0;
    };
    const old = visited('2.6.32');
    const cached = visited('2.6.39');
    expect(cached).toBeGreaterThanOrEqual(1000); // the vmlist walk
    expect(cached).toBeLessThan(1000 + 60); // + rb_next climb, insert descent, rb_prev: about 3 * log2(1000)
    expect(old - cached).toBeGreaterThanOrEqual(1000); // the rb_next walk over every area
  });

  it('BUGs on an alignment that is not a power of two (mm/vmalloc.c:345)', () => {
    const r = boot();
    expect(is_power_of_2(PAGE)).toBe(true);
    expect(is_power_of_2(3 * PAGE)).toBe(false);
    expect(is_power_of_2(2 ** 40)).toBe(true);
    expect(() => r.api.__vmalloc_node!(PAGE, 3 * PAGE, 0)).toThrow(KernelBug);
    expect(r.kernel.console.lines.at(-1)).toBe('kernel BUG at mm/vmalloc.c:345!');
  });
});

describe('2.6.39 ptes cleared at free, TLB flush deferred (64141da58724)', () => {
  it('vfree clears the pte at once; a CPU with the translation cached still reaches the freed page until the purge', () => {
    const r = boot({ cpus: 3 });
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    step(r, { op: 'poke', ref: 'a', data: '11223344', cpu: 0 });
    expect(step(r, { op: 'peek', ref: 'a', count: 4, cpu: 1 }).data).toBe('11223344');
    const pfn = r.kernel.walk(0xc8800000);
    expect(pfn).toBeGreaterThanOrEqual(0);
    step(r, { op: 'vfree', ref: 'a' });
    // free_unmap_vmap_area_noflush -> unmap_vmap_area: no pte; the range stays reserved (lazy)
    expect(r.kernel.walk(0xc8800000)).toBe(-1);
    expect(r.api.ranges!().map((x) => x.state)).toEqual(['lazy']);
    expect(finalState(r).pagesMapped).toBe(0);
    // no flush yet: CPUs 0 and 1 keep the stale entry and read the freed page
    expect(r.kernel.machine.tlb.snapshot(1)).toEqual([{ addr: 0xc8800000, pfn }]);
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 4, cpu: 1 }).data).toBe('11223344');
    // CPU 2 never touched it: its access walks the page tables and faults
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 1, cpu: 2 })).toEqual({
      op: 'peek',
      ok: false,
      error: 'OOPS',
      log: ['BUG: unable to handle kernel paging request at c8800000'],
    });
    // the next vmalloc gets the same frame (LIFO) at 0xc8803000; the stale alias sees its new owner's data
    expect(step(r, { op: 'vmalloc', size: PAGE, as: 'b' }).addr).toBe('0xc8803000');
    expect(r.kernel.walk(0xc8803000)).toBe(pfn);
    step(r, { op: 'poke', ref: 'b', data: 'aabbccdd', cpu: 2 });
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 4, cpu: 0 }).data).toBe('aabbccdd');
    // vread goes by vmlist: the freed range is a hole before b, read as zeroes (the full count)
    expect(step(r, { op: 'vread', addr: '0xc8800000', count: 4 })).toMatchObject({ ok: true, count: 4, data: '00000000' });
    // the purge flushes the range [0xc8800000, 0xc8802000) on every CPU: now CPU 0 faults too
    step(r, { op: 'vm_unmap_aliases' });
    expect(r.kernel.machine.tlb.snapshot(0)).toEqual([]);
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 1, cpu: 0 })).toMatchObject({ ok: false, error: 'OOPS' });
    expect(finalState(r).pagesMapped).toBe(1);
  });

  it('2.6.32 keeps the pte until the purge (so every CPU still reaches the page)', () => {
    const r = boot({ cpus: 3 }, '2.6.32');
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    step(r, { op: 'poke', ref: 'a', data: '11223344', cpu: 0 });
    step(r, { op: 'vfree', ref: 'a' });
    expect(r.kernel.walk(0xc8800000)).toBeGreaterThanOrEqual(0);
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 4, cpu: 2 }).data).toBe('11223344');
  });

  it('vm_unmap_ram clears the chunk\'s ptes in vb_free; vm_unmap_aliases only flushes the dirty range', () => {
    const r = boot({ cpus: 2 });
    // the first vmap block is the first 1 MiB-aligned 256-page range: VMALLOC_START 0xc8800000 is aligned
    expect(step(r, { op: 'vm_map_ram', pages: 2, as: 'm' }).addr).toBe('0xc8800000');
    // a second chunk stays mapped, so the block is not fragmented (free + dirty < 256) and stays
    expect(step(r, { op: 'vm_map_ram', pages: 1, as: 'n' }).addr).toBe('0xc8802000');
    step(r, { op: 'poke', ref: 'm', data: '55', cpu: 1 });
    step(r, { op: 'vm_unmap_ram', ref: 'm', pages: 2 });
    expect(r.kernel.walk(0xc8800000)).toBe(-1);
    expect(r.kernel.walk(0xc8801000)).toBe(-1);
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 1, cpu: 1 }).data).toBe('55');
    const c = cost(r, { op: 'vm_unmap_aliases' });
    expect(c.ptes_cleared ?? 0).toBe(0);
    expect(c.tlb_flush_range).toBe(1);
    expect(r.kernel.lastFlushRange).toEqual({ start: 0xc8800000, end: 0xc8802000 });
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 1, cpu: 1 })).toMatchObject({ ok: false, error: 'OOPS' });
    expect(summary(r).vmap_blocks).toBe(1);
  });
});

describe('2.6.39 purge_fragmented_blocks (02b709df817c, 2.6.33)', () => {
  it('a block whose every allocated chunk is unmapped is freed by the next sync purge', () => {
    const r = boot({ cpus: 2 });
    expect(step(r, { op: 'vm_map_ram', pages: 1, as: 'a' }).addr).toBe('0xc8800000');
    expect(step(r, { op: 'vm_map_ram', pages: 2, as: 'b' }).addr).toBe('0xc8802000'); // order 1: 2-aligned
    step(r, { op: 'vm_unmap_ram', ref: 'a', pages: 1 });
    step(r, { op: 'vm_unmap_ram', ref: 'b', pages: 2 });
    // free = 256 - 3 allocated... but bit 1 was skipped: free 253, dirty 3 = 256 and dirty != 256
    expect(summary(r).vmap_blocks).toBe(1);
    step(r, { op: 'vm_unmap_aliases' });
    // purge_fragmented_blocks_allcpus -> free_vmap_block -> lazy va, purged in the same call
    expect(summary(r)).toMatchObject({ vmap_blocks: 0, vmap_areas: 0, vmap_lazy_nr: 0 });
    expect(step(r, { op: 'vm_map_ram', pages: 1 }).addr).toBe('0xc8800000');
  });

  it('2.6.32 keeps such a block and hands out its next chunk', () => {
    const r = boot({ cpus: 2 }, '2.6.32');
    step(r, { op: 'vm_map_ram', pages: 1, as: 'a' });
    step(r, { op: 'vm_map_ram', pages: 2, as: 'b' });
    step(r, { op: 'vm_unmap_ram', ref: 'a', pages: 1 });
    step(r, { op: 'vm_unmap_ram', ref: 'b', pages: 2 });
    step(r, { op: 'vm_unmap_aliases' });
    expect(summary(r).vmap_blocks).toBe(1);
    expect(step(r, { op: 'vm_map_ram', pages: 1 }).addr).toBe('0xc8801000');
  });

  it('BUGs on a chunk unmapped twice (mm/vmalloc.c:999)', () => {
    const r = boot();
    step(r, { op: 'vm_map_ram', pages: 1, as: 'a' });
    step(r, { op: 'vm_map_ram', pages: 1 });
    step(r, { op: 'vm_unmap_ram', ref: 'a', pages: 1 });
    expect(step(r, { op: 'vm_unmap_ram', ref: 'a', pages: 1 })).toEqual({ op: 'vm_unmap_ram', ok: false, error: 'BUG', log: ['kernel BUG at mm/vmalloc.c:999!'] });
  });
});

describe('2.6.39 set_iounmap_nonlazy (3ee48b6af49c, 2.6.37)', () => {
  it('makes the next free purge at once, and leaves vmap_lazy_nr near the limit so later frees purge at once too (QUERY)', () => {
    const r = boot();
    for (const as of ['a', 'b', 'c']) step(r, { op: 'vmalloc', size: PAGE, as });
    step(r, { op: 'vfree', ref: 'a' });
    expect(summary(r)).toMatchObject({ vmap_lazy_nr: 2, lazy_max_pages: 8192 });
    step(r, { op: 'set_iounmap_nonlazy' });
    // atomic_set(&vmap_lazy_nr, lazy_max_pages() + 1): a's 2 pages are overwritten, not kept
    expect(summary(r).vmap_lazy_nr).toBe(8193);
    // vfree(b): 8193 + 2 > 8192 -> try_purge: a and b purged (nr 4): 8195 - 4 = 8191
    expect(cost(r, { op: 'vfree', ref: 'b' }).purges).toBe(1);
    expect(summary(r)).toMatchObject({ vmap_lazy_nr: 8191, vmap_areas: 1 });
    // a was the lowest area: free_vmap_cache = rb_prev(a) = NULL, the next search starts at the bottom
    expect(step(r, { op: 'vmalloc', size: PAGE, as: 'd' }).addr).toBe('0xc8800000');
    // vfree(c) with nothing else lazy: 8191 + 2 > 8192, purged at once again, and so on for every free
    expect(cost(r, { op: 'vfree', ref: 'c' }).purges).toBe(1);
    expect(summary(r).vmap_lazy_nr).toBe(8191);
    expect(cost(r, { op: 'vfree', ref: 'd' }).purges).toBe(1);
  });

  it('before an iounmap, as crash_dump does: the ioremap area is unmapped and flushed by the iounmap itself', () => {
    const r = boot();
    expect(step(r, { op: 'ioremap', phys: '0xfebf0000', size: PAGE, as: 'io' }).addr).toBe('0xc8800000');
    step(r, { op: 'set_iounmap_nonlazy' });
    const c = cost(r, { op: 'iounmap', ref: 'io' });
    expect(c.purges).toBe(1);
    expect(c.tlb_flush_range).toBe(1);
    expect(summary(r).vmap_areas).toBe(0);
  });

  it('is unsupported before 2.6.37', () => {
    expect(step(boot({}, '2.6.32'), { op: 'set_iounmap_nonlazy' })).toEqual({ op: 'set_iounmap_nonlazy', ok: false, error: 'unsupported', log: [] });
  });
});

describe('2.6.39 vzalloc and __vmalloc_node_range', () => {
  it('vzalloc/vzalloc_node return zeroed areas and name themselves as the caller', () => {
    const r = boot();
    expect(step(r, { op: 'vzalloc', size: 2 * PAGE, as: 'z' }).addr).toBe('0xc8800000');
    expect(step(r, { op: 'vzalloc_node', size: PAGE, node: 0, as: 'n' }).addr).toBe('0xc8804000');
    expect(step(r, { op: 'vread', ref: 'z', offset: 4094, count: 4 }).data).toBe('00000000');
    expect(step(r, { op: 'vmallocinfo' }).text).toBe(
      '0xc8800000-0xc8803000   12288 vzalloc+0x0/0x0 pages=2 vmalloc\n' + '0xc8804000-0xc8806000    8192 vzalloc_node+0x0/0x0 pages=1 vmalloc\n',
    );
  });

  it('__vmalloc_node_range places the area in [start, end) with the alignment, and fails with the message when it does not fit', () => {
    const r = boot();
    expect(step(r, { op: '__vmalloc_node_range', size: PAGE, align: 0x10000, start: '0xe0001000', end: '0xe0100000' }).addr).toBe('0xe0010000');
    // 256 pages + guard in a 1 MiB window: never fits; purge, retry, message with the guard page
    expect(step(r, { op: '__vmalloc_node_range', size: MiB, align: PAGE, start: '0xe0000000', end: '0xe0100000' })).toEqual({
      op: '__vmalloc_node_range',
      ok: false,
      error: 'ENOMEM',
      addr: null,
      log: ['vmap allocation for size 1052672 failed: use vmalloc=<size> to increase size.'],
    });
  });
});

describe('2.6.39 double vfree oops line', () => {
  it('prints NULL as "(null)" right-aligned in the pointer width', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    step(r, { op: 'vfree', ref: 'a' });
    expect(step(r, { op: 'vfree', ref: 'a' }).log).toEqual(['BUG: unable to handle kernel NULL pointer dereference at   (null)']);
    const x = boot({ arch: 'x86_64' });
    step(x, { op: 'vmalloc', size: PAGE, as: 'a' });
    step(x, { op: 'vfree', ref: 'a' });
    expect(step(x, { op: 'vfree', ref: 'a' }).log).toEqual([`BUG: unable to handle kernel NULL pointer dereference at ${' '.repeat(10)}(null)`]);
  });
});

describe('2.6.39 ioremap (arch/x86/mm/ioremap.c)', () => {
  it('checks every page up to last_pfn (35be1b716a47): a one-page ioremap of RAM in use is refused', () => {
    const r = boot();
    // pfn 0x2000 is free RAM (page_is_ram, pfn_valid, not reserved): refused, for 1 page as for 2
    expect(step(r, { op: 'ioremap', phys: '0x2000000', size: PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(step(r, { op: 'ioremap', phys: '0x2000000', size: 2 * PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
  });

  it('treats the 64 KiB low reservation and 640K-1M as not RAM (trim_bios_range, generic page_is_ram)', () => {
    const r = boot();
    // pfns 1 and 2 are E820_RESERVED (CONFIG_X86_RESERVE_LOW 64): mapped like device memory
    expect(step(r, { op: 'ioremap', phys: '0x1000', size: 2 * PAGE, as: 'low' })).toEqual({ op: 'ioremap', ok: true, addr: '0xc8800000', log: [] });
    expect(r.kernel.walk(0xc8800000)).toBe(1);
    // pfn 16 is RAM
    expect(step(r, { op: 'ioremap', phys: '0x10000', size: PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
  });

  it('counts a range ending at 0x100000 as ISA: is_ISA_range gets the inclusive last address (QUERY)', () => {
    const r = boot();
    // last_addr = 0xa0000 + 0x60001 - 1 = 0x100000 <= ISA_END_ADDRESS: the linear address, no area
    expect(step(r, { op: 'ioremap', phys: '0xa0000', size: 0x60001 }).addr).toBe('0xc00a0000');
    expect(finalState(r).areas).toEqual([]);
  });

  it('maps a BAR above 4 GiB at its real frame on i386-pae (phys_addr_t, ffa71f33a820)', () => {
    const r = boot({ arch: 'i386-pae' });
    expect(step(r, { op: 'ioremap', phys: '0x100000000', size: PAGE, as: 'hi' }).addr).toBe('0xc8800000');
    expect(r.kernel.walk(0xc8800000)).toBe(0x100000);
    expect(step(r, { op: 'vmallocinfo' }).text).toBe('0xc8800000-0xc8802000    8192 ioremap+0x0/0x0 phys=100000000 ioremap\n');
  });

  it('iounmap walks vmlist under read_lock(&vmlist_lock) (ioremap.c:285): it spins on a dead writer; the ISA case returns before', () => {
    const r = boot();
    step(r, { op: 'ioremap', phys: '0x1000', size: 2 * PAGE, as: 'low' });
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    step(r, { op: 'vfree', ref: 'a' });
    // the second vfree before the purge: remove_vm_area's walk under write_lock(&vmlist_lock) runs
    // off vmlist's end and oopses (show_fault_oops, %p of NULL padded to 8 columns), the lock kept
    expect(step(r, { op: 'vfree', ref: 'a' })).toEqual({ op: 'vfree', ok: false, error: 'OOPS', log: ['BUG: unable to handle kernel NULL pointer dereference at   (null)'] });
    // an address no area starts at: the walk itself spins (it would print "iounmap: bad address")
    expect(step(r, { op: 'iounmap', addr: '0xc8900000' })).toEqual({ op: 'iounmap', ok: false, error: 'HANG', held: 'vmlist_lock (held since step 3)', log: [] });
    expect(step(r, { op: 'iounmap', ref: 'low' })).toMatchObject({ ok: false, error: 'HANG', held: 'vmlist_lock (held since step 3)' });
    // 640K-1M: the linear address, no area; iounmap returns at its ISA test, before the lock
    expect(step(r, { op: 'ioremap', phys: '0xa0000', size: PAGE, as: 'isa' }).addr).toBe('0xc00a0000');
    expect(step(r, { op: 'iounmap', ref: 'isa' })).toEqual({ op: 'iounmap', ok: true, log: [] });
  });
});

describe('lib/rbtree.c augment helpers (2.6.39)', () => {
  interface N {
    key: number;
    max: number;
  }
  function insert(root: rb_root<N>, key: number): rb_node<N> {
    let parent: rb_node<N> | null = null;
    let p = root.rb_node;
    let left = false;
    while (p) {
      parent = p;
      left = key < p.entry.key;
      p = left ? p.rb_left : p.rb_right;
    }
    const n = new rb_node<N>({ key, max: key });
    const par = parent;
    rb_link_node(n, par, (x) => {
      if (!par) root.rb_node = x;
      else if (left) par.rb_left = x;
      else par.rb_right = x;
    });
    rb_insert_color(n, root);
    return n;
  }
  // the augmented value: the largest key in the subtree
  const update = (n: rb_node<N>): void => {
    n.entry.max = Math.max(n.entry.key, n.rb_left?.entry.max ?? -1, n.rb_right?.entry.max ?? -1);
  };
  const check = (n: rb_node<N> | null): number => {
    if (!n) return -1;
    const m = Math.max(n.entry.key, check(n.rb_left), check(n.rb_right));
    expect(n.entry.max).toBe(m);
    return m;
  };

  it('keeps a subtree maximum right through inserts and erases', () => {
    const root: rb_root<N> = { rb_node: null };
    const nodes: rb_node<N>[] = [];
    for (const key of [50, 20, 80, 10, 30, 70, 90, 25, 27, 26]) {
      const n = insert(root, key);
      rb_augment_insert(n, update, null);
      nodes.push(n);
    }
    check(root.rb_node);
    for (const n of [nodes[0], nodes[6], nodes[3]]) {
      const deepest = rb_augment_erase_begin(n);
      rb_erase(n, root);
      rb_augment_erase_end(deepest, update, null);
      check(root.rb_node);
    }
    expect(root.rb_node!.color).toBe(RB_BLACK);
  });
});

describe('2.6.39 catalogue', () => {
  it('keys every change by a release from 2.6.33 to 2.6.39 and cites 12-hex mainline commits', () => {
    const v = findVersion(V)!;
    const releases = new Set(['2.6.33', '2.6.34', '2.6.35', '2.6.36', '2.6.37', '2.6.38', '2.6.39']);
    for (const c of v.changes) {
      expect(releases.has(c.since), c.id).toBe(true);
      expect(c.commits?.length, c.id).toBeGreaterThan(0);
      for (const id of c.commits!) expect(id, c.id).toMatch(/^[0-9a-f]{12}$/);
    }
    const cache = v.changes.find((c) => c.id === 'vmap-area-cache')!;
    expect(cache).toMatchObject({ since: '2.6.39', commits: ['89699605fe7c'] });
    expect(v.changes.find((c) => c.id === 'eager-pte-clear')).toMatchObject({ since: '2.6.37', commits: ['64141da58724'] });
    expect(v.changes.find((c) => c.id === 'purge-fragmented-blocks')).toMatchObject({ since: '2.6.33' });
  });
});

describe('2.6.39 vmap areas still leave the 2.6.28 gap page', () => {
  it('steps 1-page vmallocs by 3 pages and purges on the 482nd 64 KiB vfree with 1 CPU', () => {
    const r = runVersion(
      scenario('spacing', [
        { op: 'vmalloc', size: PAGE },
        { op: 'vmalloc', size: PAGE },
        { op: 'vmalloc', size: PAGE },
      ]),
      findVersion(V)!,
    );
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8803000', '0xc8806000']);
    const b = boot();
    for (let i = 0; i < 482; i++) step(b, { op: 'vmalloc', size: 65536, as: `x${i}` });
    for (let i = 0; i < 481; i++) step(b, { op: 'vfree', ref: `x${i}` });
    expect(summary(b).vmap_lazy_nr).toBe(481 * 17);
    // 482 * 17 = 8194 > 8192
    expect(cost(b, { op: 'vfree', ref: 'x481' }).purges).toBe(1);
    expect(summary(b).vmap_lazy_nr).toBe(0);
  });
});
