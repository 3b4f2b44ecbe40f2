/**
 * Linux 2.4.31 include/asm-i386/pgtable.h, highmem.h and fixmap.h: where the vmalloc window
 * lies. VMALLOC_START rounds high_memory + 8 MiB up to an 8 MiB boundary (so the hole after
 * lowmem is 8 to 16 MiB); VMALLOC_END is PKMAP_BASE - 2 pages with CONFIG_HIGHMEM, the
 * configuration vmx uses by default. 2.4.26 moved PKMAP_BASE from 0xfe000000 to 0xff800000
 * (highmem.h), so the window ends at 0xff7fe000, 24 MiB higher than in 2.4.19-2.4.25
 * (i386 and PAE alike). The rest is 2.4.22's header (this file is that port's copy).
 */
import type { Kernel } from '../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../src/contract/version.js';

export const VMALLOC_OFFSET = 8 * 1024 * 1024;
/** include/asm-i386/highmem.h */
export const PKMAP_BASE = 0xff800000;
export const PAGE_SIZE = 4096;

/** VMALLOC_START = (high_memory + 2*VMALLOC_OFFSET - 1) & ~(VMALLOC_OFFSET - 1) */
export function VMALLOC_START(high_memory: number): number {
  return Math.floor((high_memory + 2 * VMALLOC_OFFSET - 1) / VMALLOC_OFFSET) * VMALLOC_OFFSET;
}

/** VMALLOC_END = PKMAP_BASE - 2*PAGE_SIZE (CONFIG_HIGHMEM) */
export const VMALLOC_END = PKMAP_BASE - 2 * PAGE_SIZE;

export function defaultWindow(k: Kernel): VmallocWindow {
  return { start: VMALLOC_START(k.high_memory), end: VMALLOC_END };
}
