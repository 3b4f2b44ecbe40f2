/**
 * The linear map of lowmem the boot code sets up before vmalloc runs (issue 13, item 9), and what a
 * walk meets there. Expected values written out from the C:
 *   2.4.x arch/i386/mm/init.c pagetable_init: with cpu_has_pse each pmd from PAGE_OFFSET whose address
 *     is below end = __va(max_low_pfn * PAGE_SIZE) is `_KERNPG_TABLE + _PAGE_PSE + __pa(vaddr)`
 *     (0x063 + 0x080) + _PAGE_GLOBAL (0x100) with cpu_has_pge: 0x1e3 (0x0e3 without PGE); without PSE
 *     a pte table per pmd, `mk_pte_phys(__pa(vaddr), PAGE_KERNEL)` (0x163) while vaddr < end.
 *   2.6.9 arch/i386/mm/init.c kernel_physical_mapping_init: pfn_pmd(pfn, PAGE_KERNEL_LARGE) =
 *     __PAGE_KERNEL | _PAGE_PSE, with _PAGE_NX (bit 63) on PAE when the CPU has NX (set_nx, the
 *     pfn_pmd mask); PAGE_KERNEL_LARGE_EXEC (no NX) for a large page holding kernel text.
 *   2.6.27 arch/x86/mm/init_32.c init_memory_mapping: "Don't use a large page for the first 2/4MB of
 *     memory": pmd 0 is a pte table (PAGE_KERNEL 0x163 | NX on PAE, PAGE_KERNEL_EXEC 0x163 for text),
 *     large pmds from PMD_SIZE to end & PMD_MASK.
 *   Kernel text: vmx takes _stext / _text .. __init_end as 1 MiB .. 4 MiB of RAM (the pc profile's
 *     image); 2.6.27's and 2.6.32's is_kernel_text (arch/x86/mm/init_32.c lines 177 / 228) starts at
 *     PAGE_OFFSET, 2.6.9's at _stext, 2.6.39's at _text.
 *   2.4.22 mm/vmalloc.c free_area_pte lines 29-32: pmd_bad -> pmd_ERROR(*pmd) (line 30) and
 *     pmd_clear; pgtable-2level.h pmd_ERROR "%s:%d: bad pmd %08lx.\n", __FILE__ "vmalloc.c".
 *   2.6.32 mm/memory.c pmd_clear_bad (line 142): pmd_ERROR at line 144; 2-level pmd_ERROR is
 *     pgtable-nopmd.h's pud_ERROR, pgtable-nopud.h's pgd_ERROR, "%s:%d: bad pgd %08lx.\n".
 * Run: npx vitest run test/versions/lowmem.test.ts
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type MachineSpec, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, type VersionRun } from '../../src/harness/runner.js';
import { pageTablePages, pagesMapped } from '../../src/harness/final.js';
import { checkMachine } from '../../src/harness/invariants.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';
import { PageTables, PAGE_PSE } from '../../src/hw/pagetable.js';
import { ARCHES } from '../../src/hw/arch.js';

const MiB = 1024 * 1024;

function boot(v: string, machine: Partial<MachineSpec>): VersionRun {
  const m = { arch: 'i386' as const, ramMiB: 64, cpus: 1, ...machine };
  return bootVersion(validateScenario({ name: 'lowmem', machine: m, steps: [] }, VERSION_IDS, 'lowmem'), findVersion(v)!);
}
const run = (r: VersionRun, s: Partial<Step>) => runStep(r, s as Step);

/** The pmd (pgd on 2-level) entry of addr: its raw value as the kernel reads it. */
function pmdVal(r: VersionRun, addr: number): bigint {
  const k = r.kernel;
  return k.pmd_val(k.pmd_offset(k.pud_offset(k.pgd_offset_k(addr), addr), addr));
}

describe('PageTables large entries', () => {
  it('translate maps an address under a large pmd to its first frame + the page offset; the walks skip it', () => {
    const pt = new PageTables(ARCHES.i386);
    pt.install(7, 0);
    pt.pgdPfn = 7;
    const p = pt.ptr(7, 0x300); // 0xc0000000
    pt.setLarge(p, 0, 0x1e3);
    expect(pt.isLarge(p)).toBe(true);
    expect(pt.translate(0xc0000000)).toBe(0);
    expect(pt.translate(0xc0123456)).toBe(0x123);
    expect(pt.translate(0xc03ff000)).toBe(0x3ff);
    expect(pt.translate(0xc0400000)).toBe(-1);
    expect(pt.leafPtr(0xc0001000)).toBe(-1);
    expect(pt.pteValue(p)).toBe(0x1e3n);
    expect(pt.flags(p) & PAGE_PSE).toBe(PAGE_PSE);
    let leaves = 0;
    pt.forEachPresent(0, 2 ** 32, () => leaves++);
    expect(leaves).toBe(0);
    expect(pt.tablesCovering(0, 2 ** 32)).toEqual([]);
  });
});

