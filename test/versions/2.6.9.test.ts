/**
 * Linux 2.6.9 behaviour worked out from the source (linux-history tag v2.6.9: mm/vmalloc.c blob
 * 4093deae, arch/i386/mm/ioremap.c aee0bb1f, include/asm-i386/{page,pgtable,highmem}.h,
 * arch/i386/kernel/setup.c, include/asm-x86_64/pgtable.h, arch/x86_64/mm/ioremap.c 9fc032b9) and written out here; the oracle
 * vectors (test/vectors/k269-*) cover the rest.
 * Run: npx vitest run test/versions/2.6.9.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB: high_memory 0xc8000000, VMALLOC_START
 * (0xc8000000 + 16 MiB - 1) & ~(8 MiB - 1) = 0xc8800000, VMALLOC_END 0xff800000 - 2 pages.
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, type VersionRun } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import { finalState } from '../../src/harness/final.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';
import { COUNTER_INDEX, type CounterKey } from '../../src/kernel/counters.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { OWNER_NAMES } from '../../src/hw/frames.js';
import { version as v269 } from '../../versions/2.6.9/index.js';
import { pgtable as i386Pgtable } from '../../versions/2.6.9/include/asm-i386/pgtable.js';
import { bootMemory } from '../../versions/2.6.9/mm/memory.js';
import { boot as bootVmalloc } from '../../versions/2.6.9/mm/vmalloc.js';

const PAGE = 4096;
const MiB = 1024 * 1024;

interface Machine {
  arch?: 'i386' | 'i386-pae' | 'x86_64';
  ramMiB?: number;
  vmallocReserveMiB?: number;
}

function boot(m: Machine = {}): VersionRun {
  const machine: Record<string, unknown> = { arch: m.arch ?? 'i386', ramMiB: m.ramMiB ?? 128, cpus: 1 };
  if (m.vmallocReserveMiB !== undefined) machine.vmallocReserveMiB = m.vmallocReserveMiB;
  return bootVersion(validateScenario({ name: 't', machine, steps: [] }, VERSION_IDS), findVersion('2.6.9')!);
}

function step(r: VersionRun, s: Partial<Step>): StepResult {
  return runStep(r, s as Step).result;
}

function counter(r: VersionRun, key: CounterKey): number {
  return r.kernel.counters[COUNTER_INDEX[key]];
}

const hex = (r: VersionRun, a: number) => r.kernel.hex(a);

describe('2.6.9 window (asm-i386/page.h, pgtable.h, setup.c vmalloc=)', () => {
  it('starts 8 to 16 MiB above high_memory on an 8 MiB boundary and ends at PKMAP_BASE - 2 pages', () => {
    expect(boot().window).toEqual({ start: 0xc8800000, end: 0xff7fe000 });
    // 100 MiB: high_memory 0xc6400000, + 16 MiB - 1 = 0xc73fffff, rounded down: 0xc7000000
    expect(boot({ ramMiB: 100 }).window.start).toBe(0xc7000000);
  });

  it('caps lowmem at MAXMEM = 1 GiB - 128 MiB: 1 GiB of RAM gives VMALLOC_START 0xf8800000', () => {
    expect(boot({ ramMiB: 1024 }).window.start).toBe(0xf8800000);
  });

  it('vmalloc=256M makes MAXMEM 768 MiB: high_memory 0xf0000000, VMALLOC_START 0xf0800000', () => {
    expect(boot({ ramMiB: 1024, vmallocReserveMiB: 256 }).window.start).toBe(0xf0800000);
    // vmalloc=64M: MAXMEM 960 MiB, high_memory 0xfc000000
    expect(boot({ ramMiB: 1024, vmallocReserveMiB: 64 }).window.start).toBe(0xfc800000);
    // small machines are not capped: the option changes nothing on 128 MiB
    expect(boot({ ramMiB: 128, vmallocReserveMiB: 256 }).window.start).toBe(0xc8800000);
  });

  it('x86_64: the one pml4 slot 510, 0xffffff0000000000-0xffffff7fffffffff, whatever vmalloc= says', () => {
    const r = boot({ arch: 'x86_64', ramMiB: 256, vmallocReserveMiB: 256 });
    expect([hex(r, r.window.start), hex(r, r.window.end)]).toEqual(['0xffffff0000000000', '0xffffff7fffffffff']);
  });

  it('i386-pae ends where the reference oracle assumes (0xff9fe000, a SIM: 2.6.9 itself says 0xff7fe000)', () => {
    expect(boot({ arch: 'i386-pae' }).window).toEqual({ start: 0xc8800000, end: 0xff9fe000 });
  });

  it('refuses a vmalloc= reserve outside 1..1008 MiB', () => {
    expect(() => boot({ vmallocReserveMiB: 0 })).toThrow(/vmallocReserveMiB/);
    expect(() => boot({ vmallocReserveMiB: 1024 })).toThrow(/vmallocReserveMiB/);
  });
});

describe('2.6.9 x86_64 walk: generic 3 levels under init_level4_pgt[510]', () => {
  it('boot_vmalloc_pgt is a boot page; a vmalloc adds one pmd page (__pmd_alloc) and one pte page', () => {
    const r = boot({ arch: 'x86_64', ramMiB: 256 });
    const k = r.kernel;
    const pt = k.machine.pt;
    const l4 = pt.get(pt.ptr(pt.pgdPfn, 510));
    expect(l4).not.toBe(0);
    expect(OWNER_NAMES[k.machine.mem.owner(l4 - 1)]).toBe('boot');
    expect(step(r, { op: 'vmalloc', size: PAGE, as: 'a' })).toMatchObject({ ok: true, addr: '0xffffff0000000000' });
    expect(finalState(r).pageTablePages).toBe(2);
    // pml4[510] -> boot_vmalloc_pgt[0] -> pmd[0] -> pte[0] -> the data page
    const pmdPage = pt.get(pt.ptr(l4 - 1, 0)) - 1;
    const ptePage = pt.get(pt.ptr(pmdPage, 0)) - 1;
    expect(pt.get(pt.ptr(ptePage, 0)) - 1).toBe(k.walk(r.bindings.get('a')!));
  });

  it('an area 1 GiB further on takes a second pmd page: PGDIR_SIZE is 1 GiB here', () => {
    const r = boot({ arch: 'x86_64', ramMiB: 256 });
    step(r, { op: 'get_vm_area', size: 0x40000000 - PAGE });
    expect(step(r, { op: 'vmalloc', size: PAGE })).toMatchObject({ addr: '0xffffff0040000000' });
    expect(finalState(r).pageTablePages).toBe(2);
    expect(step(r, { op: 'vmalloc', size: PAGE })).toMatchObject({ addr: '0xffffff0040002000' });
    expect(finalState(r).pageTablePages).toBe(2);
  });

  it('fls() takes an int: a 4 GiB VM_IOREMAP request is only page aligned (QUERY)', () => {
    const r = boot({ arch: 'x86_64', ramMiB: 256 });
    step(r, { op: 'get_vm_area', size: PAGE });
    // fls((int)0x100000000) = fls(0) = 0 -> PAGE_SHIFT
    expect(step(r, { op: 'get_vm_area', size: 2 ** 32, flags: 'VM_IOREMAP' })).toMatchObject({ addr: '0xffffff0000002000' });
    // 0xfffff000 has bit 31 set: clamped to IOREMAP_MAX_ORDER, 512 KiB
    expect(step(r, { op: 'get_vm_area', size: 0xfffff000, flags: 'VM_IOREMAP' })).toMatchObject({ addr: '0xffffff0100080000' });
  });

});

/*
 * arch/x86_64/mm/ioremap.c (blob 9fc032b9) with include/asm-x86_64/page.h (__PAGE_OFFSET 1 << 40,
 * init.c high_memory = __va(end_pfn * PAGE_SIZE)) and pageattr.c's global_flush_tlb (flush_map:
 * on_each_cpu wbinvd + __flush_tlb_one, not __flush_tlb_all). 256 MiB: high_memory 0x10010000000.
 * What the oracle cannot show (TLB flush counts, the BUG path, addresses next to high_memory) is here;
 * the rest is in test/vectors/k269-ioremap-x86_64-*.
 */
