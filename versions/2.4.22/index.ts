/**
 * Linux 2.4.22 as a vmx version: metadata, the catalogue of what changed since 2.4.19, and the
 * contract's ops mapped onto the kernel functions this release has (vmap and the vunmap macro
 * are new; there is still no remove_vm_area, alloc_vm_area or VM_MAP), including i386 ioremap /
 * ioremap_nocache / iounmap from arch/i386/mm/ioremap.c.
 */
import { pagetable_init } from './arch/i386/mm/init.js';
import type { KernelVersion, VersionApi, VersionChange } from '../../src/contract/version.js';
import { defaultWindow } from './include/asm-i386/pgtable.js';
import { boot as bootVmalloc } from './mm/vmalloc.js';
import { boot as bootIoremap } from './arch/i386/mm/ioremap.js';
import { bootMemory } from './mm/memory.js';
import { ioremap, ioremap_nocache } from './include/asm-i386/io.js';
import { VM_ALLOC, VM_IOREMAP, vmalloc, vmalloc_32, vmalloc_dma, vmFlagNames, vunmap } from './include/linux/vmalloc.js';

/**
 * Every behavioural difference from 2.4.19 (the previous registered version), with the release
 * that brought it (from the linux-history tags 2.4.20, 2.4.21, 2.4.22).
 */
import { SOURCE_LINES } from './source-lines.js';
import { oopsLine } from './arch/i386/mm/fault.js';
import { PAGE_KERNEL, PAGE_KERNEL_NOCACHE } from './include/asm-i386/pgtable.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from './include/linux/mm.js';

const changes: readonly VersionChange[] = [
  {
    id: 'get-vm-area-size-wrap',
    since: '2.4.20',
    commits: ['f03d9c46eb3a'],
    commitNote: 'linux-history tree: the one commit of release 2.4.20 (no per-patch history before 2.6.12)',
    summary:
      'get_vm_area refuses a size that wraps to 0 when the guard page is added (size + PAGE_SIZE == 0, e.g. 0xfffff000); 2.4.19 inserted a zero-sized area at the first fitting address, which a later vfree of that address removes instead of the real area there (its one-pass pte walk frees that area\'s first page, leaving it on vmlist half unmapped).',
    functions: ['get_vm_area'],
    affects: ['outcome', 'address', 'log', 'cost', 'layout'],
    ops: ['get_vm_area', 'ioremap', 'ioremap_nocache', 'vfree', 'vunmap', 'iounmap', 'vread', 'vwrite'],
  },
  {
    id: 'get-vm-area-forward-only',
    since: '2.4.21',
    commits: ['af455d459cf2'],
    commitNote: 'linux-history tree: the one commit of release 2.4.21 (no per-patch history before 2.6.12)',
    summary:
      'get_vm_area moves its candidate to an entry\'s end only if that end is above it (next > addr); 2.4.19 followed an entry whose end wraps past 4 GiB (possible since an empty vmlist has no VMALLOC_END check) backwards, below VMALLOC_START, where 2.4.22 places the next area over the wrapped one.',
    functions: ['get_vm_area'],
    affects: ['address', 'layout'],
    ops: ['get_vm_area', 'vmalloc', 'vmalloc_32', 'vmalloc_dma', 'vmap', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'vmalloc-bad-size-null',
    since: '2.4.21',
    commits: ['af455d459cf2'],
    commitNote: 'linux-history tree: the one commit of release 2.4.21 (no per-patch history before 2.6.12)',
    summary:
      '__vmalloc returns NULL without a message for size 0 (after PAGE_ALIGN) or more pages than num_physpages; 2.4.19 called BUG() at vmalloc.c:236.',
    functions: ['__vmalloc'],
    affects: ['outcome', 'log'],
    ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma'],
  },
  {
    id: 'vmap',
    since: '2.4.22',
    commits: ['e486507d2f8d'],
    commitNote: 'linux-history tree: the one commit of release 2.4.22 (no per-patch history before 2.6.12)',
    summary:
      'vmap(pages, count, flags, prot) maps a caller\'s pages into a new vmlist area (no VM_MAP flag: callers pass VM_ALLOC), refusing 0 pages or more than max_mapnr << PAGE_SHIFT bytes; 2.4.19 has no vmap.',
    functions: ['vmap', 'get_vm_area', '__vmalloc_area_pages'],
    affects: ['outcome', 'address', 'layout'],
    ops: ['vmap'],
  },
  {
    id: 'vmap-page-refcount',
    since: '2.4.22',
    commits: ['e486507d2f8d'],
    commitNote: 'linux-history tree: the one commit of release 2.4.22 (no per-patch history before 2.6.12)',
    summary:
      'alloc_area_pte takes the next page from the caller\'s array and raises its count (atomic_inc); vfree then drops that reference through __free_page, so the caller\'s pages survive a vfree of the vmap area (reserved pages keep the extra reference).',
    functions: ['alloc_area_pte', 'alloc_area_pmd', '__vmalloc_area_pages', 'free_area_pte', 'vfree'],
    affects: ['cost', 'outcome'],
    ops: ['vmap', 'vfree', 'vunmap'],
  },
  {
    id: 'vunmap-is-vfree',
    since: '2.4.22',
    commits: ['e486507d2f8d'],
    commitNote: 'linux-history tree: the one commit of release 2.4.22 (no per-patch history before 2.6.12)',
    summary: 'include/linux/vmalloc.h adds #define vunmap(addr) vfree(addr): vunmap exists, with vfree\'s checks and printk texts.',
    functions: ['vunmap', 'vfree'],
    affects: ['outcome', 'log'],
    ops: ['vunmap'],
  },
];

export const version: KernelVersion = {
  id: '2.4.22',
  title: 'Linux 2.4.22: 2.4.19\'s first fit plus wrap check, NULL for bad sizes, vmap',
  source:
    'mainline 2.4.22 mm/vmalloc.c, include/linux/vmalloc.h, include/asm-i386/pgtable.h, arch/i386/mm/ioremap.c, include/asm-i386/io.h (linux-history tag 2.4.22)',
  tree: { repo: 'MaximeChretien/linux-history', ref: '2.4.22', files: ['mm/vmalloc.c', 'include/linux/vmalloc.h', 'arch/i386/mm/ioremap.c', 'mm/memory.c'] },
  lines: SOURCE_LINES,
  arches: ['i386', 'i386-pae'],
  changes,
  hasKmemleak: false,
  kernelConfig: {
    // mm/slab.c cache_sizes[] with 4 KiB pages
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
      // 2.4.22 has no VM_MAP: the contract calls vmap with VM_ALLOC here.
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
