/**
 * Linux 2.6.27 arch/x86/mm/init_32.c: the kernel page tables that pagetable_init (early_ioremap_page_table_range_init of the fixmap, permanent_kmaps_init of the pkmap)
 * sets up before vmalloc runs, as far as a vmalloc-layer walk can reach them (i386, i386-pae):
 * a pte table per PMD_SIZE of the fixmap (from __fix_to_virt(__end_of_fixed_addresses - 1) &
 * PMD_MASK up to 4 GiB) and of the pkmap area (PKMAP_BASE, LAST_PKMAP pages: 1024, PAE 512), so a
 * walk there (a window given over them) finds them and allocates nothing.
 *
 * First init_memory_mapping(0, max_low_pfn << PAGE_SHIFT) (arch/x86/mm/init_32.c), the linear map of
 * lowmem: the first PMD_SIZE in 4 KiB ptes ("Don't use a large page for the first 2/4MB of
 * memory"), then with cpu_has_pse large pmds up to max_low_pfn & PMD_MASK, then the tail in 4 KiB
 * ptes (kernel_physical_mapping_init, arch/x86/mm/init_32.c): pfn_pmd(pfn, PAGE_KERNEL_LARGE) or
 * PAGE_KERNEL_LARGE_EXEC where the large page holds kernel text, pfn_pte(pfn, PAGE_KERNEL) or
 * PAGE_KERNEL_EXEC for each 4 KiB page; without PSE all of it in ptes. The pte tables are bootmem
 * pages (one_page_table_init). is_kernel_text is PAGE_OFFSET to __init_end (the pages below the image
 * too); SIM: __init_end is taken as 4 MiB of RAM, the end of the pc profile's image (the stub machine
 * has no image).
 * The fixmap's entries (set_fixmap of the APIC, IO-APIC, vsyscall pages) are left none. The
 * tables are frames outside the machine's RAM (Kernel.image_table: the default machine has no
 * bootmem reservations), never counted in pageTablePages.
 */
import type { Kernel } from '../../../../../src/kernel/kernel.js';
import { pgprot } from '../../../include/asm-x86/pgtable.js';
import { FIXADDR_BOOT_START, PKMAP_BASE } from '../../../include/asm-x86/pgtable_32.js';

/** 4 GiB: an i386 unsigned long address wraps to 0 there. */
const FOUR_G = 2 ** 32;

// page_table_range_init (arch/x86/mm/init_32.c 2.6.27): a pte table for each PMD_SIZE of [start, end) whose pmd is none
// (one_md_table_init: the pgd entry is the pmd on 2-level i386, PAE's pmd pages are boot tables;
// one_page_table_init / alloc_bootmem_low_pages: a zeroed page). end 0 stands for 4 GiB.
function page_table_range_init(k: Kernel, start: number, end: number, what: string): void {
  const PMD_SIZE = k.levelSize('pmd');
  for (let vaddr = start; vaddr !== end && vaddr < FOUR_G; vaddr += PMD_SIZE) {
    const pmd = k.pmd_offset(k.pud_offset(k.pgd_offset_k(vaddr), vaddr), vaddr);
    k.image_table('pte', `${what} ${k.hex(vaddr)}`, pmd, vaddr);
  }
}

/** _PAGE_PSE (arch/x86/include/asm/pgtable_types.h, _PAGE_BIT_PSE 7). */
const _PAGE_PSE = 0x080n;

// is_kernel_text (arch/x86/mm/init_32.c 2.6.27): addr >= PAGE_OFFSET && addr <= __init_end (SIM: __init_end is 4 MiB of RAM - 1):
// from PAGE_OFFSET, not _text, so the pages below the image count as text (2.6.39 starts at _text)
function is_kernel_text(k: Kernel, addr: number): boolean {
  return addr >= k.arch.pageOffset && addr <= k.arch.pageOffset + 0x400000 - 1;
}

