/**
 * Linux 2.4.22: the line of each function definition in the C files this port follows
 * (MaximeChretien/linux-history @ 2.4.22). Generated data: npm run build && node tools/line-tables.mjs --git DIR
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
    "vmalloc_area_pages": 189,
    "get_vm_area": 195,
    "vfree": 237,
    "__vmalloc": 261,
    "vmap": 281,
    "vread": 303,
    "vwrite": 341
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
    "map_user_kiobuf": 537,
    "mark_dirty_kiobuf": 593,
    "unmap_kiobuf": 621,
    "lock_kiovec": 653,
    "unlock_kiovec": 727,
    "zeromap_pte_range": 751,
    "zeromap_pmd_range": 770,
    "zeromap_page_range": 790,
    "remap_pte_range": 825,
    "remap_pmd_range": 849,
    "remap_page_range": 871,
    "establish_pte": 910,
    "break_cow": 920,
    "do_wp_page": 948,
    "vmtruncate_list": 1006,
    "vmtruncate": 1042,
    "swapin_readahead": 1093,
    "do_swap_page": 1117,
    "do_anonymous_page": 1190,
    "do_no_page": 1245,
    "handle_pte_fault": 1331,
    "handle_mm_fault": 1364,
    "__pmd_alloc": 1398,
    "pte_alloc": 1431,
    "make_pages_present": 1460,
    "vmalloc_to_page": 1477
  }
};
