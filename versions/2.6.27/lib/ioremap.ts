/**
 * Linux 2.6.27 lib/ioremap.c (the same file as 2.6.32's): ioremap_page_range and its level walkers, pointing ptes at the
 * caller's physical frames (device memory above RAM has no struct page; its frame numbers go
 * into the ptes as they are).
 */
import type { Addr } from '../../../src/kernel/kernel.js';
import type { EntryPtr, pgprotval_t } from '../../../src/kernel/kernel.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { addr_end } from '../mm/memory.js';
import { pgprot } from '../include/asm-x86/pgtable.js';

const ENOMEM = 12;
const FILE = 'lib/ioremap.c';

export function bootIoremapRange(k: Kernel) {
  const { pfn_pte_flags } = pgprot(k);
  const PAGE_SIZE = k.PAGE_SIZE;
  const PGDIR_SIZE = k.levelSize('pgd');
  const PUD_SIZE = k.levelSize('pud');
  const PMD_SIZE = k.levelSize('pmd');

  // ioremap_pte_range (lib/ioremap.c 2.6.27)
  const ioremap_pte_range = (pmd: EntryPtr, addr: Addr, end: Addr, phys_addr: number, prot: pgprotval_t): number => {
    const pteflags = pfn_pte_flags(prot); /* pfn_pte(pfn, prot)'s flag bits: the same for every frame */
    let pfn = Math.floor(phys_addr / PAGE_SIZE);
    let pte = k.pte_alloc(pmd, addr); /* pte_alloc_kernel */
    if (pte < 0) return -ENOMEM;
    do {
      k.BUG_ON(!k.pte_none(k.pte_val(pte)), 26, FILE);
      k.set_pte(pte, pfn, pteflags); /* set_pte_at(&init_mm, addr, pte, pfn_pte(pfn, prot)) */
      pfn++;
      pte++;
      addr = k.ulong(addr + PAGE_SIZE);
    } while (addr !== end);
    return 0;
  };

  // ioremap_pmd_range (lib/ioremap.c 2.6.27)
  const ioremap_pmd_range = (pud: EntryPtr, addr: Addr, end: Addr, phys_addr: number, prot: pgprotval_t): number => {
    phys_addr -= addr;
    let pmd = k.pmd_alloc(pud, addr);
    if (pmd < 0) return -ENOMEM;
    do {
      const next = addr_end(k, addr, end, PMD_SIZE);
      if (ioremap_pte_range(pmd, addr, next, phys_addr + addr, prot)) return -ENOMEM;
      pmd++;
      addr = next;
    } while (addr !== end);
    return 0;
  };

  // ioremap_pud_range (lib/ioremap.c 2.6.27)
  const ioremap_pud_range = (pgd: EntryPtr, addr: Addr, end: Addr, phys_addr: number, prot: pgprotval_t): number => {
    phys_addr -= addr;
    let pud = k.pud_alloc(pgd, addr);
    if (pud < 0) return -ENOMEM;
    do {
      const next = addr_end(k, addr, end, PUD_SIZE);
      if (ioremap_pmd_range(pud, addr, next, phys_addr + addr, prot)) return -ENOMEM;
      pud++;
      addr = next;
    } while (addr !== end);
    return 0;
  };

  /** ioremap_page_range (lib/ioremap.c 2.6.27). phys_addr is an unsigned long (physical, unbiased). */
  const ioremap_page_range = k.traced('ioremap_page_range', (addr: Addr, end: Addr, phys_addr: number, prot: pgprotval_t): number => {
    let err = 0;
    k.BUG_ON(addr >= end, 77, FILE);

    /* start = addr; phys_addr -= addr (kept as an offset: biased addresses are not physical) */
    let pgd = k.pgd_offset_k(addr);
    const base = addr;
    do {
      const next = addr_end(k, addr, end, PGDIR_SIZE);
      err = ioremap_pud_range(pgd, addr, next, phys_addr + (addr - base), prot);
      if (err) break;
      pgd++;
      addr = next;
    } while (addr !== end);

    k.flush_cache_vmap();

    return err;
  });

  return { ioremap_page_range };
}
