/**
 * Linux 2.4.31 as a vmx version: metadata, the catalogue of what changed since 2.4.22, and the
 * contract's ops mapped onto the kernel functions this release has (the same set as 2.4.22:
 * vmap and the vunmap macro, no remove_vm_area, alloc_vm_area or VM_MAP), including i386
 * ioremap / ioremap_nocache / iounmap from arch/i386/mm/ioremap.c.
 */
import { pagetable_init } from './arch/i386/mm/init.js';
import type { KernelVersion, VersionApi, VersionChange } from '../../src/contract/version.js';
import { oopsLine } from './arch/i386/mm/fault.js';
import { defaultWindow } from './include/asm-i386/pgtable.js';
import { boot as bootVmalloc } from './mm/vmalloc.js';
import { boot as bootIoremap } from './arch/i386/mm/ioremap.js';
import { bootMemory } from './mm/memory.js';
import { ioremap, ioremap_nocache } from './include/asm-i386/io.js';
import { VM_ALLOC, VM_IOREMAP, vmalloc, vmalloc_32, vmalloc_dma, vmFlagNames, vunmap } from './include/linux/vmalloc.js';
import { SOURCE_LINES } from './source-lines.js';
import { PAGE_KERNEL, PAGE_KERNEL_NOCACHE } from './include/asm-i386/pgtable.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from './include/linux/mm.js';

/**
 * Every behavioural difference from 2.4.22 (the previous registered version), with the release
 * that brought it. From 2.4.22 on the linux-history tree has one commit per release, so each id
 * is that release's commit. Of 2.4.23-2.4.31 only 2.4.23 and 2.4.26 touched the files modelled
 * here (mm/vmalloc.c, include/linux/vmalloc.h, arch/i386/mm/ioremap.c, the asm-i386 window
 * headers); 2.4.23's check_pgt_cache() in mm/memory.c pte_alloc is in a branch one thread never
 * takes (NOTES.md).
 */
const changes: readonly VersionChange[] = [
  {
    id: 'ioremap-size-last-byte',
    since: '2.4.23',
    commits: ['dc23c4603ed8'],
    summary:
      '__ioremap sizes the mapping PAGE_ALIGN(last_addr + 1) - phys_addr: the page holding the last byte is mapped when that byte starts a page (ioremap(0xe0000ff0, 0x11) maps two pages, not one), and a one-byte ioremap of a page-aligned address maps one page instead of BUG()ing at ioremap.c:73 with its vm_struct left on vmlist.',
    functions: ['__ioremap', 'remap_area_pages', 'get_vm_area'],
    affects: ['outcome', 'address', 'log', 'cost', 'layout'],
    ops: ['ioremap', 'ioremap_nocache', 'iounmap'],
  },
  {
    id: 'vmalloc-failure-leaks-chunk',
    since: '2.4.26',
    commits: ['4d89c6e886d9'],
    query: true,
    summary:
      'When a page or page-table allocation fails, __vmalloc_area_pages unmaps only the pgd chunks it completed (vmfree_area_pages(start, address - start) if address > start) and __vmalloc / vmap drop the area with __vfree(addr, 0), which leaves the page tables alone: the pages already mapped in the failing chunk stay allocated and mapped by no area (all of them for a failure in the first chunk), and the next area there prints "alloc_area_pte: page already exists" for each. 2.4.22 vfree\'d the whole area.',
    functions: ['__vmalloc_area_pages', '__vfree', 'vfree', '__vmalloc', 'vmap', 'vmfree_area_pages'],
    affects: ['cost', 'log', 'layout'],
    counters: ['pages_freed', 'ptes_cleared'],
    ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma', 'vmap'],
  },
  {
    id: 'pkmap-base-ff800000',
    since: '2.4.26',
    commits: ['4d89c6e886d9'],
    summary:
      'include/asm-i386/highmem.h moves PKMAP_BASE from 0xfe000000 to 0xff800000, so the default VMALLOC_END (PKMAP_BASE - 2 pages) is 0xff7fe000 instead of 0xfdffe000: the window is 24 MiB longer (i386 and PAE).',
    functions: ['VMALLOC_END'],
    affects: ['outcome', 'address', 'layout'],
    ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma', 'vmap', 'get_vm_area', 'ioremap', 'ioremap_nocache'],
  },
];

export const version: KernelVersion = {
  id: '2.4.31',
  title: 'Linux 2.4.31: 2.4.22 with the last-byte ioremap size and a failure path that leaks its last pgd chunk',
  source:
    'mainline 2.4.31 mm/vmalloc.c, include/linux/vmalloc.h, include/asm-i386/pgtable.h, highmem.h, arch/i386/mm/ioremap.c, include/asm-i386/io.h (linux-history tag 2.4.31)',
  tree: { repo: 'MaximeChretien/linux-history', ref: '2.4.31', files: ['mm/vmalloc.c', 'include/linux/vmalloc.h', 'arch/i386/mm/ioremap.c', 'mm/memory.c'] },
  lines: SOURCE_LINES,
  arches: ['i386', 'i386-pae'],
  changes,
  hasKmemleak: false,
  kernelConfig: {
    // mm/slab.c cache_sizes[] with 4 KiB pages (the same list as 2.4.22's)
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
    const mm = bootVmalloc(k, window);
    const io = bootIoremap(k, mm);
    const mem = bootMemory(k);
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
      vunmap: (addr) => vunmap(mm.vfree, addr),
      // 2.4.31 has no VM_MAP: the contract calls vmap with VM_ALLOC here.
      vmap: (pages) => mm.vmap(pages, pages.length, VM_ALLOC, PAGE_KERNEL(k)),
      get_vm_area: (size, flags) => {
        const area = mm.get_vm_area(size, flags === 'VM_IOREMAP' ? VM_IOREMAP : VM_ALLOC);
        return area ? mm.vm.addr[area] : 0;
      },
      vread: (buf, addr, count) => mm.vread(buf, addr, count),
      vwrite: (buf, addr, count) => mm.vwrite(buf, addr, count),
      // __ioremap takes an unsigned long: a physical address beyond 4 GiB is truncated.
      ioremap: (phys, size) => ioremap(io.__ioremap, k.ulong(phys), size),
      ioremap_nocache: (phys, size) => ioremap_nocache(io.__ioremap, k.ulong(phys), size),
      iounmap: (addr) => io.iounmap(addr),
      vmalloc_to_page: (addr) => mem.vmalloc_to_page(addr),
      areas() {
        const out = [];
        for (let a = mm.vmlist(), vm = mm.vm; a; a = vm.next[a]) out.push({ addr: vm.addr[a], size: vm.size[a], flags: vmFlagNames(vm.flags[a]) });
        return out;
      },
    };
  },
};
