/**
 * Linux 2.6.9 arch/x86_64/mm/ioremap.c, step for step (linux-history tag v2.6.9, blob 9fc032b9),
 * with include/asm-x86_64/io.h (d5a21406: `ioremap(offset, size)` = `__ioremap(offset, size, 0)`,
 * virt_to_phys = __pa, phys_to_virt = __va) and what arch/x86_64/mm/pageattr.c (61b73dac)
 * shows a vmalloc-layer user. The file is the i386 one of 2.6.9 with these differences, each
 * followed here: the ptes carry _PAGE_GLOBAL (P|RW|G|D|A|flags = 0x163, nocache 0x173, never NX);
 * ioremap_nocache changes the attributes only when `phys_addr + size < virt_to_phys(high_memory)`
 * (i386: `last_addr <`), checks two BUG_ONs and, when change_page_attr fails, iounmaps and returns
 * NULL; global_flush_tlb is x86_64's (no full flush: see below); the BUG lines are the file's own
 * (32, 37, 58, 81, 202, 203). The direct map is 2.6.9's __PAGE_OFFSET 1 << 40, in the user half:
 * the ISA hole's address is 0x100000a0000 and high_memory 0x10000000000 + RAM, which every
 * vmalloc-window address lies above, so iounmap's `addr <= high_memory` passes them.
 *
 * Configuration: flat memory (CONFIG_DISCONTIGMEM off; the x86_64 defconfig's K8_NUMA turns it
 * on, and with it __ioremap's RAM check is compiled out: see NOTES.md). The remap_area_* walk
 * is the i386 file's C (duplicated here) over the version's 3-level generic view of the tables
 * (include/asm-x86_64/pgtable.ts): pmd pages come from __pmd_alloc under boot_vmalloc_pgt.
 */
import type { Addr } from '../../../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../../src/kernel/kernel.js';
import type { FreeOutcome } from '../../../../../src/contract/version.js';
import { VM_IOREMAP } from '../../../include/linux/vmalloc.js';
import type { AsmPgtable } from '../../../include/linux/mm.js';
import type { Memory269 } from '../../../mm/memory.js';
import type { Ioremap269, VmallocForIoremap } from '../../i386/mm/ioremap.js';
import { _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_GLOBAL, _PAGE_PCD, _PAGE_PRESENT, _PAGE_RW } from '../../../include/asm-x86_64/pgtable.js';
import { __pa, __va, high_memory as x86_64_high_memory, ulong_le } from '../../../include/asm-x86_64/page.js';

const ENOMEM = 12;
/* 2.6's kbuild compiles from the top of the tree: __FILE__ is the path */
const FILE = 'arch/x86_64/mm/ioremap.c';

