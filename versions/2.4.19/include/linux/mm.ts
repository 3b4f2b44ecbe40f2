/**
 * Linux 2.4.19 include/linux/mm.h: the gfp bits vmalloc passes (zone modifiers are what the
 * page allocator reads), and pmd_alloc.
 */
import type { Addr, EntryPtr, Kernel } from '../../../../src/kernel/kernel.js';

export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_WAIT = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_HIGHIO = 0x80;
export const __GFP_FS = 0x100;
export const GFP_KERNEL = __GFP_HIGH | __GFP_WAIT | __GFP_IO | __GFP_HIGHIO | __GFP_FS;
export const GFP_DMA = __GFP_DMA;

/* PAGE_KERNEL comes from asm/pgtable.h (MAKE_GLOBAL: it depends on cpu_has_pge). */
export { PAGE_KERNEL } from '../asm-i386/pgtable.js';

// pmd_alloc (include/linux/mm.h 2.4.19)
/**
 * pgd_none() is the constant 0 on i386, 2-level and PAE alike (asm-i386/pgtable-2level.h,
 * pgtable-3level.h), so the __pmd_alloc branch never runs (PAE's pmd_alloc_one would BUG()):
 * pmd_alloc is pmd_offset. The kernel's pmds come with swapper_pg_dir; on PAE the user slots
 * point at empty_zero_page (KernelConfig.paeUserPgd), whose entries then serve as the pmd.
 * Returns the pmd pointer; never NULL.
 */
export function pmd_alloc(k: Kernel, pgd: EntryPtr, address: Addr): EntryPtr {
  if (k.pgd_none(pgd)) throw new Error('simulator: pgd_none() is constant 0 on i386; __pmd_alloc is not modelled');
  return k.pmd_offset(k.pud_offset(pgd, address), address);
}
