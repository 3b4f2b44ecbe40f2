/**
 * Linux 2.4.0 as a vmx version: metadata, and the contract's ops mapped onto the kernel
 * functions this release has (vmalloc, vmalloc_dma, vmalloc_32, vfree, get_vm_area, vread; no
 * vwrite, vmap, vunmap, remove_vm_area or alloc_vm_area), including i386 ioremap /
 * ioremap_nocache / iounmap from arch/i386/mm/ioremap.c.
 */
import type { KernelVersion, VersionApi } from '../../src/contract/version.js';
import { oopsLine } from './arch/i386/mm/fault.js';
import { defaultWindow } from './include/asm-i386/pgtable.js';
import { boot as bootInit, pagetable_init } from './arch/i386/mm/init.js';
import { boot as bootPgalloc } from './include/asm-i386/pgalloc.js';
import { boot as bootVmalloc } from './mm/vmalloc.js';
import { boot as bootIoremap } from './arch/i386/mm/ioremap.js';
import { ioremap, ioremap_nocache } from './include/asm-i386/io.js';
import { VM_ALLOC, VM_IOREMAP, vmalloc, vmalloc_32, vmalloc_dma, vmFlagNames } from './include/linux/vmalloc.js';
import { SOURCE_LINES } from './source-lines.js';
import { PAGE_KERNEL, PAGE_KERNEL_NOCACHE } from './include/asm-i386/pgtable.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from './include/linux/mm.js';

export const version: KernelVersion = {
  id: '2.4.0',
  title: 'Linux 2.4.0: linear vmlist, first fit refusing an exact fit, flushes around every mapping',
  source:
    'mainline 2.4.0 mm/vmalloc.c, include/linux/vmalloc.h, include/asm-i386/pgtable.h, fixmap.h, pgalloc.h, arch/i386/mm/init.c, arch/i386/mm/ioremap.c, include/asm-i386/io.h (linux-history tag 2.4.0)',
  tree: { repo: 'MaximeChretien/linux-history', ref: '2.4.0', files: ['mm/vmalloc.c', 'include/linux/vmalloc.h', 'arch/i386/mm/ioremap.c', 'arch/i386/mm/init.c', 'include/asm-i386/pgalloc.h'] },
  lines: SOURCE_LINES,
  arches: ['i386', 'i386-pae'],
  // The oldest version vmx models: nothing to compare against. What it is: the 2.4.0 base
  // (first fit over the address-sorted vmlist with a guard page, strict fit test, cache and
  // TLB flushed around each mapping, pgalloc.h's pte_alloc_kernel with empty_bad_pte_table).
  changes: [],
  hasKmemleak: false,
  kernelConfig: {
    // mm/slab.c cache_sizes[] with 4 KiB pages (the same list in 2.4.0 and 2.4.19)
    kmallocSizes: [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072],
    // 2.4's kbuild compiles inside mm/, so __FILE__ is the bare name
    vmallocFile: 'vmalloc.c',
    oopsLine,
    oopsFunction: 'do_page_fault', // arch/i386/mm/fault.c: the no_context label prints the line
    // arch/i386/mm/init.c pagetable_init (PAE): every pgd entry below the kernel's points at empty_zero_page
    paeUserPgd: 'empty_zero_page',
  },
  defaultWindow,
  boot(k, window): VersionApi {
    pagetable_init(k); /* the fixmap's and pkmap's boot tables (i386, i386-pae) */
    const pgalloc = bootPgalloc(k, bootInit(k));
    const mm = bootVmalloc(k, window, pgalloc);
    const io = bootIoremap(k, mm, pgalloc);
    return {
      vmalloc: (size) => vmalloc(k, mm.__vmalloc, size),
      vmalloc_dma: (size) => vmalloc_dma(k, mm.__vmalloc, size),
      vmalloc_32: (size) => vmalloc_32(k, mm.__vmalloc, size),
      // __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, prot) (mm/vmalloc.c): "allocate virtually contiguous memory"
      // with a caller's prot; 2.4's headers have PAGE_KERNEL and PAGE_KERNEL_NOCACHE but no PAGE_KERNEL_EXEC,
      // and pgprot_t is an unsigned long (a "0x" value is cut to 32 bits).
      __vmalloc: (size, prot) => {
        const p = prot === 'PAGE_KERNEL' ? PAGE_KERNEL(k) : prot === 'PAGE_KERNEL_NOCACHE' ? PAGE_KERNEL_NOCACHE(k) : prot.startsWith('0x') ? Number(BigInt(prot) & 0xffffffffn) : null;
        return p === null ? null : mm.__vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, p);
      },
      vfree: (addr) => mm.vfree(addr),
      get_vm_area: (size, flags) => {
        const area = mm.get_vm_area(size, flags === 'VM_IOREMAP' ? VM_IOREMAP : VM_ALLOC);
        return area ? mm.vm.addr[area] : 0;
      },
      vread: (buf, addr, count) => mm.vread(buf, addr, count),
      // __ioremap takes an unsigned long: a physical address beyond 4 GiB is truncated.
      ioremap: (phys, size) => ioremap(io.__ioremap, k.ulong(phys), size),
      ioremap_nocache: (phys, size) => ioremap_nocache(io.__ioremap, k.ulong(phys), size),
      iounmap: (addr) => io.iounmap(addr),
      areas() {
        const out = [];
        for (let a = mm.vmlist(), vm = mm.vm; a; a = vm.next[a]) out.push({ addr: vm.addr[a], size: vm.size[a], flags: vmFlagNames(vm.flags[a]) });
        return out;
      },
    };
  },
};
