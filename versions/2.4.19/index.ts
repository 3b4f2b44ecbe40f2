/**
 * Linux 2.4.19 as a vmx version: metadata, and the contract's ops mapped onto the kernel
 * functions this release has (no vmap, vunmap, remove_vm_area or alloc_vm_area yet), including
 * i386 ioremap / ioremap_nocache / iounmap from arch/i386/mm/ioremap.c.
 */
import { pagetable_init } from './arch/i386/mm/init.js';
import type { KernelVersion, VersionApi } from '../../src/contract/version.js';
import { defaultWindow } from './include/asm-i386/pgtable.js';
import { SOURCE_LINES } from './source-lines.js';
import { oopsLine } from './arch/i386/mm/fault.js';
import { boot as bootVmalloc } from './mm/vmalloc.js';
import { boot as bootIoremap } from './arch/i386/mm/ioremap.js';
import { bootMemory } from './mm/memory.js';
import { ioremap, ioremap_nocache } from './include/asm-i386/io.js';
import { VM_ALLOC, VM_IOREMAP, vmalloc, vmalloc_32, vmalloc_dma, vmFlagNames } from './include/linux/vmalloc.js';
import { PAGE_KERNEL, PAGE_KERNEL_NOCACHE } from './include/asm-i386/pgtable.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from './include/linux/mm.js';

