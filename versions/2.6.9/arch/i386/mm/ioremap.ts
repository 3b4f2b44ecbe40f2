/**
 * Linux 2.6.9 arch/i386/mm/ioremap.c, step for step (linux-history tag v2.6.9, blob aee0bb1f):
 * __ioremap, ioremap_nocache and iounmap with the walk remap_area_pages / remap_area_pmd /
 * remap_area_pte, which points ptes at the caller's physical frames. bt_ioremap/bt_iounmap
 * (boot-time fixmap mappings) are not modelled. Compared with 2.4.22's file (which vmx's 2.4.22
 * port follows; the walk is the same C, duplicated here): the mapping size counts the last byte
 * (`PAGE_ALIGN(last_addr+1)`, 2.5.65 f4196e0ee7), the area records phys_addr and a failed remap
 * unwinds with vunmap (2.5.23 c8712aebdb, 2.5.32), ioremap_nocache changes the attributes of
 * the linear map's RAM pages, and iounmap takes the area off vmlist with remove_vm_area (which
 * unmaps it) and kfree's it instead of calling vfree: no frame of an ioremap is ever freed.
 */
import type { Addr } from '../../../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../../src/kernel/kernel.js';
import type { FreeOutcome } from '../../../../../src/contract/version.js';
import { VM_IOREMAP, type vm_struct, type vm_structs } from '../../../include/linux/vmalloc.js';
import type { AsmPgtable } from '../../../include/linux/mm.js';
import { __PAGE_OFFSET } from '../../../include/asm-i386/page.js';
import type { Memory269 } from '../../../mm/memory.js';
import { _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_PRESENT, _PAGE_RW } from '../../../include/asm-i386/pgtable.js';

const ENOMEM = 12;
/* 2.6's kbuild compiles from the top of the tree: __FILE__ is the path */
const FILE = 'arch/i386/mm/ioremap.c';
/* include/asm-i386/pgtable.h */
export const _PAGE_PCD = 0x010;

/** What ioremap.c calls in mm/vmalloc.c. */
export interface VmallocForIoremap {
  readonly vm: vm_structs;
  get_vm_area(size: number, flags: number): vm_struct;
  remove_vm_area(addr: Addr): vm_struct;
  vunmap(addr: Addr): FreeOutcome;
}

export interface Ioremap269 {
  __ioremap(phys_addr: number, size: number, flags: number): Addr;
  ioremap(phys_addr: number, size: number): Addr;
  ioremap_nocache(phys_addr: number, size: number): Addr;
  iounmap(addr: Addr): FreeOutcome;
}

