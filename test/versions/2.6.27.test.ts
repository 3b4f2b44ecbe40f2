/**
 * Linux 2.6.27 mm/vmalloc.c behaviour, worked out from the source (mainline v2.6.27, commit
 * 3fa8749e584b, mm/vmalloc.c blob 85b9a0d2; arch/x86/mm/ioremap.c; include/asm-x86/pgtable_32.h,
 * pgtable_64.h, page_32.h) and written out as constants here, not read back from vmx. Line
 * numbers are mm/vmalloc.c's unless said otherwise.
 * Run: npx vitest run test/versions/2.6.27.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB, 1 CPU, so high_memory = 0xc8000000 and
 *   VMALLOC_START = (high_memory + 2*VMALLOC_OFFSET - 1) & ~(VMALLOC_OFFSET - 1) = 0xc8800000
 *   VMALLOC_END   = PKMAP_BASE - 2*PAGE_SIZE = 0xff800000 - 0x2000 = 0xff7fe000
 * A vmalloc(n pages) takes a vm_struct of n+1 pages (guard page, line 241) placed by first fit
 * over the address-sorted vmlist (lines 244-262): areas sit back to back, guard page between.
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, runVersion, type VersionRun } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';
import { compareRuns } from '../../src/diff/classify.js';
import { VERSIONS } from '../../src/registry.js';

const V = '2.6.27';
const PAGE = 4096;
const MiB = 1024 * 1024;

interface MachineOpts {
  arch?: 'i386' | 'i386-pae' | 'x86_64';
  ramMiB?: number;
  vmallocStart?: string;
  vmallocEnd?: string;
}

function scenario(name: string, steps: Partial<Step>[], m: MachineOpts = {}) {
  const machine: Record<string, unknown> = { arch: m.arch ?? 'i386', ramMiB: m.ramMiB ?? 128, cpus: 1 };
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

function run(name: string, steps: Partial<Step>[], m: MachineOpts = {}) {
  return runVersion(scenario(name, steps, m), findVersion(V)!);
}

describe('2.6.27 window (include/asm-x86/pgtable_32.h, page_32.h, pgtable_64.h)', () => {
  it('rounds high_memory + 8 MiB up to 8 MiB, as 2.4 did (unrounded only from 2.6.28, e621bd18958e)', () => {
    expect(boot().window).toEqual({ start: 0xc8800000, end: 0xff7fe000 });
    // 100 MiB: high_memory 0xc6400000; + 0xffffff = 0xc73fffff, & ~0x7fffff = 0xc7000000
    expect(boot({ ramMiB: 100 }).window.start).toBe(0xc7000000);
    // 1 GiB: lowmem capped at MAXMEM = -0xc0000000 - 128 MiB = 896 MiB, high_memory 0xf8000000
    expect(boot({ ramMiB: 1024 }).window.start).toBe(0xf8800000);
    // PAE: PKMAP_BASE 0xffa00000 (LAST_PKMAP 512, 2 MiB PMD_MASK)
    expect(boot({ arch: 'i386-pae' }).window).toEqual({ start: 0xc8800000, end: 0xff9fe000 });
  });

  it('x86_64: 0xffffc20000000000 - 0xffffe1ffffffffff', () => {
    const r = boot({ arch: 'x86_64', ramMiB: 512 });
    expect([r.kernel.hex(r.window.start), r.kernel.hex(r.window.end)]).toEqual(['0xffffc20000000000', '0xffffe1ffffffffff']);
    const a = step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    expect(a.addr).toBe('0xffffc20000000000');
  });
});

describe('2.6.27 first fit over vmlist (__get_vm_area_node, lines 210-285)', () => {
  it('places 64 KiB areas 0x11000 apart and reuses a freed hole at once', () => {
    // 0xc8800000 [a 16][g] 0xc8811000 [b 16][g] 0xc8822000 [c 16][g]; vfree(b) unmaps at once
    // (__remove_vm_area, unmap_vm_area), so the next 16 pages go back into b's hole.
    const r = run('spacing', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'vmalloc', size: 65536, as: 'b' },
      { op: 'vmalloc', size: 65536, as: 'c' },
      { op: 'vfree', ref: 'b' },
      { op: 'vmalloc', size: 65536, as: 'd' },
    ]);
    expect(r.steps.map((s) => s.addr ?? null)).toEqual(['0xc8800000', '0xc8811000', '0xc8822000', null, '0xc8811000']);
    expect(r.final).toEqual({
      areas: [
        { addr: '0xc8800000', size: 0x11000, flags: ['VM_ALLOC'] },
        { addr: '0xc8811000', size: 0x11000, flags: ['VM_ALLOC'] },
        { addr: '0xc8822000', size: 0x11000, flags: ['VM_ALLOC'] },
      ],
      pagesMapped: 48,
      pageTablePages: 1,
      kmemleak: null, // no kmemleak hooks before 2.6.31
    });
  });

  it('page-aligns a get_vm_area size before adding the guard page (5000 bytes -> 3 pages)', () => {
    const r = run('align', [
      { op: 'get_vm_area', size: 5000, as: 'g' },
      { op: 'vmalloc', size: PAGE, as: 'a' },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8803000']);
  });

  it('QUERY: get_vm_area(0xfffff000) wraps size + PAGE_SIZE to 0 and inserts a zero-sized area; its vfree BUGs at line 80', () => {
    const r = run('wrap', [
      { op: 'vmalloc', size: PAGE, as: 'a' },
      { op: 'get_vm_area', size: 0xfffff000, as: 'w' },
      { op: 'vmallocinfo' },
      { op: 'vfree', ref: 'w' },
    ]);
    // a at 0xc8800000 (2 pages); with size 0, `size + addr <= tmp->addr` holds already for
    // addr = VMALLOC_START = a's address: the empty area goes in front of a, at the same address
    expect(r.steps[1].addr).toBe('0xc8800000');
    expect(r.steps[2].text).toBe('0xc8800000-0xc8800000       0 get_vm_area+0x0/0x0 vmalloc\n0xc8800000-0xc8802000    8192 vmalloc+0x0/0x0 pages=1 vmalloc\n');
    // unmap_kernel_range(addr, 0): BUG_ON(addr >= end)
    expect(r.steps[3]).toMatchObject({ ok: false, error: 'BUG', log: ['kernel BUG at mm/vmalloc.c:80!'] });
  });

  it('prints the rate-limited out-of-space message when no gap fits (line 283)', () => {
    const r = run('full', [{ op: 'vmalloc', size: 2 * MiB, as: 'a' }], { vmallocStart: '0xd0800000', vmallocEnd: '0xd0a00000' });
    expect(r.steps[0]).toEqual({
      op: 'vmalloc',
      ok: false,
      error: 'ENOMEM',
      addr: null,
      log: ['allocation failed: out of vmalloc space - use vmalloc=<size> to increase size.'],
    });
  });

  it('aligns VM_IOREMAP areas to 1 << fls(size), at least a page and at most 1 << IOREMAP_MAX_ORDER (19)', () => {
    const r = run('ioremap-align', [
      { op: 'vmalloc', size: PAGE, as: 'a' }, // 0xc8800000..0xc8802000
      { op: 'get_vm_area', size: 3 * PAGE, flags: 'VM_IOREMAP', as: 'i' }, // fls(0x3000) = 14: 16 KiB
      { op: 'get_vm_area', size: 3 * MiB, flags: 'VM_IOREMAP', as: 'j' }, // fls = 22 > 19: 512 KiB
      { op: 'get_vm_area', size: 3 * PAGE, flags: 'VM_ALLOC', as: 'k' }, // no alignment
    ]);
    // i: ALIGN(0xc8802000, 0x4000) = 0xc8804000, ends 0xc8808000 (4 pages with guard)
    // j: ALIGN(0xc8808000, 0x80000) = 0xc8880000, size 3 MiB + 4 KiB
    // k: first fit from VMALLOC_START: the gap 0xc8802000..0xc8804000 is 2 pages, too small for 4;
    //    0xc8808000..0xc8880000 fits
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8804000', '0xc8880000', '0xc8808000']);
  });
});

describe('2.6.27 /proc/vmallocinfo (s_show, lines 951-990)', () => {
  it('prints the size with %7ld: an area of 2 GiB or more is negative on i386', () => {
    // get_vm_area(0x80000000): size 0x80001000 with the guard page, as a signed long -2147479552
    const r = run('ld', [{ op: 'get_vm_area', size: 0x80000000, as: 'g' }, { op: 'vmallocinfo' }], { vmallocStart: '0x40000000', vmallocEnd: '0xff7fe000' });
    expect(r.steps[0].addr).toBe('0x40000000');
    expect(r.steps[1].text).toBe('0x40000000-0xc0001000 -2147479552 get_vm_area+0x0/0x0 vmalloc\n');
  });
});

describe('2.6.27 pages array (__vmalloc_area_node, lines 483-534)', () => {
  it('kmallocs the array up to PAGE_SIZE (1024 pages on i386) and vmallocs it beyond, flagged VM_VPAGES', () => {
    const r = run('threshold', [
      { op: 'vmalloc', size: 1024 * PAGE, as: 'k' },
      { op: 'vmalloc', size: 1025 * PAGE, as: 'v' },
      { op: 'vmallocinfo' },
    ]);
    // k: 0xc8800000 + 1025 pages = 0xc8c01000. v: 1026 pages to 0xc9003000; its array of
    // 1025 * 4 = 4100 bytes is a second vmalloc (2 pages + guard) placed after it, same caller.
    expect(r.steps[2].text).toBe(
      '0xc8800000-0xc8c01000 4198400 vmalloc+0x0/0x0 pages=1024 vmalloc\n' +
        '0xc8c01000-0xc9003000 4202496 vmalloc+0x0/0x0 pages=1025 vmalloc vpages\n' +
        '0xc9003000-0xc9006000   12288 vmalloc+0x0/0x0 pages=2 vmalloc\n',
    );
  });

  it('x86_64: 8-byte pointers, so 512 pages keep a kmalloc array and 513 get a vmalloc one', () => {
    const r = run('threshold64', [
      { op: 'vmalloc', size: 512 * PAGE, as: 'k' },
      { op: 'vmalloc', size: 513 * PAGE, as: 'v' },
    ], { arch: 'x86_64', ramMiB: 512 });
    expect(r.final.areas.map((a) => [a.addr, a.size, a.flags])).toEqual([
      ['0xffffc20000000000', 513 * PAGE, ['VM_ALLOC']],
      ['0xffffc20000201000', 514 * PAGE, ['VM_ALLOC', 'VM_VPAGES']],
      ['0xffffc20000403000', 3 * PAGE, ['VM_ALLOC']],
    ]);
  });

  it('allocates every data page before mapping any: a failed page maps nothing and frees the pages taken', () => {
    const r = boot();
    step(r, { op: 'fail', site: 'alloc_page', nth: 3 });
    const { result, detail } = runStep(r, { op: 'vmalloc', size: 4 * PAGE, as: 'a' } as Step);
    expect(result).toMatchObject({ ok: false, error: 'ENOMEM', log: [] });
    // two pages taken then freed by vfree(area->addr) with nr_pages = 2 (line 521); no pte set
    expect(detail.cost.pages_alloc).toBe(2);
    expect(detail.cost.pages_freed).toBe(2);
    expect(detail.cost.ptes_set ?? 0).toBe(0);
    expect(r.api.areas()).toEqual([]);
  });
});

describe('2.6.27 vfree, vunmap, vmap (lines 376-481)', () => {
  it('WARNs on a bad and on a nonexistent address, WARNING line first (WARN(1, ...), 4c8573e25f27)', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    expect(step(r, { op: 'vfree', addr: '0xc8800010' })).toEqual({
      op: 'vfree',
      ok: false,
      error: 'bad-address',
      log: ['WARNING: at mm/vmalloc.c:384 __vunmap()', 'Trying to vfree() bad address (c8800010)'],
    });
    expect(step(r, { op: 'vunmap', addr: '0xc8900000' })).toEqual({
      op: 'vunmap',
      ok: false,
      error: 'nonexistent',
      log: ['WARNING: at mm/vmalloc.c:390 __vunmap()', 'Trying to vfree() nonexistent vm area (c8900000)'],
    });
    expect(step(r, { op: 'vfree', addr: '0x0' })).toEqual({ op: 'vfree', ok: true, log: [] });
  });

  it('vmap takes no page references and vunmap frees no pages; vmap(0 pages) fails before any kmalloc', () => {
    const r = boot();
    const m = runStep(r, { op: 'vmap', pages: 3, as: 'm' } as Step);
    expect(m.result.addr).toBe('0xc8800000');
    const u = runStep(r, { op: 'vunmap', ref: 'm' } as Step);
    expect(u.result.ok).toBe(true);
    expect(u.detail.cost.pages_freed ?? 0).toBe(0);
    expect(u.detail.cost.ptes_cleared).toBe(3);
    const z = runStep(r, { op: 'vmap', pages: 0, as: 'z' } as Step);
    expect(z.result).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(z.detail.cost.kmalloc_calls ?? 0).toBe(0); // PAGE_ALIGN(0) == 0 returns before kmalloc_node
  });

  it('has no lazy freeing, vm_map_ram, __vmalloc_node with align or kmemleak', () => {
    const r = boot();
    for (const s of [
      { op: 'vm_unmap_aliases' },
      { op: 'vm_map_ram', pages: 1, as: 'x' },
      { op: '__vmalloc_node', size: PAGE, align: PAGE, node: 0, as: 'y' },
      { op: 'vmalloc_dma', size: PAGE, as: 'z' },
      { op: 'kmemleak_scan' },
    ] as Partial<Step>[]) {
      expect(step(r, s)).toMatchObject({ ok: false, error: 'unsupported' });
    }
  });
});

describe('2.6.27 vread/vwrite (lines 701-774)', () => {
  it('QUERY: a read running off the last area stops there and returns the bytes copied', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    step(r, { op: 'vwrite', ref: 'a', offset: 4094, data: 'abcd' }); // 2 bytes land, the rest is past the area
    const got = step(r, { op: 'vread', ref: 'a', offset: 4092, count: 16 });
    expect(got).toMatchObject({ ok: true, count: 4, data: '0000abcd' });
  });

  it('reads a hole before an area as zeros and counts it', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    step(r, { op: 'vwrite', ref: 'a', data: '7f' });
    expect(step(r, { op: 'vread', addr: '0xc87ffffe', count: 3 })).toMatchObject({ ok: true, count: 3, data: '00007f' });
  });
});

describe('2.6.27 ioremap (arch/x86/mm/ioremap.c 2.6.27, PAT off)', () => {
  it('maps device memory uncached into a VM_IOREMAP area with phys recorded; iounmap of an unknown address prints', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    // 0x20 bytes at 0xfebf1010: one page at 0xfebf1000, alignment 1 << fls(0x1000) = 8 KiB
    const io = runStep(r, { op: 'ioremap', phys: '0xfebf1010', size: 0x20, as: 'io' } as Step);
    expect(io.result.addr).toBe('0xc8802010'); // ALIGN(0xc8802000, 0x2000) + offset 0x10
    expect(io.detail.cost.tlb_flush_all ?? 0).toBe(0); // not in the direct map: no cpa flush
    expect(step(r, { op: 'vmallocinfo' }).text).toContain('0xc8802000-0xc8804000    8192 ioremap+0x0/0x0 phys=febf1000 ioremap\n');
    expect(step(r, { op: 'iounmap', addr: '0xc8900000' })).toMatchObject({ error: 'nonexistent', log: ['iounmap: bad address c8900000'] });
    expect(step(r, { op: 'iounmap', ref: 'io' })).toMatchObject({ ok: true });
  });

  it('refuses RAM in use but, QUERY, never checks the last page: a one-page ioremap of RAM succeeds and flushes for the alias', () => {
    const r = boot();
    // 48 MiB: RAM, a free page (neither reserved nor used by the boot image)
    expect(step(r, { op: 'ioremap', phys: '0x3000000', size: 2 * PAGE, as: 'x' })).toMatchObject({ ok: false, error: 'ENOMEM' });
    const one = runStep(r, { op: 'ioremap', phys: '0x3000000', size: PAGE, as: 'y' } as Step);
    expect(one.result.addr).toBe('0xc8800000');
    // ioremap_change_attr: the direct-map alias turns uncached, cpa_flush_range flushes the TLB
    expect(one.detail.cost.tlb_flush_all).toBe(1);
  });

  it('QUERY: on i386-pae `phys_addr &= PAGE_MASK` drops bits 32-63, so a BAR above 4 GiB maps its address modulo 4 GiB', () => {
    const r = boot({ arch: 'i386-pae' });
    const io = step(r, { op: 'ioremap', phys: '0x1fe000000', size: PAGE, as: 'io' });
    expect(io.addr).toBe('0xc8800000');
    expect(step(r, { op: 'vmallocinfo' }).text).toBe('0xc8800000-0xc8802000    8192 ioremap+0x0/0x0 phys=fe000000 ioremap\n');
  });

  it('returns the linear address for the ISA hole without an area', () => {
    const r = boot();
    expect(step(r, { op: 'ioremap', phys: '0xa0000', size: 0x10000, as: 'isa' }).addr).toBe('0xc00a0000');
    expect(r.api.areas()).toEqual([]);
  });
});

describe('2.6.27 in the comparison: what the 2.6.28 rewrite did and what the vmlist era did not', () => {
  it('reuse-freed-space: no address difference 2.4.22 -> 2.6.27; 2.6.27 -> 2.6.32 put down to db64fe02258f', () => {
    const s = scenario('reuse', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'vmalloc', size: 65536, as: 'b' },
      { op: 'vmalloc', size: 65536, as: 'c' },
      { op: 'vfree', ref: 'b' },
      { op: 'vmalloc', size: 65536, as: 'd' },
    ]);
    const ids = ['2.4.22', '2.6.27', '2.6.32'];
    const runs = ids.map((id) => runVersion({ ...s, versions: ids }, findVersion(id)!, { trace: true }));
    const cmp = compareRuns(s, runs, { registry: VERSIONS });
    const [old, rewrite] = cmp.pairs;
    expect([old.label, rewrite.label]).toEqual(['2.4.22 → 2.6.27', '2.6.27 → 2.6.32']);
    expect(old.steps.address).toEqual([]);
    expect(rewrite.steps.address).toEqual([1, 2, 4]);
    const addr1 = cmp.steps[1].pairs[1].findings.find((f) => f.class === 'address')!;
    const named = addr1.explanations.map((e) => e.change);
    expect(named.map((c) => c.id)).toEqual(expect.arrayContaining(['vmap-area-rbtree', 'gap-page-after-area']));
    for (const c of named) expect(c.commits).toContain('db64fe02258f');
    // The vfree's cost 2.6.27 -> 2.6.32 (ptes left mapped, no flush) is the lazy freeing.
    const cost3 = cmp.steps[3].pairs[1].findings.find((f) => f.class === 'cost')!;
    expect(cost3.explanations[0].change.id).toBe('lazy-free');
  });
});
