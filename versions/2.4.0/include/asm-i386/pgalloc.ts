/**
 * Linux 2.4.0 include/asm-i386/pgalloc.h (with pgalloc-2level.h / pgalloc-3level.h): the
 * kernel page-table allocators mm/vmalloc.c and arch/i386/mm/ioremap.c call before 2.4.3
 * (pte_alloc_kernel, pmd_alloc_kernel = pmd_alloc).
 */
import type { Addr } from '../../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../src/kernel/kernel.js';
import type { Init240 } from '../../arch/i386/mm/init.js';
import { pgd_none } from './pgtable.js';

export interface Pgalloc240 {
  pte_alloc_kernel(pmd: EntryPtr, address: Addr): EntryPtr;
  pmd_alloc_kernel(pgd: EntryPtr, address: Addr): EntryPtr;
}

export function boot(k: Kernel, init: Init240): Pgalloc240 {
  const PAGE_SHIFT = 12;

  // pte_alloc_kernel (include/asm-i386/pgalloc.h 2.4.0)
  const pte_alloc_kernel = k.traced('pte_alloc_kernel', (pmd: EntryPtr, address: Addr): EntryPtr => {
    const full = address;
    // if (!pmd) BUG(); -- never: pmd_alloc_kernel does not fail for kernel addresses.
    address = (address >>> PAGE_SHIFT) % k.PTRS_PER_PTE; /* i386: address < 2^32 */
    if (k.pmd_none(pmd)) {
      // SIM: get_pte_fast() finds the pte quicklist empty (vmalloc never frees pte pages, and
      // the simulated machine runs no processes whose page tables would fill it).
      return init.get_pte_kernel_slow(pmd, address);
    }
    if (k.pmd_bad(pmd)) {
      init.__handle_bad_pmd_kernel(pmd);
      return -1;
    }
    return k.pte_offset(pmd, full); /* (pte_t *) pmd_page(*pmd) + address */
  });

  // get_pmd_slow (include/asm-i386/pgalloc-3level.h 2.4.0): __get_free_page(GFP_KERNEL) + memset
  const get_pmd_slow = (): number => k.pmd_page_alloc('get_pmd_slow');

  // get_pmd_fast (include/asm-i386/pgalloc-3level.h 2.4.0)
  // SIM: pmd_quicklist is empty (nothing frees pmd pages here), so it is get_pmd_slow().
  const get_pmd_fast = (): number => get_pmd_slow();

  // pmd_alloc (include/asm-i386/pgalloc-2level.h / pgalloc-3level.h 2.4.0), as pmd_alloc_kernel
  const pmd_alloc_kernel = k.traced('pmd_alloc', (pgd: EntryPtr, address: Addr): EntryPtr => {
    // 2-level (pgalloc-2level.h): return (pmd_t *) pgd.
    if (k.arch.name !== 'i386-pae') return k.pmd_offset(k.pud_offset(pgd, address), address);
    // if (!pgd) BUG(); -- never: pgd_offset_k gives a slot of swapper_pg_dir.
    if (pgd_none(k, pgd)) {
      // QUERY: get_pmd_fast falls back to get_pmd_slow itself, so a failed page allocation is
      // tried twice (get_pmd_fast, then get_pmd_slow) before pmd_alloc returns NULL.
      let page = get_pmd_fast();
      if (page < 0) page = get_pmd_slow();
      if (page < 0) return -1;
      // else free_pmd_fast(page): not reached with one thread of control (pgd_none still true).
      if (pgd_none(k, pgd)) {
        k.set_pgd(pgd, page); /* set_pgd(pgd, __pgd(1 + __pa(page))) */
        k.__flush_tlb();
      }
    }
    return k.pmd_offset(k.pud_offset(pgd, address), address); /* (pmd_t *)pgd_page(*pgd) + address */
  });

  return { pte_alloc_kernel, pmd_alloc_kernel };
}
