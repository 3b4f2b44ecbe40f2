/**
 * Linux 2.6.32 mm/vmalloc.c behaviour, worked out from the source (mainline v2.6.32,
 * commit 22763c5cf369, mm/vmalloc.c blob 0f551a4a44cd; lib/rbtree.c) and written out as
 * constants here, not read back from vmx.
 * Run: npx vitest run test/versions/2.6.32.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB, 1 CPU, so high_memory = 0xc8000000 and
 *   VMALLOC_START = high_memory + VMALLOC_OFFSET = 0xc8000000 + 0x800000 = 0xc8800000
 *   VMALLOC_END   = PKMAP_BASE - 2*PAGE_SIZE = 0xff800000 - 0x2000 = 0xff7fe000
 * A vmalloc(n pages) reserves a vmap_area of n+1 pages (guard page), and alloc_vmap_area
 * restarts after an area at va_end + PAGE_SIZE, so areas sit one unreserved page apart.
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, runVersion, type VersionRun } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import { finalState } from '../../src/harness/final.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';
import { Owner } from '../../src/hw/frames.js';
import { RB_BLACK, RB_NODE, RB_RED, rbtree, type rb_root } from '../../versions/2.6.32/lib/rbtree.js';
import { structTable } from '../../src/kernel/struct-table.js';

const V = '2.6.32';
const PAGE = 4096;
const KiB = 1024;
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

function boot(m: MachineOpts = {}): VersionRun {
  return bootVersion(scenario('boot', [], m), findVersion(V)!);
}

function step(run: VersionRun, s: Partial<Step>): StepResult {
  return runStep(run, s as Step).result;
}

function cost(run: VersionRun, s: Partial<Step>) {
  return runStep(run, s as Step);
}

function run(name: string, steps: Partial<Step>[], m: MachineOpts = {}) {
  return runVersion(scenario(name, steps, m), findVersion(V)!);
}

const summary = (r: VersionRun) => r.api.stateSummary!();

describe('2.6.32 window and first fit with the extra page', () => {
  it('derives VMALLOC_START = high_memory + 8 MiB (no rounding) and VMALLOC_END = 0xff7fe000', () => {
    expect(boot().window).toEqual({ start: 0xc8800000, end: 0xff7fe000 });
    // 100 MiB of RAM: high_memory 0xc6400000; 2.4 would round up to 0xc7000000.
    expect(boot({ ramMiB: 100 }).window.start).toBe(0xc6c00000);
    // PAE: PKMAP_BASE 0xffa00000 (LAST_PKMAP 512, 2 MiB PMD_MASK)
    expect(boot({ arch: 'i386-pae' }).window).toEqual({ start: 0xc8800000, end: 0xff9fe000 });
  });

  it('spaces 64 KiB areas 0x12000 apart: 16 pages + guard page + the unreserved page', () => {
    // 0xc8800000 [a 16][g] . 0xc8812000 [b 16][g] . 0xc8824000 [c 16][g] .
    const r = run('spacing', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'vmalloc', size: 65536, as: 'b' },
      { op: 'vmalloc', size: 65536, as: 'c' },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8812000', '0xc8824000']);
    expect(r.final).toEqual({
      areas: [
        { addr: '0xc8800000', size: 0x11000, flags: ['VM_ALLOC'] },
        { addr: '0xc8812000', size: 0x11000, flags: ['VM_ALLOC'] },
        { addr: '0xc8824000', size: 0x11000, flags: ['VM_ALLOC'] },
      ],
      pagesMapped: 48,
      pageTablePages: 1,
      kmemleak: [
        { ptr: '0xc8800000', size: 65536, minCount: 3 },
        { ptr: '0xc8812000', size: 65536, minCount: 3 },
        { ptr: '0xc8824000', size: 65536, minCount: 3 },
      ],
    });
  });

  it('steps 1-page vmallocs by 3 pages', () => {
    const r = run('one-page', [
      { op: 'vmalloc', size: 1 },
      { op: 'vmalloc', size: 4096 },
      { op: 'vmalloc', size: 4096 },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8803000', '0xc8806000']);
  });

  it('x86_64 starts at 0xffffc90000000000 and keeps full precision', () => {
    const r = run('x86_64', [{ op: 'vmalloc', size: 4096 }, { op: 'vmalloc', size: 4096 }], { arch: 'x86_64', ramMiB: 1024 });
    expect(r.steps.map((s) => s.addr)).toEqual(['0xffffc90000000000', '0xffffc90000003000']);
  });
});

describe('2.6.32 lazy freeing', () => {
  it('does not reuse a freed range until a purge, and reuses it after one', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 65536, as: 'a' });
    step(r, { op: 'vmalloc', size: 65536, as: 'b' });
    step(r, { op: 'vmalloc', size: 65536, as: 'c' });
    expect(step(r, { op: 'vfree', ref: 'b' })).toEqual({ op: 'vfree', ok: true, log: [] });
    expect(summary(r).vmap_lazy_nr).toBe(17);
    // b's va [0xc8812000, 0xc8823000) is still reserved: d goes after c (0xc8835000 + 1 page)
    expect(step(r, { op: 'vmalloc', size: 65536, as: 'd' }).addr).toBe('0xc8836000');
    expect(r.api.ranges!().map((x) => [x.start.toString(16), x.end.toString(16), x.state])).toEqual([
      ['c8800000', 'c8811000', 'live'],
      ['c8812000', 'c8823000', 'lazy'],
      ['c8824000', 'c8835000', 'live'],
      ['c8836000', 'c8847000', 'live'],
    ]);
    const p = cost(r, { op: 'vm_unmap_aliases' });
    expect(p.detail.cost).toMatchObject({ purges: 1, tlb_flush_range: 1, ptes_cleared: 16 });
    expect(r.kernel.lastFlushRange).toEqual({ start: 0xc8812000, end: 0xc8823000 });
    expect(summary(r).vmap_lazy_nr).toBe(0);
    expect(step(r, { op: 'vmalloc', size: 65536, as: 'e' }).addr).toBe('0xc8812000');
  });

  it('computes lazy_max_pages = fls(cpus) * 8192', () => {
    // fls(1) = 1, fls(2..3) = 2, fls(4..7) = 3, fls(8..15) = 4, fls(16) = 5
    expect([1, 2, 3, 4, 5, 8, 9, 16].map((cpus) => summary(boot({ cpus })).lazy_max_pages)).toEqual([
      8192, 16384, 16384, 24576, 24576, 32768, 32768, 40960,
    ]);
  });

  /** vmalloc/vfree 64 KiB (17 lazy pages each) until a vfree purges; that vfree's index and cost. */
  function untilPurge(cpus: number) {
    const r = boot({ cpus });
    for (let i = 1; ; i++) {
      step(r, { op: 'vmalloc', size: 65536, as: 'x' });
      const { result, detail } = cost(r, { op: 'vfree', ref: 'x' });
      expect(result.ok).toBe(true);
      if (detail.cost.purges) return { i, r, cost: detail.cost };
      if (i > 5000) throw new Error('no purge');
    }
  }

  it('purges on the 482nd 64 KiB vfree with 1 CPU (482 * 17 = 8194 > 8192), with one TLB flush over the span', () => {
    const { i, r, cost: c } = untilPurge(1);
    expect(i).toBe(482);
    expect(c).toMatchObject({ purges: 1, tlb_flush_range: 1, ptes_cleared: 482 * 16, pages_freed: 16 });
    expect(c.tlb_flush_all ?? 0).toBe(0);
    // area n lies at 0xc8800000 + n * 0x12000; the last (n = 481) ends at 0xca9d2000 + 0x11000
    expect(r.kernel.lastFlushRange).toEqual({ start: 0xc8800000, end: 0xca9e3000 });
    expect(summary(r).vmap_lazy_nr).toBe(0);
    expect(r.api.ranges!()).toEqual([]);
    // everything is reusable again: the next area is back at VMALLOC_START
    expect(step(r, { op: 'vmalloc', size: 65536 }).addr).toBe('0xc8800000');
  });

  it('purges on the 1446th 64 KiB vfree with 4 CPUs (1446 * 17 = 24582 > 24576)', () => {
    const { i, cost: c } = untilPurge(4);
    expect(i).toBe(1446);
    expect(c).toMatchObject({ purges: 1, tlb_flush_range: 1 });
  });

  it('keeps the stale ptes and TLB entries until the purge: a stale pointer reads the page\'s new owner', () => {
    const r = boot({ cpus: 2 });
    step(r, { op: 'vmalloc', size: 4096, as: 'a' });
    step(r, { op: 'poke', ref: 'a', data: '11223344' });
    expect(step(r, { op: 'peek', ref: 'a', count: 4, cpu: 0 }).data).toBe('11223344');
    const pfn = r.kernel.walk(0xc8800000);
    expect(r.kernel.machine.tlb.snapshot(0)).toEqual([{ addr: 0xc8800000, pfn }]);
    step(r, { op: 'vfree', ref: 'a' });
    // the page went back to the allocator; the pte and CPU 0's TLB entry still point at it
    expect(r.kernel.machine.mem.owner(pfn)).toBe(Owner.Free);
    expect(r.kernel.walk(0xc8800000)).toBe(pfn);
    expect(r.kernel.machine.tlb.snapshot(0)).toEqual([{ addr: 0xc8800000, pfn }]);
    // the next vmalloc gets the same frame (LIFO free list) at 0xc8803000
    expect(step(r, { op: 'vmalloc', size: 4096, as: 'b' }).addr).toBe('0xc8803000');
    expect(r.kernel.walk(0xc8803000)).toBe(pfn);
    step(r, { op: 'poke', ref: 'b', data: 'aabbccdd' });
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 4, cpu: 0 })).toEqual({ op: 'peek', ok: true, count: 4, data: 'aabbccdd', log: [] });
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 4, cpu: 1 }).data).toBe('aabbccdd');
    expect(finalState(r).pagesMapped).toBe(2);
    // the purge clears the pte and flushes every TLB: the stale pointer now faults
    step(r, { op: 'vm_unmap_aliases' });
    expect(r.kernel.machine.tlb.snapshot(0)).toEqual([]);
    expect(step(r, { op: 'peek', addr: '0xc8800000', count: 1, cpu: 0 })).toEqual({
      op: 'peek',
      ok: false,
      error: 'OOPS',
      log: ['BUG: unable to handle kernel paging request at c8800000'],
    });
    expect(finalState(r).pagesMapped).toBe(1);
  });

  it('purges and retries once when the window is full, then prints the rate-limited warning', () => {
    // 12 MiB window: five 2 MiB areas (0x201000 each + gap page) fit, the sixth does not
    const m = { vmallocStart: '0xd0800000', vmallocEnd: '0xd1400000' };
    const r = boot(m);
    for (let i = 0; i < 5; i++) step(r, { op: 'vmalloc', size: 2 * MiB, as: `e${i}` });
    step(r, { op: 'vfree', ref: 'e4' });
    // the failed search purges e4's lazy area (one purge) and the retry finds its range
    const c = cost(r, { op: 'vmalloc', size: 2 * MiB });
    expect(c.result.addr).toBe('0xd1008000');
    expect(c.detail.cost.purges).toBe(1);
    const f = cost(r, { op: 'vmalloc', size: 2 * MiB });
    expect(f.result).toEqual({
      op: 'vmalloc',
      ok: false,
      error: 'ENOMEM',
      addr: null,
      log: ['vmap allocation for size 2101248 failed: use vmalloc=<size> to increase size.'],
    });
    // nothing was lazy, so the purge purged nothing and is not counted, and flushed nothing
    expect(f.detail.cost.purges ?? 0).toBe(0);
    expect(f.detail.cost.tlb_flush_range ?? 0).toBe(0);
    // printk_ratelimit allows 10 messages
    for (let i = 0; i < 12; i++) step(r, { op: 'vmalloc', size: 2 * MiB });
    expect(step(r, { op: 'vmalloc', size: 2 * MiB }).log).toEqual([]);
  });
});

