/**
 * Linux 2.6.27 include/asm-x86/pgtable.h, which includes pgtable_32.h or pgtable_64.h: the
 * default vmalloc window per arch, as VMALLOC_START / VMALLOC_END give it for the machine.
 */
import { lastPgprotMemo, pte_flags, type ArchName, type Kernel, type pgprotval_t } from '../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../src/contract/version.js';
import * as p32 from './pgtable_32.js';
import * as p64 from './pgtable_64.js';
import { MAXMEM, __PAGE_OFFSET } from './page_32.js';

export function defaultWindow(k: Kernel): VmallocWindow {
  if (k.arch.name === 'x86_64') {
    return { start: k.constAddr(p64.VMALLOC_START), end: k.constAddr(p64.VMALLOC_END) };
  }
  /* high_memory = __va(max_low_pfn << PAGE_SHIFT), max_low_pfn = min(max_pfn, MAXMEM_PFN) (setup_32.c) */
  const high_memory = __PAGE_OFFSET + Math.min(k.num_physpages * p32.PAGE_SIZE, MAXMEM);
  return { start: p32.VMALLOC_START(high_memory), end: p32.VMALLOC_END(k.arch.name === 'i386-pae') };
}

// ---- page protections (include/asm-x86/pgtable.h 2.6.27) ----------------------------------------

/** _PAGE_PRESENT .. _PAGE_GLOBAL (lines 24-38); pteval_t is 64 bits on PAE and x86_64. */
export const _PAGE_PRESENT = 0x001n;
export const _PAGE_RW = 0x002n;
export const _PAGE_USER = 0x004n;
export const _PAGE_PWT = 0x008n;
export const _PAGE_PCD = 0x010n;
export const _PAGE_ACCESSED = 0x020n;
export const _PAGE_DIRTY = 0x040n;
export const _PAGE_GLOBAL = 0x100n;
/** _PAGE_NX: 1 << 63 with CONFIG_X86_64 or CONFIG_X86_PAE, else 0 (lines 42 and 44). */
export function _PAGE_NX(arch: ArchName): pgprotval_t {
  return arch === 'i386' ? 0n : 1n << 63n;
}
/** _PAGE_CACHE_WB, _WC (PWT), _UC_MINUS (PCD), _UC (PCD | PWT) (lines 62-66). */
export const _PAGE_CACHE_WB = 0n;
export const _PAGE_CACHE_WC = _PAGE_PWT;
export const _PAGE_CACHE_UC_MINUS = _PAGE_PCD;
export const _PAGE_CACHE_UC = _PAGE_PCD | _PAGE_PWT;
/** __PAGE_KERNEL_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_GLOBAL (line 84): 0x163. */
export const __PAGE_KERNEL_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_GLOBAL;

/** The pgprot values a version's code passes, and what its pfn_pte makes of them on this machine. */
export interface Pgprot {
  readonly PAGE_KERNEL: pgprotval_t;
  readonly PAGE_KERNEL_EXEC: pgprotval_t;
  readonly PAGE_KERNEL_NOCACHE: pgprotval_t;
  readonly PAGE_KERNEL_UC_MINUS: pgprotval_t;
  readonly PAGE_KERNEL_WC: pgprotval_t;
  readonly __supported_pte_mask: pgprotval_t;
  /** The flag word of pfn_pte(pfn, prot) / mk_pte(page, prot) (pte_flags of its flag bits). */
  pfn_pte_flags(prot: pgprotval_t): number;
}

/**
 * __PAGE_KERNEL = __PAGE_KERNEL_EXEC | _PAGE_NX (line 86); _WC, _NOCACHE (| PCD | PWT),
 * _UC_MINUS (| PCD) (lines 91-93); PAGE_* = __pgprot(__PAGE_*)
 * (lines 100-106). The mask: on i386 `pteval_t __supported_pte_mask = ~(_PAGE_NX | _PAGE_GLOBAL)` (arch/x86/mm/init_32.c line 504); set_nx (PAE, line 525) adds _PAGE_NX when cpuid says the CPU has it (line 551); paging_init's cpu_has_pge adds _PAGE_GLOBAL (line 791); on x86_64 `unsigned long __supported_pte_mask = ~0UL` (arch/x86/kernel/cpu/common_64.c line 464); check_efer clears _PAGE_NX when EFER.NX is off (line 580). pfn_pte is `((pfn << PAGE_SHIFT) | pgprot_val(pgprot)) & __supported_pte_mask` (line 257), masked whatever the prot.
 */
export function pgprot(k: Kernel): Pgprot {
  const NX = _PAGE_NX(k.arch.name);
  const U64 = (1n << 64n) - 1n;
  let mask: pgprotval_t;
  if (k.arch.name === 'x86_64') {
    mask = U64; /* ~0 */
    if (!k.cpu_has_nx) mask &= ~NX;
  } else {
    mask = U64 & ~(NX | _PAGE_GLOBAL); /* ~(_PAGE_NX | _PAGE_GLOBAL) */
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
    __supported_pte_mask: mask,
    pfn_pte_flags: lastPgprotMemo((prot: pgprotval_t): number => pte_flags(prot & mask)),
  };
}
