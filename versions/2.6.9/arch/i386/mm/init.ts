/**
 * Linux 2.6.9 arch/i386/mm/init.c: the kernel page tables that pagetable_init (page_table_range_init of the fixmap, permanent_kmaps_init of the pkmap)
 * sets up before vmalloc runs, as far as a vmalloc-layer walk can reach them (i386, i386-pae):
 * a pte table per PMD_SIZE of the fixmap (from __fix_to_virt(__end_of_fixed_addresses - 1) &
 * PMD_MASK up to 4 GiB) and of the pkmap area (PKMAP_BASE, LAST_PKMAP pages: 1024, PAE 512), so a
 * walk there (a window given over them) finds them and allocates nothing.
 *
 * First kernel_physical_mapping_init, the linear map of lowmem: from PAGE_OFFSET while pfn <
 * max_low_pfn, with cpu_has_pse one large pmd per PMD_SIZE (4 MiB, PAE 2 MiB; the last one
 * reaching past max_low_pfn), pfn_pmd(pfn, PAGE_KERNEL_LARGE) or PAGE_KERNEL_LARGE_EXEC where it
 * holds kernel text; without PSE a bootmem pte table per pmd (one_page_table_init), its ptes
 * pfn_pte(pfn, PAGE_KERNEL) or PAGE_KERNEL_EXEC up to max_low_pfn. SIM: the kernel text
 * (is_kernel_text: _stext to __init_end) is taken as 1 MiB to 4 MiB of RAM, where the pc profile
 * puts the image (the stub machine has no image).
 * The fixmap's entries (set_fixmap of the APIC, IO-APIC, vsyscall pages) are left none. The
 * tables are frames outside the machine's RAM (Kernel.image_table: the default machine has no
 * bootmem reservations), never counted in pageTablePages.
 */
import type { Kernel } from '../../../../../src/kernel/kernel.js';
import { VMALLOC_END, pgtable } from '../../../include/asm-i386/pgtable.js';
import { high_memory } from '../../../include/asm-i386/page.js';

/** include/asm-i386/fixmap.h: FIXADDR_START lies in the last 2 MiB below FIXADDR_TOP (0xfffff000). */
const FIXADDR_LOW = 0xffe00000;

/** 4 GiB: an i386 unsigned long address wraps to 0 there. */
const FOUR_G = 2 ** 32;

// page_table_range_init (arch/i386/mm/init.c 2.6.9): a pte table for each PMD_SIZE of [start, end) whose pmd is none
// (one_md_table_init: the pgd entry is the pmd on 2-level i386, PAE's pmd pages are boot tables;
// one_page_table_init / alloc_bootmem_low_pages: a zeroed page). end 0 stands for 4 GiB.
function page_table_range_init(k: Kernel, start: number, end: number, what: string): void {
  const PMD_SIZE = k.levelSize('pmd');
  for (let vaddr = start; vaddr !== end && vaddr < FOUR_G; vaddr += PMD_SIZE) {
    const pmd = k.pmd_offset(k.pud_offset(k.pgd_offset_k(vaddr), vaddr), vaddr);
    k.image_table('pte', `${what} ${k.hex(vaddr)}`, pmd, vaddr);
  }
}

/** _PAGE_PSE (include/asm-i386/pgtable.h). */
const _PAGE_PSE = 0x080n;

// is_kernel_text (arch/i386/mm/init.c 2.6.9): addr >= _stext && addr <= __init_end (SIM: 1 MiB to 4 MiB of RAM)
function is_kernel_text(k: Kernel, addr: number): boolean {
  return addr >= k.arch.pageOffset + 0x100000 && addr <= k.arch.pageOffset + 0x400000 - 1;
}

