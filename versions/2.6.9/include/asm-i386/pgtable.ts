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
import type { Kernel } from '../../../../src/kernel/kernel.js';
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
export function pgtable(k: Kernel): AsmPgtable {
  return {
    PGDIR_SIZE: k.levelSize('pgd'),
    PMD_SIZE: k.levelSize('pmd'),
    pgd_offset_k: (address: Addr): EntryPtr => k.pgd_offset_k(address),
    pgd_none: (dir: EntryPtr): boolean => k.pgd_none(dir),
    pmd_offset: (dir: EntryPtr, address: Addr): EntryPtr => k.pmd_offset(k.pud_offset(dir, address), address),
    // never reached: pgd_none() is always 0 here
    pmd_alloc_one_populate: (dir: EntryPtr, address: Addr): EntryPtr => k.pmd_alloc(k.pud_offset(dir, address), address),
  };
}
