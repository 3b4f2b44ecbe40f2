/**
 * Linux 2.4.31 arch/i386/mm/ioremap.c, step for step (mainline, linux-history tag 2.4.31; the
 * file is 2.4.22's, whose port this one was copied from, but for 2.4.23's mapping size
 * `PAGE_ALIGN(last_addr+1) - phys_addr` in __ioremap): __ioremap and iounmap with the page-table walk
 * remap_area_pages / remap_area_pmd / remap_area_pte that points ptes at the caller's physical
 * frames. bt_ioremap/bt_iounmap (boot-time fixmap mappings) are not modelled.
 *
 * Device memory above RAM has no struct page: its frame numbers go into the ptes as they are.
 * iounmap hands the area to vfree, whose free_area_pte skips frames that are not VALID_PAGE or
 * are PageReserved, so the device frames (and reserved RAM) are never "freed".
 */
import type { Addr } from '../../../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../../src/kernel/kernel.js';
import type { FreeOutcome } from '../../../../../src/contract/version.js';
import { VM_IOREMAP, type vm_struct, type vm_structs } from '../../../include/linux/vmalloc.js';
import { phys_to_virt, virt_to_phys } from '../../../include/asm-i386/io.js';
import { pmd_alloc } from '../../../include/linux/mm.js';
import { _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_PRESENT, _PAGE_RW, mk_pte_flags } from '../../../include/asm-i386/pgtable.js';

const ENOMEM = 12;
/* 2.4's kbuild compiles inside arch/i386/mm, so __FILE__ is the bare name */
const FILE = 'ioremap.c';

/** What ioremap.c calls in mm/vmalloc.c. */
export interface VmallocForIoremap {
  readonly vm: vm_structs;
  get_vm_area(size: number, flags: number): vm_struct;
  vfree(addr: Addr): FreeOutcome;
}

export interface Ioremap2431 {
  __ioremap(phys_addr: number, size: number, flags: number): Addr;
  iounmap(addr: Addr): FreeOutcome;
}