describe('2.6.9 arch/x86_64/mm/ioremap.c', () => {
  const x86 = () => boot({ arch: 'x86_64', ramMiB: 256 });

  it('maps device memory with P|RW|G|D|A ptes (0x163, nocache 0x173), no NX even on an NX CPU', () => {
    const r = x86();
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: PAGE, as: 'a' })).toMatchObject({ ok: true, addr: '0xffffff0000000000' });
    expect(step(r, { op: 'lookup_pte', ref: 'a' })).toMatchObject({ pte: '0x00000000e0000163' });
    expect(step(r, { op: 'ioremap_nocache', phys: '0xe0001000', size: PAGE, as: 'b' })).toMatchObject({ ok: true, addr: '0xffffff0000002000' });
    expect(step(r, { op: 'lookup_pte', ref: 'b' })).toMatchObject({ pte: '0x00000000e0001173' });
  });

  it('keeps a physical address above 4 GiB whole (unsigned long is 64-bit, no phys_addr_valid)', () => {
    const r = x86();
    expect(step(r, { op: 'ioremap', phys: '0x123456789000', size: PAGE, as: 'a' })).toMatchObject({ ok: true });
    expect(step(r, { op: 'lookup_pte', ref: 'a' })).toMatchObject({ pte: '0x0000123456789163' });
  });

  it('returns __va(phys) in the lower half for the ISA hole; iounmap up to high_memory is silent, above it "bad address"', () => {
    const r = x86();
    expect(step(r, { op: 'ioremap', phys: '0xa0000', size: 0x60000, as: 'isa' })).toMatchObject({ ok: true, addr: '0x100000a0000' });
    expect(step(r, { op: 'iounmap', ref: 'isa' })).toMatchObject({ ok: true, log: [] });
    // addr <= high_memory (0x10000000000 + 256 MiB)
    expect(step(r, { op: 'iounmap', addr: '0x10010000000' })).toMatchObject({ ok: true, log: [] });
    expect(step(r, { op: 'iounmap', addr: '0x10010000001' })).toMatchObject({ ok: false, error: 'nonexistent', log: ['__iounmap: bad address 0000010010000001'] });
    expect(step(r, { op: 'iounmap', addr: '0xffffff0000000000' })).toMatchObject({ ok: false, error: 'nonexistent', log: ['__iounmap: bad address ffffff0000000000'] });
  });

  it('checks every RAM page below end_pfn: no highmem exemption, the last page too', () => {
    const r = x86();
    expect(step(r, { op: 'ioremap', phys: '0xfff000', size: PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(step(r, { op: 'ioremap', phys: '0xffff000', size: 2 * PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
    // the first byte past RAM is device memory
    expect(step(r, { op: 'ioremap', phys: '0x10000000', size: PAGE })).toMatchObject({ ok: true });
  });

  it('ioremap_nocache of reserved RAM (the boot pml4 page): remap_area_pages flushes all TLBs, global_flush_tlb does not', () => {
    const r = x86();
    const pgd = r.kernel.machine.pt.pgdPfn;
    const all = counter(r, 'tlb_flush_all');
    const res = step(r, { op: 'ioremap_nocache', phys: '0x' + (pgd * PAGE).toString(16), size: PAGE, as: 'p' });
    expect(res).toMatchObject({ ok: true, addr: '0xffffff0000000000' });
    // i386 counts 2 here (its flush_kernel_map is __flush_tlb_all); x86_64's __flush_tlb_one(0) flushes nothing of vmx's
    expect(counter(r, 'tlb_flush_all')).toBe(all + 1);
    const range = counter(r, 'tlb_flush_range');
    expect(step(r, { op: 'iounmap', ref: 'p' })).toMatchObject({ ok: true, log: [] });
    expect(counter(r, 'tlb_flush_all')).toBe(all + 1);
    expect(counter(r, 'tlb_flush_range')).toBe(range + 1);
  });

  it('iounmap of a vmalloc area takes it off vmlist and leaks its pages (QUERY), no global flush', () => {
    const r = x86();
    step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'v' });
    const all = counter(r, 'tlb_flush_all');
    expect(step(r, { op: 'iounmap', ref: 'v' })).toMatchObject({ ok: true, log: [] });
    expect(finalState(r)).toMatchObject({ areas: [], pagesMapped: 0 });
    expect(r.kernel.machine.mem.inUse[1]).toBe(2);
    expect(counter(r, 'tlb_flush_all')).toBe(all);
  });

  it('a pte already set where the area goes: "remap_area_pte: page already exists" and BUG at arch/x86_64/mm/ioremap.c:37', () => {
    const r = x86();
    const k = r.kernel;
    const a = k.constAddr('0xffffff0000000000');
    const pte = k.pte_alloc(k.pmd_alloc(k.pud_offset(k.pgd_offset_k(a), a), a), a);
    k.set_pte(pte, k.harness_alloc_page(), 0x163);
    const res = step(r, { op: 'ioremap', phys: '0xe0000000', size: PAGE });
    expect(res.log).toEqual(['remap_area_pte: page already exists', 'kernel BUG at arch/x86_64/mm/ioremap.c:37!']);
  });

  it('16 TiB of device memory on an empty vmlist: the area is taken unchecked (QUERY) and remap_area_pages BUG()s at :81 as its end wraps past 2^64', () => {
    const r = x86();
    // get_vm_area(2^44) at VMALLOC_START; end = 0xffffff0000000000 + 2^44 wraps to 0xff0000000000 < address
    const res = step(r, { op: 'ioremap', phys: '0x1000000000', size: 2 ** 44 });
    expect(res).toMatchObject({ ok: false, error: 'BUG', log: ['kernel BUG at arch/x86_64/mm/ioremap.c:81!'] });
    expect(finalState(r).pageTablePages).toBe(0);
  });

  it('a pmd page failing (the first __pmd_alloc under boot_vmalloc_pgt): the area is vunmap\'ed, nothing left', () => {
    const r = x86();
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(finalState(r)).toMatchObject({ areas: [], pagesMapped: 0, pageTablePages: 0 });
  });
});

describe('2.6.9 mm/vmalloc.c', () => {
  it('a pte that is already set only warns ("Badness in map_area_pte at mm/vmalloc.c:100") and is overwritten', () => {
    const r = boot();
    const k = r.kernel;
    // a stray mapping at VMALLOC_START, where the next vmalloc goes
    const pte = k.pte_alloc(k.pmd_offset(k.pud_offset(k.pgd_offset_k(0xc8800000), 0xc8800000), 0xc8800000), 0xc8800000);
    const stray = k.harness_alloc_page();
    k.set_pte(pte, stray, 0x163);
    const res = step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'a' });
    expect(res).toMatchObject({ ok: true, addr: '0xc8800000', log: ['Badness in map_area_pte at mm/vmalloc.c:100'] });
    expect(k.walk(0xc8800000)).not.toBe(stray);
  });

  it('vfree BUG()s at mm/vmalloc.c:324 on a NULL slot of the pages array', () => {
    const k = new Kernel({ arch: 'i386', ramMiB: 128, cpus: 1, nodes: 1 }, v269.kernelConfig);
    const pg = i386Pgtable(k);
    const mm = bootVmalloc(k, v269.defaultWindow(k), pg, bootMemory(k, pg));
    const a = mm.vmalloc(3 * PAGE);
    mm.vm.pages[mm.vmlist()]!.pfns[1] = -1;
    expect(() => mm.vfree(a)).toThrow(/kernel BUG at mm\/vmalloc.c:324!/);
  });

  it('vmap of 0 pages maps pages[0] into the guard page of a one-page area (no count check, QUERY)', () => {
    const k = new Kernel({ arch: 'i386', ramMiB: 128, cpus: 1, nodes: 1 }, v269.kernelConfig);
    const pg = i386Pgtable(k);
    const mm = bootVmalloc(k, v269.defaultWindow(k), pg, bootMemory(k, pg));
    const p = k.harness_alloc_page();
    const a = mm.vmap([p], 0, 0x4, 0x163n);
    expect(a).toBe(0xc8800000);
    const area = mm.vmlist();
    expect([mm.vm.addr[area], mm.vm.size[area]]).toEqual([0xc8800000, PAGE]);
    expect(k.walk(a)).toBe(p);
  });

  it('vunmap and remove_vm_area of a vmalloc area unmap it but free neither pages nor array', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 3 * PAGE, as: 'a' });
    const freed = counter(r, 'pages_freed');
    const kfreed = counter(r, 'kfree_calls');
    expect(step(r, { op: 'vunmap', ref: 'a' })).toMatchObject({ ok: true, log: [] });
    expect(counter(r, 'pages_freed')).toBe(freed);
    expect(counter(r, 'kfree_calls')).toBe(kfreed + 1); // the vm_struct only
    expect(finalState(r)).toMatchObject({ areas: [], pagesMapped: 0 });
    expect(r.kernel.machine.mem.inUse[1]).toBe(3); // Owner.Data: the three pages leak
  });

  it('vfree unmaps through remove_vm_area: one flush_tlb_kernel_range, no flush_tlb_all', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'a' });
    const all = counter(r, 'tlb_flush_all');
    const range = counter(r, 'tlb_flush_range');
    step(r, { op: 'vfree', ref: 'a' });
    expect(counter(r, 'tlb_flush_all')).toBe(all);
    expect(counter(r, 'tlb_flush_range')).toBe(range + 1);
    expect(r.kernel.lastFlushRange).toEqual({ start: 0xc8800000, end: 0xc8803000 });
  });
});

