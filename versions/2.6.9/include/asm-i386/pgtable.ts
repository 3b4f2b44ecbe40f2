/**
 * Linux 2.6.9 include/asm-i386/pgtable.h (with highmem.h): where the vmalloc window lies, and
 * the generic page-table walk on i386's own tables (pgtable-2level.h / pgtable-3level.h).
 *
 *   #define VMALLOC_OFFSET (8*1024*1024)
 *   #define VMALLOC_START  (((unsigned long) high_memory + vmalloc_earlyreserve + \
 *                           2*VMALLOC_OFFSET-1) & ~(VMALLOC_OFFSET-1))
 *   #define VMALLOC_END    (PKMAP_BASE-2*PAGE_SIZE)          (CONFIG_HIGHMEM)
 *   highmem.h: #define PKMAP_BASE (0xff800000UL)             (NR_CPUS <= 32)
 *
 * vmalloc_earlyreserve (mm/memory.c) is 0 unless arch/i386/mm/discontig.c reserves room for
 * EFI memory maps: 0 here. So the window starts 8 to 16 MiB above high_memory, on an 8 MiB
 * boundary, as in 2.4 (2.6.27 dropped the rounding), and high_memory follows `vmalloc=`.
 */
import type { Addr } from '../../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../../src/kernel/kernel.js';
import { lastPgprotMemo, pte_flags, type Kernel, type pgprotval_t } from '../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../src/contract/version.js';
import type { AsmPgtable } from '../linux/mm.js';
import { PAGE_SIZE, high_memory } from './page.js';

export const VMALLOC_OFFSET = 8 * 1024 * 1024;
/** include/asm-i386/highmem.h with NR_CPUS 8 (<= 32). */
export const PKMAP_BASE = 0xff800000;
/** mm/memory.c: `unsigned long vmalloc_earlyreserve;` (no EFI memory map reservation). */
export const vmalloc_earlyreserve = 0;

/** VMALLOC_START for a given high_memory. */
export function VMALLOC_START(high: number): number {
  return Math.floor((high + vmalloc_earlyreserve + 2 * VMALLOC_OFFSET - 1) / VMALLOC_OFFSET) * VMALLOC_OFFSET;
}

/**
 * VMALLOC_END = PKMAP_BASE - 2*PAGE_SIZE = 0xff7fe000, with or without PAE.
 * SIM: on i386-pae vmx ends the window at 0xff9fe000 instead, the default the reference oracle
 * (../shared/oracle/VERSIONS.md) assumes for 2.6.9 PAE (2.6.32's fixmap-derived PKMAP_BASE
 * 0xffa00000); 2.6.9's highmem.h has the same PKMAP_BASE 0xff800000 for PAE. A scenario that
 * wants the kernel's value gives vmallocEnd 0xff7fe000.
 */
export function VMALLOC_END(pae: boolean): number {
  return pae ? 0xffa00000 - 2 * PAGE_SIZE : PKMAP_BASE - 2 * PAGE_SIZE;
}

export function defaultWindow(k: Kernel): VmallocWindow {
  return { start: VMALLOC_START(high_memory(k)), end: VMALLOC_END(k.arch.name === 'i386-pae') };
}

/**
 * The generic walk on i386's tables. 2-level (pgtable-2level.h): the pmd is folded into the
 * pgd, pgd_none() is 0, pmd_offset() is the pgd entry itself. PAE (pgtable-3level.h):
 * pgd_none() is 0 as well (the kernel's four pmd pages come with swapper_pg_dir), pmd_offset()
 * indexes the pmd page the pgd entry points at. PGDIR_SIZE 4 MiB / 1 GiB, PMD_SIZE 4 MiB / 2 MiB.
 */
// ---- page protections (include/asm-i386/pgtable.h, arch/i386/mm/init.c 2.6.9) ------------

