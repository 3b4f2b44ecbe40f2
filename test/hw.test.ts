/**
 * The hardware model and the kernel services on it: page-table walks on the three geometries,
 * zones and gfp zone fallback, the frame allocator, TLB staleness after an unmap without a flush,
 * fault injection, and exact 64-bit addresses. Expected values are written out from the x86
 * manuals and the kernel headers, not taken from the code under test.
 * Run: npx vitest run test/hw.test.ts
 */
import { describe, expect, it } from 'vitest';
import { ARCHES, type ArchName } from '../src/hw/arch.js';
import { fmtPointer, hexAddr, parseAddr } from '../src/hw/addr.js';
import { Owner } from '../src/hw/frames.js';
import { Machine } from '../src/hw/machine.js';
import { PageTables } from '../src/hw/pagetable.js';
import { FaultInjector } from '../src/kernel/faults.js';
import { Kernel, __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM } from '../src/kernel/kernel.js';

const CONFIG = { kmallocSizes: [32, 64, 128, 256, 512, 1024, 2048, 4096], vmallocFile: 'vmalloc.c' };
const kernel = (arch: ArchName, ramMiB = 128, cpus = 1) => new Kernel({ arch, ramMiB, cpus, nodes: 1 }, CONFIG);
const addr = (arch: ArchName, hex: string) => parseAddr(ARCHES[arch], hex) as number;
const MiB = 1024 * 1024;

/**
 * One frame from the zonelist a gfp mask selects (the page allocator's zone fallback). The
 * vmalloc data-page service alloc_page() may simplify zones away (see its doc comment); the
 * zonelists and the allocator underneath are what is tested here.
 */
const take = (k: Kernel, gfp: number) => k.machine.mem.alloc(k.zonelistFor(gfp), Owner.Data);

/** Map `a` to a fresh data frame the way vmalloc does: pgd → pud → pmd → pte, then set_pte. */
function mapOne(k: Kernel, a: number): { pfn: number; ptr: number } {
  const pgd = k.pgd_offset_k(a);
  const pte = k.pte_alloc(k.pmd_alloc(k.pud_alloc(pgd, a), a), a);
  const pfn = k.alloc_page(0);
  k.set_pte(pte, pfn, 0x163);
  return { pfn, ptr: pte };
}