export function boot(k: Kernel, mm: VmallocForIoremap, pg: AsmPgtable, mem: Memory269, high_memory: Addr): Ioremap269 {
  const PAGE_SIZE = k.PAGE_SIZE;
  const PGDIR_SIZE = pg.PGDIR_SIZE;
  const PMD_SIZE = pg.PMD_SIZE;
  /* include/asm-i386/io.h: virt_to_phys = __pa, phys_to_virt = __va */
  const virt_to_phys = (address: Addr): number => address - __PAGE_OFFSET;
  const phys_to_virt = (address: number): Addr => k.ulong(address + __PAGE_OFFSET);

  // remap_area_pte (arch/i386/mm/ioremap.c 2.6.9)
  const remap_area_pte = k.traced('remap_area_pte', (pte: EntryPtr, address: Addr, size: number, phys_addr: number, flags: number): void => {
    // pfn_pte(pfn, __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | flags))'s flag bits
    const pteflags = pg.pfn_pte_flags(_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | BigInt(flags));
    address = address % PMD_SIZE;
    let end = address + size;
    if (end > PMD_SIZE) end = PMD_SIZE;
    if (address >= end) k.BUG(31, FILE);
    let pfn = Math.floor(phys_addr / PAGE_SIZE);
    do {
      if (!k.pte_none(k.pte_val(pte))) {
        k.printk('remap_area_pte: page already exists');
        k.BUG(36, FILE);
      }
      // set_pte(pte, pfn_pte(pfn, __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | flags)))
      k.set_pte(pte, pfn, pteflags);
      address += PAGE_SIZE;
      pfn++;
      pte++;
    } while (address && address < end);
  });

  // remap_area_pmd (arch/i386/mm/ioremap.c 2.6.9)
  const remap_area_pmd = k.traced('remap_area_pmd', (pmd: EntryPtr, address: Addr, size: number, phys_addr: number, flags: number): number => {
    address = address % PGDIR_SIZE;
    let end = address + size;
    if (end > PGDIR_SIZE) end = PGDIR_SIZE;
    phys_addr = k.ulong(phys_addr - address);
    if (address >= end) k.BUG(57, FILE);
    do {
      // pte_alloc_kernel(&init_mm, pmd, address) with the masked address (only rmap cares)
      const pte = mem.pte_alloc_kernel(pmd, address);
      if (pte < 0) return -ENOMEM;
      remap_area_pte(pte, address, end - address, k.ulong(address + phys_addr), flags);
      address = k.levelFloor(address + PMD_SIZE, PMD_SIZE);
      pmd++;
    } while (address && address < end);
    return 0;
  });

  // remap_area_pages (arch/i386/mm/ioremap.c 2.6.9)
  const remap_area_pages = k.traced('remap_area_pages', (address: Addr, phys_addr: number, size: number, flags: number): number => {
    let error: number;
    const end = k.ulong(address + size);

    phys_addr = k.ulong(phys_addr - address);
    let dir = pg.pgd_offset_k(address); /* pgd_offset(&init_mm, address) */
    k.flush_cache_all();
    if (address >= end) k.BUG(80, FILE);
    k.spin_lock(k.init_mm.page_table_lock);
    do {
      const pmd = mem.pmd_alloc(dir, address);
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
  // __ioremap (arch/i386/mm/ioremap.c 2.6.9)
  const __ioremap = k.traced('__ioremap', (phys_addr: number, size: number, flags: number): Addr => {
    /* Don't allow wraparound or zero size */
    const last_addr = k.ulong(phys_addr + size - 1);
    if (!size || last_addr < phys_addr) return 0;

    /* Don't remap the low PCI/ISA area, it's always mapped.. */
    // SIM: vmx does not model the linear map's ptes, so this address is returned but faults.
    if (phys_addr >= 0xa0000 && last_addr < 0x100000) return phys_to_virt(phys_addr);

    /* Don't allow anybody to remap normal RAM that we're using.. */
    // QUERY: only below high_memory: highmem RAM passes unchecked.
    if (phys_addr < virt_to_phys(high_memory)) {
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
    size = k.ulong(k.PAGE_ALIGN(k.ulong(last_addr + 1)) - phys_addr);

    /* Ok, go for it.. */
    const area = mm.get_vm_area(size, VM_IOREMAP);
    if (!area) return 0;
    mm.vm.phys_addr[area] = phys_addr;
    const addr = mm.vm.addr[area];
    if (remap_area_pages(addr, phys_addr, size, flags)) {
      mm.vunmap(addr);
      return 0;
    }
    return offset + addr;
  });

  /** ioremap(offset, size) = __ioremap(offset, size, 0) (include/asm-i386/io.h). */
  const ioremap = (phys_addr: number, size: number): Addr => __ioremap(phys_addr, size, 0);

  // ioremap_nocache (arch/i386/mm/ioremap.c 2.6.9)
  const ioremap_nocache = k.traced('ioremap_nocache', (phys_addr: number, size: number): Addr => {
    const p = __ioremap(phys_addr, size, _PAGE_PCD);
    if (!p) return p;

    /* Guaranteed to be > phys_addr, as per __ioremap() */
    const last_addr = k.ulong(phys_addr + size - 1);

    if (last_addr < virt_to_phys(high_memory)) {
      // change_page_attr(virt_to_page(__va(phys_addr)), npages, PAGE_KERNEL_NOCACHE) cannot fail
      // for these (reserved, lowmem) pages; global_flush_tlb() flushes every CPU's TLB.
      // SIM: page attributes are not modelled (no large-page split of the linear map).
      k.flush_tlb_all(); /* global_flush_tlb() */
    }

    return p;
  });

  // iounmap (arch/i386/mm/ioremap.c 2.6.9)
  const iounmap = k.traced('iounmap', (addr: Addr): FreeOutcome => {
    if (addr <= high_memory) return 'ok';
    const p = mm.remove_vm_area(addr - (addr % PAGE_SIZE));
    if (!p) {
      k.printk(`__iounmap: bad address ${k.p(addr)}`);
      return 'nonexistent';
    }

    // QUERY: `p->flags` is never 0, so any area below high_memory's physical end gets its
    // attributes reset, a vmalloc area (phys_addr 0) too; iounmap of a vmalloc'ed address
    // takes the area off vmlist and kfree's it, leaking its pages and pages array.
    if (mm.vm.flags[p] && mm.vm.phys_addr[p] < virt_to_phys(high_memory)) {
      /* change_page_attr(virt_to_page(__va(p->phys_addr)), p->size >> PAGE_SHIFT, PAGE_KERNEL); */
      k.flush_tlb_all(); /* global_flush_tlb() */
    }
    k.kfree(mm.vm.self[p]);
    return 'ok';
  });

  return { __ioremap, ioremap, ioremap_nocache, iounmap };
}
