/**
 * Linux 2.4.22 arch/i386/mm/init.c: the kernel page tables that pagetable_init (fixrange_init of the fixmap, permanent_kmaps_init of the pkmap)
 * sets up before vmalloc runs, as far as a vmalloc-layer walk can reach them (i386, i386-pae):
 * a pte table per PMD_SIZE of the fixmap (from __fix_to_virt(__end_of_fixed_addresses - 1) &
 * PMD_MASK up to 4 GiB) and of the pkmap area (PKMAP_BASE, LAST_PKMAP pages: 1024, PAE 512), so a
 * walk there (a window given over them, or 2.4's wrapped areas) finds them and allocates nothing.
 *
 * SIM: the linear map of lowmem (kernel_physical_mapping_init: 4 MiB / 2 MiB PSE pages from
 * PAGE_OFFSET up to max_low_pfn with cpu_has_pse, pte tables without) is not modelled: vmx's
 * tables have no large-page entries, and the only walks that reach lowmem are windows given
 * below high_memory (o10/o12 on 2.4 PAE), where the kernel would treat a PSE entry as a pte table
 * and scribble over RAM; their pte tables stay allocated as the reference oracle allocates them.
 * The fixmap's entries (set_fixmap of the APIC, IO-APIC, vsyscall pages) are left none. The
 * tables are frames outside the machine's RAM (Kernel.image_table: the default machine has no
 * bootmem reservations), never counted in pageTablePages.
 */
import type { Kernel } from '../../../../../src/kernel/kernel.js';

/** include/asm-i386/highmem.h */
const PKMAP_BASE = 0xfe000000;
/** include/asm-i386/fixmap.h: FIXADDR_START lies in the last 2 MiB below FIXADDR_TOP (0xffffe000) on every config vmx assumes. */
const FIXADDR_LOW = 0xffe00000;

/** 4 GiB: an i386 unsigned long address wraps to 0 there. */
const FOUR_G = 2 ** 32;

// fixrange_init (arch/i386/mm/init.c 2.4.22): a pte table for each PMD_SIZE of [start, end) whose pmd is none
// (one_md_table_init: the pgd entry is the pmd on 2-level i386, PAE's pmd pages are boot tables;
// one_page_table_init / alloc_bootmem_low_pages: a zeroed page). end 0 stands for 4 GiB.
function fixrange_init(k: Kernel, start: number, end: number, what: string): void {
  const PMD_SIZE = k.levelSize('pmd');
  for (let vaddr = start; vaddr !== end && vaddr < FOUR_G; vaddr += PMD_SIZE) {
    const pmd = k.pmd_offset(k.pud_offset(k.pgd_offset_k(vaddr), vaddr), vaddr);
    k.image_table('pte', `${what} ${k.hex(vaddr)}`, pmd, vaddr);
  }
}

// pagetable_init (arch/i386/mm/init.c 2.4.22): the fixmap's and the pkmap's part
export function pagetable_init(k: Kernel): void {
  if (k.arch.name === 'x86_64') return;
  const PMD_SIZE = k.levelSize('pmd');
  /* vaddr = __fix_to_virt(__end_of_fixed_addresses - 1) & PMD_MASK; fixrange_init(vaddr, 0, pgd_base); */
  fixrange_init(k, Math.floor(FIXADDR_LOW / PMD_SIZE) * PMD_SIZE, 0, 'fixmap pte table');
  /* permanent_kmaps_init: vaddr = PKMAP_BASE; fixrange_init(vaddr, vaddr + PAGE_SIZE*LAST_PKMAP, pgd_base); */
  const LAST_PKMAP = k.arch.name === 'i386-pae' ? 512 : 1024;
  fixrange_init(k, PKMAP_BASE, PKMAP_BASE + k.PAGE_SIZE * LAST_PKMAP, 'pkmap pte table');
}