describe('2.6.32 pages array', () => {
  it('kmallocs a 4096-byte array at exactly 4 MiB and vmallocs it above (VM_VPAGES) for 4 MiB + 1 page', () => {
    // outer va [0xc8800000, 0xc8c02000); array of 1025 * 4 = 4100 bytes = 2 pages, va
    // [0xc8c03000, 0xc8c06000): reserved after the outer area, so above it
    const r = boot();
    expect(step(r, { op: 'vmalloc', size: 4 * MiB + PAGE, as: 'a' }).addr).toBe('0xc8800000');
    expect(finalState(r)).toEqual({
      areas: [
        { addr: '0xc8800000', size: 0x402000, flags: ['VM_ALLOC', 'VM_VPAGES'] },
        { addr: '0xc8c03000', size: 0x3000, flags: ['VM_ALLOC'] },
      ],
      pagesMapped: 1027,
      pageTablePages: 2,
      kmemleak: [
        { ptr: '0xc8800000', size: 4198400, minCount: 3 },
        { ptr: '0xc8c03000', size: 4100, minCount: 3 },
      ],
    });
    expect(step(r, { op: 'vmallocinfo' }).text).toBe(
      '0xc8800000-0xc8c02000 4202496 vmalloc+0x0/0x0 pages=1025 vmalloc vpages\n' +
        '0xc8c03000-0xc8c06000   12288 vmalloc+0x0/0x0 pages=2 vmalloc\n',
    );
    // the array holds the outer area's pages: kmemleak finds 3 references to it
    expect(step(r, { op: 'kmemleak_scan' }).leaks).toEqual([]);
    // vfree frees the 1025 pages, then vfree()s the array (2 more pages): both vas lazy
    const c = cost(r, { op: 'vfree', ref: 'a' });
    expect(c.detail.cost.pages_freed).toBe(1027);
    expect(finalState(r).areas).toEqual([]);
    expect(finalState(r).kmemleak).toEqual([]);
    expect(summary(r).vmap_lazy_nr).toBe(1026 + 3);
    expect(finalState(r).pagesMapped).toBe(1027); // stale until the purge

    const r2 = boot();
    step(r2, { op: 'vmalloc', size: 4 * MiB });
    expect(finalState(r2).areas).toEqual([{ addr: '0xc8800000', size: 0x401000, flags: ['VM_ALLOC'] }]);
  });

  it('works on i386-pae: 2 MiB pte tables, so 4 MiB + 1 page spans three', () => {
    // outer ptes [0xc8800000, 0xc8c01000) touch the 2 MiB slots at 0xc8800000, 0xc8a00000 and
    // 0xc8c00000; the array at 0xc8c03000 shares the third. The kernel pmds are boot pages.
    const r = run('pae-array', [{ op: 'vmalloc', size: 4 * MiB + PAGE, as: 'a' }, { op: 'vfree', ref: 'a' }, { op: 'vm_unmap_aliases' }], { arch: 'i386-pae' });
    expect(r.steps[0].addr).toBe('0xc8800000');
    expect(r.final).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 3, kmemleak: [] });
  });

  it('uses 8-byte pointers on x86_64: the array is vmalloc\'ed above 2 MiB', () => {
    const r = run('x86_64-array', [{ op: 'vmalloc', size: 2 * MiB + PAGE }], { arch: 'x86_64', ramMiB: 1024 });
    expect(r.final.areas).toEqual([
      { addr: '0xffffc90000000000', size: 0x202000, flags: ['VM_ALLOC', 'VM_VPAGES'] },
      { addr: '0xffffc90000203000', size: 0x3000, flags: ['VM_ALLOC'] },
    ]);
  });
});

