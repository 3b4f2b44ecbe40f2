/**
 * Linux 2.6.27 mm/memory.c (commit 3fa8749e584b): apply_to_page_range and its level walkers, as alloc_vm_area uses
 * them on init_mm (pte_alloc_kernel, no pte lock). Only the page-table building is modelled;
 * the callback gets the pte pointer.
 */
import type { Addr } from '../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../src/kernel/kernel.js';
import type { Kernel } from '../../../src/kernel/kernel.js';

const ENOMEM = 12;

export type pte_fn_t = (pte: EntryPtr, addr: Addr) => number;

/** {pgd,pud,pmd}_addr_end: the next table boundary, or end if that comes first. */
export function addr_end(k: Kernel, addr: Addr, end: Addr, size: number): Addr {
  const boundary = k.ulong(k.levelFloor(addr + size, size));
  return k.ulong(boundary - 1) < k.ulong(end - 1) ? boundary : end;
}

export function bootMemory(k: Kernel) {
  const PAGE_SIZE = k.PAGE_SIZE;
  const PGDIR_SIZE = k.levelSize('pgd');
  const PUD_SIZE = k.levelSize('pud');
  const PMD_SIZE = k.levelSize('pmd');

  // apply_to_pte_range (mm/memory.c 2.6.27)
  const apply_to_pte_range = k.traced('apply_to_pte_range', (pmd: EntryPtr, addr: Addr, end: Addr, fn: pte_fn_t): number => {
    let err = 0;
    let pte = k.pte_alloc(pmd, addr); /* pte_alloc_kernel(pmd, addr) */
    if (pte < 0) return -ENOMEM;
    /* BUG_ON(pmd_huge(*pmd)): the simulator maps no huge pages */
    do {
      err = fn(pte++, addr);
      if (err) break;
    } while (((addr = k.ulong(addr + PAGE_SIZE)), addr !== end));
    return err;
  });

  // apply_to_pmd_range (mm/memory.c 2.6.27)
  const apply_to_pmd_range = k.traced('apply_to_pmd_range', (pud: EntryPtr, addr: Addr, end: Addr, fn: pte_fn_t): number => {
    let err = 0;
    /* BUG_ON(pud_huge(*pud)): the simulator maps no huge pages */
    let pmd = k.pmd_alloc(pud, addr);
    if (pmd < 0) return -ENOMEM;
    do {
      const next = addr_end(k, addr, end, PMD_SIZE);
      err = apply_to_pte_range(pmd, addr, next, fn);
      if (err) break;
      pmd++; /* folded levels: next === end, so the loop runs once */
      addr = next;
    } while (addr !== end);
    return err;
  });

  // apply_to_pud_range (mm/memory.c 2.6.27)
  const apply_to_pud_range = k.traced('apply_to_pud_range', (pgd: EntryPtr, addr: Addr, end: Addr, fn: pte_fn_t): number => {
    let err = 0;
    let pud = k.pud_alloc(pgd, addr);
    if (pud < 0) return -ENOMEM;
    do {
      const next = addr_end(k, addr, end, PUD_SIZE);
      err = apply_to_pmd_range(pud, addr, next, fn);
      if (err) break;
      pud++;
      addr = next;
    } while (addr !== end);
    return err;
  });

  // apply_to_page_range (mm/memory.c 2.6.27), for &init_mm (mmu_notifier_invalidate_range_start/end: none registered)
  const apply_to_page_range = k.traced('apply_to_page_range', (addr: Addr, size: number, fn: pte_fn_t): number => {
    const end = k.ulong(addr + size);
    let err = 0;
    k.BUG_ON(addr >= end, 1666, 'mm/memory.c');
    let pgd = k.pgd_offset_k(addr);
    do {
      const next = addr_end(k, addr, end, PGDIR_SIZE);
      err = apply_to_pud_range(pgd, addr, next, fn);
      if (err) break;
      pgd++;
      addr = next;
    } while (addr !== end);
    return err;
  });

  return { apply_to_page_range };
}
