/**
 * Linux 2.4.0 arch/i386/mm/init.c: the slow path of the kernel pte-table allocation
 * (get_pte_kernel_slow) and the table it falls back to when the page allocator says no
 * (get_bad_pte_table: head.S's empty_bad_pte_table, every entry mapping empty_bad_page).
 * 2.4.3 replaced both with mm/memory.c's pte_alloc, which returns NULL and links nothing.
 */
import type { EntryPtr } from '../../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../../src/kernel/kernel.js';
import { PAGE_KERNEL, PAGE_SHARED, _PAGE_GLOBAL, _PAGE_PSE, mk_pte_flags, pte_mkdirty } from '../../../include/asm-i386/pgtable.js';

export interface Init240 {
  get_pte_kernel_slow(pmd: EntryPtr, offset: number): EntryPtr;
  __handle_bad_pmd_kernel(pmd: EntryPtr): void;
}

export function boot(k: Kernel): Init240 {
  // get_bad_pte_table (arch/i386/mm/init.c 2.4.0)
  const get_bad_pte_table = k.traced('get_bad_pte_table', (): number => {
    const empty_bad_pte_table = k.image_pte_table();
    // v = pte_mkdirty(mk_pte_phys(__pa(empty_bad_page), PAGE_SHARED));
    // SIM: empty_bad_page (a page of the kernel image, PageReserved) is the frame max_mapnr
    // here, outside mem_map, as in the reference oracle: VALID_PAGE() is false for it, so
    // free_area_pte never frees it either way. Its ptes count as present (pagesMapped).
    const empty_bad_page = k.num_physpages;
    const n = k.PTRS_PER_PTE; /* PAGE_SIZE/sizeof(pte_t) */
    const v = mk_pte_flags(pte_mkdirty(PAGE_SHARED)); /* 0x067: P RW US A D */
    for (let i = 0; i < n; i++) k.pte_store(k.pte_table_entry(empty_bad_pte_table, i), empty_bad_page, v);
    return empty_bad_pte_table;
  });

  // get_pte_kernel_slow (arch/i386/mm/init.c 2.4.0)
  const get_pte_kernel_slow = k.traced('get_pte_kernel_slow', (pmd: EntryPtr, offset: number): EntryPtr => {
    const pte = k.pte_page_alloc('__get_free_page'); /* __get_free_page(GFP_KERNEL) */
    if (k.pmd_none(pmd)) {
      if (pte >= 0) {
        /* clear_page(pte): the page comes zeroed from pte_page_alloc */
        k.set_pmd(pmd, pte); /* set_pmd(pmd, __pmd(_KERNPG_TABLE + __pa(pte))) */
        return k.pte_table_entry(pte, offset);
      }
      // QUERY: on failure the pmd is pointed at the shared empty_bad_pte_table and stays so:
      // the caller gets NULL, but every later lookup in this pmd's range finds a "present"
      // table whose entries all map empty_bad_page (each get_bad_pte_table call refills it,
      // the vfree of the failed area clears only the area's own entries), so the next vmalloc
      // there prints "alloc_area_pte: page already exists" for each of them and an ioremap
      // there BUGs in remap_area_pte.
      k.set_pmd(pmd, get_bad_pte_table());
      return -1;
    }
    // SIM: not reached with one thread of control (pte_alloc_kernel has just seen pmd_none and
    // nothing else runs), so the free_page(pte) / pmd_bad / pmd_page branch is not modelled.
    return k.pte_offset(pmd, offset * k.PAGE_SIZE);
  });

  // __handle_bad_pmd_kernel (arch/i386/mm/init.c 2.4.0): the bad pmd (lowmem's PSE entry) is reported and pointed at the bad table
  const __handle_bad_pmd_kernel = k.traced('__handle_bad_pmd_kernel', (pmd: EntryPtr): void => {
    k.printk(k.pmd_ERROR_text(pmd, 'init.c', 110)); /* pmd_ERROR(*pmd): arch/i386/mm/init.c line 110 */
    k.set_pmd(pmd, get_bad_pte_table()); /* set_pmd(pmd, __pmd(_KERNPG_TABLE + __pa(get_bad_pte_table()))) */
  });

  return { get_pte_kernel_slow, __handle_bad_pmd_kernel };
}

/*
 * pagetable_init: the kernel page tables it sets up (fixrange_init of the fixmap, permanent_kmaps_init of the pkmap) before vmalloc runs, as far as a vmalloc-layer walk can reach them (i386, i386-pae):
 * a pte table per PMD_SIZE of the fixmap (from __fix_to_virt(__end_of_fixed_addresses - 1) &
 * PMD_MASK up to 4 GiB) and of the pkmap area (PKMAP_BASE, LAST_PKMAP pages: 1024, PAE 512), so a
 * walk there (a window given over them; here the default window itself, whose end FIXADDR_START 0xfffb5000 lies above PKMAP_BASE) finds them and allocates nothing.
 *
 * and, first, the linear map of lowmem: from PAGE_OFFSET while the pmd's address is below
 * end = __va(max_low_pfn * PAGE_SIZE) (high_memory), with cpu_has_pse a large pmd
 * `_KERNPG_TABLE + _PAGE_PSE + __pa(vaddr)` (+ _PAGE_GLOBAL with cpu_has_pge): 4 MiB pages, PAE
 * 2 MiB pages in the kernel slot's boot pmd page, the last one reaching past end; without PSE a
 * bootmem pte table per pmd, its ptes mk_pte_phys(__pa(vaddr), PAGE_KERNEL) up to end.
 * The fixmap's entries (set_fixmap of the APIC, IO-APIC, vsyscall pages) are left none. The
 * tables are frames outside the machine's RAM (Kernel.image_table: the default machine has no
 * bootmem reservations), never counted in pageTablePages.
 */
