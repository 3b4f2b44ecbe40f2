/**
 * Linux 2.6.9 as a vmx version: metadata, the catalogue of what changed since 2.4.22 (the
 * previous registered version), and the contract's ops mapped onto the kernel functions this
 * release has: vmalloc, vmalloc_32, vfree, vmap (VM_MAP), vunmap, get_vm_area, remove_vm_area,
 * vread, vwrite, and ioremap, ioremap_nocache and iounmap from arch/i386/mm/ioremap.c (i386,
 * i386-pae) or arch/x86_64/mm/ioremap.c (x86_64). No vmalloc_dma, vmalloc_user, vmalloc_node, alloc_vm_area,
 * free_vm_area, vm_map_ram, vmallocinfo or kmemleak yet (all 2.6.1x and later).
 *
 * Commit ids are MaximeChretien/linux-history ids (mainline git starts at 2.6.12-rc2).
 */
import { pagetable_init } from './arch/i386/mm/init.js';
import type { KernelVersion, VersionApi, VersionChange } from '../../src/contract/version.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { high_memory } from './include/asm-i386/page.js';
import { defaultWindow as i386Window, pgtable as i386Pgtable } from './include/asm-i386/pgtable.js';
import { defaultWindow as x86_64Window, pgtable as x86_64Pgtable } from './include/asm-x86_64/pgtable.js';
import { VM_ALLOC, VM_IOREMAP, VM_MAP, vmFlagNames } from './include/linux/vmalloc.js';
import { bootMemory } from './mm/memory.js';
import { boot as bootVmalloc } from './mm/vmalloc.js';
import { bootModule } from './arch/x86_64/kernel/module.js';
import { head } from './arch/x86_64/kernel/head.js';
import { boot as bootIoremap } from './arch/i386/mm/ioremap.js';
import { boot as bootIoremapX86_64 } from './arch/x86_64/mm/ioremap.js';
import { SOURCE_LINES } from './source-lines.js';
import { nxWarning, oopsLine as i386OopsLine } from './arch/i386/mm/fault.js';
import { oopsLine as x86_64OopsLine } from './arch/x86_64/mm/fault.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from './include/linux/mm.js';

/**
 * Every behavioural difference from 2.4.22, keyed by the release that brought it: the 2.5
 * development series (2.5.x tags of linux-history) and 2.6.0–2.6.9. The 2.5 line forked from
 * 2.4 long before 2.4.22, so a fix both lines made (the ioremap last-byte fix) is listed with
 * its 2.5 commit and the 2.4 one named.
 */