describe('page-table walks on the three geometries', () => {
  // Entry pointers are tablePfn * 1024 + index, so `ptr % 1024` is the index at that level.
  it('i386: 2 levels, 1024 entries; 0xc8800000 is pgd slot 0x322 (802), pte 0; one pte page', () => {
    const k = kernel('i386');
    const a = 0xc8800000;
    expect(k.pgd_offset_k(a) % 1024).toBe(0x322);
    // pud and pmd fold into the pgd: the pointer is the pgd entry itself, and pgd_none is false.
    expect(k.pud_offset(k.pgd_offset_k(a), a)).toBe(k.pgd_offset_k(a));
    expect(k.pgd_none(k.pgd_offset_k(a))).toBe(false);
    expect(k.pmd_none(k.pgd_offset_k(a))).toBe(true);
    const { pfn, ptr } = mapOne(k, a + 5 * 4096);
    expect(ptr % 1024).toBe(5);
    expect(k.machine.pt.translate(a + 5 * 4096 + 123)).toBe(pfn);
    expect(k.machine.pt.translate(a + 6 * 4096)).toBe(-1);
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(1);
    // 0xc8bff000 is the last page of the same 4 MiB slot: no new table; 0xc8c00000 needs one.
    mapOne(k, 0xc8bff000);
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(1);
    mapOne(k, 0xc8c00000);
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(2);
  });

  it('i386-pae: 3 levels (4 × 512 × 512); the kernel pmd of slot 3 is a boot page; 0xc8800000 is pmd 0x44', () => {
    const k = kernel('i386-pae');
    const a = 0xc8800000;
    expect(k.pgd_offset_k(a) % 1024).toBe(3);
    expect(k.machine.mem.inUse[Owner.Boot]).toBe(2); // swapper_pg_dir + the kernel pmd
    const pmd = k.pmd_alloc(k.pud_alloc(k.pgd_offset_k(a), a), a);
    expect(pmd % 1024).toBe(0x44);
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(0);
    const { pfn, ptr } = mapOne(k, a + 0x1ff000);
    expect(ptr % 1024).toBe(511);
    expect(k.machine.pt.translate(a + 0x1ff000)).toBe(pfn);
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(1);
    // The default boot tables leave the user slots none (as 2.6's swapper_pg_dir may): a user
    // address in slot 0 goes through the generic pmd_alloc (2.6 mm/memory.c __pmd_alloc when
    // pud_none) and needs a pmd page and a pte page. 2.4 never does this: see the next test.
    mapOne(k, 0x08048000);
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(3);
  });

  // 2.4 arch/i386/mm/init.c pagetable_init (PAE): set_pgd(pgd_base + i, __pgd(1 +
  // __pa(empty_zero_page))) for all four slots, then slot 3 (PAGE_OFFSET 0xc0000000) gets its
  // bootmem pmd. include/asm-i386/pgtable-3level.h (2.4.3 on): pgd_none() is 0, so
  // include/linux/mm.h pmd_alloc() is pmd_offset(): a user address uses empty_zero_page as its pmd.
  it('i386-pae, 2.4 boot tables: user slots share empty_zero_page as their pmd; pmd_offset there writes into it', () => {
    const k = new Kernel({ arch: 'i386-pae', ramMiB: 128, cpus: 1, nodes: 1 }, { ...CONFIG, paeUserPgd: 'empty_zero_page' });
    const slot = (i: number) => k.machine.pt.get(k.pgd_offset_k(i * 2 ** 30));
    expect(slot(1)).toBe(slot(0));
    expect(slot(2)).toBe(slot(0));
    expect(slot(3)).not.toBe(slot(0));
    for (const i of [0, 1, 2, 3]) expect(k.pgd_none(k.pgd_offset_k(i * 2 ** 30))).toBe(false);
    expect(k.pgd_is_empty_zero_page(k.pgd_offset_k(0))).toBe(true);
    expect(k.pgd_is_empty_zero_page(k.pgd_offset_k(0xc0000000))).toBe(false);
    // swapper_pg_dir and slot 3's pmd from bootmem; empty_zero_page is in the kernel image.
    expect(k.machine.mem.inUse[Owner.Boot]).toBe(2);
    // 0x08048000 >> PMD_SHIFT (21) = 0x40: entry 0x40 of empty_zero_page, none (the page is zero).
    const u = 0x08048000;
    const pmd = k.pmd_offset(k.pud_offset(k.pgd_offset_k(u), u), u);
    expect(pmd % 1024).toBe(0x40);
    expect(k.pmd_none(pmd)).toBe(true);
    const pte = k.pte_alloc(pmd, u);
    const pfn = k.alloc_page(0);
    k.set_pte(pte, pfn, 0x163);
    // One pte page (no pmd page), linked in empty_zero_page's entry 0x40 ...
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(1);
    expect(k.machine.pt.translate(u)).toBe(pfn);
    // ... which every user slot shares: 1 GiB and 2 GiB higher the same entry maps the same page.
    expect(k.machine.pt.translate(u + 2 ** 30)).toBe(pfn);
    expect(k.machine.pt.translate(u + 2 * 2 ** 30)).toBe(pfn);
    expect(k.pmd_none(k.pmd_offset(k.pud_offset(k.pgd_offset_k(u + 2 ** 30), u + 2 ** 30), u + 2 ** 30))).toBe(false);
    // The kernel slot has its own pmd: nothing at 0xc8048000.
    expect(k.machine.pt.translate(0xc0000000 + u)).toBe(-1);
    // The shared page is walked once: one pte table below the user slots.
    expect(k.machine.pt.tablesCovering(0, 0xc0000000).filter((f) => k.machine.mem.owner(f) === Owner.PageTable).length).toBe(1);
  });

  it('x86_64: 4 levels of 512; 0xffffc20000000000 (VMALLOC_START) is pgd 388, pud 0, pmd 0, pte 0; three table pages', () => {
    const k = kernel('x86_64');
    const a = addr('x86_64', '0xffffc20000000000');
    const pgd = k.pgd_offset_k(a);
    expect(pgd % 1024).toBe(388);
    const pud = k.pud_alloc(pgd, a);
    expect(pud % 1024).toBe(0);
    const pmd = k.pmd_alloc(pud, a);
    const pte = k.pte_alloc(pmd, a + 0x201000);
    // a + 0x201000 is pmd 1, pte 1 (a 2 MiB pmd span plus one page); through pmd 0's pointer only the pte index shows.
    expect([pmd % 1024, k.pte_offset(pmd, a + 0x201000) % 1024]).toEqual([0, 1]);
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(3);
    void pte;
    const { pfn } = mapOne(k, addr('x86_64', '0xffffe8ffffffe000'));
    expect(k.machine.pt.translate(addr('x86_64', '0xffffe8ffffffefff'))).toBe(pfn);
    // pgd 465 (0xffffe8…) is a new top-level slot: pud, pmd and pte pages again.
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(6);
  });

  it('a failed table allocation returns NULL (-1) at the first missing level and leaves its parent entry none', () => {
    // The first table each geometry must allocate for the vmalloc area: i386 the pte page
    // (pud/pmd fold into the pgd), PAE the pte page (the kernel pmd is a boot page), x86_64 the pud.
    const firstMissing = { i386: 'pte', 'i386-pae': 'pte', x86_64: 'pud' } as const;
    for (const arch of ['i386', 'i386-pae', 'x86_64'] as const) {
      const k = kernel(arch);
      const a = arch === 'x86_64' ? addr(arch, '0xffffc20000000000') : 0xc8800000;
      k.faults.arm('pte_alloc', 1);
      const pgd = k.pgd_offset_k(a);
      const pud = k.pud_alloc(pgd, a);
      let failedAt = 'none';
      if (pud < 0) failedAt = 'pud';
      else {
        const pmd = k.pmd_alloc(pud, a);
        if (pmd < 0) failedAt = 'pmd';
        else if (k.pte_alloc(pmd, a) < 0) failedAt = 'pte';
      }
      expect({ arch, failedAt }).toEqual({ arch, failedAt: firstMissing[arch] });
      expect(k.machine.pt.translate(a)).toBe(-1);
      expect(k.machine.mem.inUse[Owner.PageTable]).toBe(0);
    }
  });
});

  it('entry pointers stay small integers for tables above frame 2^31, step with ++ and name their frame and index', () => {
    const pt = new PageTables(ARCHES.i386);
    const far = 2 ** 32 - 3; // where vmx puts tables outside RAM (Kernel.image_table)
    pt.install(far, 1);
    pt.install(40, 1);
    const p = pt.ptr(far, 1023);
    expect(Number.isInteger(p) && p >= 0 && p < 2 ** 30).toBe(true);
    expect(pt.ptrFrame(p)).toBe(far);
    expect(pt.ptrIndex(p)).toBe(1023);
    pt.setLeaf(pt.ptr(far, 5), 77 + 1, 0x63);
    pt.setLeaf(pt.ptr(40, 5), 99 + 1, 0x163);
    expect([pt.get(pt.ptr(far, 4) + 1), pt.flags(pt.ptr(far, 5)), pt.get(pt.ptr(40, 5)), pt.flags(pt.ptr(40, 5))]).toEqual([78, 0x63, 100, 0x163]);
    expect(pt.getAndClear(pt.ptr(far, 5))).toBe(78);
    expect([pt.get(pt.ptr(far, 5)), pt.flags(pt.ptr(far, 5))]).toEqual([0, 0]);
    // a reinstalled table starts zeroed, flag words too, under the same pointers
    pt.install(40, 1);
    expect([pt.get(pt.ptr(40, 5)), pt.flags(pt.ptr(40, 5))]).toEqual([0, 0]);
    // a pointer into a frame that is not a table is the simulator error it was
    expect(() => pt.get(pt.ptr(41, 0))).toThrow('simulator: frame 41 is not a page table');
  });

