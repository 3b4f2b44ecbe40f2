/**
 * Linux 2.6.32 arch/x86/include/asm/pgtable_32_types.h and pgtable_64_types.h (with highmem.h
 * and fixmap.h): where the vmalloc window lies, per arch.
 *
 * i386: VMALLOC_START = high_memory + VMALLOC_OFFSET, with no rounding (2.4 rounded up to an
 * 8 MiB boundary). VMALLOC_END = PKMAP_BASE - 2*PAGE_SIZE (CONFIG_HIGHMEM).
 * PKMAP_BASE = (FIXADDR_BOOT_START - PAGE_SIZE * (LAST_PKMAP + 1)) & PMD_MASK depends on the
 * fixmap enum, i.e. on the .config. SIM: vmx assumes FIXADDR_BOOT_START = 0xffe00000, which
 * gives the commonly seen PKMAP_BASE 0xff800000 (VMALLOC_END 0xff7fe000) without PAE, and
 * 0xffa00000 (VMALLOC_END 0xff9fe000) with PAE (LAST_PKMAP 512, 2 MiB PMD_MASK).
 *
 * MAXMEM = VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE (pgtable_32_types.h; __VMALLOC_RESERVE
 * = 128 << 20 in arch/x86/mm/pgtable_32.c without a vmalloc= option) bounds lowmem:
 * init_32.c's find_low_pfn_range sets max_low_pfn = min(max_pfn, MAXMEM_PFN = PFN_DOWN(MAXMEM))
 * and initmem_init high_memory = __va(max_low_pfn * PAGE_SIZE - 1) + 1. So lowmem ends at
 * 0x377fe000 (887.99 MiB; PAE 0x379fe000), not at 2.4's 896 MiB: with 1 GiB of RAM
 * high_memory is 0xf77fe000 and VMALLOC_START 0xf7ffe000 (PAE 0xf79fe000 and 0xf81fe000).
 *
 * x86_64: fixed VMALLOC_START 0xffffc90000000000, VMALLOC_END 0xffffe8ffffffffff (not
 * page-aligned: the code compares against it as it is).
 */
import type { ArchName, Kernel } from '../../../../../../src/kernel/kernel.js';
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

/** __VMALLOC_RESERVE (arch/x86/mm/pgtable_32.c): 128 << 20 without a vmalloc= boot option. */
export const __VMALLOC_RESERVE = 128 * 1024 * 1024;
const PAGE_OFFSET = 0xc0000000;

/** VMALLOC_END (pgtable_32_types.h, CONFIG_HIGHMEM): PKMAP_BASE - 2 * PAGE_SIZE. */
export function VMALLOC_END_32(pae: boolean): number {
  return PKMAP_BASE(pae) - 2 * PAGE_SIZE;
}

/**
 * The lowmem limit (KernelConfig.lowmemLimit): MAXMEM_PFN * PAGE_SIZE with
 * MAXMEM = VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE; undefined on x86_64 (no MAXMEM cap on
 * the direct map here).
 */
export function lowmemLimit(arch: ArchName): number | undefined {
  if (arch === 'x86_64') return undefined;
  const MAXMEM = VMALLOC_END_32(arch === 'i386-pae') - PAGE_OFFSET - __VMALLOC_RESERVE;
  return Math.floor(MAXMEM / PAGE_SIZE) * PAGE_SIZE; /* PFN_DOWN(MAXMEM) << PAGE_SHIFT */
}

export function defaultWindow(k: Kernel): VmallocWindow {
  if (k.arch.name === 'x86_64') {
    return { start: k.constAddr(X86_64_VMALLOC_START), end: k.constAddr(X86_64_VMALLOC_END) };
  }
  /* #define VMALLOC_START ((unsigned long)high_memory + VMALLOC_OFFSET); high_memory below MAXMEM (lowmemLimit) */
  const start = k.high_memory + VMALLOC_OFFSET;
  /* #define VMALLOC_END (PKMAP_BASE - 2 * PAGE_SIZE) */
  const end = VMALLOC_END_32(k.arch.name === 'i386-pae');
  return { start, end };
}