// kernel_physical_mapping_init (arch/x86/mm/init_32.c 2.6.27): [start_pfn, end_pfn) of lowmem, large pmds when use_pse (the final pass's prots)
function kernel_physical_mapping_init(k: Kernel, start_pfn: number, end_pfn: number, use_pse: boolean): void {
  const pp = pgprot(k);
  const PAGE_OFFSET = k.arch.pageOffset;
  const PAGE_SIZE = k.PAGE_SIZE;
  const PMD_SIZE = k.levelSize('pmd');
  const PTRS_PER_PTE = k.PTRS_PER_PTE;
  if (!k.cpu_has_pse) use_pse = false;
  let pfn = start_pfn;
  while (pfn < end_pfn) {
    /* one pmd per round: pgd_idx / pmd_idx walk on from pmd_index((pfn<<PAGE_SHIFT) + PAGE_OFFSET) */
    let addr = pfn * PAGE_SIZE + PAGE_OFFSET;
    const pmd = k.pmd_offset(k.pud_offset(k.pgd_offset_k(addr), addr), addr); /* pmd = one_md_table_init(pgd) + pmd_idx */
    if (use_pse) {
      const addr2 = (pfn + PTRS_PER_PTE - 1) * PAGE_SIZE + PAGE_OFFSET + PAGE_SIZE - 1;
      const prot = is_kernel_text(k, addr) || is_kernel_text(k, addr2) ? pp.PAGE_KERNEL_EXEC | _PAGE_PSE : pp.PAGE_KERNEL | _PAGE_PSE;
      k.set_pmd_large(pmd, pfn, pp.pfn_pte_flags(prot)); /* set_pmd(pmd, pfn_pmd(pfn, prot)) */
      pfn += PTRS_PER_PTE;
      continue;
    }
    k.image_table('pte', `lowmem pte table ${k.hex(Math.floor(addr / PMD_SIZE) * PMD_SIZE)}`, pmd, addr); /* pte = one_page_table_init(pmd) */
    for (let pte_ofs = Math.floor(addr / PAGE_SIZE) % PTRS_PER_PTE; pte_ofs < PTRS_PER_PTE && pfn < end_pfn; pte_ofs++, pfn++, addr += PAGE_SIZE) {
      /* set_pte(pte, pfn_pte(pfn, is_kernel_text(addr) ? PAGE_KERNEL_EXEC : PAGE_KERNEL)) */
      k.pte_store(k.pte_offset(pmd, addr), pfn, pp.pfn_pte_flags(is_kernel_text(k, addr) ? pp.PAGE_KERNEL_EXEC : pp.PAGE_KERNEL));
    }
  }
}

// init_memory_mapping (arch/x86/mm/init_32.c 2.6.27) for [0, max_low_pfn << PAGE_SHIFT) on 32-bit: 4 KiB head, large middle, 4 KiB tail
function init_memory_mapping(k: Kernel): void {
  const PAGE_SIZE = k.PAGE_SIZE;
  const PMD_PFNS = k.levelSize('pmd') / PAGE_SIZE;
  const end_pfn_all = k.max_low_pfn;
  /* big_page_start = PMD_SIZE: the head [0, min(PMD_SIZE, end)) in 4 KiB pages */
  let end_pfn = Math.min(PMD_PFNS, end_pfn_all);
  if (0 < end_pfn) kernel_physical_mapping_init(k, 0, end_pfn, false);
  /* big page range: [PMD_SIZE, end & PMD_MASK) */
  let start_pfn = PMD_PFNS;
  end_pfn = Math.floor(end_pfn_all / PMD_PFNS) * PMD_PFNS;
  if (start_pfn < end_pfn) kernel_physical_mapping_init(k, start_pfn, end_pfn, k.cpu_has_pse);
  /* tail is not big page alignment ? start_pfn = end_pfn; if (start_pfn > (big_page_start>>PAGE_SHIFT)) ...:
   * QUERY: with no big range (lowmem under 2 * PMD_SIZE) the part past the head stays unmapped (init_32.c lines 824-830;
   * unreachable with vmx's 16 MiB minimum of lowmem) */
  start_pfn = end_pfn;
  if (start_pfn > PMD_PFNS && start_pfn < end_pfn_all) kernel_physical_mapping_init(k, start_pfn, end_pfn_all, false);
}

// pagetable_init (arch/x86/mm/init_32.c 2.6.27) with early_ioremap_page_table_range_init: the fixmap's and the pkmap's tables
export function pagetable_init(k: Kernel): void {
  if (k.arch.name === 'x86_64') return;
  init_memory_mapping(k); /* setup_arch, before paging_init */
  const pae = k.arch.name === 'i386-pae';
  const PMD_SIZE = k.levelSize('pmd');
  /* vaddr = __fix_to_virt(__end_of_fixed_addresses - 1) & PMD_MASK; end = (FIXADDR_TOP + PMD_SIZE - 1) & PMD_MASK (4 GiB, wrapping to 0) */
  page_table_range_init(k, Math.floor(FIXADDR_BOOT_START / PMD_SIZE) * PMD_SIZE, 0, 'fixmap pte table');
  /* permanent_kmaps_init: vaddr = PKMAP_BASE; page_table_range_init(vaddr, vaddr + PAGE_SIZE*LAST_PKMAP, pgd_base) */
  const LAST_PKMAP = pae ? 512 : 1024;
  page_table_range_init(k, PKMAP_BASE(pae), PKMAP_BASE(pae) + k.PAGE_SIZE * LAST_PKMAP, 'pkmap pte table');
}