describe('zones and gfp zone fallback', () => {
  it('i386 with 1 GiB: DMA below 16 MiB, NORMAL to 896 MiB, HIGHMEM above', () => {
    const m = new Machine({ arch: 'i386', ramMiB: 1024, cpus: 1, nodes: 1 });
    expect(m.mem.zones.map((z) => [z.name, z.startPfn, z.endPfn])).toEqual([
      ['DMA', 0, 4096],
      ['NORMAL', 4096, 229376],
      ['HIGHMEM', 229376, 262144],
    ]);
    expect(m.highMemory).toBe(0xc0000000 + 896 * MiB);
  });

  it("the lowmem limit is the kernel's (KernelConfig.lowmemLimit): 2.6.32's MAXMEM 0x377fe000 moves high_memory and the HIGHMEM boundary", () => {
    // the arch default (2.4's MAXMEM, 896 MiB) above; here a version's own: 2.6.32 i386
    // MAXMEM = VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE = 0xff7fe000 - 0xc0000000 - 0x8000000
    const MAXMEM = 0x377fe000;
    const m = new Machine({ arch: 'i386', ramMiB: 1024, cpus: 1, nodes: 1 }, MAXMEM);
    expect(m.mem.zones.map((z) => [z.name, z.startPfn, z.endPfn])).toEqual([
      ['DMA', 0, 4096],
      ['NORMAL', 4096, 0x377fe],
      ['HIGHMEM', 0x377fe, 262144],
    ]);
    expect(m.highMemory).toBe(0xf77fe000);
    const k = new Kernel({ arch: 'i386', ramMiB: 1024, cpus: 1, nodes: 1 }, { ...CONFIG, lowmemLimit: (a) => (a === 'x86_64' ? undefined : MAXMEM) });
    expect(k.high_memory).toBe(0xf77fe000);
    // below the limit RAM is all lowmem: high_memory = PAGE_OFFSET + RAM
    const small = new Kernel({ arch: 'i386', ramMiB: 512, cpus: 1, nodes: 1 }, { ...CONFIG, lowmemLimit: () => MAXMEM });
    expect(small.high_memory).toBe(0xe0000000);
    expect(small.machine.mem.zones.map((z) => z.name)).toEqual(['DMA', 'NORMAL']);
    // undefined keeps the arch's default
    expect(new Kernel({ arch: 'x86_64', ramMiB: 256, cpus: 1, nodes: 1 }, { ...CONFIG, lowmemLimit: (a) => (a === 'x86_64' ? undefined : MAXMEM) }).high_memory).toBe(
      kernel('x86_64', 256).high_memory,
    );
  });

  it('i386 with 128 MiB has no HIGHMEM; __GFP_HIGHMEM falls back to NORMAL', () => {
    const k = kernel('i386', 128);
    expect(k.machine.mem.zones.map((z) => z.name)).toEqual(['DMA', 'NORMAL']);
    expect(k.zonelistFor(__GFP_HIGHMEM).map((z) => z.name)).toEqual(['NORMAL', 'DMA']);
    expect(take(k, __GFP_HIGHMEM)).toBeGreaterThanOrEqual(4096);
  });

  it('__GFP_HIGHMEM prefers HIGHMEM, then falls back to NORMAL and DMA when it runs out', () => {
    const k = kernel('i386', 1024);
    expect(k.zonelistFor(__GFP_HIGHMEM).map((z) => z.name)).toEqual(['HIGHMEM', 'NORMAL', 'DMA']);
    const first = take(k, __GFP_HIGHMEM);
    expect(first).toBe(229376);
    for (let i = 1; i < 32768; i++) take(k, __GFP_HIGHMEM);
    expect(k.machine.mem.zone('HIGHMEM')!.nrFree).toBe(0);
    const next = take(k, __GFP_HIGHMEM);
    expect(next).toBeGreaterThanOrEqual(4096);
    expect(next).toBeLessThan(229376);
  });

  it('GFP_KERNEL never takes HIGHMEM; __GFP_DMA takes only DMA and fails when it is empty', () => {
    const k = kernel('i386', 1024);
    expect(k.zonelistFor(0).map((z) => z.name)).toEqual(['NORMAL', 'DMA']);
    expect(k.zonelistFor(__GFP_DMA).map((z) => z.name)).toEqual(['DMA']);
    // The boot pgd came from NORMAL, so DMA has all 4096 of its frames.
    for (let i = 0; i < 4096; i++) expect(take(k, __GFP_DMA)).toBeLessThan(4096);
    expect(take(k, __GFP_DMA)).toBe(-1);
    expect(take(k, 0)).toBeGreaterThanOrEqual(4096);
  });

  it('x86_64 with 8 GiB: DMA, DMA32 to 4 GiB, NORMAL above; __GFP_DMA32 falls back to DMA only', () => {
    const k = kernel('x86_64', 8192);
    expect(k.machine.mem.zones.map((z) => [z.name, z.startPfn, z.endPfn])).toEqual([
      ['DMA', 0, 4096],
      ['DMA32', 4096, 1048576],
      ['NORMAL', 1048576, 2097152],
    ]);
    expect(k.zonelistFor(__GFP_DMA32).map((z) => z.name)).toEqual(['DMA32', 'DMA']);
    expect(k.zonelistFor(__GFP_HIGHMEM).map((z) => z.name)).toEqual(['NORMAL', 'DMA32', 'DMA']);
    expect(take(k, 0)).toBeGreaterThanOrEqual(1048576);
    expect(take(k, __GFP_DMA32)).toBeLessThan(1048576);
    expect(take(k, __GFP_DMA32)).toBeGreaterThanOrEqual(4096);
  });
});

