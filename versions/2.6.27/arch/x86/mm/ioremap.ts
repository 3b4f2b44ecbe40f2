/**
 * Linux 2.6.27 arch/x86/mm/ioremap.c: __ioremap_caller, ioremap_nocache (what x86's ioremap()
 * is, include/asm-x86/io_32.h and io_64.h), ioremap_change_attr and iounmap, with page_is_ram
 * over a one-entry e820 map (all of the machine's RAM).
 *
 * SIM: PAT is modelled as disabled ("nopat"): reserve_memtype hands back the requested type (so
 * the fallback check never fires) and free_memtype does nothing; mmiotrace is off; early_ioremap
 * is not modelled. ioremap_change_attr (pageattr.c's _set_memory_uc/_wc/_wb, called whatever
 * PAT says) is reduced to what is observable here: the linear map has no ptes in vmx, so only
 * the TLB flush of cpa_flush_range remains, and it happens only when the attribute of some pte
 * really changes, i.e. when part of the range is RAM in the direct map (cpa_process_alias turns
 * its linear-map alias uncached; the new vmalloc-space ptes already carry the requested type).
 * Splitting the linear map's large pages is not modelled. boot_cpu_data.x86_phys_bits is 36.
 */
import type { Addr, KernelLock, pgprotval_t } from '../../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../../src/kernel/kernel.js';
import type { FreeOutcome } from '../../../../../src/contract/version.js';
import { VM_IOREMAP, get_vm_area_size, type vm_struct, type vm_structs } from '../../../include/linux/vmalloc.js';
import { bootIoremapRange } from '../../../lib/ioremap.js';
import { pgprot } from '../../../include/asm-x86/pgtable.js';

const FILE = 'arch/x86/mm/ioremap.c';
const ISA_START_ADDRESS = 0xa0000;
const ISA_END_ADDRESS = 0x100000;
const BIOS_BEGIN = 0x000a0000;
const BIOS_END = 0x00100000;
const X86_PHYS_BITS = 36;

/* include/asm-x86/pgtable.h cache attributes */
export const _PAGE_CACHE_WB = 0;
export const _PAGE_CACHE_WC = 0x08;
export const _PAGE_CACHE_UC_MINUS = 0x10;
export const _PAGE_CACHE_UC = 0x18;

/** What ioremap.c calls in mm/vmalloc.c. */
export interface VmallocForIoremap {
  readonly vm: vm_structs;
  vmlist(): vm_struct;
  readonly vmlist_lock: KernelLock;
  get_vm_area_caller(size: number, flags: number, caller: string): vm_struct;
  remove_vm_area(addr: Addr): vm_struct;
  free_vm_area(area: vm_struct): void;
  vunmap(addr: Addr): FreeOutcome;
}