/** _PAGE_PRESENT .. _PAGE_GLOBAL (pgtable.h lines 109-117). */
export const _PAGE_PRESENT = 0x001n;
export const _PAGE_RW = 0x002n;
export const _PAGE_USER = 0x004n;
export const _PAGE_PWT = 0x008n;
export const _PAGE_PCD = 0x010n;
export const _PAGE_ACCESSED = 0x020n;
export const _PAGE_DIRTY = 0x040n;
export const _PAGE_GLOBAL = 0x100n;
/** _PAGE_NX: (1ULL << 63) with CONFIG_X86_PAE (line 125), else 0 (line 127). */
export function _PAGE_NX(k: Kernel): pgprotval_t {
  return k.arch.name === 'i386-pae' ? 1n << 63n : 0n;
}
/** _PAGE_KERNEL = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_NX (line 152). */
export function _PAGE_KERNEL(k: Kernel): pgprotval_t {
  return _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_NX(k);
}
/** _PAGE_KERNEL_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED (line 154). */
export const _PAGE_KERNEL_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;

/**
 * The protections after paging_init: `unsigned long long __PAGE_KERNEL = _PAGE_KERNEL,
 * __PAGE_KERNEL_EXEC = _PAGE_KERNEL_EXEC` (init.c lines 295-296), each `|= _PAGE_GLOBAL` when
 * cpu_has_pge (lines 322-325); PAGE_KERNEL = __pgprot(__PAGE_KERNEL), PAGE_KERNEL_EXEC =
 * __pgprot(__PAGE_KERNEL_EXEC), PAGE_KERNEL_NOCACHE = __pgprot(__PAGE_KERNEL | _PAGE_PCD)
 * (pgtable.h lines 159, 163-166). And `u64 __supported_pte_mask = ~_PAGE_NX` (line 417), to
 * which set_nx (PAE only, line 444) adds _PAGE_NX when cpuid says the CPU has NX (line 450).
 */
function protections(k: Kernel): Pick<AsmPgtable, 'PAGE_KERNEL' | 'PAGE_KERNEL_EXEC' | 'PAGE_KERNEL_NOCACHE' | 'pfn_pte_flags'> {
  const G = k.cpu_has_pge ? _PAGE_GLOBAL : 0n;
  const __PAGE_KERNEL = _PAGE_KERNEL(k) | G;
  const __PAGE_KERNEL_EXEC = _PAGE_KERNEL_EXEC | G;
  const pae = k.arch.name === 'i386-pae';
  let __supported_pte_mask = ((1n << 64n) - 1n) & ~_PAGE_NX(k); /* u64, ~_PAGE_NX */
  if (pae && k.cpu_has_nx) __supported_pte_mask |= _PAGE_NX(k); /* set_nx */
  // pfn_pte: 2-level `(pfn << PAGE_SHIFT) | pgprot_val(prot)` (pgtable-2level.h line 47), no mask;
  // PAE masks both halves with __supported_pte_mask (pgtable-3level.h line 112).
  return {
    PAGE_KERNEL: __PAGE_KERNEL,
    PAGE_KERNEL_EXEC: __PAGE_KERNEL_EXEC,
    PAGE_KERNEL_NOCACHE: __PAGE_KERNEL | _PAGE_PCD,
    pfn_pte_flags: lastPgprotMemo((prot: pgprotval_t): number => pte_flags(pae ? prot & __supported_pte_mask : prot)),
  };
}

export function pgtable(k: Kernel): AsmPgtable {
  return {
    ...protections(k),
    PGDIR_SIZE: k.levelSize('pgd'),
    PMD_SIZE: k.levelSize('pmd'),
    pgd_offset_k: (address: Addr): EntryPtr => k.pgd_offset_k(address),
    pgd_none: (dir: EntryPtr): boolean => k.pgd_none(dir),
    pmd_offset: (dir: EntryPtr, address: Addr): EntryPtr => k.pmd_offset(k.pud_offset(dir, address), address),
    // never reached: pgd_none() is always 0 here
    pmd_alloc_one_populate: (dir: EntryPtr, address: Addr): EntryPtr => k.pmd_alloc(k.pud_offset(dir, address), address),
  };
}