describe('2.6.32 kmemleak hooks', () => {
  it('registers vmalloc areas with min_count 3, frees them in vfree, and reports a forgotten one', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 100, as: 'a' });
    step(r, { op: 'vmalloc', size: 8192, as: 'b' });
    step(r, { op: 'vmap', pages: 1, as: 'm' }); // vmap has no hook
    expect(finalState(r).kmemleak).toEqual([
      { ptr: '0xc8800000', size: 100, minCount: 3 },
      { ptr: '0xc8803000', size: 8192, minCount: 3 },
    ]);
    // vm->addr + va->va_start + the scenario's handle = 3
    expect(step(r, { op: 'kmemleak_scan' })).toMatchObject({ ok: true, leaks: [], text: '' });
    step(r, { op: 'forget', ref: 'a' });
    expect(step(r, { op: 'kmemleak_scan' })).toEqual({
      op: 'kmemleak_scan',
      ok: true,
      log: ['kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)'],
      text: 'unreferenced object 0xc8800000 (size 100):\n  comm "vmx", pid 1, jiffies 4294937296\n  backtrace:\n    [<00000000>] vmalloc+0x0/0x0',
      leaks: [{ ptr: '0xc8800000', size: 100 }],
    });
    // reported once only
    expect(step(r, { op: 'kmemleak_scan' }).leaks).toEqual([]);
    step(r, { op: 'vfree', ref: 'b' });
    expect(finalState(r).kmemleak).toEqual([{ ptr: '0xc8800000', size: 100, minCount: 3 }]);
    step(r, { op: 'vfree', addr: '0xc8800000' });
    expect(finalState(r).kmemleak).toEqual([]);
  });
});

