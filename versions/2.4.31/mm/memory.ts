/**
 * Linux 2.4.31 mm/memory.c: vmalloc_to_page (line 1485), which 2.4.19 brought in for drivers that
 * remap a vmalloc'ed buffer page by page (declared in include/linux/mm.h). The walk is the C's:
 * pgd_none (constant 0 on i386, 2-level and PAE), pmd_offset, pmd_none, pte_offset,
 * pte_present, pte_page. A pmd of the linear map is a large page: pmd_none is false there and
 * pte_offset reads the large page's first RAM frame as a pte table, as the C does.
 */
import type { Addr, Kernel } from '../../../src/kernel/kernel.js';

export interface Memory {
  /** The frame of the page mapped at addr, or -1 for NULL. */
  vmalloc_to_page(vmalloc_addr: Addr): number;
}

export function bootMemory(k: Kernel): Memory {
  // vmalloc_to_page (mm/memory.c 2.4.31)
  const vmalloc_to_page = k.traced('vmalloc_to_page', (vmalloc_addr: Addr): number => {
    const addr = vmalloc_addr;
    let page = -1;
    const pgd = k.pgd_offset_k(addr);
    if (!k.pgd_none(pgd)) {
      const pmd = k.pmd_offset(k.pud_offset(pgd, addr), addr);
      if (!k.pmd_none(pmd)) {
        const pte = k.pte_offset(pmd, addr);
        if (k.pte_present(k.pte_val(pte))) page = k.pte_page(k.pte_val(pte));
      }
    }
    return page;
  });
  return { vmalloc_to_page };
}