describe.each(['2.4.0', '2.4.19', '2.4.22', '2.4.31'])('%s pagetable_init linear map', (v) => {
  it('i386 with PSE: 4 MiB pmds 0x1e3 from 0xc0000000 while below high_memory 0xc4000000', () => {
    const r = boot(v, {});
    expect(pmdVal(r, 0xc0000000)).toBe(0x000001e3n);
    expect(pmdVal(r, 0xc3c00000)).toBe(0x03c001e3n);
    expect(pmdVal(r, 0xc4000000)).toBe(0n);
    expect(r.kernel.walk(0xc2345000)).toBe(0x2345);
    expect(checkMachine(r, 0)).toEqual([]);
  });
  it('i386 without PGE: the pmds lack _PAGE_GLOBAL (0x0e3)', () => {
    expect(pmdVal(boot(v, { pge: false }), 0xc0400000)).toBe(0x004000e3n);
  });
  it('PAE: 2 MiB pmds in the kernel slot, the last one at 0xc3e00000', () => {
    const r = boot(v, { arch: 'i386-pae' });
    expect(pmdVal(r, 0xc0200000)).toBe(0x002001e3n);
    expect(pmdVal(r, 0xc3e00000)).toBe(0x03e001e3n);
    expect(pmdVal(r, 0xc4000000)).toBe(0n);
  });
  it('a RAM size off a pmd boundary: the last large pmd reaches past high_memory', () => {
    // 66 MiB: end 0xc4200000; the pmd at 0xc4000000 (address below end) maps 0xc4000000-0xc43fffff
    const r = boot(v, { ramMiB: 66 });
    expect(pmdVal(r, 0xc4000000)).toBe(0x040001e3n);
    expect(pmdVal(r, 0xc4400000)).toBe(0n);
  });
  it('without PSE: pte tables with PAGE_KERNEL ptes up to high_memory, none counted', () => {
    const r = boot(v, { pse: false, vmallocStart: '0xc3ff0000', vmallocEnd: '0xc4100000' } as Partial<MachineSpec>);
    const k = r.kernel;
    expect(k.walk(0xc0123000)).toBe(0x123);
    expect(k.walk(0xc3fff000)).toBe(0x3fff);
    expect(k.walk(0xc4000000)).toBe(-1);
    const s = run(r, { op: 'lookup_pte', addr: '0xc0123000' });
    expect(s.result).toMatchObject({ ok: true, pte: '0x00123163', prot: 'P RW A D G' });
    // the window's 16 lowmem ptes count as mapped; their table is the boot code's
    expect(pagesMapped(r)).toBe(16);
    expect(pageTablePages(r)).toBe(0);
  });
});

describe('2.6.9 kernel_physical_mapping_init', () => {
  it('PAE with NX: PAGE_KERNEL_LARGE has _PAGE_NX, the text pmds (1-4 MiB) PAGE_KERNEL_LARGE_EXEC', () => {
    const r = boot('2.6.9', { arch: 'i386-pae' });
    expect(pmdVal(r, 0xc0000000)).toBe(0x000001e3n); // 0-2 MiB holds text from 1 MiB
    expect(pmdVal(r, 0xc0200000)).toBe(0x002001e3n);
    expect(pmdVal(r, 0xc0400000)).toBe((1n << 63n) | 0x004001e3n);
  });
  it('without PSE the pte loop tests the pmd\'s first address: pmd 0 (not text) is all PAGE_KERNEL', () => {
    const r = boot('2.6.9', { arch: 'i386-pae', pse: false });
    expect(run(r, { op: 'lookup_pte', addr: '0xc0100000' }).result).toMatchObject({ pte: '0x8000000000100163' });
    expect(run(r, { op: 'lookup_pte', addr: '0xc0200000' }).result).toMatchObject({ pte: '0x0000000000200163' });
  });
});

