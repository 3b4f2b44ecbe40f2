/**
 * Linux 2.6.9 include/linux/gfp.h, include/asm-i386/pgtable.h (protections) and the part of
 * include/asm/pgtable.h the generic mm code sees: the gfp bits vmalloc passes, PAGE_KERNEL, and
 * the page-table interface (`AsmPgtable`) each arch header gives mm/vmalloc.c and mm/memory.c.
 */
import type { Addr } from '../../../../src/kernel/kernel.js';
import type { EntryPtr, pgprotval_t } from '../../../../src/kernel/kernel.js';

/* include/linux/gfp.h (v2.6.9) */
export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_WAIT = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const GFP_KERNEL = __GFP_WAIT | __GFP_IO | __GFP_FS;
export const GFP_DMA = __GFP_DMA;

/* PAGE_KERNEL, PAGE_KERNEL_EXEC, PAGE_KERNEL_NOCACHE: per arch and CPU, in AsmPgtable below. */

/**
 * What <asm/pgtable.h> gives the generic code: the top level it calls "pgd" and the macros on
 * it. On i386 that is the hardware's top level; on 2.6.9 x86_64 it is the level-3 table that
 * the hidden pml4 points at (include/asm-x86_64/pgtable.ts), so the same generic walk runs on
 * both. Entry pointers are the kernel services' (`pgd_t *`, `pmd_t *`, `pte_t *`).
 */
export interface AsmPgtable {
  /** PGDIR_SIZE: bytes one generic pgd entry maps (4 MiB i386, 1 GiB PAE and x86_64). */
  readonly PGDIR_SIZE: number;
  /** PMD_SIZE (= PGDIR_SIZE where the pmd is folded). */
  readonly PMD_SIZE: number;
  pgd_offset_k(address: Addr): EntryPtr;
  /** pgd_none(*dir) */
  pgd_none(dir: EntryPtr): boolean;
  /** pmd_offset(dir, address) */
  pmd_offset(dir: EntryPtr, address: Addr): EntryPtr;
  /** pmd_alloc_one + pgd_populate + pmd_offset, as __pmd_alloc strings them (-1: NULL). */
  pmd_alloc_one_populate(dir: EntryPtr, address: Addr): EntryPtr;
  /** PAGE_KERNEL, PAGE_KERNEL_EXEC, PAGE_KERNEL_NOCACHE as the arch header and its boot code make them. */
  readonly PAGE_KERNEL: pgprotval_t;
  readonly PAGE_KERNEL_EXEC: pgprotval_t;
  readonly PAGE_KERNEL_NOCACHE: pgprotval_t;
  /** The flag word of pfn_pte(pfn, prot) / mk_pte(page, prot): the prot masked as the arch's pfn_pte masks it. */
  pfn_pte_flags(prot: pgprotval_t): number;
}