export function bootIoremap(k: Kernel, mm: VmallocForIoremap) {
  const pp = pgprot(k); /* the PAGE_KERNEL_* prots __ioremap_caller picks from */
  const PAGE_SIZE = k.PAGE_SIZE;
  const { ioremap_page_range } = bootIoremapRange(k);
  const x86_64 = k.arch.name === 'x86_64'; /* CONFIG_X86_64 */
  const phys64 = k.arch.name !== 'i386'; /* resource_size_t is u64: CONFIG_RESOURCES_64BIT (64BIT, or selected by X86_PAE) */
  let warnedRam = false; /* WARN_ON_ONCE(is_ram) */
  let warnedInvalid = false;

  /** x & PAGE_MASK with PAGE_MASK an unsigned long: on 32-bit it also clears bits 32-63 of a u64. */
  const andPageMask = (x: number): number => {
    const v = Math.floor(x / PAGE_SIZE) * PAGE_SIZE;
    return k.arch.bitsPerLong === 32 ? v % 2 ** 32 : v;
  };

  /** phys_to_virt / __va: the linear map (biased like every kernel address). */
  const phys_to_virt = (phys: number): Addr => k.arch.pageOffset + phys;

  // phys_addr_valid (arch/x86/mm/ioremap.c 2.6.27): x86_64 only; 1 on 32-bit
  const phys_addr_valid = (addr: number): boolean => !x86_64 || addr < 2 ** X86_PHYS_BITS;

  // page_is_ram (arch/x86/mm/ioremap.c 2.6.27): the e820 map has one E820_RAM entry, [0, RAM size)
  const page_is_ram = (pagenr: number): number => {
    /* A special case is the first 4Kb of memory: BIOS owned, not kernel ram. */
    if (pagenr === 0) return 0;
    /* Some BIOSen report the PC BIOS area (640->1Mb) as ram even though it is not. */
    if (pagenr >= BIOS_BEGIN / PAGE_SIZE && pagenr < BIOS_END / PAGE_SIZE) return 0;
    return pagenr < k.max_pfn ? 1 : 0;
  };

  // ioremap_change_attr (arch/x86/mm/ioremap.c 2.6.27). SIM: reduced to cpa_flush_range's TLB flush (see the header comment)
  const ioremap_change_attr = (vaddr: Addr, size: number, phys_addr: number): number => {
    void vaddr;
    /* max_pfn_mapped: the direct map covers lowmem */
    const max_pfn_mapped = Math.floor((k.high_memory - k.arch.pageOffset) / PAGE_SIZE);
    const first = Math.floor(phys_addr / PAGE_SIZE);
    if (first < max_pfn_mapped && size > 0) k.flush_tlb_all(); /* cpa_flush_range: on_each_cpu(__cpa_flush_range) */
    return 0;
  };

  // __ioremap_caller (arch/x86/mm/ioremap.c 2.6.27)
  const __ioremap_caller = k.traced('__ioremap_caller', (phys_addr: number, size: number, prot_val: number, caller: string): Addr => {
    /* Don't allow wraparound or zero size */
    const last_addr = phys64 ? phys_addr + size - 1 : k.ulong(phys_addr + size - 1);
    if (!size || last_addr < phys_addr) return 0;

    if (!phys_addr_valid(phys_addr)) {
      k.printk(`ioremap: invalid physical address ${phys_addr.toString(16)}`);
      if (!warnedInvalid) warnedInvalid = k.WARN(true, 142, '__ioremap_caller', undefined, FILE);
      return 0;
    }

    /* Don't remap the low PCI/ISA area, it's always mapped.. */
    if (phys_addr >= ISA_START_ADDRESS && last_addr < ISA_END_ADDRESS) return phys_to_virt(phys_addr);

    /* Don't allow anybody to remap normal RAM that we're using.. */
    // QUERY: the test is `<`, so the last page of the range is never checked: a one-page
    // ioremap of RAM in use succeeds. On i386-pae `pfn << PAGE_SHIFT` and `last_addr & PAGE_MASK`
    // are 32-bit (unsigned long), so above 4 GiB both wrap.
    const lastPage = andPageMask(last_addr);
    for (let pfn = Math.floor(phys_addr / PAGE_SIZE); k.ulong(pfn * PAGE_SIZE) < lastPage; pfn++) {
      const is_ram = page_is_ram(pfn);

      if (is_ram && k.pfn_valid(pfn) && !k.PageReserved(pfn)) return 0;
      if (is_ram && !warnedRam) warnedRam = k.WARN(true, 163, '__ioremap_caller', undefined, FILE);
    }

    /* Mappings have to be page-aligned */
    const offset = phys_addr % PAGE_SIZE;
    // QUERY: PAGE_MASK is an unsigned long: on i386-pae `phys_addr &= PAGE_MASK` drops bits
    // 32-63 of the 64-bit physical address, so a BAR above 4 GiB is mapped at its address
    // modulo 4 GiB (2.6.28 and later use PHYSICAL_PAGE_MASK).
    phys_addr = andPageMask(phys_addr);
    size = andPageMask(last_addr + 1 + PAGE_SIZE - 1) - phys_addr; /* PAGE_ALIGN(last_addr+1) - phys_addr */
    size = k.ulong(size); /* unsigned long size */

    /* reserve_memtype(phys_addr, phys_addr + size, prot_val, &new_prot_val): PAT off, new_prot_val = prot_val */
    const new_prot_val = prot_val;
    if (prot_val !== new_prot_val) {
      /* the fallback checks and free_memtype(): never reached with PAT off */
      prot_val = new_prot_val;
    }

    let prot: pgprotval_t;
    switch (prot_val) {
      case _PAGE_CACHE_UC:
      default:
        prot = pp.PAGE_KERNEL_NOCACHE;
        break;
      case _PAGE_CACHE_UC_MINUS:
        prot = pp.PAGE_KERNEL_UC_MINUS;
        break;
      case _PAGE_CACHE_WC:
        prot = pp.PAGE_KERNEL_WC;
        break;
      case _PAGE_CACHE_WB:
        prot = pp.PAGE_KERNEL;
        break;
    }

    /* Ok, go for it.. */
    const area = mm.get_vm_area_caller(size, VM_IOREMAP, caller);
    if (!area) return 0;
    mm.vm.phys_addr[area] = phys_addr;
    const vaddr = mm.vm.addr[area];
    // ioremap_page_range takes an unsigned long phys_addr.
    if (ioremap_page_range(vaddr, k.ulong(vaddr + size), k.arch.bitsPerLong === 32 ? phys_addr % 2 ** 32 : phys_addr, prot)) {
      /* free_memtype(phys_addr, phys_addr + size): PAT off */
      mm.free_vm_area(area);
      return 0;
    }

    if (ioremap_change_attr(vaddr, size, phys_addr) < 0) {
      /* free_memtype(phys_addr, phys_addr + size): PAT off */
      mm.vunmap(mm.vm.addr[area]);
      return 0;
    }

    /* mmiotrace_ioremap(unaligned_phys_addr, unaligned_size, ret_addr): off */
    return vaddr + offset;
  });

  /** ioremap_nocache (arch/x86/mm/ioremap.c 2.6.27): UC_MINUS until X drivers use ioremap_wc(). */
  const ioremap_nocache = (phys_addr: number, size: number, caller = 'ioremap_nocache'): Addr =>
    __ioremap_caller(phys_addr, size, _PAGE_CACHE_UC_MINUS, caller);

  /** ioremap (include/asm-x86/io_32.h, io_64.h): the default ioremap() behavior is non-cached. */
  const ioremap = (phys_addr: number, size: number): Addr => ioremap_nocache(phys_addr, size, 'ioremap');

  // iounmap (arch/x86/mm/ioremap.c 2.6.27)
  const iounmap = k.traced('iounmap', (addr: Addr): FreeOutcome => {
    if (addr <= k.high_memory) return 'ok';

    /* __ioremap special-cases the PCI/ISA range by not instantiating a vm_area. */
    if (addr >= phys_to_virt(ISA_START_ADDRESS) && addr < phys_to_virt(ISA_END_ADDRESS)) return 'ok';

    addr -= addr % PAGE_SIZE;

    /* mmiotrace_iounmap(addr): off */

    k.read_lock(mm.vmlist_lock);
    let p: vm_struct;
    for (p = mm.vmlist(); p; p = mm.vm.next[p]) {
      k.count('nodes_visited');
      if (mm.vm.addr[p] === addr) break;
    }
    k.read_unlock(mm.vmlist_lock);

    if (!p) {
      k.printk(`iounmap: bad address ${k.p(addr)}`); /* then dump_stack() */
      return 'nonexistent';
    }

    /* free_memtype(p->phys_addr, p->phys_addr + get_vm_area_size(p)): PAT off */
    void get_vm_area_size(mm.vm, p);

    /* Finally remove it */
    const o = mm.remove_vm_area(addr);
    k.BUG_ON(p !== o || !o, 390, FILE);
    k.kfree(mm.vm.self[p]);
    return 'ok';
  });

  return { ioremap, ioremap_nocache, iounmap, page_is_ram, _PAGE_CACHE_UC };
}