describe.each(['2.6.27', '2.6.32', '2.6.39'])('%s init_memory_mapping', (v) => {
  it('i386: the first 4 MiB in ptes (PAGE_KERNEL / PAGE_KERNEL_EXEC, the same 0x163 without NX), then 4 MiB pmds', () => {
    const r = boot(v, {});
    const k = r.kernel;
    expect(k.pmd_large(k.pgd_offset_k(0xc0000000))).toBe(false);
    expect(run(r, { op: 'lookup_pte', addr: '0xc0001000' }).result).toMatchObject({ pte: '0x00001163' });
    expect(pmdVal(r, 0xc0400000)).toBe(0x004001e3n);
    expect(pmdVal(r, 0xc3c00000)).toBe(0x03c001e3n);
    expect(pmdVal(r, 0xc4000000)).toBe(0n);
    expect(checkMachine(r, 0)).toEqual([]);
  });
  it('PAE with NX: the head\'s ptes below 1 MiB are text on 2.6.27/2.6.32 (is_kernel_text from PAGE_OFFSET), NX on 2.6.39 (from _text); the large pmds past the text NX', () => {
    const r = boot(v, { arch: 'i386-pae' });
    // arch/x86/mm/init_32.c is_kernel_text: 2.6.27 line 177 and 2.6.32 line 228 `addr >= PAGE_OFFSET`,
    // 2.6.39 line 230 `addr >= (unsigned long)_text` (vmx: _text at 1 MiB)
    const below1M = v === '2.6.39' ? '0x8000000000001163' : '0x0000000000001163';
    expect(run(r, { op: 'lookup_pte', addr: '0xc0001000' }).result).toMatchObject({ pte: below1M });
    expect(run(r, { op: 'lookup_pte', addr: '0xc0100000' }).result).toMatchObject({ pte: '0x0000000000100163' });
    expect(pmdVal(r, 0xc0200000)).toBe(0x002001e3n);
    expect(pmdVal(r, 0xc0400000)).toBe((1n << 63n) | 0x004001e3n);
  });
});

describe('a vfree that meets a large pmd', () => {
  it('2.4.22: pmd_ERROR at vmalloc.c:30 and pmd_clear; the next vmalloc there gets a pte page', () => {
    const r = boot('2.4.22', { vmallocStart: '0xc3000000', vmallocEnd: '0xc5000000' } as Partial<MachineSpec>);
    const a = run(r, { op: 'vmalloc', size: 8192, as: 'a' });
    expect(a.result.addr).toBe('0xc3000000');
    expect(a.detail.cost.pt_pages ?? 0).toBe(0); // pte_offset into the large page's first frame
    expect(r.kernel.walk(0xc3000000)).toBe(0x3000); // the MMU still walks the large pmd
    expect(run(r, { op: 'vfree', ref: 'a' }).result.log).toEqual(['vmalloc.c:30: bad pmd 030001e3.']);
    expect(pmdVal(r, 0xc3000000)).toBe(0n);
    expect(run(r, { op: 'vmalloc', size: 8192 }).detail.cost.pt_pages).toBe(1);
  });
  it('2.6.32 i386: the lazy purge\'s pmd_clear_bad prints the 2-level "bad pgd" text of mm/memory.c:144', () => {
    const r = boot('2.6.32', { vmallocStart: '0xc3000000', vmallocEnd: '0xc5000000' } as Partial<MachineSpec>);
    run(r, { op: 'vmalloc', size: 8192, as: 'a' });
    expect(run(r, { op: 'vfree', ref: 'a' }).result.log).toEqual([]); // unmapped lazily
    expect(run(r, { op: 'vm_unmap_aliases' }).result.log).toEqual(['mm/memory.c:144: bad pgd 030001e3.']);
  });
  it('2.4.0: pte_alloc_kernel meets the bad pmd: init.c:110 pmd_ERROR, the vmalloc fails', () => {
    const r = boot('2.4.0', { vmallocStart: '0xc3000000', vmallocEnd: '0xc5000000' } as Partial<MachineSpec>);
    const a = run(r, { op: 'vmalloc', size: 8192 });
    expect(a.result).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(a.result.log[0]).toBe('init.c:110: bad pmd 030001e3.');
  });
  it('a default window never meets the linear map (64 MiB: VMALLOC_START 0xc4800000)', () => {
    const r = boot('2.4.22', {});
    run(r, { op: 'vmalloc', size: 4 * MiB, as: 'a' });
    expect(run(r, { op: 'vfree', ref: 'a' }).result.log).toEqual([]);
  });
});

