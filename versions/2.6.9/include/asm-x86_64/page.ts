/**
 * Linux 2.6.9 include/asm-x86_64/page.h (blob c5c2b01c) with arch/x86_64/mm/init.c (e13acb6a):
 * the direct map of RAM and the high_memory that ioremap.c compares with.
 *
 *   #define __START_KERNEL_map  0xffffffff80000000UL
 *   #define __PAGE_OFFSET       0x0000010000000000UL   (1 << 40: the lower half, not 0xffff8100...)
 *   #define __pa(x)  ((x) >= __START_KERNEL_map ? (x) - __START_KERNEL_map : (x) - PAGE_OFFSET)
 *   #define __va(x)  ((void *)((unsigned long)(x) + PAGE_OFFSET))
 *   init.c mem_init: max_low_pfn = max_pfn = num_physpages = end_pfn;
 *                    high_memory = (void *) __va(end_pfn * PAGE_SIZE);
 *
 * The direct map lies in the user half in 2.6.9 (0xffff810000000000 came in 2.6.11), so its
 * addresses are kept as vmx keeps every small user-half address: negated (src/hw/addr.ts).
 * end_pfn is the end of e820's RAM, vmx's num_physpages (one RAM entry from 0).
 */
import type { Addr, Kernel } from '../../../../src/kernel/kernel.js';

export const __PAGE_OFFSET = 2 ** 40;
export const __START_KERNEL_map = '0xffffffff80000000';

/** __va(x) (page.h line 122): a direct-map address, negated (a user-half address in 2.6.9). */
export function __va(phys: number): Addr {
  return -(phys + __PAGE_OFFSET);
}

/**
 * __pa(x) (page.h line 114). Only the two kinds of address the C hands it here: the kernel image
 * (>= __START_KERNEL_map) and the direct map (negated). SIM: another kernel-half address would
 * give x - PAGE_OFFSET, a 64-bit value no caller in ioremap.c produces; it answers NaN.
 */
export function __pa(k: Kernel, x: Addr): number {
  const kernel_map = k.constAddr(__START_KERNEL_map);
  if (x >= kernel_map) return x - kernel_map;
  if (x < 0) return -x - __PAGE_OFFSET;
  return NaN;
}

/** high_memory = __va(end_pfn * PAGE_SIZE) (init.c line 427). */
export function high_memory(k: Kernel): Addr {
  const end_pfn = k.num_physpages;
  return __va(end_pfn * k.PAGE_SIZE);
}

/**
 * `a <= b` on two pointers as the C compares them (unsigned long): NULL, then the user half
 * (negated here, so its order is reversed), then the kernel half.
 */
export function ulong_le(a: Addr, b: Addr): boolean {
  const rank = (x: Addr): number => (x === 0 ? 0 : x < 0 ? 1 : 2);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb;
  return ra === 1 ? -a <= -b : a <= b;
}
