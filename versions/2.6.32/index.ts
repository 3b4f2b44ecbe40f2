/**
 * Linux 2.6.32 as a vmx version: metadata, the catalogue of what changed since 2.6.9, and the
 * contract's ops mapped onto the kernel functions this release has.
 *
 * Callers: C records __builtin_return_address(0) of each API entry (vm_struct->caller, the
 * kmemleak backtrace). In vmx the caller is the scenario, which has no kernel symbol, so the
 * symbol printed is the API function the scenario entered ("vmalloc+0x0/0x0"); the zero
 * offset and size mark it as synthetic. A nested pages array carries its outer caller, as in C.
 */
import { pagetable_init } from './arch/x86/mm/init_32.js';
import type { AreaView, KernelVersion, RangeView, VersionApi, VersionChange } from '../../src/contract/version.js';
import type { KmemleakObject } from '../../src/kernel/kmemleak.js';
import { defaultWindow, lowmemLimit } from './arch/x86/include/asm/pgtable_types.js';
import { bootIoremap } from './arch/x86/mm/ioremap.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from './include/linux/gfp.js';
import { VM_ALLOC, VM_IOREMAP, VM_MAP, vmFlagNames } from './include/linux/vmalloc.js';
import { boot as bootVmalloc, VM_LAZY_FREE, VM_LAZY_FREEING, VM_VM_AREA } from './mm/vmalloc.js';
import { bootModule } from './arch/x86/kernel/module.js';
import { head_64 } from './arch/x86/kernel/head_64.js';
import { init_memory_mapping } from './arch/x86/mm/init_64.js';

import { SOURCE_LINES } from './source-lines.js';
import { nxWarning, oopsLine } from './arch/x86/mm/fault.js';
import { pgprot } from './arch/x86/include/asm/pgtable_types.js';

