/**
 * Linux 2.6.9 mm/memory.c (blob 0a7013a2) and include/linux/mm.h: the kernel page-table
 * allocation the vmalloc and ioremap walks call, for init_mm only, and vmalloc_to_page (which 2.6.9
 * keeps in mm/memory.c; there is no vmalloc_to_pfn yet).
 *
 * Both allocators drop init_mm.page_table_lock around the page allocation (map_vm_area and
 * remap_area_pages hold it) and take it again as `mm->page_table_lock` (the name a hang then
 * reports); the re-check of the entry afterwards never finds it populated with one thread of
 * control. The page-table page is a zeroed page (fault site "pte_alloc", counted in
 * pageTablePages).
 */
import type { Addr } from '../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../src/kernel/kernel.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import type { AsmPgtable } from '../include/linux/mm.js';

export interface Memory269 {
  pmd_alloc(dir: EntryPtr, address: Addr): EntryPtr;
  pte_alloc_kernel(pmd: EntryPtr, address: Addr): EntryPtr;
  /** The frame mapped at a vmalloc address, -1 for NULL. */
  vmalloc_to_page(vmalloc_addr: Addr): number;
}

export function bootMemory(k: Kernel, pg: AsmPgtable): Memory269 {
  // __pmd_alloc (mm/memory.c 2.6.9): reached only where pgd_none() can be true (x86_64)
  const __pmd_alloc = k.traced('__pmd_alloc', (dir: EntryPtr, address: Addr): EntryPtr => {
    k.spin_unlock(k.init_mm.page_table_lock);
    /* new = pmd_alloc_one(mm, address); ...; if (!new) return NULL; pgd_populate(mm, pgd, new);
       out: return pmd_offset(pgd, address);  (allocation, populate and offset in one service) */
    const pmd = pg.pmd_alloc_one_populate(dir, address);
    k.spin_lock(k.init_mm.page_table_lock, 'mm->page_table_lock');
    return pmd;
  });

  // pmd_alloc (include/linux/mm.h 2.6.9)
  const pmd_alloc = (dir: EntryPtr, address: Addr): EntryPtr => {
    if (pg.pgd_none(dir)) return __pmd_alloc(dir, address);
    return pg.pmd_offset(dir, address);
  };

  // pte_alloc_kernel (mm/memory.c 2.6.9)
  const pte_alloc_kernel = k.traced('pte_alloc_kernel', (pmd: EntryPtr, address: Addr): EntryPtr => {
    if (k.pmd_none(pmd)) {
      /* !pmd_present(*pmd) */
      k.spin_unlock(k.init_mm.page_table_lock);
      /* new = pte_alloc_one_kernel(mm, address); ...; if (!new) return NULL; pmd_populate_kernel(mm, pmd, new);
         (allocation, populate and pte_offset_kernel in one service) */
      const pte = k.pte_alloc(pmd, address);
      k.spin_lock(k.init_mm.page_table_lock, 'mm->page_table_lock');
      return pte;
    }
    /* out: */
    return k.pte_offset(pmd, address); /* pte_offset_kernel(pmd, address) */
  });

  /*
   * Map a vmalloc()-space virtual address to the physical page.
   */
  // vmalloc_to_page (mm/memory.c 2.6.9): the frame mapped at addr, or -1 for NULL
  const vmalloc_to_page = k.traced('vmalloc_to_page', (vmalloc_addr: Addr): number => {
    const addr = vmalloc_addr;
    let page = -1;
    const pgd = pg.pgd_offset_k(addr);

    if (!pg.pgd_none(pgd)) {
      const pmd = pg.pmd_offset(pgd, addr);
      if (!k.pmd_none(pmd)) {
        /* preempt_disable(); */
        const ptep = k.pte_offset(pmd, addr); /* pte_offset_map */
        const pte = k.pte_val(ptep);
        if (k.pte_present(pte)) page = k.pte_page(pte);
        /* pte_unmap(ptep); preempt_enable(); */
      }
    }
    return page;
  });

  return { pmd_alloc, pte_alloc_kernel, vmalloc_to_page };
}