describe('the frame allocator', () => {
  it('hands a freed frame out again first (LIFO), zeroed, and keeps the owner counts', () => {
    const k = kernel('i386', 64);
    const mem = k.machine.mem;
    const a = k.alloc_page(0);
    const b = k.alloc_page(0);
    expect(b).toBe(a + 1);
    mem.writeByte(a, 7, 0x5a);
    expect(mem.inUse[Owner.Data]).toBe(2);
    k.__free_page(a);
    expect(mem.inUse[Owner.Data]).toBe(1);
    expect(mem.readByte(a, 7)).toBe(0x5a); // a stale mapping would still read it
    expect(k.alloc_page(0)).toBe(a);
    expect(mem.readByte(a, 7)).toBe(0);
    const total = [...mem.inUse].reduce((x, y) => x + y, 0);
    expect(total).toBe(mem.maxPfn);
  });

  it('get_page raises the count; __free_page frees at zero only', () => {
    const k = kernel('i386', 64);
    const a = k.alloc_page(0);
    k.get_page(a);
    k.__free_page(a);
    expect([k.page_count(a), k.machine.mem.owner(a)]).toEqual([1, Owner.Data]);
    k.__free_page(a);
    expect([k.page_count(a), k.machine.mem.owner(a)]).toEqual([0, Owner.Free]);
  });

  it('releasing a frame twice is a simulator error', () => {
    const k = kernel('i386', 64);
    const a = k.alloc_page(0);
    k.machine.mem.release(a);
    expect(() => k.machine.mem.release(a)).toThrow(/released twice/);
  });

  it('runs out: -1 once every low frame is taken', () => {
    const k = kernel('i386', 16);
    let n = 0;
    while (k.alloc_page(0) >= 0) n++;
    expect(n).toBe(4096 - 1); // one frame is the boot pgd
  });
});