const changes: VersionChange[] = [
  {
    id: 'vmap-area-rbtree',
    since: '2.6.28',
    summary: 'Virtual addresses come from struct vmap_area kept in a red-black tree and an address-sorted list (alloc_vmap_area), no longer from a walk of vmlist; vmlist remains only as the list of vm_structs. Each area costs a second kmalloc (the vmap_area, before the pages array), one more allocation that can fail.',
    commits: ['db64fe02258f'],
    functions: ['alloc_vmap_area', '__insert_vmap_area', '__find_vmap_area', '__get_vm_area_node', 'insert_vmalloc_vm'],
    affects: ['address', 'cost', 'layout', 'outcome'],
    counters: ['kmalloc_calls', 'kmalloc_bytes', 'nodes_visited'],
    ops: ['vmalloc', 'vmap', 'get_vm_area', 'alloc_vm_area', 'vfree'],
  },
  {
    id: 'gap-page-after-area',
    since: '2.6.28',
    summary: 'The first-fit walk restarts at va_end + PAGE_SIZE, so every area is followed by an unreserved page on top of its guard page: consecutive 1-page vmallocs step by 3 pages.',
    commits: ['db64fe02258f'],
    functions: ['alloc_vmap_area'],
    affects: ['address', 'layout'],
    ops: ['vmalloc', 'vmap', 'get_vm_area', 'alloc_vm_area'],
  },
  {
    id: 'lazy-free',
    since: '2.6.28',
    summary: 'vfree/vunmap only mark the vmap_area VM_LAZY_FREE: its ptes stay and its range stays reserved until __purge_vmap_area_lazy runs (vmap_lazy_nr above lazy_max_pages() = fls(num_online_cpus()) * 8192 pages, an allocation failure, or vm_unmap_aliases), which unmaps them all and flushes the TLB once.',
    commits: ['db64fe02258f'],
    functions: ['free_unmap_vmap_area', '__purge_vmap_area_lazy', 'try_purge_vmap_area_lazy', 'purge_vmap_area_lazy', 'lazy_max_pages', 'vm_unmap_aliases'],
    affects: ['address', 'cost', 'layout', 'outcome'],
    counters: ['ptes_cleared', 'tlb_flush_range', 'tlb_flush_all', 'purges', 'kfree_calls', 'nodes_visited'],
    ops: ['vfree', 'vunmap', 'vmalloc', 'vm_unmap_aliases', 'peek', 'poke'],
  },
  {
    id: 'purge-and-retry',
    since: '2.6.28',
    summary: 'When no gap fits, alloc_vmap_area purges the lazy areas once and rescans; a second failure prints the rate-limited "vmap allocation for size %lu failed: use vmalloc=<size> to increase size." (size with guard page; this text since 2.6.29, c1279c4ef37a), replacing 2.6.27\'s "allocation failed: out of vmalloc space".',
    commits: ['db64fe02258f', 'c1279c4ef37a'],
    functions: ['alloc_vmap_area', 'purge_vmap_area_lazy'],
    affects: ['address', 'log', 'outcome'],
    counters: ['purges'],
    ops: ['vmalloc', 'vmap', 'get_vm_area', 'alloc_vm_area', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'vmap-pte-ebusy',
    since: '2.6.28',
    summary: 'vmap_pte_range refuses a pte that is already set with WARN_ON and -EBUSY (and a NULL page with WARN_ON and -ENOMEM) instead of 2.6.27\'s warn-and-overwrite; the mapping walk becomes vmap_page_range.',
    commits: ['db64fe02258f'],
    functions: ['vmap_pte_range', 'vmap_page_range_noflush', 'map_vm_area'],
    affects: ['outcome', 'log'],
    ops: ['vmalloc', 'vmap'],
  },
  {
    id: 'vmalloc-node-align',
    since: '2.6.28',
    summary: '__vmalloc_node takes an alignment (passed down to alloc_vmap_area), which the __vmalloc_node op drives; vmalloc_user passes SHMLBA since 2.6.32 (2dca6999eed5), PAGE_SIZE on x86.',
    commits: ['db64fe02258f', '2dca6999eed5'],
    functions: ['__vmalloc_node', 'vmalloc_user', '__get_vm_area_node'],
    affects: ['outcome'],
    ops: ['__vmalloc_node'],
  },
  {
    id: 'vm-map-ram',
    since: '2.6.28',
    summary: 'vm_map_ram/vm_unmap_ram add a per-CPU vmap_block allocator (VMAP_BBMAP_BITS-page blocks, power-of-two chunks, no guard page); a freed chunk is reused only after the whole block is dirty.',
    commits: ['db64fe02258f'],
    functions: ['vm_map_ram', 'vm_unmap_ram', 'vb_alloc', 'vb_free', 'new_vmap_block', 'free_vmap_block'],
    affects: ['address', 'layout'],
    ops: ['vm_map_ram', 'vm_unmap_ram', 'vm_unmap_aliases'],
  },
  {
    id: 'vunmap-warn-lines',
    since: '2.6.28',
    summary: 'mm/vmalloc.c is reorganised around the kva allocator, so __vunmap\'s WARNs for a bad or nonexistent address move from lines 384/390 (2.6.27) to 1301/1307 (2.6.32) and its BUG_ON(!page) from 404 to 1321.',
    commits: ['db64fe02258f'],
    commitNote: 'The rewrite moved the code; the exact 2.6.32 line numbers come from it and the later additions above __vunmap (vm_map_ram, vm_area_register_early, pcpu_get_vm_areas).',
    functions: ['__vunmap'],
    affects: ['log'],
    ops: ['vfree', 'vunmap'],
  },
  {
    id: 'vmalloc-start-unrounded',
    since: '2.6.28',
    summary: 'i386 VMALLOC_START is high_memory + 8 MiB with no rounding to 8 MiB, and MAXMEM becomes VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE (e621bd18958e, "i386: vmalloc size fix"): the default window starts up to 8 MiB lower.',
    commits: ['e621bd18958e'],
    functions: ['VMALLOC_START', 'MAXMEM'],
    affects: ['address'],
  },
  {
    id: 'ioremap-idmap-sync',
    since: '2.6.30',
    summary: '__ioremap_caller syncs the direct map\'s memory type (kernel_map_sync_memtype, which does nothing with PAT off) before mapping, instead of 2.6.27\'s ioremap_change_attr after it, so a range aliasing the direct map no longer costs a TLB flush here.',
    commits: ['43a432b15597'],
    functions: ['__ioremap_caller', 'ioremap_change_attr', 'kernel_map_sync_memtype'],
    affects: ['cost'],
    counters: ['nodes_visited'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
  {
    id: 'ioremap-phys-bits-32bit',
    since: '2.6.30',
    summary: 'phys_addr_valid also applies on 32-bit (x86_phys_bits, 36 here): an i386-pae ioremap at or above 64 GiB prints "ioremap: invalid physical address" and fails, where 2.6.27 checked only on x86_64.',
    commits: ['13c6c53282d9'],
    functions: ['phys_addr_valid', '__ioremap_caller'],
    affects: ['outcome', 'log'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
  {
    id: 'x86_64-vmalloc-window',
    since: '2.6.31',
    summary: 'The x86_64 vmalloc window moves from 0xffffc20000000000-0xffffe1ffffffffff to 0xffffc90000000000-0xffffe8ffffffffff (46-bit physical address support).',
    commits: ['c898faf91b3e'],
    functions: ['VMALLOC_START', 'VMALLOC_END'],
    affects: ['address'],
  },
  {
    id: 'kmemleak-hooks',
    since: '2.6.31',
    summary: '__vmalloc_node registers each area with kmemleak_alloc(addr, real_size, 3, gfp) and vfree calls kmemleak_free first; the nested pages array is an object of its own.',
    commits: ['89219d37a237'],
    functions: ['__vmalloc_node', '__vmalloc_area', 'vfree'],
    affects: ['log'],
    ops: ['vmalloc', 'vfree', 'kmemleak_scan', 'forget'],
  },
  {
    id: 'pcpu-get-vm-areas',
    since: '2.6.32',
    summary: 'pcpu_get_vm_areas allocates congruent vmalloc areas for the percpu allocator, top-down from vmap_area_pcpu_hole (which __free_vmap_area raises), and pcpu_free_vm_areas frees them (ca23e405e06d, "vmalloc: implement pcpu_get_vm_areas()").',
    commits: ['ca23e405e06d'],
    functions: ['pcpu_get_vm_areas', 'pcpu_free_vm_areas', 'pvm_find_next_prev', 'pvm_determine_end', '__free_vmap_area'],
    affects: ['outcome', 'address'],
    ops: ['pcpu_get_vm_areas', 'pcpu_free_vm_areas'],
  },
  {
    id: 'totalram-limit',
    since: '2.6.32',
    summary: '__vmalloc_node returns NULL for size 0 or more pages than totalram_pages (was num_physpages; commit 4481374ce88b).',
    commits: ['4481374ce88b'],
    functions: ['__vmalloc_node', 'vmap'],
    affects: ['outcome'],
    ops: ['vmalloc', 'vmap'],
  },
  {
    id: 'vread-holes',
    since: '2.6.32',
    summary: 'vread/vwrite go page by page through vmalloc_to_page (d0107eb07320): holes and VM_IOREMAP areas read as zeroes (writes skip them), the tail after the last area is zero-filled and the full count returned; vwrite returns all or nothing.',
    commits: ['d0107eb07320'],
    functions: ['vread', 'vwrite', 'aligned_vread', 'aligned_vwrite'],
    affects: ['outcome'],
    ops: ['vread', 'vwrite'],
  },
];

export const version: KernelVersion = {
  id: '2.6.32',
  title: 'Linux 2.6.32: rbtree vmap_area allocator, lazy TLB-batched freeing, vmap blocks',
  source: 'mainline v2.6.32 (22763c5cf3690a681551162c15d34d935308c8d7) mm/vmalloc.c, include/linux/vmalloc.h, lib/rbtree.c, mm/memory.c (apply_to_page_range), lib/ioremap.c, arch/x86/mm/ioremap.c, arch/x86/kernel/module.c (module_alloc), arch/x86/include/asm/pgtable_{32,64}_types.h',
  tree: { repo: 'sepen/linux-2.6.32.y', ref: '22763c5cf369', files: ['mm/vmalloc.c', 'include/linux/vmalloc.h', 'lib/rbtree.c', 'lib/ioremap.c', 'mm/memory.c', 'arch/x86/mm/ioremap.c'] },
  lines: SOURCE_LINES,
  arches: ['i386', 'i386-pae', 'x86_64'],
  changes,
  hasKmemleak: true,
  kernelConfig: {
    // SLAB include/linux/kmalloc_sizes.h with 4 KiB pages, L1_CACHE_BYTES 64 (X86_GENERIC /
    // GENERIC_CPU: no kmalloc-96), KMALLOC_MAX_SIZE 4 MiB (MAX_ORDER 11)
    kmallocSizes: [32, 64, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304],
    vmallocFile: 'mm/vmalloc.c',
    oopsLine,
    nxWarning,
    // lib/vsprintf.c pointer(): if (!ptr) return string(buf, end, "(null)", spec)
    pointerNull: '(null)',
    // MAXMEM = VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE (pgtable_32_types.h): 0x377fe000 on i386
    lowmemLimit,
  },
  defaultWindow,
  boot(k, window): VersionApi {
    pagetable_init(k); /* the fixmap's and pkmap's boot tables (i386, i386-pae) */
    head_64(k); /* the kernel image's top-slot tables (x86_64) */
    init_memory_mapping(k); /* setup_arch: the direct map of all RAM (x86_64) */
    const mm = bootVmalloc(k, window);
    const { PAGE_KERNEL } = pgprot(k);
    const io = bootIoremap(k, mm);
    // resource_size_t is 32-bit on i386 without PAE: a larger physical address is truncated.
    const phys = (p: number) => (k.arch.name === 'i386' ? p % 2 ** 32 : p);
    const findArea = (addr: number) => {
      for (let v = mm.vmlist(), vm = mm.vmstruct; v; v = vm.next[v]) if (vm.addr[v] === addr) return v;
      return 0;
    };
    const modules = bootModule(k, mm, window);
    return {
      vmalloc: (size) => mm.vmalloc(size),
      vmalloc_32: (size) => mm.vmalloc_32(size),
      // vmalloc_exec (mm/vmalloc.c): "allocate virtually contiguous, executable memory"
      vmalloc_exec: (size) => mm.vmalloc_exec(size),
      // vmalloc_32_user (mm/vmalloc.c): "allocate zeroed virtually contiguous 32bit memory" (VM_USERMAP)
      vmalloc_32_user: (size) => mm.vmalloc_32_user(size),
      // __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, prot) (mm/vmalloc.c) with a caller's prot; pgprotval_t is an
      // unsigned long without PAE (a "0x" value is cut to 32 bits there).
      __vmalloc: (size, prot) => {
        const pp = pgprot(k);
        const p =
          prot === 'PAGE_KERNEL' ? pp.PAGE_KERNEL
          : prot === 'PAGE_KERNEL_EXEC' ? pp.PAGE_KERNEL_EXEC
          : prot === 'PAGE_KERNEL_NOCACHE' ? pp.PAGE_KERNEL_NOCACHE
          : k.arch.name === 'i386' ? BigInt(prot) & 0xffffffffn
          : BigInt(prot);
        return mm.__vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, p);
      },
      vmalloc_user: (size) => mm.vmalloc_user(size),
      vmalloc_node: (size, node) => mm.vmalloc_node(size, node),
      __vmalloc_node: (size, align, node) => mm.__vmalloc_node(size, align, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, '__vmalloc_node'),
      vfree: (addr) => mm.vfree(addr),
      vunmap: (addr) => mm.vunmap(addr),
      vmap: (pages) => mm.vmap(pages, pages.length, VM_MAP, PAGE_KERNEL),
      get_vm_area: (size, flags) => {
        const area = mm.get_vm_area(size, flags === 'VM_IOREMAP' ? VM_IOREMAP : VM_ALLOC);
        return area ? mm.vmstruct.addr[area] : 0;
      },
      remove_vm_area: (addr) => {
        const area = mm.remove_vm_area(addr);
        return area ? mm.vmstruct.self[area] : 0;
      },
      alloc_vm_area: (size) => {
        const area = mm.alloc_vm_area(size);
        return area ? mm.vmstruct.addr[area] : 0;
      },
      free_vm_area(addr) {
        // SIM: the caller holds the vm_struct; the scenario holds its address, looked up here.
        const area = findArea(addr);
        if (!area) return 'nonexistent';
        mm.free_vm_area(area);
        return 'ok';
      },
      vread: (buf, addr, count) => mm.vread(buf, addr, count),
      vwrite: (buf, addr, count) => mm.vwrite(buf, addr, count),
      vm_unmap_aliases: () => mm.vm_unmap_aliases(),
      vm_map_ram: (pages) => mm.vm_map_ram(pages, pages.length, -1, PAGE_KERNEL),
      vm_unmap_ram: (addr, count) => mm.vm_unmap_ram(addr, count),
      // SIM: an x86_64 user-half address (negative in vmx's biased space) has no slot in the
      // simulated pgd; the C walks init_level4_pgt's user half, empty after boot: NULL (-1).
      vmalloc_to_page: (addr) => (addr < 0 ? -1 : mm.vmalloc_to_page(addr)),
      vmalloc_to_pfn: (addr) => (addr < 0 ? -1 : mm.vmalloc_to_pfn(addr)),
      module_alloc: (size) => modules.module_alloc(size),
      module_free: (addr) => mm.vfree(addr), /* module_free (arch/x86/kernel/module*.c): vfree(module_region) */
      remap_vmalloc_range: (addr, pages) => mm.remap_vmalloc_range(addr, pages === undefined ? undefined : k.ulong(pages * k.PAGE_SIZE)),
      pcpu_get_vm_areas(offsets, sizes, align) {
        const r = mm.pcpu_get_vm_areas(offsets, sizes, offsets.length, align, GFP_KERNEL);
        return r ? { vms: r.vms, addrs: r.list.map((vm) => mm.vmstruct.addr[vm]) } : null;
      },
      pcpu_free_vm_areas(vms) {
        // SIM: nr_vms is the count the pcpu_get_vm_areas step asked for; a pointer that is no
        // live vms array (NULL, or one already freed) is refused instead of dereferenced.
        const list = mm.pcpu_vms_array(vms);
        if (!list) return 'nonexistent';
        mm.pcpu_free_vm_areas(vms, list.length);
        return 'ok';
      },
      vmallocinfo: () => mm.vmallocinfo(),
      ioremap: (p, size) => io.ioremap(phys(p), size),
      ioremap_nocache: (p, size) => io.ioremap_nocache(phys(p), size),
      iounmap: (addr) => io.iounmap(addr),
      areas(): AreaView[] {
        const out: AreaView[] = [];
        for (let a = mm.vmlist(), vm = mm.vmstruct; a; a = vm.next[a]) out.push({ addr: vm.addr[a], size: vm.size[a], flags: vmFlagNames(vm.flags[a]), nrPages: vm.nr_pages[a] });
        return out;
      },
      ranges(): RangeView[] {
        const { vmaparea } = mm;
        return mm.vmap_areas().map((va) => {
          const flags = vmaparea.flags[va];
          const block = vmaparea.block[va];
          const lazy = (flags & (VM_LAZY_FREE | VM_LAZY_FREEING)) !== 0;
          const state: RangeView['state'] = lazy ? 'lazy' : block ? 'block' : 'live';
          const freed = vmaparea.freed_vm_flags[va];
          const vm_flags = lazy && freed >= 0 ? freed : mm.vmstruct.flags[vmaparea.private[va]];
          const label = block ? 'vmap_block' : flags & VM_VM_AREA ? vmFlagNames(vm_flags).join('|') : 'vm_map_ram';
          return { start: vmaparea.va_start[va], end: vmaparea.va_end[va], state, label };
        });
      },
      kmemleakRefs(o: KmemleakObject): number {
        // What a kmemleak scan of the vm_structs and vmap_areas finds: values pointing into
        // [ptr, ptr + size). vm->addr and va->va_start point at the area; an outer vm_struct's
        // pages points at its vmalloc'ed pages array.
        const inside = (v: number) => v >= o.ptr && v < o.ptr + o.size;
        let n = 0;
        for (let v = mm.vmlist(), vm = mm.vmstruct; v; v = vm.next[v]) {
          if (inside(vm.addr[v])) n++;
          const pages = vm.pages[v];
          if (pages && inside(pages.ptr)) n++;
        }
        for (const va of mm.vmap_areas()) if (inside(mm.vmaparea.va_start[va])) n++;
        return n;
      },
      stateSummary() {
        const blocks = mm.vmap_blocks();
        return {
          vmap_lazy_nr: mm.vmap_lazy_nr(),
          lazy_max_pages: mm.lazy_max_pages(),
          vmap_areas: mm.vmap_areas().length,
          vmap_blocks: blocks.length,
          VMAP_BBMAP_BITS: mm.VMAP_BBMAP_BITS,
          vmap_area_pcpu_hole: k.hex(mm.vmap_area_pcpu_hole()),
        };
      },
    };
  },
};
