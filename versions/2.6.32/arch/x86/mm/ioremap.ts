/**
 * Linux 2.6.32 arch/x86/mm/ioremap.c: __ioremap_caller, ioremap_nocache (what x86's ioremap()
 * is) and iounmap, with page_is_ram over a one-entry e820 map (all of the machine's RAM).
 *
 * SIM: PAT is modelled as disabled ("nopat"): reserve_memtype hands back the requested type,
 * free_memtype and kernel_map_sync_memtype do nothing (no change_page_attr of the linear map),
 * iomem_map_sanity_check finds nothing (no iomem resource tree), mmiotrace is off, and
 * early_ioremap is not modelled. boot_cpu_data.x86_phys_bits is taken as 36.
 */
import type { Addr, Kernel, KernelLock, pgprotval_t } from '../../../../../src/kernel/kernel.js';
import type { FreeOutcome } from '../../../../../src/contract/version.js';
import { VM_IOREMAP, get_vm_area_size, type vm_struct, type vm_structs } from '../../../include/linux/vmalloc.js';
import { bootIoremapRange } from '../../../lib/ioremap.js';
import { pgprot } from '../include/asm/pgtable_types.js';

const FILE = 'arch/x86/mm/ioremap.c';
const ISA_START_ADDRESS = 0xa0000;
const ISA_END_ADDRESS = 0x100000;
const BIOS_BEGIN = 0x000a0000;
const BIOS_END = 0x00100000;
const X86_PHYS_BITS = 36;

/* arch/x86/include/asm/pgtable_types.h cache attributes */
export const _PAGE_CACHE_WB = 0;
export const _PAGE_CACHE_WC = 0x08;
export const _PAGE_CACHE_UC_MINUS = 0x10;
export const _PAGE_CACHE_UC = 0x18;

/** What ioremap.c calls in mm/vmalloc.c. */
export interface VmallocForIoremap {
  readonly vmstruct: vm_structs;
  readonly vmlist_lock: KernelLock;
  vmlist(): vm_struct;
  get_vm_area_caller(size: number, flags: number, caller: string): vm_struct;
  remove_vm_area(addr: Addr): vm_struct;
  free_vm_area(area: vm_struct): void;
}