describe('TLB staleness', () => {
  it('an unmap without a flush leaves the old translation on the CPU that used it, until a flush', () => {
    const k = kernel('i386', 64, 2);
    const m = k.machine;
    const a = 0xc8800000;
    const { pfn, ptr } = mapOne(k, a);
    m.mem.writeByte(pfn, 0, 0x42);
    expect(m.load(0, a)).toEqual({ ok: true, value: 0x42, viaTlb: false });
    expect(m.load(0, a)).toEqual({ ok: true, value: 0x42, viaTlb: true });
    k.ptep_get_and_clear(ptr);
    // CPU 0 still translates through its TLB; CPU 1 never cached it and faults.
    expect(m.load(0, a)).toEqual({ ok: true, value: 0x42, viaTlb: true });
    expect(m.load(1, a)).toEqual({ ok: false, fault: a });
    expect(m.tlb.snapshot(0)).toEqual([{ addr: a, pfn }]);
    k.flush_tlb_kernel_range(a, a + 4096);
    expect(m.load(0, a)).toEqual({ ok: false, fault: a });
    expect(k.lastFlushRange).toEqual({ start: a, end: a + 4096 });
  });

  it('a stale TLB entry writes into the frame after it was freed and reused', () => {
    const k = kernel('i386', 64, 1);
    const m = k.machine;
    const a = 0xc8800000;
    const { pfn, ptr } = mapOne(k, a);
    m.load(0, a);
    k.ptep_get_and_clear(ptr);
    k.__free_page(pfn);
    const again = k.alloc_page(0);
    expect(again).toBe(pfn);
    expect(m.store(0, a + 1, 0x99).ok).toBe(true);
    expect(m.mem.readByte(again, 1)).toBe(0x99);
    k.flush_tlb_all();
    expect(m.store(0, a + 1, 0x11).ok).toBe(false);
  });

  it('flushRange drops only the range; flushAll drops everything on every CPU', () => {
    const k = kernel('i386', 64, 2);
    const m = k.machine;
    for (const a of [0xc8800000, 0xc8801000, 0xc8802000]) {
      mapOne(k, a);
      m.load(0, a);
      m.load(1, a);
    }
    m.tlb.flushRange(0xc8801000, 0xc8802000);
    expect(m.tlb.snapshot(1).map((e) => e.addr)).toEqual([0xc8800000, 0xc8802000]);
    m.tlb.flushAll();
    expect([m.tlb.snapshot(0), m.tlb.snapshot(1)]).toEqual([[], []]);
  });
});