export const version: KernelVersion = {
  id: '2.4.19',
  title: 'Linux 2.4.19: linear vmlist, first fit with a guard page',
  source:
    'mainline 2.4.19 mm/vmalloc.c, include/linux/vmalloc.h, include/asm-i386/pgtable.h, arch/i386/mm/ioremap.c, include/asm-i386/io.h (linux-history tag 2.4.19)',
  tree: { repo: 'MaximeChretien/linux-history', ref: '2.4.19', files: ['mm/vmalloc.c', 'include/linux/vmalloc.h', 'arch/i386/mm/ioremap.c', 'mm/memory.c'] },
  lines: SOURCE_LINES,
  arches: ['i386', 'i386-pae'],
  // What changed since 2.4.0 (the previous registered version), release by release. Before
  // 2.4.22 the linux-history tree has a commit per pre-release (v2.4.4.5 -> v2.4.4.6 is on the
  // way to 2.4.5): each id is the commit that made the change.
  changes: [
    {
      id: 'vmalloc-end-below-pkmap',
      since: '2.4.1',
      commits: ['43e9282d088b'],
      commitNote: 'linux-history "v2.4.0 -> v2.4.0.1", a pre-release of 2.4.1',
      summary:
        'include/asm-i386/pgtable.h: VMALLOC_END is PKMAP_BASE - 2 pages with CONFIG_HIGHMEM (0xfdffe000) instead of FIXADDR_START (0xfffb5000 in the SMP configuration), so the window no longer covers the kmap area at 0xfe000000 and ends 2 pages below it: 0x1fb7000 bytes (about 31.7 MiB) shorter.',
      functions: ['VMALLOC_END'],
      affects: ['outcome', 'address', 'layout'],
      ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma', 'get_vm_area', 'ioremap', 'ioremap_nocache'],
    },
    {
      id: 'pte-alloc-returns-null',
      since: '2.4.3',
      commits: ['cc80f8f99c1b'],
      commitNote: 'linux-history "v2.4.2.4 -> v2.4.2.5", a pre-release of 2.4.3',
      summary:
        `alloc_area_pmd and remap_area_pmd take their pte tables from mm/memory.c pte_alloc(&init_mm, pmd, address), which returns NULL on a failed page allocation and leaves the pmd none; 2.4.0's pgalloc.h pte_alloc_kernel pointed the pmd at the shared empty_bad_pte_table (every entry mapping empty_bad_page), so the failed range stayed "mapped" and the next vmalloc there printed "alloc_area_pte: page already exists" per page (an ioremap there BUG()ed in remap_area_pte).`,
      functions: ['alloc_area_pmd', 'remap_area_pmd', 'pte_alloc'],
      affects: ['log', 'layout', 'outcome', 'cost'],
      counters: ['pt_pages'],
      ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma', 'ioremap', 'ioremap_nocache'],
    },
    {
      id: 'pae-pgd-none-constant',
      since: '2.4.3',
      commits: ['8b11a705bdc5'],
      commitNote: 'linux-history "v2.4.2.7 -> v2.4.2.8", a pre-release of 2.4.3',
      summary:
        `include/asm-i386/pgtable-3level.h (PAE): pgd_none() is the constant 0 and the pmd allocation of pgalloc-3level.h is gone, so pmd_alloc() is pmd_offset(): a user pgd slot (empty_zero_page) serves as its own pmd table. 2.4.0's pgd_none() was pgd_val == EMPTY_PGD (__pa(empty_zero_page) + 1) and pmd_alloc gave such a slot a pmd page (get_pmd_fast, then get_pmd_slow: a failed page is tried twice), a page-table page and pte_alloc fault-site call(s) that 2.4.3 and later never make.`,
      arches: ['i386-pae'],
      functions: ['vmalloc_area_pages', 'remap_area_pages', 'free_area_pmd', 'pmd_alloc'],
      affects: ['cost', 'layout', 'outcome'],
      counters: ['pt_pages'],
      ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma', 'ioremap', 'ioremap_nocache'],
    },
    {
      id: 'remap-area-pages-flush-on-failure',
      since: '2.4.3',
      commits: ['94540b50ad26'],
      commitNote: 'linux-history "v2.4.2.5 -> v2.4.2.6", a pre-release of 2.4.3',
      summary:
        'remap_area_pages breaks out of its loop on a failed table allocation and still calls flush_tlb_all (under init_mm.page_table_lock); 2.4.0 returned -ENOMEM at once, without the flush.',
      functions: ['remap_area_pages'],
      affects: ['cost'],
      counters: ['tlb_flush_all', 'cache_flush'],
      ops: ['ioremap', 'ioremap_nocache'],
    },
    {
      id: 'get-vm-area-exact-fit',
      since: '2.4.5',
      commits: ['c9df1e203d7e'],
      commitNote: 'linux-history "v2.4.4.5 -> v2.4.4.6", a pre-release of 2.4.5',
      summary:
        `get_vm_area takes a hole the area (guard page included) fits exactly: size + addr <= tmp->addr; 2.4.0 tested < and went on to the next hole, so a freed area's address was not reused by a request of the same size.`,
      functions: ['get_vm_area'],
      affects: ['address', 'outcome', 'layout'],
      ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma', 'get_vm_area', 'ioremap', 'ioremap_nocache'],
    },
    {
      id: 'vmalloc-flushes-removed',
      since: '2.4.10',
      commits: ['a880f45a48be'],
      commitNote: 'linux-history "v2.4.9.10 -> v2.4.9.11", a pre-release of 2.4.10',
      summary:
        'vmalloc_area_pages no longer calls flush_cache_all before the mapping loop nor flush_tlb_all after it (the new ptes were none, so no TLB held them): a vmalloc costs no TLB flush; 2.4.0 flushed both on every call, failed ones included.',
      functions: ['vmalloc_area_pages'],
      affects: ['cost'],
      counters: ['tlb_flush_all', 'cache_flush'],
      ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma'],
    },
    {
      id: 'vwrite',
      since: '2.4.17',
      commits: ['b0f84cd6fc65'],
      commitNote: 'linux-history "v2.4.16 -> v2.4.17"',
      summary: `vwrite(buf, addr, count), the /dev/kmem write counterpart of vread, walks vmlist the same way and writes through the areas' mappings; 2.4.0 has no vwrite.`,
      functions: ['vwrite'],
      affects: ['outcome'],
      ops: ['vwrite'],
    },
    {
      id: 'vmalloc-cache-flush-after',
      since: '2.4.18',
      commits: ['0ed1f1d18a17'],
      commitNote: 'linux-history "v2.4.17 -> v2.4.18"',
      summary: 'vmalloc_area_pages calls flush_cache_all once after the mapping loop (no TLB flush): one cache flush per vmalloc, where 2.4.0 made one before the loop and a TLB flush after it.',
      functions: ['vmalloc_area_pages'],
      affects: ['cost'],
      counters: ['cache_flush'],
      ops: ['vmalloc', 'vmalloc_32', 'vmalloc_dma'],
    },
    {
      id: 'vmalloc-to-page',
      since: '2.4.19',
      commits: ['740d98531e96'],
      commitNote: 'linux-history "v2.4.18 -> v2.4.19"',
      summary: 'vmalloc_to_page(addr) (mm/memory.c, declared in include/linux/mm.h) walks the kernel page tables (pgd, pmd, pte_present) to the page mapped at a vmalloc address, for drivers that remap a vmalloc\'ed buffer page by page; 2.4.0 has none (and no 2.4 has vmalloc_to_pfn).',
      functions: ['vmalloc_to_page'],
      affects: ['outcome'],
      ops: ['vmalloc_to_page'],
    },
  ],
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