describe('2.6.32 vm_map_ram and vmap blocks', () => {
  it('hands out power-of-two chunks of a 256-page block and never reuses a freed chunk', () => {
    // i386: VMAP_MAX_ALLOC 32, VMAP_BBMAP_BITS = min(1024, max(64, 32768 / NR_CPUS 8 / 16)) = 256
    const r = boot();
    expect(summary(r).VMAP_BBMAP_BITS).toBe(256);
    expect(step(r, { op: 'vm_map_ram', pages: 1, as: 'p0' }).addr).toBe('0xc8800000'); // bit 0
    expect(step(r, { op: 'vm_map_ram', pages: 2, as: 'p1' }).addr).toBe('0xc8802000'); // bits 2-3 (order 1)
    expect(step(r, { op: 'vm_map_ram', pages: 1, as: 'p2' }).addr).toBe('0xc8801000'); // bit 1
    expect(step(r, { op: 'vm_map_ram', pages: 3, as: 'p3' }).addr).toBe('0xc8804000'); // bits 4-7 (order 2)
    expect(step(r, { op: 'vm_unmap_ram', ref: 'p2', pages: 1 })).toEqual({ op: 'vm_unmap_ram', ok: true, log: [] });
    // bit 1 is dirty, not free: the next page is bit 8
    expect(step(r, { op: 'vm_map_ram', pages: 1, as: 'p4' }).addr).toBe('0xc8808000');
    // the block is one 1 MiB vmap_area with no guard page, not on vmlist
    expect(r.api.ranges!().map((x) => [x.start.toString(16), x.end.toString(16), x.state])).toEqual([['c8800000', 'c8900000', 'block']]);
    expect(finalState(r).areas).toEqual([]);
    // vm_unmap_ram left p2's pte in place; vm_unmap_aliases clears the dirty chunk and flushes
    expect(r.kernel.walk(0xc8801000)).toBeGreaterThanOrEqual(0);
    const c = cost(r, { op: 'vm_unmap_aliases' });
    expect(c.detail.cost).toMatchObject({ tlb_flush_range: 1, ptes_cleared: 1 });
    expect(c.detail.cost.purges ?? 0).toBe(0);
    expect(r.kernel.lastFlushRange).toEqual({ start: 0xc8801000, end: 0xc8802000 });
    expect(r.kernel.walk(0xc8801000)).toBe(-1);
    // a vmalloc goes after the block's end plus the gap page
    expect(step(r, { op: 'vmalloc', size: 4096 }).addr).toBe('0xc8901000');
    // more than VMAP_MAX_ALLOC pages: a plain page-aligned vmap_area, no guard page
    expect(step(r, { op: 'vm_map_ram', pages: 33, as: 'big' }).addr).toBe('0xc8904000');
    expect(step(r, { op: 'vm_unmap_ram', ref: 'big', pages: 33 }).ok).toBe(true);
    expect(summary(r).vmap_lazy_nr).toBe(33);
  });

  it('uses 1024-page (4 MiB) blocks on x86_64 and BUGs on a bad vm_unmap_ram', () => {
    // x86_64: VMAP_MAX_ALLOC 64, VMALLOC_PAGES / 8 / 16 = 262144, so VMAP_BBMAP_BITS = 1024
    const r = boot({ arch: 'x86_64', ramMiB: 1024 });
    expect(summary(r).VMAP_BBMAP_BITS).toBe(1024);
    expect(step(r, { op: 'vm_map_ram', pages: 64, as: 'p' }).addr).toBe('0xffffc90000000000');
    expect(step(r, { op: 'vmalloc', size: 4096 }).addr).toBe('0xffffc90000401000');
    expect(step(r, { op: 'vm_unmap_ram', ref: 'p', offset: 16, pages: 1 })).toEqual({
      op: 'vm_unmap_ram',
      ok: false,
      error: 'BUG',
      log: ['kernel BUG at mm/vmalloc.c:950!'],
    });
  });

  it('frees a block lazily once all 256 pages are dirty; the next block starts at the next 1 MiB boundary', () => {
    const r = boot();
    for (let i = 0; i < 256; i++) {
      step(r, { op: 'vm_map_ram', pages: 1, as: 'p' });
      step(r, { op: 'vm_unmap_ram', ref: 'p', pages: 1 });
    }
    expect(summary(r)).toMatchObject({ vmap_blocks: 0, vmap_lazy_nr: 256 });
    expect(r.api.ranges!().map((x) => x.state)).toEqual(['lazy']);
    // the lazy block still occupies [0xc8800000, 0xc8900000): align(0xc8901000, 1 MiB)
    expect(step(r, { op: 'vm_map_ram', pages: 1 }).addr).toBe('0xc8a00000');
  });
});

describe('2.6.32 /proc/vmallocinfo', () => {
  it('prints vmlist in the 2.6.32 format', () => {
    // s [0xc8800000, +0x2000); vmap 2 pages [0xc8803000, +0x3000); VM_IOREMAP 64 KiB aligned to
    // 1 << fls(65536) = 128 KiB: 0xc8820000; vmalloc_user(8 KiB) fits in the gap at 0xc8807000
    const r = boot();
    step(r, { op: 'vmalloc', size: 4096 });
    step(r, { op: 'vmap', pages: 2 });
    expect(step(r, { op: 'get_vm_area', size: 65536, flags: 'VM_IOREMAP' }).addr).toBe('0xc8820000');
    expect(step(r, { op: 'vmalloc_user', size: 8192 }).addr).toBe('0xc8807000');
    expect(step(r, { op: 'vmallocinfo' })).toEqual({
      op: 'vmallocinfo',
      ok: true,
      log: [],
      text:
        '0xc8800000-0xc8802000    8192 vmalloc+0x0/0x0 pages=1 vmalloc\n' +
        '0xc8803000-0xc8806000   12288 vmap+0x0/0x0 vmap\n' +
        '0xc8807000-0xc880a000   12288 vmalloc_user+0x0/0x0 pages=2 vmalloc user\n' +
        '0xc8820000-0xc8831000   69632 get_vm_area+0x0/0x0 ioremap\n',
    });
  });
});