/**
 * The MMU in kernel mode with CR0.WP set (2.4.22's arch/i386/kernel/head.S: "orl $0x50022,%eax
 * # set AM, WP, NE and MP"): x86 pte bits P 0x001, RW 0x002, A 0x020, D 0x040 (include/asm-i386/
 * pgtable.h). Expected behaviour from the Intel SDM vol. 3 4.6 (a supervisor write to a page
 * with R/W 0 faults when CR0.WP = 1), 4.8 (A set on the walk that fills the TLB, D on the first
 * write), 4.10.2.2 (the TLB caches R/W and D with the translation: a pte made read-only stays
 * writable through a TLB entry until it is invalidated).
 */
describe('pte protections', () => {
  const P = 0x001, RW = 0x002, A = 0x020, D = 0x040, G = 0x100;
  /** Map `a` to a fresh frame with the flag word `flags`. */
  function mapWith(k: Kernel, a: number, flags: number): { pfn: number; ptr: number } {
    const pte = k.pte_alloc(k.pmd_alloc(k.pud_alloc(k.pgd_offset_k(a), a), a), a);
    const pfn = k.alloc_page(0);
    k.set_pte(pte, pfn, flags);
    return { pfn, ptr: pte };
  }

  for (const arch of ['i386', 'i386-pae', 'x86_64'] as const) {
    const a = arch === 'x86_64' ? addr(arch, '0xffffc20000000000') : 0xc8800000;
    it(`${arch}: a store through a pte without RW faults, a load goes through`, () => {
      const k = kernel(arch);
      const m = k.machine;
      const { pfn } = mapWith(k, a, P | A | D | G); // PAGE_KERNEL_RO of 2.6.x with PGE: 0x161
      m.mem.writeByte(pfn, 7, 0x5a);
      expect(m.load(0, a + 7)).toEqual({ ok: true, value: 0x5a, viaTlb: false });
      expect(m.store(0, a + 7, 1)).toEqual({ ok: false, fault: a + 7 });
      expect(m.mem.readByte(pfn, 7)).toBe(0x5a);
    });
  }

  it('a pte without P faults on a load and a store', () => {
    const k = kernel('i386');
    const a = 0xc8800000;
    mapWith(k, a, RW | A | D);
    expect(k.machine.load(0, a)).toEqual({ ok: false, fault: a });
    expect(k.machine.store(0, a, 1)).toEqual({ ok: false, fault: a });
  });

  it('the TLB fill sets A in the pte, the first store sets D', () => {
    const k = kernel('i386-pae');
    const m = k.machine;
    const a = 0xc8800000;
    const { ptr } = mapWith(k, a, P | RW | G);
    expect(k.pte_flags_at(ptr)).toBe(P | RW | G);
    m.load(0, a);
    expect(k.pte_flags_at(ptr)).toBe(P | RW | A | G);
    expect(m.tlb.entriesOf(0)).toEqual([{ addr: a, pfn: m.pt.translate(a), rw: true, dirty: false, nx: false }]);
    expect(m.store(0, a + 1, 2).ok).toBe(true);
    expect(k.pte_flags_at(ptr)).toBe(P | RW | A | D | G);
    expect(m.tlb.entriesOf(0)[0].dirty).toBe(true);
    // D cleared by software under a dirty TLB entry: the CPU does not set it again until a refill
    m.pt.setFlags(ptr, P | RW | A | G);
    m.store(0, a + 2, 3);
    expect(k.pte_flags_at(ptr)).toBe(P | RW | A | G);
    k.flush_tlb_all();
    m.store(0, a + 2, 3);
    expect(k.pte_flags_at(ptr)).toBe(P | RW | A | D | G);
  });

  it('a store through a cached read-only entry faults even after the pte was made writable, until the fault drops it', () => {
    const k = kernel('i386');
    const m = k.machine;
    const a = 0xc8800000;
    const { ptr, pfn } = mapWith(k, a, P | A | D);
    m.load(0, a);
    k.set_pte(ptr, pfn, P | RW | A | D);
    expect(m.store(0, a, 1)).toEqual({ ok: false, fault: a }); // the stale entry says read-only
    expect(m.tlb.entriesOf(0)).toEqual([]); // the fault dropped it (SDM 4.10.4.1)
    expect(m.store(0, a, 1)).toEqual({ ok: true, value: 1, viaTlb: false });
  });

  it('a pte made read-only without a flush still takes a store through the stale TLB entry, on that CPU only', () => {
    const k = kernel('i386', 64, 2);
    const m = k.machine;
    const a = 0xc8800000;
    const { ptr, pfn } = mapWith(k, a, P | RW | A | D);
    expect(m.store(0, a, 0x11).ok).toBe(true);
    k.set_pte(ptr, pfn, P | A | D);
    expect(m.store(0, a, 0x22)).toEqual({ ok: true, value: 0x22, viaTlb: true });
    expect(m.store(1, a, 0x33)).toEqual({ ok: false, fault: a });
    expect(m.mem.readByte(pfn, 0)).toBe(0x22);
    k.flush_tlb_kernel_range(a, a + 4096);
    expect(m.store(0, a, 0x44)).toEqual({ ok: false, fault: a });
  });

  it('an instruction fetch faults on NX (cached in the TLB with the frame), goes through without it', () => {
    const k = kernel('x86_64');
    const m = k.machine;
    const a = addr('x86_64', '0xffffc20000000000');
    const NX = 0x8000; // PTE_FLAG_NX: bit 63 of the pte
    const { ptr, pfn } = mapWith(k, a, P | RW | A | D | G | NX);
    expect(m.fetch(0, a + 3)).toEqual({ ok: false, fault: a + 3, nx: true });
    expect(m.tlb.entriesOf(0)).toEqual([]); // a page fault invalidates the address's entry (SDM 4.10.4.1)
    expect(m.load(0, a).ok).toBe(true);
    expect(m.tlb.entriesOf(0)[0].nx).toBe(true);
    k.set_pte(ptr, pfn, P | RW | A | D | G); // exec allowed now, but the TLB still says NX
    expect(m.fetch(0, a)).toEqual({ ok: false, fault: a, nx: true });
    expect(m.fetch(0, a)).toEqual({ ok: true, value: 0, viaTlb: false }); // the fault dropped the stale entry
    expect(m.fetch(0, a + 4096)).toEqual({ ok: false, fault: a + 4096 }); // not present: no nx
  });

  it('a large pmd of the linear map: RW and A/D are its own flag word', () => {
    const k = kernel('i386');
    const m = k.machine;
    const low = 0xc0000000 + 0x400000; // the second 4 MiB page of lowmem
    const pmd = k.pgd_offset_k(low);
    m.pt.setLarge(pmd, 0x400, P | RW | 0x80 | G); // as the versions' boot code sets it (_PAGE_PSE 0x80)
    expect(m.store(0, low + 3, 9).ok).toBe(true);
    expect(m.pt.flags(pmd) & (A | D)).toBe(A | D);
    m.pt.setFlags(pmd, m.pt.flags(pmd) & ~RW);
    k.flush_tlb_all();
    expect(m.store(0, low + 3, 9)).toEqual({ ok: false, fault: low + 3 });
    expect(m.load(0, low + 3).ok).toBe(true);
  });
});