/*
 * x86_64 (2.6.27, 2.6.32, 2.6.39): head_64.S's level2_ident_pgt maps the first GiB of the direct map
 * at 0xffff880000000000 with PMDS(0, __PAGE_KERNEL_LARGE_EXEC, PTRS_PER_PMD) (0x1e3, no NX);
 * init_memory_mapping's phys_pmd_init keeps those below end, clears the rest of the pmd page past
 * end (`set_pmd(pmd, __pmd(0))` while !after_bootmem), gives each further GiB a pmd page of
 * pfn_pte(pfn, PAGE_KERNEL_LARGE) (0x1e3 | _PAGE_NX), and the 4 KiB tail a pte table of
 * pfn_pte(pfn, PAGE_KERNEL) (0x163 | _PAGE_NX). No 1 GiB pages: the Athlon 64 has no gbpages.
 */
describe.each(['2.6.27', '2.6.32', '2.6.39'])('%s x86_64 direct map', (v) => {
  const at = (r: VersionRun, hex: string) => pmdVal(r, r.kernel.constAddr(hex));
  it('513 MiB: head_64.S\'s large pmds below end kept, a pte table for the last MiB, the rest cleared', () => {
    const r = boot(v, { arch: 'x86_64', ramMiB: 513 });
    expect(at(r, '0xffff880000000000')).toBe(0x1e3n);
    expect(at(r, '0xffff88001fe00000')).toBe(0x1fe001e3n);
    expect(r.kernel.pmd_large(r.kernel.pmd_offset(r.kernel.pud_offset(r.kernel.pgd_offset_k(r.kernel.constAddr('0xffff880020000000')), r.kernel.constAddr('0xffff880020000000')), r.kernel.constAddr('0xffff880020000000')))).toBe(false);
    expect(run(r, { op: 'lookup_pte', addr: '0xffff8800200ff000' }).result).toMatchObject({ pte: '0x80000000200ff163' });
    expect(run(r, { op: 'lookup_pte', addr: '0xffff880020100000' }).result).toMatchObject({ pte: '0x0000000000000000' }); // past end: cleared
    expect(at(r, '0xffff880020200000')).toBe(0n);
    expect(r.kernel.walk(r.kernel.constAddr('0xffff880012345000'))).toBe(0x12345);
    expect(checkMachine(r, 0)).toEqual([]);
  });
  it('3 GiB: the second and third GiB in new pmd pages with PAGE_KERNEL_LARGE (NX)', () => {
    const r = boot(v, { arch: 'x86_64', ramMiB: 3072 });
    expect(at(r, '0xffff88003fe00000')).toBe(0x3fe001e3n);
    expect(at(r, '0xffff880040000000')).toBe((1n << 63n) | 0x400001e3n);
    expect(at(r, '0xffff8800bfe00000')).toBe((1n << 63n) | 0xbfe001e3n);
    expect(at(r, '0xffff8800c0000000')).toBe(0n);
    expect(pageTablePages(r)).toBe(0);
  });
  it('without PSE one merged 4 KiB range: 2.6.27 keeps head_64.S\'s large pmds below end, 2.6.32 on split them (no NX)', () => {
    // page_size_mask 0: init_memory_mapping's ranges all have mask 0 and its merge loop (2.6.27
    // init_64.c line 629, 2.6.32 init.c 243, 2.6.39 init.c 238) makes one [0, end). phys_pmd_init over
    // level2_ident_pgt: 2.6.27 keeps each large pmd below end (line 345, the one at 0x20000000 too,
    // mapping past end), clears the rest; 2.6.32 (line 407) / 2.6.39 (455) split each into a new pte
    // table of pte_pgprot(pte_clrhuge(pmd)) = 0x163 without NX, ptes up to end, the rest none.
    const r = boot(v, { arch: 'x86_64', ramMiB: 513, pse: false });
    const look = (a: string) => run(r, { op: 'lookup_pte', addr: a }).result;
    if (v === '2.6.27') {
      expect(at(r, '0xffff880000000000')).toBe(0x1e3n);
      expect(at(r, '0xffff880020000000')).toBe(0x200001e3n);
      expect(look('0xffff8800200ff000')).toMatchObject({ ok: false, error: 'nonexistent' });
    } else {
      expect(r.kernel.pmd_large(r.kernel.pmd_offset(r.kernel.pud_offset(r.kernel.pgd_offset_k(r.kernel.constAddr('0xffff880000000000')), r.kernel.constAddr('0xffff880000000000')), r.kernel.constAddr('0xffff880000000000')))).toBe(false);
      expect(look('0xffff880000001000')).toMatchObject({ pte: '0x0000000000001163' });
      expect(look('0xffff8800200ff000')).toMatchObject({ pte: '0x00000000200ff163' });
      expect(look('0xffff880020100000')).toMatchObject({ pte: '0x0000000000000000' });
      expect(r.kernel.walk(r.kernel.constAddr('0xffff880012345000'))).toBe(0x12345);
    }
    expect(at(r, '0xffff880020200000')).toBe(0n);
    expect(checkMachine(r, 0)).toEqual([]);
  });
  it('without NX the new large pmds have no _PAGE_NX (__supported_pte_mask)', () => {
    const r = boot(v, { arch: 'x86_64', ramMiB: 2048, nx: false });
    expect(at(r, '0xffff880040000000')).toBe(0x400001e3n);
  });
});

