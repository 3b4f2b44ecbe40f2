/**
 * Linux 2.4.0 arch/i386/mm/init.c: the slow path of the kernel pte-table allocation
 * (get_pte_kernel_slow) and the table it falls back to when the page allocator says no
 * (get_bad_pte_table: head.S's empty_bad_pte_table, every entry mapping empty_bad_page).
 * 2.4.3 replaced both with mm/memory.c's pte_alloc, which returns NULL and links nothing.
 */
import type { EntryPtr } from '../../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../../src/kernel/kernel.js';
import { PAGE_SHARED, mk_pte_flags, pte_mkdirty } from '../../../include/asm-i386/pgtable.js';

export interface Init240 {
  get_pte_kernel_slow(pmd: EntryPtr, offset: number): EntryPtr;
}

export function boot(k: Kernel): Init240 {
  // get_bad_pte_table (arch/i386/mm/init.c 2.4.0)
  const get_bad_pte_table = k.traced('get_bad_pte_table', (): number => {
    const empty_bad_pte_table = k.image_pte_table();
    // v = pte_mkdirty(mk_pte_phys(__pa(empty_bad_page), PAGE_SHARED));
    // SIM: empty_bad_page (a page of the kernel image, PageReserved) is the frame max_mapnr
    // here, outside mem_map, as in the reference oracle: VALID_PAGE() is false for it, so
    // free_area_pte never frees it either way. Its ptes count as present (pagesMapped).
    const empty_bad_page = k.num_physpages;
    const n = k.PTRS_PER_PTE; /* PAGE_SIZE/sizeof(pte_t) */
    const v = mk_pte_flags(pte_mkdirty(PAGE_SHARED)); /* 0x067: P RW US A D */
    for (let i = 0; i < n; i++) k.pte_store(k.pte_table_entry(empty_bad_pte_table, i), empty_bad_page, v);
    return empty_bad_pte_table;
  });

  // get_pte_kernel_slow (arch/i386/mm/init.c 2.4.0)
  const get_pte_kernel_slow = k.traced('get_pte_kernel_slow', (pmd: EntryPtr, offset: number): EntryPtr => {
    const pte = k.pte_page_alloc('__get_free_page'); /* __get_free_page(GFP_KERNEL) */
    if (k.pmd_none(pmd)) {
      if (pte >= 0) {
        /* clear_page(pte): the page comes zeroed from pte_page_alloc */
        k.set_pmd(pmd, pte); /* set_pmd(pmd, __pmd(_KERNPG_TABLE + __pa(pte))) */
        return k.pte_table_entry(pte, offset);
      }
      // QUERY: on failure the pmd is pointed at the shared empty_bad_pte_table and stays so:
      // the caller gets NULL, but every later lookup in this pmd's range finds a "present"
      // table whose entries all map empty_bad_page (each get_bad_pte_table call refills it,
      // the vfree of the failed area clears only the area's own entries), so the next vmalloc
      // there prints "alloc_area_pte: page already exists" for each of them and an ioremap
      // there BUGs in remap_area_pte.
      k.set_pmd(pmd, get_bad_pte_table());
      return -1;
    }
    // SIM: not reached with one thread of control (pte_alloc_kernel has just seen pmd_none and
    // nothing else runs), so the free_page(pte) / pmd_bad / pmd_page branch is not modelled.
    return k.pte_offset(pmd, offset * k.PAGE_SIZE);
  });

  return { get_pte_kernel_slow };
}
