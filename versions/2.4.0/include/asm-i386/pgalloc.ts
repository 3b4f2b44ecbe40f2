/**
 * Linux 2.4.0 include/asm-i386/pgalloc.h (with pgalloc-2level.h / pgalloc-3level.h): the
 * kernel page-table allocators mm/vmalloc.c and arch/i386/mm/ioremap.c call before 2.4.3
 * (pte_alloc_kernel, pmd_alloc_kernel = pmd_alloc).
 */
import type { Addr } from '../../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../src/kernel/kernel.js';
import type { Init240 } from '../../arch/i386/mm/init.js';

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
    address = Math.floor(address / 2 ** PAGE_SHIFT) % k.PTRS_PER_PTE;
    if (k.pmd_none(pmd)) {
      // SIM: get_pte_fast() finds the pte quicklist empty (vmalloc never frees pte pages, and
      // the simulated machine runs no processes whose page tables would fill it).
      return init.get_pte_kernel_slow(pmd, address);
    }
    // SIM: pmd_bad() is never true for tables the simulator builds (__handle_bad_pmd_kernel
    // is not modelled).
    return k.pte_offset(pmd, full); /* (pte_t *) pmd_page(*pmd) + address */
  });

  // pmd_alloc (include/asm-i386/pgalloc-2level.h / pgalloc-3level.h 2.4.0), as pmd_alloc_kernel
  const pmd_alloc_kernel = (pgd: EntryPtr, address: Addr): EntryPtr =>
    // 2-level: the pgd entry itself. PAE: pgd_none() is false for the kernel's four boot pmd
    // pages, so get_pmd_fast/get_pmd_slow never run and it is pgd_page(*pgd) + index.
    k.pmd_alloc(k.pud_offset(pgd, address), address);

  return { pte_alloc_kernel, pmd_alloc_kernel };
}
