/**
 * Linux 2.4.31: the line of each function definition in the C files this port follows
 * (MaximeChretien/linux-history @ 2.4.31). Generated data: npm run build && node tools/line-tables.mjs --git DIR
 */
import type { SourceLines } from '../../src/contract/version.js';

export const SOURCE_LINES: SourceLines = {
  "mm/vmalloc.c": {
    "free_area_pte": 22,
    "free_area_pmd": 56,
    "vmfree_area_pages": 80,
    "alloc_area_pte": 95,
    "alloc_area_pmd": 132,
    "__vmalloc_area_pages": 155,
    "vmalloc_area_pages": 191,
    "get_vm_area": 197,
    "__vfree": 239,
    "vfree": 264,
    "__vmalloc": 269,
    "vmap": 289,
    "vread": 311,
    "vwrite": 349
  },
  "include/linux/vmalloc.h": {
    "vmalloc": 37,
    "vmalloc_dma": 46,
    "vmalloc_32": 55
  },
  "arch/i386/mm/ioremap.c": {
    "remap_area_pte": 15,
    "remap_area_pmd": 39,
    "remap_area_pages": 62,
    "__ioremap": 106,
    "iounmap": 159,
    "bt_ioremap": 165,
    "bt_iounmap": 209
  },
  "mm/memory.c": {
    "copy_cow_page": 64,
    "__free_pte": 78,
    "free_one_pmd": 93,
    "free_one_pgd": 109,
    "check_pgt_cache": 136,
    "clear_page_tables": 146,
    "copy_page_range": 176,
    "forget_pte": 286,
    "zap_pte_range": 294,
    "zap_pmd_range": 331,
    "zap_page_range": 360,
    "follow_page": 405,
    "get_page_map": 440,
    "get_user_pages": 454,
    "map_user_kiobuf": 539,
    "mark_dirty_kiobuf": 595,
    "unmap_kiobuf": 623,
    "lock_kiovec": 655,
    "unlock_kiovec": 729,
    "zeromap_pte_range": 753,
    "zeromap_pmd_range": 772,
    "zeromap_page_range": 792,
    "remap_pte_range": 827,
    "remap_pmd_range": 851,
    "remap_page_range": 873,
    "establish_pte": 912,
    "break_cow": 922,
    "do_wp_page": 950,
    "vmtruncate_list": 1009,
    "vmtruncate": 1045,
    "swapin_readahead": 1096,
    "do_swap_page": 1120,
    "do_anonymous_page": 1193,
    "do_no_page": 1249,
    "handle_pte_fault": 1337,
    "handle_mm_fault": 1370,
    "__pmd_alloc": 1404,
    "pte_alloc": 1438,
    "make_pages_present": 1468,
    "vmalloc_to_page": 1485
  }
};
