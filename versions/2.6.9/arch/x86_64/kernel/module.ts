/**
 * Linux 2.6.9 arch/x86_64/kernel/module.c: module_alloc and module_free with their own list
 * (mod_vmlist, under the global vmlist_lock) in MODULES_VADDR..MODULES_END
 * (include/asm-x86_64/pgtable.h: 0xffffffffa0000000..0xffffffffafffffff). The areas are not on
 * vmlist, so vfree does not know them (it WARNs "nonexistent") and the final state's areas, which
 * list vmlist, leave them out.
 */
import type { Addr, Kernel, KernelLock, pgprotval_t } from '../../../../../src/kernel/kernel.js';
import { filledArray } from '../../../../../src/kernel/arrays.js';
import type { FreeOutcome } from '../../../../../src/contract/version.js';
import { GFP_KERNEL } from '../../../include/linux/mm.js';
import { PAGE_KERNEL_EXEC } from '../../../include/asm-x86_64/pgtable.js';
import { SIZEOF_VM_STRUCT, type vm_struct, type vm_structs } from '../../../include/linux/vmalloc.js';

export const MODULES_VADDR = '0xffffffffa0000000';
export const MODULES_END = '0xffffffffafffffff';
/** MODULES_END - MODULES_VADDR */
export const MODULES_LEN = 0x0fffffff;

interface VmallocForModules {
  readonly vm: vm_structs;
  vmlist_lock: KernelLock;
  unmap_vm_area(area: vm_struct): void;
  map_vm_area(area: vm_struct, prot: pgprotval_t, pages: { pages: number[]; i: number }): number;
}

export function bootModule(k: Kernel, mm: VmallocForModules) {
  const PAGE_SIZE = k.PAGE_SIZE;
  const PTR = k.arch.ptrBytes;
  const vaddr = k.constAddr(MODULES_VADDR);
  const end = k.constAddr(MODULES_END);
  /* static struct vm_struct *mod_vmlist; */
  let mod_vmlist: vm_struct = 0;
  const vm = mm.vm;

  // module_free (arch/x86_64/kernel/module.c 2.6.9)
  const module_free = k.traced('module_free', (addr: Addr): FreeOutcome => {
    if (!addr) return 'ok';
    k.write_lock(mm.vmlist_lock);
    let prev: vm_struct = 0;
    let map: vm_struct;
    for (map = mod_vmlist; map; prev = map, map = vm.next[map]) {
      if (vm.addr[map] === addr) {
        if (prev) vm.next[prev] = vm.next[map];
        else mod_vmlist = vm.next[map];
        break; /* goto found */
      }
    }
    if (!map) {
      k.write_unlock(mm.vmlist_lock);
      k.printk(`Trying to unmap nonexistent module vm area (${k.hex(addr).slice(2)})`);
      return 'nonexistent';
    }
    /* found: */
    mm.unmap_vm_area(map);
    k.write_unlock(mm.vmlist_lock);
    const pages = vm.pages[map];
    if (pages) {
      for (let i = 0; i < vm.nr_pages[map]; i++) if (pages.pfns[i] >= 0) k.__free_page(pages.pfns[i]);
      k.kfree(pages.ptr);
    }
    k.kfree(vm.self[map]);
    return 'ok';
  });

  // module_alloc (arch/x86_64/kernel/module.c 2.6.9)
  const module_alloc = k.traced('module_alloc', (size: number): Addr => {
    if (!size) return 0;
    size = k.PAGE_ALIGN(size);
    if (size > MODULES_LEN) return 0;

    const self = k.kmalloc(SIZEOF_VM_STRUCT(PTR), 'kmalloc', -1);
    if (!self) return 0;
    const area = vm.handleAt(self);
    vm.memset0(area); /* memset(area, 0, sizeof(struct vm_struct)) */

    k.write_lock(mm.vmlist_lock);
    let addr = vaddr;
    let prev: vm_struct = 0;
    let tmp: vm_struct;
    for (tmp = mod_vmlist; tmp; prev = tmp, tmp = vm.next[tmp]) {
      if (size + addr + PAGE_SIZE < vm.addr[tmp]) break;
      const next = vm.size[tmp] + vm.addr[tmp];
      if (next > addr) addr = next;
    }

    if (addr + size >= end) {
      k.write_unlock(mm.vmlist_lock);
      k.kfree(self);
      return 0;
    }

    vm.next[area] = tmp;
    if (prev) vm.next[prev] = area;
    else mod_vmlist = area;
    vm.size[area] = size + PAGE_SIZE;
    vm.addr[area] = addr;
    k.write_unlock(mm.vmlist_lock);

    const nr_pages = Math.floor(size / PAGE_SIZE) % 2 ** 32; /* unsigned int */
    const array_size = (nr_pages * PTR) % 2 ** 32;

    vm.nr_pages[area] = nr_pages;
    const ptr = k.kmalloc(array_size, 'kmalloc', -1);
    vm.pages[area] = ptr ? { ptr, pfns: filledArray(nr_pages, -1) } : null; /* memset(area->pages, 0, array_size) */
    let failed = !vm.pages[area];
    for (let i = 0; !failed && i < nr_pages; i++) {
      const page = k.alloc_page(GFP_KERNEL);
      if (page < 0) failed = true; /* goto fail */
      else vm.pages[area]!.pfns[i] = page;
    }

    if (!failed && !mm.map_vm_area(area, PAGE_KERNEL_EXEC, { pages: vm.pages[area]!.pfns, i: 0 })) {
      /* memset(addr, 0, size): freshly allocated pages read as zeroes already */
      return addr;
    }

    /* fail: */
    module_free(addr);
    return 0;
  });

  return { module_alloc, module_free };
}
