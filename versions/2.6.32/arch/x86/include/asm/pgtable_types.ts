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
import { lastPgprotMemo, pte_flags, type ArchName, type Kernel, type pgprotval_t } from '../../../../../../src/kernel/kernel.js';
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

// ---- page protections (arch/x86/include/asm/pgtable_types.h 2.6.32) ----------------------------------------

/** _PAGE_PRESENT .. _PAGE_GLOBAL (lines 33-47); pteval_t is 64 bits on PAE and x86_64. */
export const _PAGE_PRESENT = 0x001n;
export const _PAGE_RW = 0x002n;
export const _PAGE_USER = 0x004n;
export const _PAGE_PWT = 0x008n;
export const _PAGE_PCD = 0x010n;
export const _PAGE_ACCESSED = 0x020n;
export const _PAGE_DIRTY = 0x040n;
export const _PAGE_GLOBAL = 0x100n;
/** _PAGE_IOMAP (bit 10): "flag used to indicate IO mapping", masked off natively. */
export const _PAGE_IOMAP = 0x400n;
/** _PAGE_NX: 1 << 63 with CONFIG_X86_64 or CONFIG_X86_PAE, else 0 (lines 57 and 59). */
export function _PAGE_NX(arch: ArchName): pgprotval_t {
  return arch === 'i386' ? 0n : 1n << 63n;
}
/** _PAGE_CACHE_WB, _WC (PWT), _UC_MINUS (PCD), _UC (PCD | PWT) (lines 74-78). */
export const _PAGE_CACHE_WB = 0n;
export const _PAGE_CACHE_WC = _PAGE_PWT;
export const _PAGE_CACHE_UC_MINUS = _PAGE_PCD;
export const _PAGE_CACHE_UC = _PAGE_PCD | _PAGE_PWT;
/** __PAGE_KERNEL_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_GLOBAL (line 96): 0x163. */
export const __PAGE_KERNEL_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_GLOBAL;

/** The pgprot values a version's code passes, and what its pfn_pte makes of them on this machine. */
export interface Pgprot {
  readonly PAGE_KERNEL: pgprotval_t;
  readonly PAGE_KERNEL_EXEC: pgprotval_t;
  readonly PAGE_KERNEL_NOCACHE: pgprotval_t;
  readonly PAGE_KERNEL_UC_MINUS: pgprotval_t;
  readonly PAGE_KERNEL_WC: pgprotval_t;
  readonly PAGE_KERNEL_IO: pgprotval_t;
  readonly PAGE_KERNEL_IO_NOCACHE: pgprotval_t;
  readonly PAGE_KERNEL_IO_UC_MINUS: pgprotval_t;
  readonly PAGE_KERNEL_IO_WC: pgprotval_t;
  readonly __supported_pte_mask: pgprotval_t;
  /** The flag word of pfn_pte(pfn, prot) / mk_pte(page, prot) (pte_flags of its flag bits). */
  pfn_pte_flags(prot: pgprotval_t): number;
}

/**
 * __PAGE_KERNEL = __PAGE_KERNEL_EXEC | _PAGE_NX (line 98); _WC, _NOCACHE (| PCD | PWT),
 * _UC_MINUS (| PCD) (lines 103-105); the _IO variants add _PAGE_IOMAP (lines 112-115); PAGE_* = __pgprot(__PAGE_*)
 * (lines 117-134). The mask: on i386 `pteval_t __supported_pte_mask = ~(_PAGE_NX | _PAGE_GLOBAL | _PAGE_IOMAP)` (arch/x86/mm/init_32.c line 591); set_nx (PAE, arch/x86/mm/setup_nx.c line 38) adds _PAGE_NX when cpuid says the CPU has it (line 49); init_memory_mapping's cpu_has_pge adds _PAGE_GLOBAL (arch/x86/mm/init.c line 160); on x86_64 `pteval_t __supported_pte_mask = ~_PAGE_IOMAP` (arch/x86/mm/init_64.c line 75); check_efer clears _PAGE_NX when EFER.NX is off (setup_nx.c line 66). pfn_pte is `(pfn << PAGE_SHIFT) | massage_pgprot(pgprot)` (arch/x86/include/asm/pgtable.h line 229), and massage_pgprot masks with __supported_pte_mask only a prot with _PAGE_PRESENT (line 219).
 */
export function pgprot(k: Kernel): Pgprot {
  const NX = _PAGE_NX(k.arch.name);
  const U64 = (1n << 64n) - 1n;
  let mask: pgprotval_t;
  if (k.arch.name === 'x86_64') {
    mask = U64 & ~_PAGE_IOMAP; /* ~_PAGE_IOMAP */
    if (!k.cpu_has_nx) mask &= ~NX;
  } else {
    mask = U64 & ~(NX | _PAGE_GLOBAL | _PAGE_IOMAP); /* ~(_PAGE_NX | _PAGE_GLOBAL | _PAGE_IOMAP) */
    if (k.arch.name === 'i386-pae' && k.cpu_has_nx) mask |= NX;
    if (k.cpu_has_pge) mask |= _PAGE_GLOBAL;
  }
  const __PAGE_KERNEL = __PAGE_KERNEL_EXEC | NX;
  const __PAGE_KERNEL_WC = __PAGE_KERNEL | _PAGE_CACHE_WC;
  const __PAGE_KERNEL_NOCACHE = __PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT;
  const __PAGE_KERNEL_UC_MINUS = __PAGE_KERNEL | _PAGE_PCD;
  return {
    PAGE_KERNEL: __PAGE_KERNEL,
    PAGE_KERNEL_EXEC: __PAGE_KERNEL_EXEC,
    PAGE_KERNEL_NOCACHE: __PAGE_KERNEL_NOCACHE,
    PAGE_KERNEL_UC_MINUS: __PAGE_KERNEL_UC_MINUS,
    PAGE_KERNEL_WC: __PAGE_KERNEL_WC,
    PAGE_KERNEL_IO: __PAGE_KERNEL | _PAGE_IOMAP,
    PAGE_KERNEL_IO_NOCACHE: __PAGE_KERNEL_NOCACHE | _PAGE_IOMAP,
    PAGE_KERNEL_IO_UC_MINUS: __PAGE_KERNEL_UC_MINUS | _PAGE_IOMAP,
    PAGE_KERNEL_IO_WC: __PAGE_KERNEL_WC | _PAGE_IOMAP,
    __supported_pte_mask: mask,
    /* massage_pgprot: if (protval & _PAGE_PRESENT) protval &= __supported_pte_mask */
    pfn_pte_flags: lastPgprotMemo((prot: pgprotval_t): number => pte_flags(prot & _PAGE_PRESENT ? prot & mask : prot)),
  };
}
