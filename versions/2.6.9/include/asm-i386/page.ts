/**
 * Linux 2.6.9 include/asm-i386/page.h with arch/i386/kernel/setup.c and arch/i386/mm/init.c:
 * how much RAM the kernel maps directly, which bounds where VMALLOC_START can lie.
 *
 *   #define __PAGE_OFFSET  (0xC0000000)
 *   extern unsigned int __VMALLOC_RESERVE;          (init.c: = 128 << 20)
 *   #define MAXMEM         (-__PAGE_OFFSET-__VMALLOC_RESERVE)
 *
 * setup.c parses `vmalloc=<size>` into __VMALLOC_RESERVE (commit 8cc3d21cc3, 2.6.9-rc3);
 * find_max_low_pfn() caps max_low_pfn at MAXMEM_PFN; init.c sets high_memory =
 * __va(max_low_pfn * PAGE_SIZE) (= __va(highstart_pfn * PAGE_SIZE) with highmem, the same pfn).
 */
import type { Kernel } from '../../../../src/kernel/kernel.js';

export const __PAGE_OFFSET = 0xc0000000;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;

/** MAXMEM = -__PAGE_OFFSET - __VMALLOC_RESERVE (32-bit arithmetic). */
export function MAXMEM(k: Kernel): number {
  return 2 ** 32 - __PAGE_OFFSET - k.vmalloc_reserve;
}

/**
 * high_memory: __va(max_low_pfn << PAGE_SHIFT) with max_low_pfn = min(max_pfn, MAXMEM_PFN).
 * SIM: vmx's zones keep their 896 MiB lowmem boundary whatever vmalloc= says; only this
 * version's high_memory (its window, ioremap's RAM check) follows MAXMEM.
 */
export function high_memory(k: Kernel): number {
  const max_pfn = k.num_physpages;
  const MAXMEM_PFN = Math.floor(MAXMEM(k) / PAGE_SIZE);
  const max_low_pfn = Math.min(max_pfn, MAXMEM_PFN);
  return __PAGE_OFFSET + max_low_pfn * PAGE_SIZE;
}
