/**
 * Linux 2.6.27 include/asm-x86/page_32.h: where lowmem ends, which places the i386 vmalloc window.
 *
 * MAXMEM = -__PAGE_OFFSET - __VMALLOC_RESERVE: with PAGE_OFFSET 0xc0000000 and the default
 * __VMALLOC_RESERVE of 128 MiB (no vmalloc= boot option), 896 MiB. high_memory is
 * __va(max_low_pfn << PAGE_SHIFT) with max_low_pfn = min(max_pfn, MAXMEM_PFN) (setup_32.c), which
 * is the machine's `highMemory` (lowmemLimit 896 MiB on i386 and i386-pae).
 */
export const __PAGE_OFFSET = 0xc0000000;
/** arch/x86/mm/init_32.c / setup_32.c: unsigned int __VMALLOC_RESERVE = 128 << 20. */
export const __VMALLOC_RESERVE = 128 * 1024 * 1024;
/** #define MAXMEM (-__PAGE_OFFSET - __VMALLOC_RESERVE) */
export const MAXMEM = 2 ** 32 - __PAGE_OFFSET - __VMALLOC_RESERVE;