export function boot(k: Kernel, mm: VmallocForIoremap): Ioremap2431 {
  const PAGE_SIZE = k.PAGE_SIZE;
  const PGDIR_SIZE = k.levelSize('pgd');
  const PMD_SIZE = k.levelSize('pmd');

  // remap_area_pte (arch/i386/mm/ioremap.c 2.4.31)
  const remap_area_pte = k.traced('remap_area_pte', (pte: EntryPtr, address: Addr, size: number, phys_addr: number, flags: number): void => {
    // __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | flags), as mk_pte_phys puts it in each pte
    const pteflags = mk_pte_flags(_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | flags);
    address = address % PMD_SIZE;
    let end = k.ulong(address + size);
    if (end > PMD_SIZE) end = PMD_SIZE;
    if (address >= end) k.BUG(25, FILE);
    do {
      if (!k.pte_none(k.pte_val(pte))) {
        k.printk('remap_area_pte: page already exists');
        k.BUG(29, FILE);
      }
      // set_pte(pte, mk_pte_phys(phys_addr, __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY |
      //         _PAGE_ACCESSED | flags)))
      k.set_pte(pte, Math.floor(phys_addr / PAGE_SIZE), pteflags);
      address += PAGE_SIZE;
      phys_addr = k.ulong(phys_addr + PAGE_SIZE);
      pte++;
    } while (address && address < end);
  });

  // remap_area_pmd (arch/i386/mm/ioremap.c 2.4.31)
  const remap_area_pmd = k.traced('remap_area_pmd', (pmd: EntryPtr, address: Addr, size: number, phys_addr: number, flags: number): number => {
    address = address % PGDIR_SIZE;
    let end = k.ulong(address + size);
    if (end > PGDIR_SIZE) end = PGDIR_SIZE;
    phys_addr = k.ulong(phys_addr - address);
    if (address >= end) k.BUG(50, FILE);
    do {
      const pte = k.pte_alloc(pmd, address);
      if (pte < 0) return -ENOMEM;
      remap_area_pte(pte, address, k.ulong(end - address), k.ulong(address + phys_addr), flags);
      address = k.levelFloor(address + PMD_SIZE, PMD_SIZE);
      pmd++;
    } while (address && address < end);
    return 0;
  });

  // remap_area_pages (arch/i386/mm/ioremap.c 2.4.31)
  const remap_area_pages = k.traced('remap_area_pages', (address: Addr, phys_addr: number, size: number, flags: number): number => {
    let error: number;
    const end = k.ulong(address + size);
    phys_addr = k.ulong(phys_addr - address);
    let dir = k.pgd_offset_k(address); /* pgd_offset(&init_mm, address) */
    k.flush_cache_all();
    if (address >= end) k.BUG(73, FILE);
    k.spin_lock(k.init_mm.page_table_lock);
    do {
      const pmd = pmd_alloc(k, dir, address); /* pmd_alloc(&init_mm, dir, address) */
      error = -ENOMEM;
      if (pmd < 0) break;
      if (remap_area_pmd(pmd, address, k.ulong(end - address), k.ulong(phys_addr + address), flags)) break;
      error = 0;
      address = k.ulong(k.levelFloor(address + PGDIR_SIZE, PGDIR_SIZE));
      dir++;
    } while (address && address < end);
    k.spin_unlock(k.init_mm.page_table_lock);
    k.flush_tlb_all();
    return error;
  });

  /*
   * Remap an arbitrary physical address space into the kernel virtual address space. Needed
   * when the kernel wants to access high addresses directly. Non-page-aligned mappings are
   * allowed: they become an offset into a page-aligned mapping.
   */
  // __ioremap (arch/i386/mm/ioremap.c 2.4.31)
  const __ioremap = k.traced('__ioremap', (phys_addr: number, size: number, flags: number): Addr => {
    /* Don't allow wraparound or zero size */
    const last_addr = k.ulong(phys_addr + size - 1);
    if (!size || last_addr < phys_addr) return 0;

    /* Don't remap the low PCI/ISA area, it's always mapped.. */
    // SIM: vmx does not model the linear map's ptes, so this address is returned but faults.
    if (phys_addr >= 0xa0000 && last_addr < 0x100000) return phys_to_virt(k, phys_addr);

    /* Don't allow anybody to remap normal RAM that we're using.. */
    // QUERY: only below high_memory: highmem RAM passes unchecked.
    if (phys_addr < virt_to_phys(k, k.high_memory)) {
      // for (page = virt_to_page(t_addr); page <= virt_to_page(t_end); page++), with
      // t_addr = __va(phys_addr), t_end = t_addr + (size - 1)
      // SIM: frames past the end of RAM have no struct page here and count as not reserved.
      const first = Math.floor(phys_addr / PAGE_SIZE);
      const last = Math.floor(last_addr / PAGE_SIZE);
      for (let page = first; page <= last; page++) if (!k.PageReserved(page)) return 0;
    }

    /* Mappings have to be page-aligned */
    const offset = phys_addr % PAGE_SIZE;
    phys_addr -= offset;
    // 2.4.23: PAGE_ALIGN(last_addr+1) maps the page holding the last byte (2.4.22 left it out
    // when that byte starts a page, and BUG()ed at ioremap.c:73 for a one-byte map there).
    // last_addr + 1 wraps to 0 for a range ending at 4 GiB; the unsigned subtraction then
    // still gives the right size (ioremap(0xfffff000, 0x1000): 0 - 0xfffff000 = 0x1000).
    size = k.ulong(k.PAGE_ALIGN(k.ulong(last_addr + 1)) - phys_addr);

    /* Ok, go for it.. */
    const area = mm.get_vm_area(size, VM_IOREMAP);
    if (!area) return 0;
    const addr = mm.vm.addr[area];
    if (remap_area_pages(addr, phys_addr, size, flags)) {
      mm.vfree(addr);
      return 0;
    }
    return offset + addr;
  });

  // iounmap (arch/i386/mm/ioremap.c 2.4.31)
  const iounmap = k.traced('iounmap', (addr: Addr): FreeOutcome => {
    // Addresses at or below high_memory (the ISA hole's phys_to_virt) are left alone silently.
    if (addr > k.high_memory) return mm.vfree(addr - (addr % PAGE_SIZE));
    return 'ok';
  });

  return { __ioremap, iounmap };
}
