/**
 * Linux 2.6.39 as a vmx version: metadata, the catalogue of what changed since 2.6.32 (the
 * previous registered version), keyed by the release that brought each change, and the
 * contract's ops mapped onto the kernel functions this release has.
 *
 * Callers: C records __builtin_return_address(0) of each API entry (vm_struct->caller, the
 * kmemleak backtrace). In vmx the caller is the scenario, which has no kernel symbol, so the
 * symbol printed is the API function the scenario entered ("vmalloc+0x0/0x0"); the zero
 * offset and size mark it as synthetic. A nested pages array carries its outer caller, as in C.
 */
import { pagetable_init } from './arch/x86/mm/init_32.js';
import type { AreaView, KernelVersion, RangeView, VersionApi, VersionChange } from '../../src/contract/version.js';
import { nxWarning, oopsLine } from './arch/x86/mm/fault.js';
import type { KmemleakObject } from '../../src/kernel/kmemleak.js';
import { defaultWindow } from './arch/x86/include/asm/pgtable_types.js';
import { bootIoremap } from './arch/x86/mm/ioremap.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from './include/linux/gfp.js';
import { VM_ALLOC, VM_IOREMAP, VM_MAP, vmFlagNames } from './include/linux/vmalloc.js';
import { boot as bootVmalloc, VM_LAZY_FREE, VM_LAZY_FREEING, VM_VM_AREA } from './mm/vmalloc.js';
import { bootModule } from './arch/x86/kernel/module.js';
import { head_64 } from './arch/x86/kernel/head_64.js';
import { init_memory_mapping } from './arch/x86/mm/init_64.js';
import { SOURCE_LINES } from './source-lines.js';
import { pgprot } from './arch/x86/include/asm/pgtable_types.js';

/*
 * What changed between 2.6.32 and 2.6.39, release by release (found with
 * `git log 22763c5cf369..61c4f2c81c61 -- mm/vmalloc.c lib/rbtree.c include/linux/vmalloc.h
 * arch/x86/mm/ioremap.c …` in gpl-releases/linux-2.6.39.3; `since` is the first release whose
 * "Linux 2.6.3x" commit has the change as an ancestor).
 */