describe('2.6.9 __get_vm_area quirks (QUERY; both also in the oracle vectors k269-out-of-space, k269-ioremap-align)', () => {
  // 1 MiB window 0xc8800000-0xc8900000:
  //   0xc8800000 [f0 0x41000][f1 0x41000][f2 0x41000] 0xc88c3000 ... 0xc8900000 = VMALLOC_END
  it('a VM_IOREMAP candidate moved past an area below it is taken without an end check: an area AT VMALLOC_END', () => {
    const r = bootVersion(
      validateScenario({ name: 't', machine: { arch: 'i386', ramMiB: 128, cpus: 1, vmallocStart: '0xc8800000', vmallocEnd: '0xc8900000' }, steps: [] }, VERSION_IDS),
      findVersion('2.6.9')!,
    );
    for (const a of ['0xc8800000', '0xc8841000', '0xc8882000']) expect(step(r, { op: 'get_vm_area', size: 0x40000 })).toMatchObject({ addr: a });
    // fls(0x40000) = 19: align 512 KiB. ALIGN(f0's end 0xc8841000) = 0xc8880000 fits below
    // end - size; f1 (0xc8841000) lies below it and ends at 0xc8882000 >= 0xc8880000, so
    // addr = ALIGN(0xc8882000) = 0xc8900000 and `continue`; f2 lies below that and ends before
    // it; the list ends: found, with no `addr > end - size` test on this path.
    expect(step(r, { op: 'get_vm_area', size: 0x40000, flags: 'VM_IOREMAP' })).toMatchObject({ ok: true, addr: '0xc8900000', log: [] });
  });

  it('an unaligned get_vm_area size leaves the next vmalloc unaligned, and that area cannot be vfree\'d', () => {
    const r = boot();
    // size 1 + guard page = 0x1001: the area ends at 0xc8801001
    expect(step(r, { op: 'get_vm_area', size: 1 })).toMatchObject({ addr: '0xc8800000' });
    expect(step(r, { op: 'vmalloc', size: PAGE, as: 'v' })).toMatchObject({ ok: true, addr: '0xc8801001' });
    expect(step(r, { op: 'vfree', ref: 'v' })).toMatchObject({
      ok: false,
      error: 'bad-address',
      log: ['Trying to vfree() bad address (c8801001)', 'Badness in __vunmap at mm/vmalloc.c:307'],
    });
  });
});

