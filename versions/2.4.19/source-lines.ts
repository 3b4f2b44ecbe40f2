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
  }
};