/** include/asm-i386/highmem.h */
const PKMAP_BASE = 0xfe000000;
/** include/asm-i386/fixmap.h: FIXADDR_START lies in the last 2 MiB below FIXADDR_TOP (0xffffe000) on every config vmx assumes. */
const FIXADDR_LOW = 0xffe00000;

/** 4 GiB: an i386 unsigned long address wraps to 0 there. */
const FOUR_G = 2 ** 32;

// fixrange_init (arch/i386/mm/init.c 2.4.0): a pte table for each PMD_SIZE of [start, end) whose pmd is none
// (one_md_table_init: the pgd entry is the pmd on 2-level i386, PAE's pmd pages are boot tables;
// one_page_table_init / alloc_bootmem_low_pages: a zeroed page). end 0 stands for 4 GiB.
function fixrange_init(k: Kernel, start: number, end: number, what: string): void {
  const PMD_SIZE = k.levelSize('pmd');
  for (let vaddr = start; vaddr !== end && vaddr < FOUR_G; vaddr += PMD_SIZE) {
    const pmd = k.pmd_offset(k.pud_offset(k.pgd_offset_k(vaddr), vaddr), vaddr);
    k.image_table('pte', `${what} ${k.hex(vaddr)}`, pmd, vaddr);
  }
}

/** _KERNPG_TABLE = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY (include/asm-i386/pgtable.h). */
const _KERNPG_TABLE = 0x063;

// pagetable_init (arch/i386/mm/init.c 2.4.0): the linear map of lowmem, its first loop
function lowmem_init(k: Kernel): void {
  const PAGE_OFFSET = k.arch.pageOffset;
  const PGDIR_SIZE = k.levelSize('pgd');
  const PMD_SIZE = k.levelSize('pmd');
  const PTRS_PER_PGD = k.arch.levels[0].entries;
  const PTRS_PER_PMD = PGDIR_SIZE / PMD_SIZE;
  const PTRS_PER_PTE = k.PTRS_PER_PTE;
  const PAGE_SIZE = k.PAGE_SIZE;
  /* end = (unsigned long)__va(max_low_pfn*PAGE_SIZE); */
  const end = k.high_memory;
  for (let i = PAGE_OFFSET / PGDIR_SIZE; i < PTRS_PER_PGD; i++) {
    let vaddr = i * PGDIR_SIZE;
    if (end && vaddr >= end) break;
    /* PAE: pmd = alloc_bootmem_low_pages(PAGE_SIZE); set_pgd(pgd, __pgd(__pa(pmd) + 0x1)): the machine's boot pmd of the slot */
    const pgd = k.pgd_offset_k(vaddr);
    for (let j = 0; j < PTRS_PER_PMD; j++) {
      vaddr = i * PGDIR_SIZE + j * PMD_SIZE;
      if (end && vaddr >= end) break;
      const pmd = k.pmd_offset(k.pud_offset(pgd, vaddr), vaddr);
      if (k.cpu_has_pse) {
        /* __pe = _KERNPG_TABLE + _PAGE_PSE + __pa(vaddr); if (cpu_has_pge) __pe += _PAGE_GLOBAL; set_pmd(pmd, __pmd(__pe)); */
        const pe = _KERNPG_TABLE + _PAGE_PSE + (k.cpu_has_pge ? _PAGE_GLOBAL : 0);
        k.set_pmd_large(pmd, (vaddr - PAGE_OFFSET) / PAGE_SIZE, mk_pte_flags(pe));
        continue;
      }
      /* pte_base = pte = (pte_t *) alloc_bootmem_low_pages(PAGE_SIZE); ... set_pmd(pmd, __pmd(_KERNPG_TABLE + __pa(pte_base))); */
      k.image_table('pte', `lowmem pte table ${k.hex(vaddr)}`, pmd, vaddr);
      const prot = mk_pte_flags(PAGE_KERNEL(k));
      for (let kk = 0; kk < PTRS_PER_PTE; kk++) {
        vaddr = i * PGDIR_SIZE + j * PMD_SIZE + kk * PAGE_SIZE;
        if (end && vaddr >= end) break;
        /* *pte = mk_pte_phys(__pa(vaddr), PAGE_KERNEL); */
        k.pte_store(k.pte_offset(pmd, vaddr), (vaddr - PAGE_OFFSET) / PAGE_SIZE, prot);
      }
    }
  }
}

// pagetable_init (arch/i386/mm/init.c 2.4.0): the linear map of lowmem, then the fixmap's and the pkmap's part
export function pagetable_init(k: Kernel): void {
  if (k.arch.name === 'x86_64') return;
  lowmem_init(k);
  const PMD_SIZE = k.levelSize('pmd');
  /* vaddr = __fix_to_virt(__end_of_fixed_addresses - 1) & PMD_MASK; fixrange_init(vaddr, 0, pgd_base); */
  fixrange_init(k, Math.floor(FIXADDR_LOW / PMD_SIZE) * PMD_SIZE, 0, 'fixmap pte table');
  /* permanent_kmaps_init: vaddr = PKMAP_BASE; fixrange_init(vaddr, vaddr + PAGE_SIZE*LAST_PKMAP, pgd_base); */
  const LAST_PKMAP = k.arch.name === 'i386-pae' ? 512 : 1024;
  fixrange_init(k, PKMAP_BASE, PKMAP_BASE + k.PAGE_SIZE * LAST_PKMAP, 'pkmap pte table');
}
