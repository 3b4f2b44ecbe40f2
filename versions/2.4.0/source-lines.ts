/**
 * Linux 2.4.0: the line of each function definition in the C files this port follows
 * (MaximeChretien/linux-history @ 2.4.0). Generated data: npm run build && node tools/line-tables.mjs --git DIR
 */
import type { SourceLines } from '../../src/contract/version.js';

export const SOURCE_LINES: SourceLines = {
  "mm/vmalloc.c": {
    "free_area_pte": 20,
    "free_area_pmd": 54,
    "vmfree_area_pages": 78,
    "alloc_area_pte": 93,
    "alloc_area_pmd": 116,
    "vmalloc_area_pages": 136,
    "get_vm_area": 168,
    "vfree": 203,
    "__vmalloc": 227,
    "vread": 248
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
    "__ioremap": 101,
    "iounmap": 154
  },
  "arch/i386/mm/init.c": {
    "get_bad_pmd_table": 73,
    "get_bad_pte_table": 87,
    "__handle_bad_pmd": 102,
    "__handle_bad_pmd_kernel": 108,
    "get_pte_kernel_slow": 114,
    "get_pte_slow": 136,
    "do_check_pgt_cache": 158,
    "kmap_init": 187,
    "show_mem": 199,
    "set_pte_phys": 234,
    "__set_fixmap": 265,
    "fixrange_init": 276,
    "pagetable_init": 314,
    "zap_low_mappings": 416,
    "paging_init": 444,
    "test_wp_bit": 498,
    "page_is_ram": 532,
    "mem_init": 554,
    "do_test_wp_bit": 633,
    "free_initmem": 656,
    "free_initrd_mem": 671,
    "si_meminfo": 684
  },
  "include/asm-i386/pgalloc.h": {
    "get_pgd_slow": 26,
    "get_pgd_fast": 43,
    "free_pgd_fast": 56,
    "free_pgd_slow": 63,
    "get_pte_fast": 71,
    "free_pte_fast": 83,
    "free_pte_slow": 90,
    "pte_alloc_kernel": 100,
    "pte_alloc": 120,
    "flush_tlb_mm": 175,
    "flush_tlb_page": 181,
    "flush_tlb_range": 188,
    "flush_tlb_pgtables": 227
  }
};