describe('2.6.32 bad vfree', () => {
  it('WARNs at line 1301 for an unaligned address and 1307 for a nonexistent area', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 4096, as: 'a' });
    expect(step(r, { op: 'vfree', addr: '0xc8800010' })).toEqual({
      op: 'vfree',
      ok: false,
      error: 'bad-address',
      log: ['WARNING: at mm/vmalloc.c:1301 __vunmap()', 'Trying to vfree() bad address (c8800010)'],
    });
    expect(step(r, { op: 'vfree', addr: '0xc8900000' })).toEqual({
      op: 'vfree',
      ok: false,
      error: 'nonexistent',
      log: ['WARNING: at mm/vmalloc.c:1307 __vunmap()', 'Trying to vfree() nonexistent vm area (c8900000)'],
    });
    expect(step(r, { op: 'vfree', addr: '0x0' })).toEqual({ op: 'vfree', ok: true, log: [] });
  });

  it('oopses on a double vfree before the purge: remove_vm_area runs off the end of vmlist', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 4096, as: 'a' });
    step(r, { op: 'vmalloc', size: 4096, as: 'keep' });
    step(r, { op: 'vfree', ref: 'a' });
    expect(step(r, { op: 'vfree', addr: '0xc8800000' })).toEqual({
      op: 'vfree',
      ok: false,
      error: 'OOPS',
      log: ['BUG: unable to handle kernel NULL pointer dereference at (null)'],
    });
  });

  it('after a purge the second vfree is only the nonexistent WARN', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 4096, as: 'a' });
    step(r, { op: 'vfree', ref: 'a' });
    step(r, { op: 'vm_unmap_aliases' });
    expect(step(r, { op: 'vfree', addr: '0xc8800000' })).toMatchObject({ ok: false, error: 'nonexistent' });
  });

  it('a double vfree after the slab reused the vm_struct frees the other area instead (QUERY)', () => {
    // vfree(a) kfree()s a's 4-byte pages array and then its vm_struct (both kmalloc-32);
    // vmalloc(b) gets the vm_struct back first (LIFO), so b's vm_struct sits where a's was.
    const r = boot();
    step(r, { op: 'vmalloc', size: 4096, as: 'a' });
    step(r, { op: 'vfree', ref: 'a' });
    step(r, { op: 'vmalloc', size: 4096, as: 'b' });
    const c = cost(r, { op: 'vfree', addr: '0xc8800000' });
    expect(c.result).toEqual({ op: 'vfree', ok: true, log: [] });
    expect(c.detail.cost.pages_freed).toBe(1); // b's page
    expect(finalState(r).areas).toEqual([]);
    // a's va counted lazy twice (2 + 2); b's va still flagged VM_VM_AREA, not lazy
    expect(summary(r).vmap_lazy_nr).toBe(4);
    expect(r.api.ranges!().map((x) => x.state)).toEqual(['lazy', 'live']);
    // and vfree(b) now follows b's stale vm_struct pointer off the end of vmlist
    expect(step(r, { op: 'vfree', ref: 'b' }).error).toBe('OOPS');
  });
});

describe('2.6.32 fault injection inside __vmalloc_area_node', () => {
  /** Run vmalloc(size) with one armed fault; the step, and what it left behind. */
  function faulted(site: 'kmalloc' | 'alloc_page' | 'pte_alloc', nth: number, size = 8192) {
    const r = boot();
    const live0 = r.kernel.slab.live.size;
    step(r, { op: 'fail', site, nth });
    const res = step(r, { op: 'vmalloc', size, as: 'x' });
    const fin = finalState(r);
    return { r, res, fin, slabDelta: r.kernel.slab.live.size - live0, dataPages: r.kernel.machine.mem.inUse[Owner.Data] };
  }
  const ENOMEM = { op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] };

  it('kmalloc 1 (vm_struct) and 2 (vmap_area): NULL, nothing reserved', () => {
    for (const nth of [1, 2]) {
      const f = faulted('kmalloc', nth);
      expect(f.res).toEqual(ENOMEM);
      expect(f.slabDelta).toBe(0);
      expect(f.r.api.ranges!()).toEqual([]);
    }
  });

  it('kmalloc 3 (pages array): remove_vm_area leaves the va lazy, kfree(area)', () => {
    const f = faulted('kmalloc', 3);
    expect(f.res).toEqual(ENOMEM);
    expect(f.dataPages).toBe(0);
    expect(f.slabDelta).toBe(1); // the lazy vmap_area
    expect(summary(f.r).vmap_lazy_nr).toBe(3);
    expect(step(f.r, { op: 'vmalloc', size: 8192 }).addr).toBe('0xc8804000');
  });

  it('alloc_page 1 and 2: vfree frees the pages allocated so far and the array', () => {
    for (const nth of [1, 2]) {
      const f = faulted('alloc_page', nth);
      expect(f.res).toEqual(ENOMEM);
      expect(f.dataPages).toBe(0);
      expect(f.fin).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 0, kmemleak: [] });
      expect(f.slabDelta).toBe(1);
    }
  });

  it('pte_alloc 1 (map_vm_area): both pages freed, nothing mapped', () => {
    const f = faulted('pte_alloc', 1);
    expect(f.res).toEqual(ENOMEM);
    expect(f.dataPages).toBe(0);
    expect(f.fin).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 0, kmemleak: [] });
  });

  it('inside the nested pages-array vmalloc (4 MiB + 1 page)', () => {
    const size = 4 * MiB + PAGE;
    // kmalloc: 1 outer vm_struct, 2 outer vmap_area, 3 nested vm_struct, 4 nested vmap_area,
    // 5 nested (8-byte) pages array; alloc_page 1-2 are the array's pages, 3 the outer's first
    for (const [site, nth] of [['kmalloc', 3], ['kmalloc', 4], ['kmalloc', 5], ['alloc_page', 1], ['alloc_page', 2], ['alloc_page', 3], ['alloc_page', 1025], ['pte_alloc', 1], ['pte_alloc', 2]] as const) {
      const f = faulted(site, nth, size);
      expect(f.res, `${site} ${nth}`).toEqual(ENOMEM);
      expect(f.dataPages, `${site} ${nth}`).toBe(0);
      expect(f.fin.areas).toEqual([]);
      expect(f.fin.kmemleak).toEqual([]);
    }
    // the outer va is lazy (1026 pages) and, when the array's area was reserved, its 3 too
    expect(summary(faulted('kmalloc', 3, size).r).vmap_lazy_nr).toBe(1026);
    expect(summary(faulted('kmalloc', 5, size).r).vmap_lazy_nr).toBe(1026 + 3);
    expect(summary(faulted('alloc_page', 3, size).r).vmap_lazy_nr).toBe(1026 + 3);
  });
});

