/**
 * Linux 2.4.0 include/asm-i386/pgtable.h and fixmap.h: where the vmalloc window lies.
 * VMALLOC_START rounds high_memory + 8 MiB up to an 8 MiB boundary, as in every 2.4;
 * VMALLOC_END is FIXADDR_START itself (2.4.1 changed it to PKMAP_BASE - 2 pages with
 * CONFIG_HIGHMEM). FIXADDR_START = FIXADDR_TOP - __end_of_fixed_addresses pages, and the fixmap
 * of the SMP + CONFIG_HIGHMEM configuration vmx assumes (the reference oracle's) has
 * FIX_APIC_BASE (1), FIX_IO_APIC_BASE_0..END (MAX_IO_APICS 8) and FIX_KMAP_BEGIN..END
 * (KM_TYPE_NR 2 * NR_CPUS 32): 73 pages, so VMALLOC_END is 0xfffb5000 on i386 and PAE alike.
 *
 * QUERY: with CONFIG_HIGHMEM that end lies above PKMAP_BASE (0xfe000000, highmem.h): the
 * window covers the 4 MiB kmap area [0xfe000000, 0xfe400000), so a large enough vmalloc takes
 * addresses kmap() also hands out (and shares pkmap's page table there).
 */
import { pte_flags32, type EntryPtr, type Kernel } from '../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../src/contract/version.js';

export const VMALLOC_OFFSET = 8 * 1024 * 1024;
/** include/asm-i386/highmem.h (not used by VMALLOC_END in 2.4.0) */
export const PKMAP_BASE = 0xfe000000;
export const PAGE_SIZE = 4096;

/* include/asm-i386/fixmap.h */
export const FIXADDR_TOP = 0xffffe000;
const FIX_APIC_BASE_PAGES = 1; /* CONFIG_X86_LOCAL_APIC */
const MAX_IO_APICS = 8; /* CONFIG_X86_IO_APIC */
const KM_TYPE_NR = 2; /* asm-i386/kmap_types.h: KM_BOUNCE_READ, KM_BOUNCE_WRITE */
const NR_CPUS = 32; /* linux/threads.h, CONFIG_SMP */
export const __end_of_fixed_addresses = FIX_APIC_BASE_PAGES + MAX_IO_APICS + KM_TYPE_NR * NR_CPUS;
export const FIXADDR_SIZE = __end_of_fixed_addresses * PAGE_SIZE;
export const FIXADDR_START = FIXADDR_TOP - FIXADDR_SIZE;

/** VMALLOC_START = (high_memory + 2*VMALLOC_OFFSET - 1) & ~(VMALLOC_OFFSET - 1) */
export function VMALLOC_START(high_memory: number): number {
  return Math.floor((high_memory + 2 * VMALLOC_OFFSET - 1) / VMALLOC_OFFSET) * VMALLOC_OFFSET;
}

/** VMALLOC_END = FIXADDR_START (0xfffb5000) */
export const VMALLOC_END = FIXADDR_START;

export function defaultWindow(k: Kernel): VmallocWindow {
  return { start: VMALLOC_START(k.high_memory), end: VMALLOC_END };
}

// pgd_none (include/asm-i386/pgtable-2level.h / pgtable-3level.h 2.4.0)
/**
 * 2-level: the constant 0. PAE: `pgd_val(x) == EMPTY_PGD`, EMPTY_PGD being
 * `__pa(empty_zero_page) + 1`, which pagetable_init (__pgd_clear) puts in every user slot: in
 * 2.4.0 a user pgd slot is none until pmd_alloc gives it a pmd page (2.4.3's pgtable-3level.h, linux-history 8b11a705bdc5,
 * made pgd_none() the constant 0 and stopped allocating pmds).
 */
export function pgd_none(k: Kernel, pgd: EntryPtr): boolean {
  return k.arch.name === 'i386-pae' && k.pgd_is_empty_zero_page(pgd);
}

// ---- page protections (include/asm-i386/pgtable.h 2.4.0) -------------------------------------
// 2.4's pgprot_t is an unsigned long (32 bits, PAE included): no NX bit exists, so these are
// plain numbers and the pte's flag word is the pgprot itself.

/** _PAGE_PRESENT .. _PAGE_GLOBAL (pgtable.h lines 162-170). */
export const _PAGE_PRESENT = 0x001;
export const _PAGE_RW = 0x002;
export const _PAGE_USER = 0x004;
export const _PAGE_PWT = 0x008;
export const _PAGE_PCD = 0x010;
export const _PAGE_ACCESSED = 0x020;
export const _PAGE_DIRTY = 0x040;
export const _PAGE_PSE = 0x080;
export const _PAGE_GLOBAL = 0x100;

/** PAGE_SHARED = __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED) (line 179). */
export const PAGE_SHARED = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
/** __PAGE_KERNEL = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED (line 183): 0x063. */
export const __PAGE_KERNEL = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;
/** __PAGE_KERNEL_NOCACHE = ... | _PAGE_PCD (line 185): 0x073. */
export const __PAGE_KERNEL_NOCACHE = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_PCD | _PAGE_ACCESSED;

/**
 * MAKE_GLOBAL(x) without CONFIG_X86_PGE (line 193, the generic i386 configuration): x |
 * _PAGE_GLOBAL when cpu_has_pge, else x, evaluated where PAGE_KERNEL is used.
 */
export function MAKE_GLOBAL(k: Kernel, x: number): number {
  return k.cpu_has_pge ? x | _PAGE_GLOBAL : x;
}
/** PAGE_KERNEL = MAKE_GLOBAL(__PAGE_KERNEL) (line 205): 0x163 with PGE, 0x063 without. */
export function PAGE_KERNEL(k: Kernel): number {
  return MAKE_GLOBAL(k, __PAGE_KERNEL);
}
/** PAGE_KERNEL_NOCACHE = MAKE_GLOBAL(__PAGE_KERNEL_NOCACHE) (line 207): 0x173 with PGE. */
export function PAGE_KERNEL_NOCACHE(k: Kernel): number {
  return MAKE_GLOBAL(k, __PAGE_KERNEL_NOCACHE);
}
/** pte_mkdirty(pte): pte_low |= _PAGE_DIRTY (line 280), on the flag bits. */
export function pte_mkdirty(flags: number): number {
  return flags | _PAGE_DIRTY;
}

/**
 * The flag word of mk_pte(page, prot) / mk_pte_phys(phys, prot): __mk_pte is
 * `(page_nr << PAGE_SHIFT) | pgprot_val(pgprot)` with no mask (pgtable-2level.h line 61; PAE's
 * pgtable-3level.h line 109 puts the same bits in pte_low), so the flags are the prot.
 */
export function mk_pte_flags(prot: number): number {
  return pte_flags32(prot >>> 0);
}
