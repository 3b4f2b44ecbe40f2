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
  }
};