describe('2.6.9 arch/i386/mm/ioremap.c', () => {
  it('maps device memory above RAM, page aligned by fls(size): one page at 0xc8800000 (align 8 KiB)', () => {
    const r = boot();
    const res = step(r, { op: 'ioremap', phys: '0xe0000000', size: PAGE, as: 'io' });
    expect(res).toMatchObject({ ok: true, addr: '0xc8800000', log: [] });
    expect(r.kernel.walk(0xc8800000)).toBe(0xe0000);
    expect(finalState(r).areas).toEqual([{ addr: '0xc8800000', size: 2 * PAGE, flags: ['VM_IOREMAP'] }]);
  });

  it('aligns a 64 KiB ioremap to 128 KiB (fls(0x10000) = 17)', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: PAGE });
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: 0x10000 })).toMatchObject({ addr: '0xc8820000' });
  });

  it('maps the page of the last byte: ioremap(0xe0000ff0, 0x11) maps two pages (PAGE_ALIGN(last_addr+1))', () => {
    const r = boot();
    expect(step(r, { op: 'ioremap', phys: '0xe0000ff0', size: 0x11 })).toMatchObject({ addr: '0xc8800ff0' });
    expect([r.kernel.walk(0xc8800000), r.kernel.walk(0xc8801000)]).toEqual([0xe0000, 0xe0001]);
    // size 0x2000 + guard; fls(0x2000) = 14: 16 KiB alignment for the next ioremap
    expect(finalState(r).areas[0]).toEqual({ addr: '0xc8800000', size: 3 * PAGE, flags: ['VM_IOREMAP'] });
  });

  it('one byte at a page-aligned address is one page, not 2.4.22\'s BUG', () => {
    const r = boot();
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: 1 })).toMatchObject({ ok: true, addr: '0xc8800000', log: [] });
  });

  it('returns the linear address for the ISA hole, refuses RAM in use, size 0 and wraps', () => {
    const r = boot();
    expect(step(r, { op: 'ioremap', phys: '0xa0000', size: 0x1000 })).toMatchObject({ ok: true, addr: '0xc00a0000' });
    expect(step(r, { op: 'ioremap', phys: '0x100000', size: PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: 0 })).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(step(r, { op: 'ioremap', phys: '0xfffff000', size: 0x2000 })).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(finalState(r).areas).toEqual([]);
  });

  it('iounmap removes the area (ptes cleared, one range flush), frees no frame, ignores lowmem addresses', () => {
    const r = boot();
    step(r, { op: 'ioremap', phys: '0xe0000000', size: 2 * PAGE, as: 'io' });
    const all = counter(r, 'tlb_flush_all');
    const freed = counter(r, 'pages_freed');
    expect(step(r, { op: 'iounmap', ref: 'io', offset: 0x10 })).toMatchObject({ ok: true, log: [] });
    expect(finalState(r)).toMatchObject({ areas: [], pagesMapped: 0 });
    expect(counter(r, 'pages_freed')).toBe(freed);
    // phys_addr 0xe0000000 is above virt_to_phys(high_memory): no change_page_attr, no global flush
    expect(counter(r, 'tlb_flush_all')).toBe(all);
    expect(step(r, { op: 'iounmap', addr: '0xc00a0000' })).toMatchObject({ ok: true, log: [] });
  });

  it('iounmap of an unknown address prints "__iounmap: bad address"', () => {
    const r = boot();
    expect(step(r, { op: 'iounmap', addr: '0xd0000000' })).toMatchObject({ ok: false, error: 'nonexistent', log: ['__iounmap: bad address d0000000'] });
  });

  it('iounmap of a vmalloc area takes it off vmlist and leaks its pages (QUERY), with a global TLB flush', () => {
    const r = boot();
    step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'v' });
    const all = counter(r, 'tlb_flush_all');
    expect(step(r, { op: 'iounmap', ref: 'v' })).toMatchObject({ ok: true, log: [] });
    expect(finalState(r).areas).toEqual([]);
    expect(r.kernel.machine.mem.inUse[1]).toBe(2);
    // p->flags is VM_ALLOC (non-zero) and phys_addr 0 is below high_memory: change_page_attr + global_flush_tlb
    expect(counter(r, 'tlb_flush_all')).toBe(all + 1);
  });

  it('ioremap_nocache of reserved lowmem (the boot page directory) flushes all TLBs after mapping', () => {
    const r = boot();
    const pgd = r.kernel.machine.pt.pgdPfn;
    const all = counter(r, 'tlb_flush_all');
    const res = step(r, { op: 'ioremap_nocache', phys: '0x' + (pgd * PAGE).toString(16), size: PAGE });
    expect(res).toMatchObject({ ok: true, addr: '0xc8800000' });
    // remap_area_pages' flush_tlb_all, then ioremap_nocache's global_flush_tlb
    expect(counter(r, 'tlb_flush_all')).toBe(all + 2);
  });

  it('a pte page failing: the area is vunmap\'ed, no frame freed', () => {
    const r = boot();
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    expect(step(r, { op: 'ioremap', phys: '0xe0000000', size: PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(finalState(r)).toMatchObject({ areas: [], pagesMapped: 0, pageTablePages: 0 });
  });
});

describe('2.6.9 catalogue', () => {
  it('cites linux-history commits (12 hex digits) or says why not, for releases 2.4.23 to 2.6.9', () => {
    const releases = ['2.4.23', ...Array.from({ length: 75 }, (_, i) => `2.5.${i}`), ...Array.from({ length: 10 }, (_, i) => `2.6.${i}`)];
    for (const c of v269.changes) {
      expect(releases, c.id).toContain(c.since);
      if (c.commits) for (const id of c.commits) expect(id, c.id).toMatch(/^[0-9a-f]{12}$/);
      else expect(c.commitNote, c.id).toBeTruthy();
    }
    const ids = v269.changes.map((c) => c.id);
    expect(ids).toEqual([...new Set(ids)]);
  });
});
