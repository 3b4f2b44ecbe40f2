/**
 * Linux 2.4.19: the line of each function definition in the C files this port follows
 * (MaximeChretien/linux-history @ 2.4.19). Generated data: npm run build && node tools/line-tables.mjs --git DIR
 */
import type { SourceLines } from '../../src/contract/version.js';

export const SOURCE_LINES: SourceLines = {
  "mm/vmalloc.c": {
    "free_area_pte": 22,
    "free_area_pmd": 56,
    "vmfree_area_pages": 80,
    "alloc_area_pte": 95,
    "alloc_area_pmd": 120,
    "vmalloc_area_pages": 140,
    "get_vm_area": 171,
    "vfree": 205,
    "__vmalloc": 229,
    "vread": 250,
    "vwrite": 288
  },
  "include/linux/vmalloc.h": {
    "vmalloc": 33,
    "vmalloc_dma": 42,
    "vmalloc_32": 51
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
    "copy_page_range": 179,
    "forget_pte": 289,
    "zap_pte_range": 297,
    "zap_pmd_range": 334,
    "zap_page_range": 363,
    "follow_page": 408,
    "get_page_map": 443,
    "get_user_pages": 457,
    "map_user_kiobuf": 540,
    "mark_dirty_kiobuf": 594,
    "unmap_kiobuf": 622,
    "lock_kiovec": 654,
    "unlock_kiovec": 728,
    "zeromap_pte_range": 752,
    "zeromap_pmd_range": 771,
    "zeromap_page_range": 791,
    "remap_pte_range": 826,
    "remap_pmd_range": 850,
    "remap_page_range": 872,
    "establish_pte": 911,
    "break_cow": 921,
    "do_wp_page": 949,
    "vmtruncate_list": 1007,
    "vmtruncate": 1043,
    "swapin_readahead": 1094,
    "do_swap_page": 1118,
    "do_anonymous_page": 1191,
    "do_no_page": 1246,
    "handle_pte_fault": 1332,
    "handle_mm_fault": 1365,
    "__pmd_alloc": 1399,
    "pte_alloc": 1432,
    "make_pages_present": 1461,
    "vmalloc_to_page": 1478
  }
};
