/**
 * Linux 2.4.19 include/asm-i386/pgtable.h, highmem.h and fixmap.h: where the vmalloc window
 * lies. VMALLOC_START rounds high_memory + 8 MiB up to an 8 MiB boundary (so the hole after
 * lowmem is 8 to 16 MiB); VMALLOC_END is PKMAP_BASE - 2 pages with CONFIG_HIGHMEM, the
 * configuration vmx uses by default (0xfdffe000).
 */
import { pte_flags32, type Kernel } from '../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../src/contract/version.js';

export const VMALLOC_OFFSET = 8 * 1024 * 1024;
/** include/asm-i386/highmem.h */
export const PKMAP_BASE = 0xfe000000;
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

// ---- page protections (include/asm-i386/pgtable.h 2.4.19) -------------------------------------
// 2.4's pgprot_t is an unsigned long (32 bits, PAE included): no NX bit exists, so these are
// plain numbers and the pte's flag word is the pgprot itself.

/** _PAGE_PRESENT .. _PAGE_GLOBAL (pgtable.h lines 179-187). */
export const _PAGE_PRESENT = 0x001;
export const _PAGE_RW = 0x002;
export const _PAGE_USER = 0x004;
export const _PAGE_PWT = 0x008;
export const _PAGE_PCD = 0x010;
export const _PAGE_ACCESSED = 0x020;
export const _PAGE_DIRTY = 0x040;
export const _PAGE_PSE = 0x080;
export const _PAGE_GLOBAL = 0x100;

/** PAGE_SHARED = __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED) (line 196). */
export const PAGE_SHARED = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
/** __PAGE_KERNEL = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED (line 200): 0x063. */
export const __PAGE_KERNEL = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;
/** __PAGE_KERNEL_NOCACHE = ... | _PAGE_PCD (line 202): 0x073. */
export const __PAGE_KERNEL_NOCACHE = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_PCD | _PAGE_ACCESSED;

/**
 * MAKE_GLOBAL(x) without CONFIG_X86_PGE (line 210, the generic i386 configuration): x |
 * _PAGE_GLOBAL when cpu_has_pge, else x, evaluated where PAGE_KERNEL is used.
 */
export function MAKE_GLOBAL(k: Kernel, x: number): number {
  return k.cpu_has_pge ? x | _PAGE_GLOBAL : x;
}
/** PAGE_KERNEL = MAKE_GLOBAL(__PAGE_KERNEL) (line 222): 0x163 with PGE, 0x063 without. */
export function PAGE_KERNEL(k: Kernel): number {
  return MAKE_GLOBAL(k, __PAGE_KERNEL);
}
/** PAGE_KERNEL_NOCACHE = MAKE_GLOBAL(__PAGE_KERNEL_NOCACHE) (line 224): 0x173 with PGE. */
export function PAGE_KERNEL_NOCACHE(k: Kernel): number {
  return MAKE_GLOBAL(k, __PAGE_KERNEL_NOCACHE);
}
/** pte_mkdirty(pte): pte_low |= _PAGE_DIRTY (line 287), on the flag bits. */
export function pte_mkdirty(flags: number): number {
  return flags | _PAGE_DIRTY;
}

/**
 * The flag word of mk_pte(page, prot) / mk_pte_phys(phys, prot): __mk_pte is
 * `(page_nr << PAGE_SHIFT) | pgprot_val(pgprot)` with no mask (pgtable-2level.h line 61; PAE's
 * pgtable-3level.h line 92 puts the same bits in pte_low), so the flags are the prot.
 */
export function mk_pte_flags(prot: number): number {
  return pte_flags32(prot >>> 0);
}