describe('fault injection', () => {
  it('fails exactly the nth next call at a site, counting every call', () => {
    const f = new FaultInjector();
    f.arm('alloc_page', 3);
    expect([1, 2, 3, 4].map(() => f.shouldFail('alloc_page'))).toEqual([false, false, true, false]);
    expect(f.callCount('alloc_page')).toBe(4);
    // Relative to the calls so far: the 2nd next one is call 6.
    f.arm('alloc_page', 2);
    expect([f.shouldFail('alloc_page'), f.shouldFail('alloc_page')]).toEqual([false, true]);
    expect(f.fired).toEqual([
      { site: 'alloc_page', call: 3 },
      { site: 'alloc_page', call: 6 },
    ]);
    expect(f.callCount('kmalloc')).toBe(0);
  });

  it('each kernel site returns NULL for the armed call and takes nothing', () => {
    const k = kernel('i386', 64);
    const before = [...k.machine.mem.inUse];
    k.faults.arm('alloc_page', 1);
    expect(k.alloc_page(0)).toBe(-1);
    k.faults.arm('kmalloc', 1);
    expect(k.kmalloc(32)).toBe(0);
    expect(k.slab.live.size).toBe(0);
    k.faults.arm('pte_alloc', 1);
    expect(k.pte_alloc(k.pgd_offset_k(0xc8800000), 0xc8800000)).toBe(-1);
    expect([...k.machine.mem.inUse]).toEqual(before);
    expect(k.faults.fired.map((x) => x.site)).toEqual(['alloc_page', 'kmalloc', 'pte_alloc']);
    // The harness's own pages (vmap's) are never injected.
    k.faults.arm('alloc_page', 1);
    expect(k.harness_alloc_page()).toBeGreaterThanOrEqual(0);
    expect(k.alloc_page(0)).toBe(-1);
  });
});

