/**
 * Linux 2.6.9 arch/x86_64/kernel/head.S: the page tables of the kernel image that
 * init_level4_pgt's top slot reaches (what module_alloc's map_vm_area of
 * MODULES_VADDR..MODULES_END, 0xffffffffa0000000..0xffffffffafffffff, finds):
 *
 *   init_level4_pgt[511]    = level3_kernel_pgt   ".quad 0x0000000000103007 -> level3_kernel_pgt"
 *   level3_kernel_pgt[510]  = level2_kernel_pgt   (0xffffffff80000000..0xffffffffbfffffff)
 *   level3_kernel_pgt[511]  = 0                   (".fill 1,8,0": 2.6.9 has no level2_fixmap_pgt)
 *   level2_kernel_pgt[0..19] = 2 MiB pages, "40MB kernel mapping", the rest 0: the module area
 *                             (+512 MiB) starts at entry 256
 *
 * In 2.6.9's generic 3-level view (include/asm-x86_64/pgtable.h) a module address's "pgd" is
 * level3_kernel_pgt[510], present, so pmd_alloc finds level2_kernel_pgt and only pte pages are
 * allocated. SIM: the 40 MiB of large-page pmds, level3_ident_pgt (slot 0) and the physmem
 * slot's tables are not modelled: no walk of the vmalloc code reaches them. The tables are
 * kernel-image frames outside the machine's RAM (Kernel.image_table).
 */
import type { Kernel } from '../../../../../src/kernel/kernel.js';

/** __START_KERNEL_map */
export const START_KERNEL_MAP = '0xffffffff80000000';

// head.S's ENTRY(level3_kernel_pgt) and ENTRY(level2_kernel_pgt), linked from init_level4_pgt[511]
export function head(k: Kernel): void {
  if (k.arch.name !== 'x86_64') return;
  const text = k.constAddr(START_KERNEL_MAP);
  const pud = k.image_table('pud', 'level3_kernel_pgt', k.pgd_offset_k(text), text); /* level3_kernel_pgt + 510 */
  k.image_table('pmd', 'level2_kernel_pgt', pud, text);
}