const changes: VersionChange[] = [
  // ---- 2.6.33 ----
  {
    id: 'purge-fragmented-blocks',
    since: '2.6.33',
    commits: ['02b709df817c', 'de5604231ce4'],
    summary: 'vm_map_ram blocks whose every allocated chunk has been freed (free + dirty == VMAP_BBMAP_BITS) are released by purge_fragmented_blocks: on every sync purge (purge_vmap_area_lazy after an allocation failure, vm_unmap_aliases) for all CPUs, and from vb_alloc for this CPU; vb_alloc skips blocks with fewer free pages than the request; vbq->dirty/nr_dirty are gone and the free list is RCU-walked.',
    functions: ['purge_fragmented_blocks', 'purge_fragmented_blocks_allcpus', 'purge_fragmented_blocks_thiscpu', 'vb_alloc', 'free_vmap_block'],
    affects: ['address', 'layout', 'cost'],
    counters: ['kfree_calls', 'purges', 'nodes_visited'],
    ops: ['vm_map_ram', 'vm_unmap_ram', 'vm_unmap_aliases', 'vmalloc', 'vmap', 'get_vm_area'],
  },
  {
    id: 'vb-free-bug-on-double-free',
    since: '2.6.33',
    commits: ['02b709df817c'],
    summary: 'vb_free checks bitmap_allocate_region: unmapping a vm_map_ram chunk twice is kernel BUG at mm/vmalloc.c:999 instead of counting it twice in vb->dirty.',
    functions: ['vb_free'],
    affects: ['outcome', 'log'],
    ops: ['vm_unmap_ram'],
  },
  {
    id: 'lazy-nr-bug-on-removed',
    since: '2.6.33',
    commits: ['88f5004430ba'],
    summary: 'BUG_ON(nr > atomic_read(&vmap_lazy_nr)) in __purge_vmap_area_lazy is gone (it could fire spuriously on SMP; it cannot fire in one thread of control).',
    functions: ['__purge_vmap_area_lazy'],
    affects: ['outcome'],
    ops: ['vfree', 'vunmap', 'vm_unmap_aliases'],
  },
  {
    id: 'nested-gfp-highmem',
    since: '2.6.33',
    commits: ['976d6dfbb017'],
    summary: 'The nested vmalloc of a pages array larger than a page gets (gfp_mask & GFP_RECLAIM_MASK) | __GFP_ZERO | __GFP_HIGHMEM: its pages may come from highmem even for vmalloc_32, and zone modifiers of the outer request are dropped.',
    functions: ['__vmalloc_area_node'],
    affects: ['layout'],
    ops: ['vmalloc', 'vmalloc_32', 'vmalloc_user', 'vzalloc'],
  },
  {
    id: 'put-cpu-var-name',
    since: '2.6.33',
    commits: ['3f04ba859597'],
    summary: 'new_vmap_block and vb_alloc call put_cpu_var(vmap_block_queue) instead of the non-existent vmap_cpu_blocks (only preemption is affected, which vmx does not model).',
    functions: ['new_vmap_block', 'vb_alloc'],
    affects: [],
  },
  {
    id: 'isa-range-inclusive',
    since: '2.6.33',
    commits: ['ccef086454d4'],
    commitNote: 'is_ISA_range became `e <= ISA_END_ADDRESS` (arch/x86/include/asm/e820.h) while __ioremap_caller still passes the inclusive last address',
    summary: 'ioremap of a range whose last byte is 0x100000 (one past the ISA hole) is treated as ISA space and returns the linear address without mapping anything.',
    functions: ['__ioremap_caller', 'is_ISA_range'],
    affects: ['address', 'outcome'],
    outcomes: ['ok'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
  // ---- 2.6.34 ----
  {
    id: 'generic-page-is-ram',
    since: '2.6.34',
    commits: ['13ca0fcaa33f', '1b5576e69a5f', '9ea77bdb39b6'],
    summary: 'x86 page_is_ram is the generic one (kernel/resource.c, "System RAM" resources) and setup.c removes the 640K-1M BIOS area from the e820 RAM entry; with the 2.6.37 low reservation (64 KiB, 9ea77bdb39b6) pfns 0-15 and 0xa0-0xff are not RAM, so ioremap of them is allowed without the RAM check.',
    functions: ['page_is_ram', '__ioremap_caller'],
    affects: ['outcome', 'log'],
    outcomes: ['ok'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
  // ---- 2.6.35 ----
  {
    id: 'rbtree-augment',
    since: '2.6.35',
    commits: ['17d9ddc72fb8', 'b945d6b2554d'],
    summary: 'lib/rbtree.c gains rb_augment_insert/rb_augment_erase_begin/rb_augment_erase_end; rb_insert_color, rb_erase, rb_next and rb_prev are unchanged, so the vmap_area tree keeps its shape.',
    functions: ['rb_augment_insert', 'rb_augment_erase_begin', 'rb_augment_erase_end'],
    affects: [],
  },
  // ---- 2.6.36 ----
  {
    id: 'ioremap-last-page-checked',
    since: '2.6.36',
    commits: ['35be1b716a47'],
    summary: '__ioremap_caller\'s RAM check runs pfn up to and including last_pfn: a one-page ioremap of RAM in use is refused (2.6.32 never checked the last page).',
    functions: ['__ioremap_caller', 'page_is_ram'],
    affects: ['outcome', 'address'],
    outcomes: ['ENOMEM'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
  {
    id: 'ioremap-pae-phys',
    since: '2.6.36',
    commits: ['ffa71f33a820'],
    summary: 'ioremap masks with PHYSICAL_PAGE_MASK and ioremap_page_range takes a phys_addr_t: on i386-pae a BAR above 4 GiB is mapped at its real frame, not truncated to 32 bits.',
    functions: ['__ioremap_caller', 'ioremap_page_range'],
    affects: ['outcome'],
    arches: ['i386-pae'],
    ops: ['ioremap', 'ioremap_nocache', 'vmallocinfo'],
  },
  {
    id: 'vm-struct-phys-addr-t',
    since: '2.6.36',
    commits: ['ffa71f33a820'],
    summary: 'struct vm_struct\'s phys_addr becomes a phys_addr_t (the same PAE ioremap fix), 64 bits under CONFIG_PHYS_ADDR_T_64BIT: on i386-pae the struct is 36 bytes and comes from kmalloc-64, the class of the vmap_area, where it was 32 bytes in kmalloc-32. Which object later takes a freed vm_struct\'s memory changes with it: a second free of a freed area can oops where 2.6.32 freed another area (vector k39-stale-vm-struct-slab-pae).',
    functions: ['__get_vm_area_node', 'remove_vm_area'],
    affects: ['cost', 'outcome'],
    counters: ['kmalloc_bytes'],
    arches: ['i386-pae'],
    ops: ['vmalloc', 'vzalloc', 'vmap', 'get_vm_area', 'alloc_vm_area', '__vmalloc_node', '__vmalloc_node_range', 'vfree', 'vunmap', 'free_vm_area', 'remove_vm_area'],
  },
  {
    id: 'lazy-unmap-switch',
    since: '2.6.36',
    commits: ['a0d40c80256e', '64141da58724'],
    commitNote: 'added in 2.6.36 (vmap_lazy_unmap forcing lazy_max_pages() to 0, for Xen) and removed again in 2.6.37 by the eager pte clearing; absent from 2.6.39',
    summary: 'A runtime switch off lazy unmapping existed in 2.6.36 only; 2.6.39 has no such flag (lazy_max_pages() is fls(num_online_cpus()) * 8192 as in 2.6.32).',
    functions: ['lazy_max_pages'],
    affects: [],
  },
  // ---- 2.6.37 ----
  {
    id: 'eager-pte-clear',
    since: '2.6.37',
    commits: ['64141da58724'],
    summary: 'vfree/vunmap/vm_unmap_ram clear the ptes at once (free_unmap_vmap_area_noflush calls unmap_vmap_area, vb_free calls vunmap_page_range) while the range stays reserved and the TLB flush waits for the lazy purge: a CPU with a cached translation still reaches the freed page, any other access faults, and vread of a freed range reads zeroes.',
    functions: ['free_unmap_vmap_area_noflush', 'free_unmap_vmap_area', 'unmap_vmap_area', 'vunmap_page_range', 'free_vmap_area_noflush', 'vb_free', '__purge_vmap_area_lazy', 'vm_unmap_aliases'],
    affects: ['outcome', 'cost', 'layout'],
    counters: ['ptes_cleared'],
    ops: ['vfree', 'vunmap', 'vm_unmap_ram', 'peek', 'poke', 'vread', 'vwrite'],
  },
  {
    id: 'vzalloc',
    since: '2.6.37',
    commits: ['e1ca7788dec6'],
    summary: 'vzalloc(size) and vzalloc_node(size, node): vmalloc with __GFP_ZERO (through __vmalloc_node_flags).',
    functions: ['vzalloc', 'vzalloc_node', '__vmalloc_node_flags'],
    affects: ['outcome'],
    ops: ['vzalloc', 'vzalloc_node'],
  },
  {
    id: 'set-iounmap-nonlazy',
    since: '2.6.37',
    commits: ['3ee48b6af49c'],
    query: true,
    summary: 'QUERY: set_iounmap_nonlazy() sets vmap_lazy_nr to lazy_max_pages() + 1 so the next iounmap purges at once (crash_dump\'s copy_oldmem_page); it overwrites the lazy count instead of adding to it.',
    functions: ['set_iounmap_nonlazy', 'free_vmap_area_noflush'],
    affects: ['address', 'cost'],
    counters: ['purges', 'ptes_cleared', 'tlb_flush_range'],
    ops: ['set_iounmap_nonlazy', 'iounmap'],
  },
  {
    id: 'null-pointer-width',
    since: '2.6.37',
    commits: ['5e0579812834'],
    summary: '%p of NULL prints "(null)" right-aligned in the pointer width (lib/vsprintf.c): the oops line of a NULL dereference reads "at   (null)" on i386.',
    functions: ['pointer'],
    affects: ['log'],
    ops: ['vfree'],
  },
  // ---- 2.6.38 ----
  {
    id: 'vmalloc-node-range',
    since: '2.6.38',
    commits: ['d0a21265dfb5'],
    summary: '__vmalloc_node_range(size, align, start, end, gfp, prot, node, caller) allocates in any window (module_alloc); __vmalloc_node is its VMALLOC_START..VMALLOC_END case and __vmalloc_area is gone.',
    functions: ['__vmalloc_node_range', '__vmalloc_node', '__vmalloc_area'],
    affects: ['address', 'outcome'],
    ops: ['__vmalloc_node_range', '__vmalloc_node'],
  },
  {
    id: 'get-vm-area-node-removed',
    since: '2.6.38',
    commits: ['e5a5623b2819'],
    summary: 'get_vm_area_node is removed (no caller left); pcpu_get_vm_areas loses its gfp argument (ec3f64fc9c19) and vmallocinfo prints the caller with %pS (62c70bce8ac2, same text).',
    functions: ['get_vm_area_node', 'pcpu_get_vm_areas', 's_show'],
    affects: [],
  },
  // ---- 2.6.39 ----
  {
    id: 'vmap-area-cache',
    since: '2.6.39',
    commits: ['89699605fe7c'],
    summary: 'alloc_vmap_area starts its search after free_vmap_cache (the last allocated area, moved down by __free_vmap_area when a range at or below it is freed) unless the request is smaller than cached_hole_size (the largest hole the walks since the last reset skipped), has a lower vstart or a smaller alignment; a freed hole below the cache is reused only by a request that fits it, and the descent is skipped on the cached path. Motivation (the commit message): lazily freed extents build up "from VMALLOC_START address, which have to be iterated over each time (giving an O(n) type of behaviour)"; with the cache "the search will start from where it left off, giving closer to an amortized O(1)".',
    functions: ['alloc_vmap_area', '__free_vmap_area'],
    affects: ['address', 'cost', 'layout'],
    counters: ['nodes_visited'],
    ops: ['vmalloc', 'vzalloc', 'vmap', 'get_vm_area', 'alloc_vm_area', 'vm_map_ram', '__vmalloc_node', '__vmalloc_node_range', 'vfree', 'vunmap', 'vm_unmap_aliases'],
  },
  {
    id: 'exact-fit-rejected',
    since: '2.6.39',
    commits: ['89699605fe7c'],
    summary: 'The walk continues while addr + size >= first->va_start (was >): a hole of exactly the request (guard page included) below the next area is skipped, so it needs one page more than in 2.6.32.',
    functions: ['alloc_vmap_area'],
    affects: ['address', 'layout'],
    ops: ['vmalloc', 'vzalloc', 'vmap', 'get_vm_area', 'alloc_vm_area', 'vm_map_ram', '__vmalloc_node', '__vmalloc_node_range'],
  },
  {
    id: 'alloc-vmap-area-bug-ons',
    since: '2.6.39',
    commits: ['89699605fe7c'],
    summary: 'alloc_vmap_area BUGs on an alignment that is not a power of two (mm/vmalloc.c:345) and, after inserting the area, on a start that is unaligned (434), below vstart (435) or an end above vend (436).',
    functions: ['alloc_vmap_area'],
    affects: ['outcome', 'log'],
    ops: ['__vmalloc_node', '__vmalloc_node_range'],
  },
];

export const version: KernelVersion = {
  id: '2.6.39',
  title: 'Linux 2.6.39: free_vmap_cache search, ptes cleared at free with the TLB flush deferred, fragmented vmap blocks purged',
  source: 'mainline v2.6.39 (61c4f2c81c61, in gpl-releases/linux-2.6.39.3) mm/vmalloc.c (blob 5d603023), include/linux/vmalloc.h, lib/rbtree.c, mm/memory.c (apply_to_page_range), lib/ioremap.c, arch/x86/mm/ioremap.c, kernel/resource.c (page_is_ram), arch/x86/kernel/module.c (module_alloc), arch/x86/include/asm/pgtable_{32,64}_types.h',
  tree: {
    repo: 'gpl-releases/linux-2.6.39.3',
    ref: '61c4f2c81c61',
    files: ['mm/vmalloc.c', 'include/linux/vmalloc.h', 'lib/rbtree.c', 'lib/ioremap.c', 'mm/memory.c', 'arch/x86/mm/ioremap.c', 'kernel/resource.c'],
  },
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
    // lib/vsprintf.c pointer(): NULL is "(null)" with spec.field_width = 2 * sizeof(void *) (5e0579812834, 2.6.37)
    pointerNull: 'padded',
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
      vzalloc: (size) => mm.vzalloc(size),
      vzalloc_node: (size, node) => mm.vzalloc_node(size, node),
      __vmalloc_node_range: (size, align, start, end, node) =>
        mm.__vmalloc_node_range(size, align, start, end, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, '__vmalloc_node_range'),
      set_iounmap_nonlazy: () => mm.set_iounmap_nonlazy(),
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
        const r = mm.pcpu_get_vm_areas(offsets, sizes, offsets.length, align);
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
        return mm.vmap_areas().map((va) => {
          const lazy = (va.flags & (VM_LAZY_FREE | VM_LAZY_FREEING)) !== 0;
          const state: RangeView['state'] = lazy ? 'lazy' : va.block ? 'block' : 'live';
          const label = va.block ? 'vmap_block' : va.flags & VM_VM_AREA ? vmFlagNames(lazy && va.freed_vm_flags >= 0 ? va.freed_vm_flags : mm.vmstruct.flags[va.private]).join('|') : 'vm_map_ram';
          return { start: va.va_start, end: va.va_end, state, label };
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
        for (const va of mm.vmap_areas()) if (inside(va.va_start)) n++;
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
          free_vmap_cache: mm.free_vmap_cache() ? k.hex(mm.free_vmap_cache()!.va_start) : 'NULL',
          cached_hole_size: mm.cached_hole_size(),
          cached_vstart: k.hex(mm.cached_vstart()),
          cached_align: mm.cached_align(),
        };
      },
    };
  },
};