describe('exact 64-bit addresses', () => {
  const x = ARCHES.x86_64;
  it('round-trips the kernel half exactly, including values past 2^53', () => {
    for (const h of ['0xffff800000000000', '0xffff880000000000', '0xffffc20000000000', '0xffffe8ffffffffff', '0xffffffffff5fe000', '0xfffffffffffff000', '0xffffffffffffffff']) {
      const a = parseAddr(x, h);
      expect(typeof a).toBe('number');
      expect(Number.isSafeInteger(a)).toBe(true);
      expect(hexAddr(x, a as number)).toBe(h);
    }
    expect(parseAddr(x, '0xffffffffffffffff')).toBe(2 ** 48 - 1);
    expect(fmtPointer(x, parseAddr(x, '0xffffc20000001000') as number)).toBe('ffffc20000001000');
    // Neighbouring pages stay distinct (they would not as doubles of the real values).
    expect((parseAddr(x, '0xffffc20000001000') as number) - (parseAddr(x, '0xffffc20000000000') as number)).toBe(4096);
  });

  it('small user addresses stay negative and print back; the non-canonical middle is refused', () => {
    expect(parseAddr(x, '0x1000')).toBe(-4096);
    expect(hexAddr(x, -4096)).toBe('0x1000');
    expect(parseAddr(x, '0x0')).toBe(0);
    expect(parseAddr(x, '0x0000800000000000')).toBe(-(2 ** 47)); // below 2^53: a user address, kept exactly
    expect(parseAddr(x, '0x0080000000000000')).toMatch(/neither a kernel-half address nor a small user address/);
    expect(parseAddr(x, '0x10000000000000000')).toMatch(/malformed hex address/);
  });

  it('below 2^47 the biased space is the user half: NULL plus an offset prints as the user address', () => {
    expect(hexAddr(x, 0x1f)).toBe('0x1f');
    expect(fmtPointer(x, 0x3651)).toBe('0000000000003651');
    expect(hexAddr(x, 2 ** 47 - 1)).toBe('0x7fffffffffff');
    expect(hexAddr(x, 2 ** 47)).toBe('0xffff800000000000');
    // both user-half forms (a scenario's negated address, NULL + offset) print alike
    expect(hexAddr(x, parseAddr(x, '0x3651') as number)).toBe(hexAddr(x, 0x3651));
  });

  it('unsigned long arithmetic wraps at 2^64 (2^48 biased) and at 2^32 on i386', () => {
    const k64 = kernel('x86_64');
    expect(k64.ulong(2 ** 48 + 5)).toBe(5);
    expect(k64.ulong(-4096)).toBe(2 ** 48 - 4096);
    expect(k64.hex(k64.ulong(-4096))).toBe('0xfffffffffffff000');
    // a sum past 2^64 lands on the user-half address it wraps to, and prints as that
    expect(k64.hex(k64.ulong(2 ** 48 + 5))).toBe('0x5');
    const k32 = kernel('i386');
    expect(k32.ulong(0xfffff000 + 0x2000)).toBe(0x1000);
    expect(k32.PAGE_ALIGN(0xfffff001)).toBe(0);
    expect(fmtPointer(ARCHES.i386, 0xc8800010)).toBe('c8800010');
  });
});

describe('regressions', () => {
  // Found by the hostile property (seed 20021104) on 2.4.19 i386-pae: get_vm_area(1 GiB) wraps,
  // the next vmalloc lands at a user address in pgd slot 0, its pmd allocation fails, and the
  // cleanup's free_area_pmd does pmd_offset on the empty pgd entry (PAE's pgd_none() is always 0).
  // The simulator threw "frame -1 is not a page table"; the kernel reads a table of zeroes.
  it('i386-pae: pmd_offset below an empty pgd entry points at entries that read as none', () => {
    const k = kernel('i386-pae', 32);
    const a = 0x02801000;
    const pgd = k.pgd_offset_k(a);
    expect(k.pgd_none(pgd)).toBe(false);
    const pmd = k.pmd_offset(k.pud_offset(pgd, a), a);
    expect(k.pmd_none(pmd)).toBe(true);
    expect(k.machine.pt.translate(a)).toBe(-1);
    // Nothing was allocated or linked for it.
    expect(k.machine.mem.inUse[Owner.PageTable]).toBe(0);
    expect(k.machine.pt.tablesCovering(0, 2 ** 32)).toEqual([k.machine.pt.get(k.pgd_offset_k(0xc0000000)) - 1]);
  });
});