describe('2.6.32 vread / vwrite', () => {
  it('reads holes and ioremap areas as zeroes and returns the whole count; vwrite is all or nothing', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 4096, as: 'a' });
    step(r, { op: 'get_vm_area', size: 8192, flags: 'VM_IOREMAP', as: 'io' }); // 0xc8804000 (align 16 KiB)
    step(r, { op: 'poke', ref: 'a', offset: 4094, data: 'abcd' });
    // [a's last 2 bytes][guard + gap + io...]: 2 bytes then zeroes, full count
    expect(step(r, { op: 'vread', ref: 'a', offset: 4094, count: 8 })).toMatchObject({ count: 8, data: 'abcd000000000000' });
    // a read past every area returns 0
    expect(step(r, { op: 'vread', addr: '0xd0000000', count: 4 })).toMatchObject({ count: 0, data: '' });
    // a write touching only the ioremap area writes nothing and returns 0
    expect(step(r, { op: 'vwrite', ref: 'io', data: '0102' })).toMatchObject({ count: 0 });
    // a write spanning a's end and the hole: count is the whole buffer
    expect(step(r, { op: 'vwrite', ref: 'a', offset: 4095, data: 'ff0102' })).toMatchObject({ count: 3 });
    expect(step(r, { op: 'peek', ref: 'a', offset: 4094, count: 2 }).data).toBe('abff');
    expect(r.api.vmalloc_to_page!(0xc8800000)).toBe(r.kernel.walk(0xc8800000));
    expect(r.api.vmalloc_to_page!(0xc8801000)).toBe(-1);
  });
});

describe('2.6.32 alloc_vm_area', () => {
  it('builds page tables over the whole area including the guard page and sets no pte', () => {
    // get_vm_area(0x2fe000) takes va [0xc8800000, 0xc8aff000). alloc_vm_area(1 MiB) is
    // VM_IOREMAP: align 1 << min(fls(1 MiB) = 21, IOREMAP_MAX_ORDER 19) = 512 KiB, so
    // ALIGN(0xc8aff000 + 0x1000, 0x80000) = 0xc8b00000 and the area is [0xc8b00000, 0xc8c01000):
    // its guard page 0xc8c00000 is the first page of pgd slot 0x323.
    const r = boot();
    expect(step(r, { op: 'get_vm_area', size: 0x2fe000 }).addr).toBe('0xc8800000');
    expect(finalState(r).pageTablePages).toBe(0);
    const c = cost(r, { op: 'alloc_vm_area', size: MiB, as: 'z' });
    expect(c.result).toEqual({ op: 'alloc_vm_area', ok: true, addr: '0xc8b00000', log: [] });
    expect(c.detail.cost.pt_pages).toBe(2);
    expect(c.detail.cost.ptes_set ?? 0).toBe(0);
    expect(finalState(r)).toMatchObject({ pagesMapped: 0, pageTablePages: 2 });
    expect(finalState(r).areas[1]).toEqual({ addr: '0xc8b00000', size: 0x101000, flags: ['VM_IOREMAP'] });
    // a pte_alloc failure: free_vm_area undoes the reservation (lazily)
    const r2 = boot();
    step(r2, { op: 'fail', site: 'pte_alloc', nth: 1 });
    expect(step(r2, { op: 'alloc_vm_area', size: 12 * KiB })).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(finalState(r2).areas).toEqual([]);
    expect(summary(r2).vmap_lazy_nr).toBe(4);
    // free_vm_area: remove_vm_area (lazy) and kfree
    expect(step(r, { op: 'free_vm_area', ref: 'z' })).toEqual({ op: 'free_vm_area', ok: true, log: [] });
    expect(summary(r).vmap_lazy_nr).toBe(257);
  });
});

describe('2.6.32 ioremap (arch/x86/mm/ioremap.c)', () => {
  it('maps device memory in a VM_IOREMAP area aligned to 1 << fls(size), with phys= in vmallocinfo', () => {
    const r = boot();
    // 64 KiB: align 128 KiB; VMALLOC_START 0xc8800000 is aligned
    expect(step(r, { op: 'ioremap', phys: '0xfebf0010', size: 0x10000, as: 'io' })).toEqual({ op: 'ioremap', ok: true, addr: '0xc8800010', log: [] });
    // 0xfebf0010 + 0x10000 - 1 rounds up to 17 pages
    expect(step(r, { op: 'vmallocinfo' }).text).toBe('0xc8800000-0xc8812000   73728 ioremap+0x0/0x0 phys=febf0000 ioremap\n');
    expect(r.kernel.walk(0xc8800000)).toBe(0xfebf0);
    expect(finalState(r).pagesMapped).toBe(17);
    expect(step(r, { op: 'iounmap', ref: 'io' })).toEqual({ op: 'iounmap', ok: true, log: [] });
    expect(finalState(r).areas).toEqual([]);
    expect(summary(r).vmap_lazy_nr).toBe(18);
    expect(step(r, { op: 'iounmap', addr: '0xd0000000' })).toEqual({ op: 'iounmap', ok: false, error: 'nonexistent', log: ['iounmap: bad address d0000000'] });
  });

  it('refuses RAM in use, except that the last page of the range is never checked (QUERY)', () => {
    const r = boot();
    // pfn 0x2000 is free RAM: a 2-page request checks pfn 0x2000 and fails
    expect(step(r, { op: 'ioremap', phys: '0x2000000', size: 0x2000 })).toMatchObject({ ok: false, error: 'ENOMEM' });
    // a 1-page request checks nothing: (pfn << 12) < (last_addr & PAGE_MASK) is false at once
    expect(step(r, { op: 'ioremap', phys: '0x2000000', size: 0x1000 })).toMatchObject({ ok: true, addr: '0xc8800000' });
    // the low ISA range is the linear map, no area
    expect(step(r, { op: 'ioremap', phys: '0xa0000', size: 0x1000, as: 'isa' }).addr).toBe('0xc00a0000');
    expect(step(r, { op: 'iounmap', ref: 'isa' })).toEqual({ op: 'iounmap', ok: true, log: [] });
  });
});