// kernel_physical_mapping_init (arch/i386/mm/init.c 2.6.9)
function kernel_physical_mapping_init(k: Kernel): void {
  const pg = pgtable(k);
  const PAGE_OFFSET = k.arch.pageOffset;
  const PAGE_SIZE = k.PAGE_SIZE;
  const PTRS_PER_PGD = k.arch.levels[0].entries;
  const PTRS_PER_PMD = k.levelSize('pgd') / k.levelSize('pmd');
  const PTRS_PER_PTE = k.PTRS_PER_PTE;
  const max_low_pfn = (high_memory(k) - PAGE_OFFSET) / PAGE_SIZE; /* min(max_pfn, MAXMEM_PFN): vmalloc=<size> moves it */
  const PAGE_KERNEL_LARGE = pg.PAGE_KERNEL | _PAGE_PSE;
  const PAGE_KERNEL_LARGE_EXEC = pg.PAGE_KERNEL_EXEC | _PAGE_PSE;
  let pfn = 0;
  for (let pgd_idx = Math.floor(PAGE_OFFSET / k.levelSize('pgd')); pgd_idx < PTRS_PER_PGD; pgd_idx++) {
    /* pmd = one_md_table_init(pgd): PAE's pmd pages are the machine's boot pmds */
    if (pfn >= max_low_pfn) continue;
    for (let pmd_idx = 0; pmd_idx < PTRS_PER_PMD && pfn < max_low_pfn; pmd_idx++) {
      const address = pfn * PAGE_SIZE + PAGE_OFFSET;
      const pmd = k.pmd_offset(k.pud_offset(k.pgd_offset_k(address), address), address);
      if (k.cpu_has_pse) {
        const address2 = (pfn + PTRS_PER_PTE - 1) * PAGE_SIZE + PAGE_OFFSET + PAGE_SIZE - 1;
        const prot = is_kernel_text(k, address) || is_kernel_text(k, address2) ? PAGE_KERNEL_LARGE_EXEC : PAGE_KERNEL_LARGE;
        k.set_pmd_large(pmd, pfn, pg.pfn_pte_flags(prot)); /* set_pmd(pmd, pfn_pmd(pfn, prot)): PAE masks with __supported_pte_mask as pfn_pte does */
        pfn += PTRS_PER_PTE;
      } else {
        k.image_table('pte', `lowmem pte table ${k.hex(address)}`, pmd, address); /* pte = one_page_table_init(pmd) */
        for (let pte_ofs = 0; pte_ofs < PTRS_PER_PTE && pfn < max_low_pfn; pte_ofs++, pfn++) {
          const a = pfn * PAGE_SIZE + PAGE_OFFSET;
          /* set_pte(pte, pfn_pte(pfn, is_kernel_text(address) ? PAGE_KERNEL_EXEC : PAGE_KERNEL)): `address` is the pmd's (never advanced in this loop) */
          k.pte_store(k.pte_offset(pmd, a), pfn, pg.pfn_pte_flags(is_kernel_text(k, address) ? pg.PAGE_KERNEL_EXEC : pg.PAGE_KERNEL));
        }
      }
    }
  }
}

// pagetable_init (arch/i386/mm/init.c 2.6.9): kernel_physical_mapping_init, then the fixmap's and the pkmap's part
export function pagetable_init(k: Kernel): void {
  if (k.arch.name === 'x86_64') return;
  kernel_physical_mapping_init(k);
  const pae = k.arch.name === 'i386-pae';
  const PMD_SIZE = k.levelSize('pmd');
  /* vaddr = __fix_to_virt(__end_of_fixed_addresses - 1) & PMD_MASK; page_table_range_init(vaddr, 0, pgd_base); */
  page_table_range_init(k, Math.floor(FIXADDR_LOW / PMD_SIZE) * PMD_SIZE, 0, 'fixmap pte table');
  /* permanent_kmaps_init: page_table_range_init(PKMAP_BASE, PKMAP_BASE + PAGE_SIZE*LAST_PKMAP).
   * SIM: PKMAP_BASE follows vmx's window end (VMALLOC_END + 2 pages): 0xff800000, and 0xffa00000 on
   * PAE, where the window's SIM end 0xff9fe000 (pgtable.ts) stands in for the kernel's 0xff7fe000. */
  const PKMAP_BASE = VMALLOC_END(pae) + 2 * k.PAGE_SIZE;
  const LAST_PKMAP = pae ? 512 : 1024;
  page_table_range_init(k, PKMAP_BASE, PKMAP_BASE + k.PAGE_SIZE * LAST_PKMAP, 'pkmap pte table');
}