/*
 * vmalloc_to_page of a linear-map address (the classic driver bug: a kmalloc pointer), mm/vmalloc.c
 * 2.6.32 / mm/memory.c 2.6.9: pgd, pud, pmd not none, then pte_offset_map(pmd, addr) and pte_present.
 * In 2.6.32's first 4 MiB (a boot pte table) that is the linear map's own pte: the address's frame.
 * Under a large pmd pte_offset_map takes the large page's first frame as the pte table: after a
 * vmalloc wrote ptes there they are found again; SIM: before, vmx's table of that frame reads as
 * zeroes (the kernel would read whatever the frame holds as a pte), so the result is NULL.
 */
describe.each(['2.6.9', '2.6.32'])('%s vmalloc_to_page of lowmem addresses', (v) => {
  it('the area of a window under a large pmd, found through the ptes written into RAM', () => {
    const r = boot(v, { vmallocStart: '0xc3000000', vmallocEnd: '0xc5000000' } as Partial<MachineSpec>);
    run(r, { op: 'vmalloc', size: 8192, as: 'a' });
    const p = run(r, { op: 'vmalloc_to_page', ref: 'a', offset: 4096 }).result;
    expect(p.ok).toBe(true);
    expect(typeof p.count).toBe('number');
    expect(p.count).not.toBe(0x3001); // the vmalloc'ed page, which the pte written into frame 0x3000 names
    // the MMU itself maps 0xc3001000 through the large pmd: the linear map's frame, not the page
    expect(r.kernel.walk(0xc3001000)).toBe(0x3001);
  });
  it('a lowmem address nothing wrote ptes for: NULL under a large pmd (SIM), its own frame in a boot pte table', () => {
    const r = boot(v, {});
    expect(run(r, { op: 'vmalloc_to_page', addr: '0xc0800000' }).result).toMatchObject({ ok: false, error: 'nonexistent' });
    if (v === '2.6.32') expect(run(r, { op: 'vmalloc_to_page', addr: '0xc0001000' }).result).toMatchObject({ ok: true, count: 1 });
  });
});

/*
 * 2.6.9 x86_64's direct map lies at __PAGE_OFFSET 0x0000010000000000 (include/asm-x86_64/page.h
 * line 70), in the lower half that vmx's tables do not hold (SIM, versions/2.6.9/NOTES.md): no
 * table maps it, so lookup_pte answers nonexistent and a load oopses. The oops prints the address
 * itself (arch/x86_64/mm/fault.c `printk(" at %016lx RIP: \n", address)`): user-half addresses are
 * kept negated, and the byte address moves away from 0.
 */
describe('2.6.9 x86_64 direct map (not built)', () => {
  it('lookup_pte nonexistent, peek oopses at the real lower-half address', () => {
    const r = boot('2.6.9', { arch: 'x86_64' });
    expect(run(r, { op: 'lookup_pte', addr: '0x10000200000' }).result).toMatchObject({ ok: false, error: 'nonexistent' });
    const p = run(r, { op: 'peek', addr: '0x10000200000', count: 8 }).result;
    expect(p.error).toBe('OOPS');
    expect(p.log).toEqual(['Unable to handle kernel paging request at 0000010000200000 RIP: ']);
  });
});