describe('2.6.32 ioremap on i386-pae (resource_size_t 64-bit, unsigned long 32-bit)', () => {
  // arch/x86/mm/ioremap.c __ioremap_caller: last_addr = phys_addr + size - 1 (64-bit);
  // phys_addr &= PAGE_MASK (the 32-bit unsigned long mask, zero-extended: bits 32-63 cleared);
  // size = PAGE_ALIGN(last_addr+1) - phys_addr (ALIGN in the 64-bit type, stored in the
  // unsigned long size); area->phys_addr and ioremap_page_range's phys_addr are unsigned long.
  // 128 MiB: VMALLOC_START 0xc8800000. VM_IOREMAP areas align to 1 << fls(size).
  it('maps a page ending exactly at 4 GiB (PAGE_ALIGN(0x100000000) stays 64-bit: size 0x1000)', () => {
    const r = boot({ arch: 'i386-pae' });
    expect(step(r, { op: 'ioremap', phys: '0xfffff000', size: 0x1000, as: 'a' })).toEqual({ op: 'ioremap', ok: true, addr: '0xc8800000', log: [] });
    expect(r.kernel.walk(0xc8800000)).toBe(0xfffff);
    // fls(0x1000) = 13: 8 KiB alignment, area of 2 pages with the guard page
    expect(step(r, { op: 'vmallocinfo' }).text).toBe('0xc8800000-0xc8802000    8192 ioremap+0x0/0x0 phys=fffff000 ioremap\n');
    expect(step(r, { op: 'iounmap', ref: 'a' })).toEqual({ op: 'iounmap', ok: true, log: [] });
  });

  it('truncates a BAR above 4 GiB to its alias below (phys_addr &= PAGE_MASK); phys_addr 0 prints no phys= (QUERY)', () => {
    const r = boot({ arch: 'i386-pae' });
    step(r, { op: 'ioremap', phys: '0xfffff000', size: 0x1000 });
    // 0x100000800 + 0x1000 - 1 = 0x1000017ff; phys_addr -> 0, size = 0x100002000 - 0 -> 0x2000;
    // fls(0x2000) = 14: 16 KiB alignment after [0xc8800000, 0xc8802000) + 1 page: 0xc8804000
    expect(step(r, { op: 'ioremap', phys: '0x100000800', size: 0x1000, as: 'b' })).toEqual({ op: 'ioremap', ok: true, addr: '0xc8804800', log: [] });
    expect([r.kernel.walk(0xc8804000), r.kernel.walk(0xc8805000)]).toEqual([0, 1]);
    expect(step(r, { op: 'vmallocinfo' }).text).toBe(
      '0xc8800000-0xc8802000    8192 ioremap+0x0/0x0 phys=fffff000 ioremap\n' + '0xc8804000-0xc8807000   12288 ioremap+0x0/0x0 ioremap\n',
    );
    expect(step(r, { op: 'iounmap', ref: 'b' })).toEqual({ op: 'iounmap', ok: true, log: [] });
  });

  it('the RAM check compares addresses mod 4 GiB: it ends, checks the right pfns within one 4 GiB bank and none across a 4 GiB boundary (QUERY)', () => {
    // 8 GiB of RAM (max_pfn 0x200000). Lowmem: MAXMEM 0x379fe000, so VMALLOC_START 0xf81fe000.
    const r = boot({ arch: 'i386-pae', ramMiB: 8192 });
    // [0x100000000, 0x100001fff]: (pfn << 12) = 0 < (last_addr & PAGE_MASK) = 0x1000, pfn 0x100000 is RAM: refused
    expect(step(r, { op: 'ioremap', phys: '0x100000000', size: 0x2000 })).toMatchObject({ ok: false, error: 'ENOMEM' });
    // [0xfffff000, 0x100001fff] crosses 4 GiB: 0xfffff000 < 0x1000 is false at once, RAM pfns
    // 0xfffff..0x100001 are mapped; fls(0x3000) = 14: ALIGN(0xf81fe000, 16 KiB) = 0xf8200000
    expect(step(r, { op: 'ioremap', phys: '0xfffff000', size: 0x3000, as: 'c' })).toEqual({ op: 'ioremap', ok: true, addr: '0xf8200000', log: [] });
    expect([r.kernel.walk(0xf8200000), r.kernel.walk(0xf8201000), r.kernel.walk(0xf8202000)]).toEqual([0xfffff, 0x100000, 0x100001]);
    // [0x200000000, 0x200000fff]: one page, nothing checked; phys_addr -> 0: frame 0 is mapped.
    // Its 2-page, 8 KiB-aligned area fits the hole below c: [0xf81fe000, 0xf8200000) (addr + size
    // > first->va_start is false at equality)
    expect(step(r, { op: 'ioremap', phys: '0x200000000', size: 0x1000 })).toEqual({ op: 'ioremap', ok: true, addr: '0xf81fe000', log: [] });
    expect(r.kernel.walk(0xf81fe000)).toBe(0);
  });

  it('plain i386 (32-bit resource_size_t) maps the page ending at 4 GiB too: PAGE_ALIGN wraps to 0, 0 - 0xfffff000 = 0x1000', () => {
    const r = boot();
    expect(step(r, { op: 'ioremap', phys: '0xfffff000', size: 0x1000 })).toEqual({ op: 'ioremap', ok: true, addr: '0xc8800000', log: [] });
    expect(r.kernel.walk(0xc8800000)).toBe(0xfffff);
  });
});

describe('2.6.32 /proc/vmallocinfo s_show: "0x%p-0x%p %7ld"', () => {
  it('prints a size of 2 GiB or more as a negative long on i386 (the oracle host cannot reserve this window; vector o14 has the wrapping end)', () => {
    // get_vm_area(0x80000000) at 0x40000000: vm->size = 0x80000000 + guard page = 0x80001000,
    // as a 32-bit long 0x80001000 - 2^32 = -2147479552; the end 0xc0001000 does not wrap
    const r = boot({ vmallocStart: '0x40000000', vmallocEnd: '0xc0400000' });
    expect(step(r, { op: 'get_vm_area', size: 0x80000000 })).toMatchObject({ ok: true, addr: '0x40000000' });
    expect(step(r, { op: 'vmallocinfo' }).text).toBe('0x40000000-0xc0001000 -2147479552 get_vm_area+0x0/0x0 vmalloc\n');
  });

  it('x86_64 longs are 64-bit: a 4 GiB area prints its size as is', () => {
    const r = boot({ arch: 'x86_64', ramMiB: 256 });
    expect(step(r, { op: 'get_vm_area', size: 0x100000000 })).toMatchObject({ ok: true, addr: '0xffffc90000000000' });
    expect(step(r, { op: 'vmallocinfo' }).text).toBe('0xffffc90000000000-0xffffc90100001000 4294971392 get_vm_area+0x0/0x0 vmalloc\n');
  });
});