const changes: readonly VersionChange[] = [
  {
    id: 'flush-tlb-kernel-range',
    since: '2.5.8',
    commits: ['95519b264d7d'],
    summary: 'Unmapping ends with flush_tlb_kernel_range(start, end) instead of flush_tlb_all() (on i386 and x86_64 the same full flush, counted apart); 2.4.22\'s vmfree_area_pages flushed everything.',
    functions: ['unmap_vm_area', 'vmfree_area_pages'],
    affects: ['cost'],
    counters: ['tlb_flush_range', 'tlb_flush_all'],
    ops: ['vfree', 'vunmap', 'remove_vm_area', 'iounmap'],
  },
  {
    id: 'iounmap-remove-vm-area',
    since: '2.5.23',
    commits: ['c8712aebdb24', 'e80e317bb591'],
    summary:
      'iounmap takes the area off vmlist with remove_vm_area and kfree\'s it: no frame is freed or reference dropped (2.4.22 called vfree, which dropped references of aliased highmem RAM), an unknown address prints "__iounmap: bad address %p"; ioremap_nocache and iounmap of RAM below high_memory change the linear map\'s page attributes and flush all TLBs (global_flush_tlb).',
    functions: ['iounmap', 'ioremap_nocache', 'remove_vm_area'],
    affects: ['cost', 'log', 'outcome'],
    ops: ['iounmap', 'ioremap_nocache'],
  },
  {
    id: 'pages-array',
    since: '2.5.32',
    commits: ['d24919a7fbc6'],
    summary:
      'vm_struct records its pages in a kmalloc\'ed pages[]/nr_pages array (nr_pages * sizeof(struct page *) bytes); vfree frees the pages from that array after remove_vm_area has unmapped them, instead of walking the page tables for them.',
    functions: ['__vmalloc', '__vunmap', 'remove_vm_area', 'free_area_pte'],
    affects: ['cost'],
    counters: ['kmalloc_calls', 'kmalloc_bytes', 'kfree_calls'],
    ops: ['vmalloc', 'vmalloc_32', 'vfree'],
  },
  {
    id: 'map-after-alloc',
    since: '2.5.32',
    commits: ['d24919a7fbc6', '0bf7d47d9069'],
    summary:
      '__vmalloc allocates every data page before it maps any (map_vm_area): a failed alloc_page or pages-array kmalloc leaves no page-table page behind and frees the i pages it got through vfree (0bf7d47d90, "Successfully allocated i pages, free them in __vunmap()"); 2.4.22 allocated page tables and pages in one walk.',
    // 2.6.9's walk and the 2.4.22 functions it replaced
    functions: ['map_vm_area', 'map_area_pmd', 'map_area_pte', '__vmalloc_area_pages', 'alloc_area_pmd', 'alloc_area_pte'],
    affects: ['cost', 'outcome', 'layout'],
    counters: ['pt_pages', 'pages_alloc', 'pages_freed', 'ptes_set'],
    ops: ['vmalloc', 'vmalloc_32', 'fail'],
  },
  {
    id: 'pages-array-kmalloc-limit',
    since: '2.5.32',
    commits: ['d24919a7fbc6'],
    summary:
      'The pages array is always kmalloc\'ed (vmalloc\'ed only from 2.6.11 on, 1dbd4652ae in mainline terms), and 2.6.9\'s largest kmalloc cache is 131072 bytes: a vmalloc of more than 32768 pages (i386) or 16384 (x86_64) returns NULL without a message after reserving and releasing its area.',
    functions: ['__vmalloc', 'remove_vm_area'],
    affects: ['outcome', 'layout'],
    ops: ['vmalloc', 'vmalloc_32'],
  },
  {
    id: 'vm-struct-fields',
    since: '2.5.32',
    commits: ['c8712aebdb24', 'd24919a7fbc6'],
    summary: 'struct vm_struct gains phys_addr (2.5.23, c8712aebdb24) and pages/nr_pages (2.5.32): 28 bytes on i386 (16 in 2.4.22), 56 on x86_64, kmalloc\'ed per area.',
    functions: ['get_vm_area', '__get_vm_area'],
    affects: ['cost'],
    counters: ['kmalloc_bytes'],
    ops: ['get_vm_area', 'vmalloc', 'vmalloc_32', 'vmap', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'vmap-vm-map-no-refs',
    since: '2.5.32',
    commits: ['d24919a7fbc6'],
    summary:
      'vmap areas carry VM_MAP, take no page references, and vunmap is __vunmap(addr, 0), which frees no pages (2.4.22\'s vunmap was vfree and dropped the references it took); vmap refuses only count > num_physpages, so vmap of 0 pages maps pages[0] into the guard page of a one-page area.',
    functions: ['vmap', 'vunmap'],
    affects: ['cost', 'outcome', 'layout'],
    ops: ['vmap', 'vunmap'],
  },
  {
    id: 'remove-vm-area-no-vmalloc-dma',
    since: '2.5.32',
    commits: ['d24919a7fbc6'],
    summary: 'remove_vm_area(addr) is exported (returns the vm_struct for the caller to kfree); vmalloc_dma is gone (callers use __vmalloc with GFP_DMA).',
    functions: ['remove_vm_area', 'vmalloc_dma'],
    affects: ['outcome'],
    ops: ['remove_vm_area', 'vmalloc_dma'],
  },
  {
    id: 'bug-on-in-interrupt',
    since: '2.5.36',
    commits: ['16b387466416'],
    summary: 'vfree and vunmap start with BUG_ON(in_interrupt()) (mm/vmalloc.c:347 and :365 in 2.6.9); vmx never calls them from interrupt context, so it never fires.',
    functions: ['vfree', 'vunmap'],
    affects: ['outcome'],
    ops: ['vfree', 'vunmap'],
  },
  {
    id: 'no-extra-page',
    since: '2.5.44',
    commits: ['9b83f355e773'],
    summary:
      '__vmalloc allocates size >> PAGE_SHIFT pages; from 2.5.32 to 2.5.43 it allocated one more than it mapped, (size + PAGE_SIZE) >> PAGE_SHIFT. 2.4.22 and 2.6.9 agree here: the entry marks the 2.5 detour.',
    functions: ['__vmalloc'],
    // nothing to explain between 2.4.22 and 2.6.9
    affects: [],
  },
  {
    id: 'vmalloc-end-pkmap',
    since: '2.5.55',
    commits: ['148b113a1ce3'],
    summary:
      'PKMAP_BASE moves from 0xfe000000 to 0xff800000 ("shrink the amount of vmalloc space reserved for kmap"): the default i386 VMALLOC_END is 0xff7fe000 instead of 0xfdffe000, 24 MiB more window.',
    functions: ['VMALLOC_END'],
    affects: ['outcome', 'address'],
    ops: ['vmalloc', 'vmalloc_32', 'vmap', 'get_vm_area', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'ioremap-last-byte',
    since: '2.5.65',
    commits: ['f4196e0ee773', 'dc23c4603ed8'],
    summary:
      '__ioremap sizes the mapping PAGE_ALIGN(last_addr+1) - phys_addr: the page holding the last byte is mapped (2.4.22 dropped it when that byte started a page, and BUG()ed on a one-byte ioremap of a page-aligned address); the same fix reached 2.4 in 2.4.23 (dc23c4603e).',
    functions: ['__ioremap'],
    affects: ['outcome', 'log', 'cost', 'layout'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
  {
    id: 'vmap-flags-prot',
    since: '2.5.69',
    commits: ['2096040f5178'],
    summary: 'vmap(pages, count, flags, prot) gets back 2.4.22\'s flags and protection arguments (2.5.32–2.5.68 had vmap(pages, count) with VM_MAP and PAGE_KERNEL built in); the contract passes VM_MAP.',
    functions: ['vmap'],
    affects: ['layout'],
    ops: ['vmap'],
  },
  {
    id: 'unmap-in-remove-vm-area',
    since: '2.5.70',
    commits: ['9bc3b5f16f58'],
    summary:
      'remove_vm_area unmaps the area (unmap_vm_area, then flush_tlb_kernel_range over it) before unlinking it, under vmlist_lock ("vmalloc race fix"); every free path (vfree, vunmap, iounmap, the failure unwinds) goes through it.',
    functions: ['remove_vm_area', 'unmap_vm_area', 'unmap_area_pmd', 'unmap_area_pte', 'vmfree_area_pages', 'free_area_pmd', 'free_area_pte'],
    affects: ['cost'],
    counters: ['ptes_cleared', 'tlb_flush_range', 'tlb_flush_all'],
    ops: ['vfree', 'vunmap', 'remove_vm_area', 'iounmap'],
  },
  {
    id: 'warn-on-dirty-pte',
    since: '2.5.70',
    commits: ['5f4197afb9b4'],
    summary:
      'map_area_pte reports a pte that is already set with WARN_ON ("Badness in map_area_pte at mm/vmalloc.c:100" plus a backtrace) instead of printk "alloc_area_pte: page already exists", and still overwrites it.',
    functions: ['map_area_pte'],
    affects: ['log'],
    ops: ['vmalloc', 'vmalloc_32', 'vmap'],
  },
  {
    id: 'get-vm-area-start-end',
    since: '2.6.0',
    commits: ['72d717bfd9a9'],
    summary:
      '__get_vm_area(size, flags, start, end) searches a given range (get_vm_area passes VMALLOC_START/END; added in 2.6.0-test4 for ARM modules) and skips vmlist entries below its candidate; 2.4.22\'s forward-only step is gone.',
    functions: ['__get_vm_area', 'get_vm_area'],
    // no difference the contract's ops can show: get_vm_area passes the same window, and the
    // skipped entries below the candidate only matter with VM_IOREMAP alignment (ioremap-alignment)
    affects: [],
  },
  {
    id: 'bad-vfree-backtrace',
    since: '2.6.7',
    commits: ['3b15e36b41c2'],
    summary:
      'A bad or nonexistent vfree/vunmap address is followed by WARN_ON(1): "Badness in __vunmap at mm/vmalloc.c:307" (bad address) or ":315" (nonexistent area) after the same "Trying to vfree() ..." printk.',
    functions: ['__vunmap'],
    affects: ['log'],
    ops: ['vfree', 'vunmap'],
  },
  {
    id: 'ioremap-alignment',
    since: '2.6.9',
    commits: ['ea71450720bf', '6522176763ba'],
    summary:
      'VM_IOREMAP areas are aligned to 1 << fls(size), clamped to [PAGE_SHIFT, IOREMAP_MAX_ORDER] (3 + PAGE_SHIFT in ea71450720, 7 + PAGE_SHIFT = 512 KiB after 6522176763, which also moves a candidate that lies inside an area below it past that area).',
    functions: ['__get_vm_area', 'get_vm_area'],
    affects: ['address', 'layout', 'cost'],
    ops: ['get_vm_area', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'out-of-vmalloc-space',
    since: '2.6.9',
    commits: ['8cc3d21cc33c'],
    summary:
      'A full window prints (rate-limited) "allocation failed: out of vmalloc space - use vmalloc=<size> to increase size." and the i386 vmalloc=<size> boot option sets __VMALLOC_RESERVE (default 128 MiB), so MAXMEM, high_memory and VMALLOC_START follow it (machine.vmallocReserveMiB).',
    functions: ['__get_vm_area', 'VMALLOC_START'],
    affects: ['log', 'address'],
    ops: ['vmalloc', 'vmalloc_32', 'vmap', 'get_vm_area', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'x86_64-static-level4',
    since: '2.6.9',
    commitNote:
      'not one commit: arch/x86_64 of 2.6.9 (include/asm-x86_64/pgtable.h, setup64.c); the 2.4 ports model i386 only. The 4-level generic walkers arrived in 2.6.11.',
    summary:
      'x86_64 is modelled: the generic 3-level walk (pgd 1 GiB, pmd 2 MiB) runs below the pml4, whose slot 510 points at the static boot_vmalloc_pgt; the window is 0xffffff0000000000-0xffffff7fffffffff and pmd pages come from __pmd_alloc.',
    // no ops: only x86_64 runs reach __pmd_alloc, so an i386 difference never links here
    functions: ['__pmd_alloc'],
    affects: ['address', 'cost', 'layout'],
  },
  {
    id: 'pgprot-nx',
    since: '2.6.8',
    commits: ['36bc33bac78f'],
    summary:
      'NX support ("NX (No eXecute) support for x86"): on a CPU with NX, PAE and x86_64 keep _PAGE_NX in __supported_pte_mask and PAGE_KERNEL carries it, so vmalloc, vmap and vm_struct-based ioremap ptes are no-execute (an instruction fetch there oopses, after do_page_fault\'s "kernel tried to execute NX-protected page" line on PAE); i386 without PAE has no NX bit.',
    functions: ['__vmalloc', 'map_area_pte', 'remap_area_pte'],
    affects: ['outcome', 'log'],
    outcomes: ['OOPS'],
    arches: ['i386-pae', 'x86_64'],
    ops: ['lookup_pte', 'exec'],
  },
  {
    id: 'vmalloc-exec',
    since: '2.6.8',
    commits: ['36bc33bac78f'],
    summary: 'vmalloc_exec: a vmalloc mapped with PAGE_KERNEL_EXEC (no _PAGE_NX), for code, added with NX support.',
    functions: ['vmalloc_exec'],
    affects: ['outcome'],
    ops: ['vmalloc_exec'],
  },
];

/** Which asm-<arch>/pgtable.h the arch gives the generic code. */
function archPgtable(k: Kernel) {
  return k.arch.name === 'x86_64' ? x86_64Pgtable(k) : i386Pgtable(k);
}

export const version: KernelVersion = {
  id: '2.6.9',
  title: 'Linux 2.6.9: 2.5\'s pages array and map_vm_area on 2.4\'s vmlist first fit, ioremap alignment, vmalloc=',
  source:
    'mainline v2.6.9 (linux-history tag v2.6.9, 31a3791056) mm/vmalloc.c, include/linux/vmalloc.h, mm/memory.c (pte_alloc_kernel, __pmd_alloc), include/asm-i386/{pgtable,page,highmem}.h, arch/i386/kernel/setup.c (vmalloc=), arch/i386/mm/ioremap.c, include/asm-x86_64/{pgtable,page,io}.h, arch/x86_64/kernel/setup64.c, arch/x86_64/mm/ioremap.c',
  tree: {
    repo: 'MaximeChretien/linux-history',
    ref: 'v2.6.9',
    files: ['mm/vmalloc.c', 'include/linux/vmalloc.h', 'mm/memory.c', 'arch/i386/mm/ioremap.c', 'include/asm-x86_64/pgtable.h', 'arch/x86_64/mm/ioremap.c'],
  },
  lines: SOURCE_LINES,
  arches: ['i386', 'i386-pae', 'x86_64'],
  changes,
  hasKmemleak: false,
  kernelConfig: {
    // include/linux/kmalloc_sizes.h with 4 KiB pages, L1_CACHE_BYTES 64 and CONFIG_MMU: no
    // kmalloc-96, nothing above 131072 (kmalloc returns NULL beyond it)
    kmallocSizes: [32, 64, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072],
    vmallocFile: 'mm/vmalloc.c',
    // the first line of arch/i386/mm/fault.c's or arch/x86_64/mm/fault.c's oops
    oopsLine: (k, what, addr) => (k.arch.name === 'x86_64' ? x86_64OopsLine : i386OopsLine)(k, what, addr),
    oopsFunction: 'do_page_fault', // arch/i386/mm/fault.c and arch/x86_64/mm/fault.c: the no_context label prints the line
    nxWarning, // arch/i386/mm/fault.c's CONFIG_X86_PAE NX line (arch/x86_64/mm/fault.c has none)
  },
  defaultWindow: (k) => (k.arch.name === 'x86_64' ? x86_64Window(k) : i386Window(k)),
  boot(k, window): VersionApi {
    pagetable_init(k); /* the fixmap's and pkmap's boot tables (i386, i386-pae) */
    head(k); /* the kernel image's top-slot tables (x86_64) */
    const pg = archPgtable(k);
    const mem = bootMemory(k, pg);
    const mm = bootVmalloc(k, window, pg, mem);
    // arch/x86_64/mm/ioremap.c or arch/i386/mm/ioremap.c
    const io = k.arch.name === 'x86_64' ? bootIoremapX86_64(k, mm, pg, mem) : bootIoremap(k, mm, pg, mem, high_memory(k));
    // __ioremap takes an unsigned long: on i386 a physical address beyond 4 GiB is truncated; on
    // x86_64 it holds every phys vmx takes (below 2^53).
    const phys = (p: number) => (k.arch.name === 'x86_64' ? p : k.ulong(p));
    const api: VersionApi = {
      vmalloc: (size) => mm.vmalloc(size),
      vmalloc_32: (size) => mm.vmalloc_32(size),
      // vmalloc_exec (mm/vmalloc.c): "allocate virtually contiguous, executable memory"
      vmalloc_exec: (size) => mm.vmalloc_exec(size),
      // __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, prot) (mm/vmalloc.c) with a caller's prot; pgprot_t is an
      // unsigned long without PAE (a "0x" value is cut to 32 bits there).
      __vmalloc: (size, prot) => {
        const p =
          prot === 'PAGE_KERNEL' ? pg.PAGE_KERNEL
          : prot === 'PAGE_KERNEL_EXEC' ? pg.PAGE_KERNEL_EXEC
          : prot === 'PAGE_KERNEL_NOCACHE' ? pg.PAGE_KERNEL_NOCACHE
          : k.arch.name === 'i386' ? BigInt(prot) & 0xffffffffn
          : BigInt(prot);
        return mm.__vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, p);
      },
      vfree: (addr) => mm.vfree(addr),
      vunmap: (addr) => mm.vunmap(addr),
      vmap: (pages) => mm.vmap(pages, pages.length, VM_MAP, pg.PAGE_KERNEL),
      get_vm_area: (size, flags) => {
        const area = mm.get_vm_area(size, flags === 'VM_IOREMAP' ? VM_IOREMAP : VM_ALLOC);
        return area ? mm.vm.addr[area] : 0;
      },
      remove_vm_area: (addr) => {
        const area = mm.remove_vm_area(addr);
        return area ? mm.vm.self[area] : 0;
      },
      vread: (buf, addr, count) => mm.vread(buf, addr, count),
      vwrite: (buf, addr, count) => mm.vwrite(buf, addr, count),
      // SIM: an x86_64 user-half address (negative in vmx's biased space) has no slot in the
      // simulated pgd; taken as an empty user half of init_level4_pgt: NULL (-1).
      vmalloc_to_page: (addr) => (addr < 0 ? -1 : mem.vmalloc_to_page(addr)),
      areas() {
        const out = [];
        for (let a = mm.vmlist(), vm = mm.vm; a; a = vm.next[a]) out.push({ addr: vm.addr[a], size: vm.size[a], flags: vmFlagNames(vm.flags[a]), nrPages: vm.nr_pages[a] });
        return out;
      },
    };
    if (k.arch.name === 'x86_64') {
      const modules = bootModule(k, mm);
      api.module_alloc = (size) => modules.module_alloc(size);
      api.module_free = (addr) => modules.module_free(addr);
    } else {
      // module_alloc (arch/i386/kernel/module.c 2.6.9); module_free is vfree
      api.module_alloc = k.traced('module_alloc', (size: number) => {
        if (size === 0) return 0;
        return mm.vmalloc_exec(size);
      });
      api.module_free = (addr) => mm.vfree(addr);
    }
    api.ioremap = (p, size) => io.ioremap(phys(p), size);
    api.ioremap_nocache = (p, size) => io.ioremap_nocache(phys(p), size);
    api.iounmap = (addr) => io.iounmap(addr);
    return api;
  },
};
