/**
 * Linux 2.6.39 arch/x86/include/asm/pgtable_32_types.h (unchanged since 2.6.32 but for an #ifndef __ASSEMBLY__) and pgtable_64_types.h (with highmem.h
 * and fixmap.h): where the vmalloc window lies, per arch.
 *
 * i386: VMALLOC_START = high_memory + VMALLOC_OFFSET, with no rounding (2.4 rounded up to an
 * 8 MiB boundary). VMALLOC_END = PKMAP_BASE - 2*PAGE_SIZE (CONFIG_HIGHMEM).
 * PKMAP_BASE = (FIXADDR_BOOT_START - PAGE_SIZE * (LAST_PKMAP + 1)) & PMD_MASK depends on the
 * fixmap enum, i.e. on the .config. SIM: vmx assumes FIXADDR_BOOT_START = 0xffe00000, which
 * gives the commonly seen PKMAP_BASE 0xff800000 (VMALLOC_END 0xff7fe000) without PAE, and
 * 0xffa00000 (VMALLOC_END 0xff9fe000) with PAE (LAST_PKMAP 512, 2 MiB PMD_MASK).
 *
 * x86_64: fixed VMALLOC_START 0xffffc90000000000, VMALLOC_END 0xffffe8ffffffffff.
 */
import type { Addr } from '../../../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../../../src/contract/version.js';

export const PAGE_SIZE = 4096;
export const VMALLOC_OFFSET = 8 * 1024 * 1024;
/** SIM: assumed FIXADDR_BOOT_START (see the header comment). */
export const FIXADDR_BOOT_START = 0xffe00000;

export function PKMAP_BASE(pae: boolean): number {
  const LAST_PKMAP = pae ? 512 : 1024;
  const PMD_SIZE = pae ? 2 * 1024 * 1024 : 4 * 1024 * 1024;
  return Math.floor((FIXADDR_BOOT_START - PAGE_SIZE * (LAST_PKMAP + 1)) / PMD_SIZE) * PMD_SIZE;
}

export const X86_64_VMALLOC_START = '0xffffc90000000000';
export const X86_64_VMALLOC_END = '0xffffe8ffffffffff';

/** __VMALLOC_RESERVE (arch/x86/mm/pgtable_32.c): 128 MiB without a vmalloc= boot option. */
export const __VMALLOC_RESERVE = 128 * 1024 * 1024;
const PAGE_OFFSET = 0xc0000000;

/** VMALLOC_END = PKMAP_BASE - 2 * PAGE_SIZE (CONFIG_HIGHMEM). */
export function VMALLOC_END_32(pae: boolean): number {
  return PKMAP_BASE(pae) - 2 * PAGE_SIZE;
}

/**
 * high_memory on i386 (arch/x86/mm/init_32.c): max_low_pfn = min(max_pfn, MAXMEM_PFN) with
 * MAXMEM = VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE, then
 * high_memory = __va(max_low_pfn * PAGE_SIZE - 1) + 1. Lowmem thus ends below the 896 MiB the
 * simulated machine (src/hw) maps directly once RAM reaches MAXMEM (887.99 MiB, PAE 889.99 MiB).
 * SIM: the machine's zone split and linear map keep their 896 MiB boundary; only the kernel's own
 * uses of high_memory (VMALLOC_START, iounmap) take this value.
 */
export function high_memory_32(k: Kernel): Addr {
  const MAXMEM = VMALLOC_END_32(k.arch.name === 'i386-pae') - PAGE_OFFSET - __VMALLOC_RESERVE;
  const MAXMEM_PFN = Math.floor(MAXMEM / PAGE_SIZE);
  const max_low_pfn = Math.min(k.max_pfn, MAXMEM_PFN);
  return Math.min(k.high_memory, PAGE_OFFSET + max_low_pfn * PAGE_SIZE);
}

export function defaultWindow(k: Kernel): VmallocWindow {
  if (k.arch.name === 'x86_64') {
    return { start: k.constAddr(X86_64_VMALLOC_START), end: k.constAddr(X86_64_VMALLOC_END) };
  }
  /* #define VMALLOC_START ((unsigned long)high_memory + VMALLOC_OFFSET) */
  const start = high_memory_32(k) + VMALLOC_OFFSET;
  /* #define VMALLOC_END (PKMAP_BASE - 2 * PAGE_SIZE) */
  const end = VMALLOC_END_32(k.arch.name === 'i386-pae');
  return { start, end };
}
