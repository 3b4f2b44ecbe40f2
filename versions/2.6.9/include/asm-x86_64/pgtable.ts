/**
 * Linux 2.6.9 include/asm-x86_64/pgtable.h (blob 059ba4a7), with arch/x86_64/kernel/setup64.c
 * and init_task.c: the 4-level hardware table seen by the generic code as 3 levels.
 *
 *   #define PML4_SHIFT 39     PTRS_PER_PML4 512     (hidden from the generic code)
 *   #define PGDIR_SHIFT 30    PTRS_PER_PGD 512      PMD_SHIFT 21, PTRS_PER_PMD 512, PTRS_PER_PTE 512
 *   #define VMALLOC_START 0xffffff0000000000UL
 *   #define VMALLOC_END   0xffffff7fffffffffUL      (exactly pml4 slot 510)
 *   #define pgd_none(x)   (!pgd_val(x))
 *   static inline pgd_t *pgd_offset_k(unsigned long address)
 *   {   addr = pml4_val(init_level4_pgt[pml4_index(address)]) & PHYSICAL_PAGE_MASK;
 *       return __pgd_offset_k((pgd_t *)__va(addr), address); }
 *   setup64.c: set_pml4(level4 + 510, mk_kernel_pml4(__pa_symbol(boot_vmalloc_pgt)));
 *   init_task.c: pgd_t boot_vmalloc_pgt[512] ALIGN_TO_4K;
 *
 * So the generic "pgd" of a vmalloc address is an entry of the static boot_vmalloc_pgt page (a
 * hardware level-3 table, what vmx's kernel services call a pud table), its "pmd" pages come
 * from mm/memory.c's __pmd_alloc (pgd_none() is a real test here, unlike i386), and its pte
 * pages from pte_alloc_kernel. The 4-level generic walkers (pud_t, pud_alloc) came in 2.6.11.
 */
import type { Addr } from '../../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../../src/kernel/kernel.js';
import { lastPgprotMemo, pte_flags, type Kernel, type pgprotval_t } from '../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../src/contract/version.js';
import type { AsmPgtable } from '../linux/mm.js';

export const PML4_SHIFT = 39;
export const PGDIR_SHIFT = 30;
export const PTRS_PER_PGD = 512;
export const VMALLOC_START = '0xffffff0000000000';
export const VMALLOC_END = '0xffffff7fffffffff';

export function defaultWindow(k: Kernel): VmallocWindow {
  return { start: k.constAddr(VMALLOC_START), end: k.constAddr(VMALLOC_END) };
}

/**
 * Boot: init_level4_pgt[510] points at boot_vmalloc_pgt (setup64.c's set_pml4), a page of the
 * kernel image: vmx links a boot-owned level-3 table there (never counted in pageTablePages).
 * Then the generic walk of the vmalloc window.
 */
// ---- page protections (include/asm-x86_64/pgtable.h, arch/x86_64/kernel/setup64.c 2.6.9) --

/** _PAGE_PRESENT .. _PAGE_GLOBAL, _PAGE_NX = 1UL << 63 (pgtable.h lines 146-158). */
export const _PAGE_PRESENT = 0x001n;
export const _PAGE_RW = 0x002n;
export const _PAGE_USER = 0x004n;
export const _PAGE_PWT = 0x008n;
export const _PAGE_PCD = 0x010n;
export const _PAGE_ACCESSED = 0x020n;
export const _PAGE_DIRTY = 0x040n;
export const _PAGE_GLOBAL = 0x100n;
export const _PAGE_NX = 1n << 63n;
/** __PAGE_KERNEL, __PAGE_KERNEL_EXEC, __PAGE_KERNEL_NOCACHE (lines 173-178). */
export const __PAGE_KERNEL = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_NX;
export const __PAGE_KERNEL_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;
export const __PAGE_KERNEL_NOCACHE = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_PCD | _PAGE_ACCESSED | _PAGE_NX;
/** MAKE_GLOBAL(x) = __pgprot((x) | _PAGE_GLOBAL) (line 188): unconditional on x86_64. */
export const MAKE_GLOBAL = (x: pgprotval_t): pgprotval_t => x | _PAGE_GLOBAL;
/** PAGE_KERNEL, PAGE_KERNEL_EXEC, PAGE_KERNEL_NOCACHE (lines 190-193): 0x8000000000000163, 0x163, 0x8000000000000173. */
export const PAGE_KERNEL = MAKE_GLOBAL(__PAGE_KERNEL);
export const PAGE_KERNEL_EXEC = MAKE_GLOBAL(__PAGE_KERNEL_EXEC);
export const PAGE_KERNEL_NOCACHE = MAKE_GLOBAL(__PAGE_KERNEL_NOCACHE);

/**
 * `unsigned long __supported_pte_mask = ~0UL` (setup64.c line 44); check_efer clears _PAGE_NX
 * when EFER.NX is off (line 222), i.e. on a CPU without NX. pfn_pte is `(page_nr << PAGE_SHIFT)
 * | pgprot_val(pgprot)` masked with it (pgtable.h line 234).
 */
function protections(k: Kernel): Pick<AsmPgtable, 'PAGE_KERNEL' | 'PAGE_KERNEL_EXEC' | 'PAGE_KERNEL_NOCACHE' | 'pfn_pte_flags'> {
  let __supported_pte_mask = (1n << 64n) - 1n;
  if (!k.cpu_has_nx) __supported_pte_mask &= ~_PAGE_NX; /* check_efer */
  return {
    PAGE_KERNEL,
    PAGE_KERNEL_EXEC,
    PAGE_KERNEL_NOCACHE,
    pfn_pte_flags: lastPgprotMemo((prot: pgprotval_t): number => pte_flags(prot & __supported_pte_mask)),
  };
}

export function pgtable(k: Kernel): AsmPgtable {
  const level4 = (address: Addr): EntryPtr => k.pgd_offset_k(address); /* init_level4_pgt + pml4_index(address) */
  k.boot_table('pud', level4(k.constAddr(VMALLOC_START))); /* set_pml4(level4 + 510, boot_vmalloc_pgt) */
  return {
    ...protections(k),
    PGDIR_SIZE: 2 ** PGDIR_SHIFT,
    PMD_SIZE: k.levelSize('pmd'),
    // pgd_offset_k (include/asm-x86_64/pgtable.h 2.6.9): the level-3 entry under the pml4 entry
    pgd_offset_k: (address: Addr): EntryPtr => k.pud_offset(level4(address), address),
    // SIM: a pgd_t * stepped past the 512 entries of boot_vmalloc_pgt (an area beyond
    // VMALLOC_END, which only get_vm_area's unchecked paths make) reads as none; in C it reads
    // whatever static data follows boot_vmalloc_pgt in the image.
    pgd_none: (dir: EntryPtr): boolean => dir % 1024 >= PTRS_PER_PGD || k.pud_none(dir),
    pmd_offset: (dir: EntryPtr, address: Addr): EntryPtr => k.pmd_offset(dir, address),
    pmd_alloc_one_populate: (dir: EntryPtr, address: Addr): EntryPtr => k.pmd_alloc(dir, address),
  };
}