describe('2.6.32 i386 lowmem: MAXMEM = VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE', () => {
  // pgtable_32_types.h: VMALLOC_END 0xff7fe000 (PAE 0xff9fe000), __VMALLOC_RESERVE 128 MiB
  // (pgtable_32.c): MAXMEM 0x377fe000 (PAE 0x379fe000); init_32.c: max_low_pfn =
  // min(max_pfn, MAXMEM_PFN), high_memory = __va(max_low_pfn * PAGE_SIZE - 1) + 1.
  it('1 GiB: high_memory 0xf77fe000, VMALLOC_START 0xf7ffe000 (PAE 0xf79fe000 and 0xf81fe000)', () => {
    const r = boot({ ramMiB: 1024 });
    expect(r.kernel.high_memory).toBe(0xf77fe000);
    expect(r.window).toEqual({ start: 0xf7ffe000, end: 0xff7fe000 });
    const p = boot({ arch: 'i386-pae', ramMiB: 1024 });
    expect(p.kernel.high_memory).toBe(0xf79fe000);
    expect(p.window).toEqual({ start: 0xf81fe000, end: 0xff9fe000 });
    // 4 GiB: capped the same way
    expect(boot({ ramMiB: 4096 }).window.start).toBe(0xf7ffe000);
  });

  it('RAM below MAXMEM is all lowmem: 887 MiB gives high_memory 0xf7700000, VMALLOC_START 0xf7f00000', () => {
    const r = boot({ ramMiB: 887 });
    expect(r.kernel.high_memory).toBe(0xc0000000 + 887 * MiB);
    expect(r.window.start).toBe(0xf7f00000);
  });

  it('iounmap treats only addresses up to high_memory as the linear map: 0xf7800000 is looked up on vmlist', () => {
    const r = boot({ ramMiB: 1024 });
    expect(step(r, { op: 'iounmap', addr: '0xf77fe000' })).toEqual({ op: 'iounmap', ok: true, log: [] });
    expect(step(r, { op: 'iounmap', addr: '0xf7800000' })).toEqual({ op: 'iounmap', ok: false, error: 'nonexistent', log: ['iounmap: bad address f7800000'] });
  });
});

describe('lib/rbtree.c (2.6.32)', () => {
  // A struct embedding an rb_node, as vmap_area does: { key; struct rb_node rb_node; }
  const NODE = { key: 'int', ...RB_NODE } as const;
  function tree() {
    const t = structTable(NODE);
    const root: rb_root = { rb_node: 0 };
    const rb = rbtree(t);
    let next = 0x1000;
    function insert(key: number): number {
      let parent = 0;
      let p = root.rb_node;
      let left = false;
      while (p) {
        parent = p;
        left = key < t.key[p];
        p = left ? t.rb_left[p] : t.rb_right[p];
      }
      const n = t.handleAt((next += 64));
      t.key[n] = key;
      const par = parent;
      rb.rb_link_node(n, par, (x) => {
        if (!par) root.rb_node = x;
        else if (left) t.rb_left[par] = x;
        else t.rb_right[par] = x;
      });
      rb.rb_insert_color(n, root);
      return n;
    }
    const color = (n: number) => (n ? rb.rb_color(n) : RB_BLACK);
    const shape = (n: number): unknown => (n ? [t.key[n], color(n) === RB_BLACK ? 'B' : 'R', shape(t.rb_left[n]), shape(t.rb_right[n])] : null);
    function blackHeight(n: number): number {
      if (!n) return 1;
      if (color(n) === RB_RED) {
        expect(color(t.rb_left[n])).toBe(RB_BLACK);
        expect(color(t.rb_right[n])).toBe(RB_BLACK);
      }
      if (t.rb_left[n]) expect(rb.rb_parent(t.rb_left[n])).toBe(n);
      if (t.rb_right[n]) expect(rb.rb_parent(t.rb_right[n])).toBe(n);
      const l = blackHeight(t.rb_left[n]);
      expect(blackHeight(t.rb_right[n])).toBe(l);
      return l + (color(n) === RB_BLACK ? 1 : 0);
    }
    return { t, root, rb, insert, shape, color, blackHeight };
  }

  it('recolours and rotates like the kernel for ascending inserts 1..7', () => {
    const { root, insert, shape } = tree();
    for (let i = 1; i <= 7; i++) insert(i);
    // 2B(1B, 4R(3B, 6B(5R, 7R)))
    expect(shape(root.rb_node)).toEqual([2, 'B', [1, 'B', null, null], [4, 'R', [3, 'B', null, null], [6, 'B', [5, 'R', null, null], [7, 'R', null, null]]]]);
  });

  it('keeps the red-black properties and in-order sequence through random inserts and erases', () => {
    const { t, root, rb, insert, color, blackHeight } = tree();
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const nodes = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const key = Math.floor(rnd() * 500);
      if (nodes.has(key)) {
        rb.rb_erase(nodes.get(key)!, root);
        rb.RB_CLEAR_NODE(nodes.get(key)!);
        expect(rb.RB_EMPTY_NODE(nodes.get(key)!)).toBe(true);
        nodes.delete(key);
      } else nodes.set(key, insert(key));
      if (i % 97 === 0) {
        expect(color(root.rb_node)).toBe(RB_BLACK);
        blackHeight(root.rb_node);
      }
    }
    const keys: number[] = [];
    let n = rb.rb_first(root);
    for (; n; n = rb.rb_next(n)) keys.push(t.key[n]);
    expect(keys).toEqual([...nodes.keys()].sort((a, b) => a - b));
    const back: number[] = [];
    for (n = rb.rb_last(root); n; n = rb.rb_prev(n)) back.push(t.key[n]);
    expect(back).toEqual([...keys].reverse());
  });
});