export function boot(k: Kernel, mm: VmallocForIoremap, pg: AsmPgtable, mem: Memory269): Ioremap269 {
  const PAGE_SIZE = k.PAGE_SIZE;
  const PGDIR_SIZE = pg.PGDIR_SIZE;
  const PMD_SIZE = pg.PMD_SIZE;
  const high_memory = x86_64_high_memory(k);
  /* include/asm-x86_64/io.h */
  const virt_to_phys = (address: Addr): number => __pa(k, address);
  const phys_to_virt = (address: number): Addr => __va(address);

  // remap_area_pte (arch/x86_64/mm/ioremap.c 2.6.9)
  const remap_area_pte = k.traced('remap_area_pte', (pte: EntryPtr, address: Addr, size: number, phys_addr: number, flags: number): void => {
    // pfn_pte(pfn, __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | _PAGE_DIRTY | _PAGE_ACCESSED | flags))'s
    // bits, & __supported_pte_mask (no NX in them either way)
    const pteflags = pg.pfn_pte_flags(_PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | _PAGE_DIRTY | _PAGE_ACCESSED | BigInt(flags));
    address = address % PMD_SIZE; /* address &= ~PMD_MASK */
    let end = address + size;
    if (end > PMD_SIZE) end = PMD_SIZE;
    if (address >= end) k.BUG(32, FILE);
    let pfn = Math.floor(phys_addr / PAGE_SIZE);
    do {
      if (!k.pte_none(k.pte_val(pte))) {
        k.printk('remap_area_pte: page already exists');
        k.BUG(37, FILE);
      }
      k.set_pte(pte, pfn, pteflags);
      address += PAGE_SIZE;
      pfn++;
      pte++;
    } while (address && address < end);
  });

  // remap_area_pmd (arch/x86_64/mm/ioremap.c 2.6.9)
  // The C's `phys_addr -= address` wraps modulo 2^64 and `address + phys_addr` wraps back; here
  // both are exact (possibly negative) numbers, as long as phys_addr stays below 2^53.
  const remap_area_pmd = k.traced('remap_area_pmd', (pmd: EntryPtr, address: Addr, size: number, phys_addr: number, flags: number): number => {
    address = address % PGDIR_SIZE; /* address &= ~PGDIR_MASK */
    let end = address + size;
    if (end > PGDIR_SIZE) end = PGDIR_SIZE;
    phys_addr -= address;
    if (address >= end) k.BUG(58, FILE);
    do {
      const pte = mem.pte_alloc_kernel(pmd, address); /* pte_alloc_kernel(&init_mm, pmd, address) */
      if (pte < 0) return -ENOMEM;
      remap_area_pte(pte, address, end - address, address + phys_addr, flags);
      address = k.levelFloor(address + PMD_SIZE, PMD_SIZE);
      pmd++;
    } while (address && address < end);
    return 0;
  });

  // remap_area_pages (arch/x86_64/mm/ioremap.c 2.6.9)
  const remap_area_pages = k.traced('remap_area_pages', (address: Addr, phys_addr: number, size: number, flags: number): number => {
    let error: number;
    const end = k.ulong(address + size);

    phys_addr -= address; /* biased address: the bias cancels in phys_addr + address below */
    let dir = pg.pgd_offset_k(address);
    k.flush_cache_all();
    if (address >= end) k.BUG(81, FILE);
    k.spin_lock(k.init_mm.page_table_lock);
    do {
      const pmd = mem.pmd_alloc(dir, address); /* pmd_alloc(&init_mm, dir, address) */
      error = -ENOMEM;
      if (pmd < 0) break;
      if (remap_area_pmd(pmd, address, k.ulong(end - address), phys_addr + address, flags)) break;
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
  // __ioremap (arch/x86_64/mm/ioremap.c 2.6.9)
  const __ioremap = k.traced('__ioremap', (phys_addr: number, size: number, flags: number): Addr => {
    /* Don't allow wraparound or zero size: an unsigned long holds every phys + size vmx takes */
    const last_addr = phys_addr + size - 1;
    if (!size || last_addr < phys_addr) return 0;

    /* Don't remap the low PCI/ISA area, it's always mapped.. */
    // SIM: vmx does not model the direct map's ptes: the address is returned, nothing is behind it.
    if (phys_addr >= 0xa0000 && last_addr < 0x100000) return phys_to_virt(phys_addr);

    /* Don't allow anybody to remap normal RAM that we're using.. */
    if (phys_addr < virt_to_phys(high_memory)) {
      // #ifndef CONFIG_DISCONTIGMEM: for (page = virt_to_page(t_addr); page <= virt_to_page(t_end);
      // page++) with t_addr = __va(phys_addr), t_end = t_addr + (size - 1)
      // SIM: frames past the end of RAM have no struct page here and count as not reserved.
      const first = Math.floor(phys_addr / PAGE_SIZE);
      const last = Math.floor(last_addr / PAGE_SIZE);
      for (let page = first; page <= last; page++) if (!k.PageReserved(page)) return 0;
    }

    /* Mappings have to be page-aligned */
    const offset = phys_addr % PAGE_SIZE;
    phys_addr -= offset;
    size = k.PAGE_ALIGN(last_addr + 1) - phys_addr;

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

  /** ioremap(offset, size) = __ioremap(offset, size, 0) (include/asm-x86_64/io.h). */
  const ioremap = (phys_addr: number, size: number): Addr => __ioremap(phys_addr, size, 0);

  /*
   * change_page_attr and global_flush_tlb (arch/x86_64/mm/pageattr.c 2.6.9). SIM: the direct
   * map's 2 MiB pages are not modelled, so change_page_attr succeeds without splitting one: the
   * C allocates a page (alloc_pages(GFP_KERNEL, 0)) for the first 4 KiB attribute change inside
   * a large page, returns -ENOMEM when that fails, and reverts and frees it (a kmalloc'ed
   * deferred_page, freed by global_flush_tlb) when the last changed page goes back to PAGE_KERNEL.
   */
  const change_page_attr = (_page: number, _numpages: number): number => 0;
  // global_flush_tlb (arch/x86_64/mm/pageattr.c 2.6.9): flush_map(df ? df->address : 0), i.e.
  // on_each_cpu(flush_kernel_map): wbinvd and __flush_tlb_one(address) on every CPU, not a full
  // TLB flush (i386's flush_kernel_map is __flush_tlb_all). With no deferred page the address is
  // 0, where vmx's TLBs hold nothing: no TLB entry changes.
  const global_flush_tlb = k.traced('global_flush_tlb', (): void => {});

  // ioremap_nocache (arch/x86_64/mm/ioremap.c 2.6.9)
  const ioremap_nocache = k.traced('ioremap_nocache', (phys_addr: number, size: number): Addr => {
    let p = __ioremap(phys_addr, size, Number(_PAGE_PCD));
    if (!p) return p;

    if (phys_addr + size < virt_to_phys(high_memory)) {
      const ppage = Math.floor(phys_addr / PAGE_SIZE); /* virt_to_page(__va(phys_addr)) */
      const npages = Math.floor((size + PAGE_SIZE - 1) / PAGE_SIZE);

      // (unsigned long)high_memory is 0x10000000000 + RAM: never below phys_addr + size here
      k.BUG_ON(phys_addr + size > -high_memory, 202, FILE);
      k.BUG_ON(phys_addr + size < phys_addr, 203, FILE);

      if (change_page_attr(ppage, npages /* , PAGE_KERNEL_NOCACHE */) < 0) {
        iounmap(p);
        p = 0;
      }
      global_flush_tlb();
    }

    return p;
  });

  // iounmap (arch/x86_64/mm/ioremap.c 2.6.9)
  const iounmap = k.traced('iounmap', (addr: Addr): FreeOutcome => {
    if (ulong_le(addr, high_memory)) return 'ok';
    const p = mm.remove_vm_area(addr - (addr % PAGE_SIZE)); /* PAGE_MASK & addr (also for a negated user-half address) */
    if (!p) {
      k.printk(`__iounmap: bad address ${k.p(addr)}`);
      return 'nonexistent';
    }

    // QUERY: `p->flags` is never 0, so a vmalloc area (phys_addr 0) passes too, as on i386.
    if (mm.vm.flags[p] && mm.vm.phys_addr[p] < virt_to_phys(high_memory)) {
      change_page_attr(mm.vm.phys_addr[p] / PAGE_SIZE, Math.floor(mm.vm.size[p] / PAGE_SIZE) /* , PAGE_KERNEL */);
      global_flush_tlb();
    }
    k.kfree(mm.vm.self[p]);
    return 'ok';
  });

  return { __ioremap, ioremap, ioremap_nocache, iounmap };
}
