/**
 * Linux 2.6.32 arch/x86/mm/init_64.c: the direct mapping of all physical memory at __PAGE_OFFSET 0xffff880000000000
 * (x86_64) that init_memory_mapping (arch/x86/mm/init.c) builds at boot before vmalloc runs, over head_64.S's
 * level3_ident_pgt / level2_ident_pgt (its first GiB in 2 MiB pages, __PAGE_KERNEL_LARGE_EXEC,
 * arch/x86/kernel/head_64.ts). For [0, max_pfn << PAGE_SHIFT) (one e820 RAM range from 0):
 * 2 MiB pages up to end & PMD_MASK (cpu_has_pse; no 1 GiB pages: direct_gbpages needs
 * cpu_has_gbpages, which the default CPU, an Athlon 64, lacks), the rest in 4 KiB ptes.
 * phys_pud_init takes a new pmd page (alloc_low_page) for each GiB past the first, phys_pmd_init
 * keeps head_64.S's large pmds below end, clears the rest of the pmd page past end, and sets
 * pfn_pte(pfn, PAGE_KERNEL_LARGE) (_PAGE_NX with NX) for the new ones; the tail gets a pte table of
 * pfn_pte(pfn, PAGE_KERNEL) up to end. The tables are bootmem pages outside the machine's RAM
 * (Kernel.image_table), never counted.
 */
import { pte_flags_val, type Kernel } from '../../../../../src/kernel/kernel.js';
import { pgprot } from '../include/asm/pgtable_types.js';

/** _PAGE_PSE (arch/x86/include/asm/pgtable_types.h, _PAGE_BIT_PSE 7). */
const _PAGE_PSE = 0x080n;
/** __PAGE_OFFSET (page_64.h / page_64_types.h). */
const PAGE_OFFSET = '0xffff880000000000';

// phys_pte_init (arch/x86/mm/init_64.c 2.6.32): ptes of [addr, end) in a new pte table, the rest of it cleared
function phys_pte_init(k: Kernel, pmd: number, vaddr: number, addr: number, end: number, flags: number): void {
  const PAGE_SIZE = k.PAGE_SIZE;
  const PTRS_PER_PTE = k.PTRS_PER_PTE;
  for (let i = Math.floor(addr / PAGE_SIZE) % PTRS_PER_PTE; i < PTRS_PER_PTE; i++, addr += PAGE_SIZE, vaddr += PAGE_SIZE) {
    if (addr >= end) break; /* the rest: set_pte(pte, __pte(0)), a fresh table's entries already */
    k.pte_store(k.pte_offset(pmd, vaddr), addr / PAGE_SIZE, flags); /* set_pte(pte, pfn_pte(addr >> PAGE_SHIFT, prot)) */
  }
}

// phys_pmd_init (arch/x86/mm/init_64.c 2.6.32): the pmds of [address, end) within one pmd page
function phys_pmd_init(k: Kernel, pud: number, address: number, end: number, use_2m: boolean): void {
  const PMD_SIZE = k.levelSize('pmd');
  const PTRS_PER_PMD = k.levelSize('pud') / PMD_SIZE;
  const base = k.constAddr(PAGE_OFFSET);
  const pp = pgprot(k);
  for (let i = Math.floor(address / PMD_SIZE) % PTRS_PER_PMD; i < PTRS_PER_PMD; i++, address += PMD_SIZE) {
    const vaddr = base + address;
    const pmd = k.pmd_offset(pud, vaddr);
    if (address >= end) {
      /* if (!after_bootmem) for (; i < PTRS_PER_PMD; i++, pmd++) set_pmd(pmd, __pmd(0)); */
      for (let j = i; j < PTRS_PER_PMD; j++) k.pmd_clear(k.pmd_offset(pud, base + address + (j - i) * PMD_SIZE));
      break;
    }
    let new_flags = pp.pfn_pte_flags(pp.PAGE_KERNEL);
    if (!k.pmd_none(pmd)) {
      if (!k.pmd_large(pmd)) continue; /* phys_pte_update of a table set up before: not reached at boot */
        if (use_2m) continue; /* "we will use the existing mapping" */
        // a 4 KiB range over a large pmd: split it with the same protection bits but _PAGE_PSE
        new_flags = pp.pfn_pte_flags(pte_flags_val(k.pte_flags_at(pmd) & ~0x80)); /* pte_pgprot(pte_clrhuge(*(pte_t *)pmd)) */
    }
    if (use_2m) {
      /* set_pte((pte_t *)pmd, pfn_pte(address >> PAGE_SHIFT, PAGE_KERNEL_LARGE)) */
      k.set_pmd_large(pmd, address / k.PAGE_SIZE, pp.pfn_pte_flags(pp.PAGE_KERNEL | _PAGE_PSE));
      continue;
    }
    /* pte = alloc_low_page(&pte_phys); phys_pte_init(pte, ...); pmd_populate_kernel(&init_mm, pmd, __va(pte_phys)):
     * a new table, replacing a large pmd being split */
    if (k.pmd_large(pmd)) k.pmd_clear(pmd);
    k.image_table('pte', `direct map pte table ${k.hex(vaddr)}`, pmd, vaddr);
    phys_pte_init(k, pmd, vaddr, address, end, new_flags);
  }
}

// kernel_physical_mapping_init / phys_pud_init (arch/x86/mm/init_64.c 2.6.32): [start, end) of RAM, one pud (1 GiB) at a time
function kernel_physical_mapping_init(k: Kernel, start: number, end: number, use_2m: boolean): void {
  const PUD_SIZE = k.levelSize('pud');
  const base = k.constAddr(PAGE_OFFSET);
  for (let addr = start; addr < end; addr = Math.floor(addr / PUD_SIZE) * PUD_SIZE + PUD_SIZE) {
    const vaddr = base + addr;
    /* pgd = pgd_offset_k(start): init_level4_pgt[272], head_64.S's level3_ident_pgt */
    const pud = k.pud_offset(k.pgd_offset_k(vaddr), vaddr);
    /* pud present (level2_ident_pgt): phys_pmd_update; else pmd = alloc_low_page(), pud_populate */
    if (k.pud_none(pud)) k.image_table('pmd', `direct map pmd page ${k.hex(vaddr)}`, pud, vaddr);
    phys_pmd_init(k, pud, addr, end, use_2m);
  }
}

// init_memory_mapping (arch/x86/mm/init.c 2.6.32) for [0, max_pfn << PAGE_SHIFT), x86_64: 2 MiB range, 4 KiB tail
export function init_memory_mapping(k: Kernel): void {
  if (k.arch.name !== 'x86_64') return;
  const PMD_SIZE = k.levelSize('pmd');
  const end = k.max_pfn * k.PAGE_SIZE;
  const big = Math.floor(end / PMD_SIZE) * PMD_SIZE;
  if (!k.cpu_has_pse) {
    /* page_size_mask 0: every save_mr'ed range has mask 0, and the merge loop joins them into one [0, end) */
    kernel_physical_mapping_init(k, 0, end, false);
    return;
  }
  if (big > 0) kernel_physical_mapping_init(k, 0, big, true);
  if (big < end) kernel_physical_mapping_init(k, big, end, false);
}
