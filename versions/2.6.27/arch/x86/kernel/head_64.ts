/**
 * Linux 2.6.27 arch/x86/kernel/head_64.S (3fa8749e584b): the page tables of the kernel image that
 * init_level4_pgt's top slot reaches before vmalloc runs (what module_alloc's walk of
 * MODULES_VADDR..MODULES_END finds):
 *
 *   init_level4_pgt[511]     = level3_kernel_pgt     (L4_START_KERNEL: 0xffffffff80000000)
 *   level3_kernel_pgt[510]   = level2_kernel_pgt     (0xffffffff80000000..0xffffffffbfffffff)
 *   level3_kernel_pgt[511]   = level2_fixmap_pgt     (0xffffffffc0000000..)
 *   level2_fixmap_pgt[506]   = level1_fixmap_pgt     (0xffffffffff400000: the fixmap)
 *   level2_kernel_pgt[0..255] = PMDS(0, __PAGE_KERNEL_LARGE_EXEC, KERNEL_IMAGE_SIZE/PMD_SIZE): 2 MiB
 *                              pages of the kernel text, KERNEL_IMAGE_SIZE 512 MiB (include/asm-x86/page_64.h),
 *                              so the module area (MODULES_VADDR = +512 MiB) starts at entry 256
 *
 * SIM: the large-page pmds of the kernel text and level1_fixmap_pgt's entries (the fixmap slots
 * set later at boot) are not modelled: no vmalloc-layer walk reaches the kernel text, and the
 * fixmap lies above MODULES_END. level3_ident_pgt (init_level4_pgt[272], L4_PAGE_OFFSET) and
 * level2_ident_pgt (PMDS(0, __PAGE_KERNEL_LARGE_EXEC, PTRS_PER_PMD): the direct map's first GiB in
 * 2 MiB pages, 0x1e3) are linked too; init_memory_mapping (arch/x86/mm/init_64.ts) keeps and
 * extends them. The tables are kernel-image frames outside the machine's RAM (Kernel.image_table).
 */
import type { Kernel } from '../../../../../src/kernel/kernel.js';

/** __START_KERNEL_map */
export const START_KERNEL_MAP = '0xffffffff80000000';
/** 0xffffffffc0000000 + 506 * PMD_SIZE: level1_fixmap_pgt's slot in level2_fixmap_pgt */
export const LEVEL1_FIXMAP = '0xffffffffff400000';

// head_64.S's NEXT_PAGE(level3_kernel_pgt) … NEXT_PAGE(level1_fixmap_pgt), as the boot image holds them
export function head_64(k: Kernel): void {
  if (k.arch.name !== 'x86_64') return;
  const text = k.constAddr(START_KERNEL_MAP);
  const fix = k.constAddr(LEVEL1_FIXMAP);
  const pgd = k.pgd_offset_k(text); /* init_level4_pgt + 511 */
  const pud = k.image_table('pud', 'level3_kernel_pgt', pgd, text); /* level3_kernel_pgt + 510 */
  k.image_table('pmd', 'level2_kernel_pgt', pud, text);
  const pmd = k.image_table('pmd', 'level2_fixmap_pgt', k.pud_offset(pgd, fix), fix); /* level2_fixmap_pgt + 506 */
  k.image_table('pte', 'level1_fixmap_pgt', pmd, fix);
  /* init_level4_pgt[L4_PAGE_OFFSET] = level3_ident_pgt; level3_ident_pgt[0] = level2_ident_pgt:
   * PMDS(0, __PAGE_KERNEL_LARGE_EXEC, PTRS_PER_PMD), the first GiB in 2 MiB pages (0x1e3, no NX) */
  const ident = k.constAddr('0xffff880000000000');
  const ipud = k.image_table('pud', 'level3_ident_pgt', k.pgd_offset_k(ident), ident);
  k.image_table('pmd', 'level2_ident_pgt', ipud, ident);
  const PMD_SIZE = k.levelSize('pmd');
  for (let i = 0; i < 512; i++) k.set_pmd_large(k.pmd_offset(ipud, ident + i * PMD_SIZE), i * (PMD_SIZE / k.PAGE_SIZE), 0x1e3);
}