export function bootIoremap(k: Kernel, mm: VmallocForIoremap) {
  const pp = pgprot(k); /* the PAGE_KERNEL_* prots __ioremap_caller picks from */
  const PAGE_SIZE = k.PAGE_SIZE;
  const { ioremap_page_range } = bootIoremapRange(k);
  const phys64 = k.arch.name !== 'i386'; /* CONFIG_PHYS_ADDR_T_64BIT */
  let warnedRam = false; /* WARN_ON_ONCE(is_ram) */
  let warnedInvalid = false;

  /** phys_to_virt / __va: the linear map (biased like every kernel address). */
  const phys_to_virt = (phys: number): Addr => k.arch.pageOffset + phys;
  /** __pa(high_memory) */
  const highMemoryPhys = (): number => k.high_memory - k.arch.pageOffset;

  // page_is_ram (arch/x86/mm/ioremap.c): the e820 map has one E820_RAM entry, [0, RAM size)
  const page_is_ram = (pagenr: number): number => {
    /* A special case is the first 4Kb of memory: BIOS owned, not kernel ram. */
    if (pagenr === 0) return 0;
    /* Some BIOSen report the PC BIOS area (640->1Mb) as ram even though it is not. */
    if (pagenr >= BIOS_BEGIN / PAGE_SIZE && pagenr < BIOS_END / PAGE_SIZE) return 0;
    return pagenr < k.max_pfn ? 1 : 0;
  };

  // phys_addr_valid (arch/x86/mm/physaddr.h)
  const phys_addr_valid = (addr: number): boolean => !phys64 || addr < 2 ** X86_PHYS_BITS;

  // __ioremap_caller (arch/x86/mm/ioremap.c)
  const __ioremap_caller = k.traced('__ioremap_caller', (phys_addr: number, size: number, prot_val: number, caller: string): Addr => {
    /* Don't allow wraparound or zero size */
    const last_addr = phys64 ? phys_addr + size - 1 : k.ulong(phys_addr + size - 1);
    if (!size || last_addr < phys_addr) return 0;

    if (!phys_addr_valid(phys_addr)) {
      k.printk(`ioremap: invalid physical address ${phys_addr.toString(16)}`);
      if (!warnedInvalid) warnedInvalid = k.WARN(true, 120, '__ioremap_caller', undefined, FILE);
      return 0;
    }

    /* Don't remap the low PCI/ISA area, it's always mapped.. */
    if (phys_addr >= ISA_START_ADDRESS && last_addr < ISA_END_ADDRESS) return phys_to_virt(phys_addr);

    /* WARN_ONCE(iomem_map_sanity_check(phys_addr, size), ...): no iomem tree in vmx */

    /* Don't allow anybody to remap normal RAM that we're using.. */
    // QUERY: the test is `<`, so the last page of the range is never checked: a one-page
    // ioremap of RAM in use succeeds.
    // QUERY: on i386-pae (resource_size_t 64-bit, unsigned long 32-bit) `pfn << PAGE_SHIFT` is an
    // unsigned long and wraps at 4 GiB, and `last_addr & PAGE_MASK` zero-extends the 32-bit
    // PAGE_MASK, dropping bits 32-63 of last_addr: both sides are the addresses mod 4 GiB. The
    // loop always ends (both sides stay below 4 GiB and the left one climbs to the right one);
    // above 4 GiB it checks the right pfns when the range stays in one 4 GiB bank, and none when
    // the range crosses a 4 GiB boundary (the left side starts at or above the right one).
    const pae = phys64 && k.arch.bitsPerLong === 32;
    const shifted = (pfn: number): number => (pae ? (pfn * PAGE_SIZE) % 2 ** 32 : pfn * PAGE_SIZE); /* pfn << PAGE_SHIFT */
    const lastPage = Math.floor((pae ? last_addr % 2 ** 32 : last_addr) / PAGE_SIZE) * PAGE_SIZE; /* last_addr & PAGE_MASK */
    for (let pfn = Math.floor(phys_addr / PAGE_SIZE); shifted(pfn) < lastPage; pfn++) {
      const is_ram = page_is_ram(pfn);

      if (is_ram && k.pfn_valid(pfn) && !k.PageReserved(pfn)) return 0;
      if (is_ram && !warnedRam) warnedRam = k.WARN(true, 148, '__ioremap_caller', undefined, FILE);
    }

    /* Mappings have to be page-aligned */
    const offset = phys_addr % PAGE_SIZE; /* phys_addr & ~PAGE_MASK */
    // QUERY: `phys_addr &= PAGE_MASK` ANDs the 64-bit resource_size_t with the zero-extended
    // 32-bit unsigned long PAGE_MASK on i386-pae: bits 32-63 are cleared, the frame above 4 GiB
    // becomes its alias below (fixed in 2.6.36 by PHYSICAL_PAGE_MASK, ffa71f33a820).
    phys_addr -= offset;
    if (pae) phys_addr %= 2 ** 32;
    /*
     * size = PAGE_ALIGN(last_addr+1) - phys_addr: PAGE_ALIGN is ALIGN(x, PAGE_SIZE) in x's type,
     * so 64-bit with PAE (a page ending at 4 GiB gives 0x100000000, not 0), 32-bit on plain i386
     * (wraps to 0 there); the difference is stored in the unsigned long size.
     */
    const aligned_end = phys64 ? Math.ceil((last_addr + 1) / PAGE_SIZE) * PAGE_SIZE : k.PAGE_ALIGN(last_addr + 1);
    size = aligned_end - phys_addr;
    if (k.arch.bitsPerLong === 32) size = k.ulong(size);

    /* reserve_memtype(phys_addr, phys_addr + size, prot_val, &new_prot_val): PAT off */
    const new_prot_val = prot_val === _PAGE_CACHE_WC ? _PAGE_CACHE_UC_MINUS : prot_val;
    prot_val = new_prot_val;
    let prot: pgprotval_t;
    switch (prot_val) {
      case _PAGE_CACHE_UC:
      default:
        prot = pp.PAGE_KERNEL_IO_NOCACHE;
        break;
      case _PAGE_CACHE_UC_MINUS:
        prot = pp.PAGE_KERNEL_IO_UC_MINUS;
        break;
      case _PAGE_CACHE_WC:
        prot = pp.PAGE_KERNEL_IO_WC;
        break;
      case _PAGE_CACHE_WB:
        prot = pp.PAGE_KERNEL_IO;
        break;
    }

    /* Ok, go for it.. */
    const area = mm.get_vm_area_caller(size, VM_IOREMAP, caller);
    if (!area) return 0; /* goto err_free_memtype */
    mm.vmstruct.phys_addr[area] = phys_addr; /* unsigned long: already truncated on PAE */
    const vaddr = mm.vmstruct.addr[area];

    /* kernel_map_sync_memtype(phys_addr, size, prot_val): no cpa in vmx */

    /* ioremap_page_range takes an unsigned long phys_addr (below 4 GiB here on PAE, see above) */
    if (ioremap_page_range(vaddr, k.ulong(vaddr + size), phys_addr, prot)) {
      mm.free_vm_area(area); /* err_free_area */
      return 0; /* err_free_memtype: free_memtype() */
    }

    return vaddr + offset;
  });

  /** ioremap_nocache (arch/x86/mm/ioremap.c): UC_MINUS until X drivers use ioremap_wc(). */
  const ioremap_nocache = (phys_addr: number, size: number, caller = 'ioremap_nocache'): Addr =>
    __ioremap_caller(phys_addr, size, _PAGE_CACHE_UC_MINUS, caller);

  /** ioremap (arch/x86/include/asm/io.h): the default is non-cached. */
  const ioremap = (phys_addr: number, size: number): Addr => ioremap_nocache(phys_addr, size, 'ioremap');

  // iounmap (arch/x86/mm/ioremap.c)
  const iounmap = k.traced('iounmap', (addr: Addr): FreeOutcome => {
    if (addr <= k.high_memory) return 'ok';

    /* __ioremap special-cases the PCI/ISA range by not instantiating a vm_area. */
    if (addr >= phys_to_virt(ISA_START_ADDRESS) && addr < phys_to_virt(ISA_END_ADDRESS)) return 'ok';

    addr -= addr % PAGE_SIZE;

    k.read_lock(mm.vmlist_lock);
    let p: vm_struct;
    for (p = mm.vmlist(); p; p = mm.vmstruct.next[p]) {
      k.count('nodes_visited');
      if (mm.vmstruct.addr[p] === addr) break;
    }
    k.read_unlock(mm.vmlist_lock);

    if (!p) {
      k.printk(`iounmap: bad address ${k.p(addr)}`); /* then dump_stack() */
      return 'nonexistent';
    }

    /* free_memtype(p->phys_addr, p->phys_addr + get_vm_area_size(p)): PAT off */
    void get_vm_area_size(mm.vmstruct, p);

    /* Finally remove it */
    const o = mm.remove_vm_area(addr);
    k.BUG_ON(p !== o || !o, 365, FILE);
    k.kfree(mm.vmstruct.self[p]);
    return 'ok';
  });

  return { ioremap, ioremap_nocache, iounmap, page_is_ram, _PAGE_CACHE_UC };
}
