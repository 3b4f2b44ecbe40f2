/**
 * Linux 2.6.9 mm/memory.c (blob 0a7013a2) and include/linux/mm.h: the kernel page-table
 * allocation the vmalloc and ioremap walks call, for init_mm only.
 *
 * Both allocators drop init_mm.page_table_lock around the page allocation (map_vm_area and
 * remap_area_pages hold it) and re-check the entry afterwards; with one thread of control the
 * re-check never finds it populated. The page-table page is a zeroed page (fault site
 * "pte_alloc", counted in pageTablePages).
 */
import type { Addr } from '../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../src/kernel/kernel.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import type { AsmPgtable } from '../include/linux/mm.js';

export interface Memory269 {
  pmd_alloc(dir: EntryPtr, address: Addr): EntryPtr;
  pte_alloc_kernel(pmd: EntryPtr, address: Addr): EntryPtr;
}

export function bootMemory(k: Kernel, pg: AsmPgtable): Memory269 {
  // __pmd_alloc (mm/memory.c 2.6.9): reached only where pgd_none() can be true (x86_64)
  const __pmd_alloc = k.traced('__pmd_alloc', (dir: EntryPtr, address: Addr): EntryPtr => {
    /* spin_unlock(&mm->page_table_lock); new = pmd_alloc_one(mm, address); spin_lock(...) */
    /* if (!new) return NULL; if (pgd_present(*pgd)) { pmd_free(new); goto out; } pgd_populate(mm, pgd, new); */
    /* out: return pmd_offset(pgd, address); */
    return pg.pmd_alloc_one_populate(dir, address);
  });

  // pmd_alloc (include/linux/mm.h 2.6.9)
  const pmd_alloc = (dir: EntryPtr, address: Addr): EntryPtr => {
    if (pg.pgd_none(dir)) return __pmd_alloc(dir, address);
    return pg.pmd_offset(dir, address);
  };

  // pte_alloc_kernel (mm/memory.c 2.6.9)
  const pte_alloc_kernel = k.traced('pte_alloc_kernel', (pmd: EntryPtr, address: Addr): EntryPtr => {
    /* if (!pmd_present(*pmd)) { spin_unlock; new = pte_alloc_one_kernel(mm, address); spin_lock;
     *     if (!new) return NULL; if (pmd_present(*pmd)) { pte_free_kernel(new); goto out; }
     *     pmd_populate_kernel(mm, pmd, new); }
     * out: return pte_offset_kernel(pmd, address); */
    return k.pte_alloc(pmd, address);
  });

  return { pmd_alloc, pte_alloc_kernel };
}
