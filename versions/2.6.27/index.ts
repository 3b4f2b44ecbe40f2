/**
 * Linux 2.6.27 as a vmx version: metadata, the catalogue of what changed since 2.6.9 (the
 * registered release before it in the 2.6 line), and the contract's ops mapped onto the kernel functions this
 * release has. The last vmlist kernel: no vmap_area, no lazy freeing, no vm_map_ram, no
 * vm_unmap_aliases, no kmemleak hooks, no __vmalloc_node with an alignment (those ops are
 * "unsupported").
 *
 * Callers: C records __builtin_return_address(0) of each API entry (vm_struct->caller). In vmx
 * the caller is the scenario, which has no kernel symbol, so the symbol printed is the API
 * function the scenario entered ("vmalloc+0x0/0x0"); vmalloc_user and vmalloc_32 go through
 * __vmalloc, whose return address lies in them, so they print as themselves too. A nested pages
 * array carries its outer caller, as in C.
 */
import { pagetable_init } from './arch/x86/mm/init_32.js';
import type { AreaView, KernelVersion, VersionApi, VersionChange } from '../../src/contract/version.js';
import { defaultWindow } from './include/asm-x86/pgtable.js';
import { bootIoremap } from './arch/x86/mm/ioremap.js';
import { VM_ALLOC, VM_IOREMAP, VM_MAP, vmFlagNames } from './include/linux/vmalloc.js';
import { boot as bootVmalloc } from './mm/vmalloc.js';
import { bootModule } from './arch/x86/kernel/module.js';
import { head_64 } from './arch/x86/kernel/head_64.js';
import { init_memory_mapping } from './arch/x86/mm/init_64.js';
import { SOURCE_LINES } from './source-lines.js';
import { pgprot } from './include/asm-x86/pgtable.js';
import { nxWarning } from './arch/x86/mm/fault.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from './include/linux/gfp.js';

/**
 * Every behavioural difference from 2.6.9 (whose catalogue holds the 2.5 and early 2.6 changes:
 * pages array, map after alloc, vmap without page references, remove_vm_area, VM_IOREMAP
 * alignment, the out-of-space printk, ...), with the release that brought it. Commits from 2.6.12
 * on are mainline ids (sepen/linux-2.6.32.y); earlier ones are ids of the linux-history tree
 * (MaximeChretien/linux-history), where git history before 2.6.12-rc2 lives.
 */
const changes: VersionChange[] = [
  {
    id: 'oops-text',
    since: '2.6.17',
    summary:
      'The first line of a kernel page-fault oops: 2.6.17 starts it with "BUG: " ("make bug messages more consistent"), 2.6.25\'s unification of fault_32.c and fault_64.c prints "BUG: unable to handle kernel NULL pointer dereference|paging request at ADDRESS" on i386 and x86_64 alike (no "virtual address"; x86_64 had "Unable to handle kernel paging request at %016lx RIP:"), and 2.6.27 prints the address with %p. 2.6.9 printed "Unable to handle kernel paging request at virtual address d0800000".',
    commits: ['91368d73e4b6', '19f0dda91e0d', 'f294a8ce2111'],
    functions: ['show_fault_oops'],
    affects: ['log'],
    ops: ['peek', 'poke', 'exec', 'vread', 'vwrite', 'vfree', 'vunmap'],
  },
  {
    id: 'warn-on-bad-vfree',
    since: '2.6.27',
    summary:
      'A bad or nonexistent vfree/vunmap address is reported with one WARN(1, ...): "WARNING: at mm/vmalloc.c:384 __vunmap()" (390 for a nonexistent area) before the message, where 2.6.9 printed the message and then WARN_ON\'s "Badness in __vunmap at mm/vmalloc.c:NNN".',
    commits: ['4c8573e25f27'],
    functions: ['__vunmap'],
    affects: ['log'],
    ops: ['vfree', 'vunmap'],
  },
  {
    id: 'pages-array-vmalloced',
    since: '2.6.11',
    summary:
      'A pages array larger than PAGE_SIZE (more than 1024 pages on i386, 512 on x86_64) is vmalloc\'ed itself, a second area placed after the first with the outer caller; before, kmalloc capped a vmalloc at what its largest cache held.',
    commits: ['1dbd4652aedf'],
    functions: ['__vmalloc_area_node', '__vunmap'],
    affects: ['address', 'layout', 'cost', 'outcome'],
    counters: ['kmalloc_calls', 'kmalloc_bytes', 'pages_alloc', 'ptes_set', 'pt_pages'],
    ops: ['vmalloc', 'vmalloc_32', 'vmalloc_user', 'vmalloc_node', 'vfree'],
  },
  {
    id: 'get-vm-area-page-align',
    since: '2.6.12-rc1',
    summary:
      '__get_vm_area page-aligns the size and refuses 0 before adding the guard page, where 2.6.9 (like 2.4.20 on) added the guard page unaligned and then refused a size that had wrapped to 0: get_vm_area(5000) takes 3 pages, and a size that wraps to 0 with the guard page (0xfffff000 on i386) is accepted and inserts a zero-sized area, on whose vfree unmap_kernel_range BUGs (mm/vmalloc.c:80).',
    commits: ['54fe2b5bfa88'],
    commitNote: 'Commit of the linux-history tree (in 2.6.12-rc1, before the mainline git history starts at 2.6.12-rc2).',
    functions: ['__get_vm_area_node', 'unmap_kernel_range'],
    affects: ['address', 'layout', 'outcome', 'log'],
    ops: ['get_vm_area', 'vfree', 'vunmap', 'remove_vm_area'],
  },
  {
    id: 'vmalloc-node',
    since: '2.6.15',
    summary: 'vmalloc_node(size, node) and get_vm_area_node exist (the node reaches kmalloc_node and alloc_pages_node).',
    commits: ['930fc45a49dd'],
    functions: ['vmalloc_node', '__vmalloc_node', '__get_vm_area_node'],
    affects: ['outcome'],
    ops: ['vmalloc_node'],
  },
  {
    id: 'vm-vpages-flag',
    since: '2.6.18',
    summary:
      'The outer area of a vmalloc\'ed pages array is flagged VM_VPAGES ("vpages" in /proc/vmallocinfo), and __vunmap frees the array by that flag instead of by comparing nr_pages with PAGE_SIZE / sizeof(struct page *), which a failed allocation had lowered (the oom roll-back fix).',
    commits: ['8757d5fa6b75'],
    functions: ['__vmalloc_area_node', '__vunmap'],
    affects: ['layout', 'log', 'cost'],
    ops: ['vmalloc', 'vmalloc_32', 'vmalloc_user', 'vmalloc_node', 'vfree', 'vmallocinfo'],
  },
  {
    id: 'vmalloc-user',
    since: '2.6.18',
    summary: 'vmalloc_user and vmalloc_32_user allocate zeroed areas flagged VM_USERMAP for remap_vmalloc_range.',
    commits: ['833423143c3a'],
    functions: ['vmalloc_user', 'vmalloc_32_user', '__find_vm_area'],
    affects: ['outcome'],
    ops: ['vmalloc_user', 'vmalloc_32_user'],
  },
  {
    id: 'alloc-vm-area',
    since: '2.6.23',
    summary: 'alloc_vm_area reserves a VM_IOREMAP area and builds its page tables (apply_to_page_range, guard page included) without mapping pages; free_vm_area removes it.',
    commits: ['5f4352fbffd6'],
    functions: ['alloc_vm_area', 'free_vm_area'],
    affects: ['outcome', 'cost'],
    counters: ['pt_pages'],
    ops: ['alloc_vm_area', 'free_vm_area'],
  },
  {
    id: 'get-vm-area-end-check',
    since: '2.6.25',
    summary:
      '__get_vm_area_node checks for wrap and for end - size also when the walk runs off the list, so an empty vmlist no longer accepts an area larger than the window (2.6.9, like 2.4, checked only inside the loop).',
    commits: ['5dc331852848'],
    functions: ['__get_vm_area_node'],
    affects: ['outcome', 'address', 'log'],
    ops: ['get_vm_area', 'vmalloc', 'vmap', 'alloc_vm_area', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'vm-struct-caller',
    since: '2.6.26',
    summary: 'struct vm_struct gains `caller` (__builtin_return_address of the API entry, printed by /proc/vmallocinfo): 32 bytes on i386 instead of 28, 64 on x86_64 instead of 56, so each area\'s kmalloc_node asks 4 (8) bytes more.',
    commits: ['2301696932b5'],
    functions: ['__get_vm_area_node', 's_show'],
    affects: ['cost'],
    counters: ['kmalloc_bytes'],
    ops: ['vmalloc', 'vmalloc_32', 'vmalloc_user', 'vmalloc_node', 'vmap', 'get_vm_area', 'alloc_vm_area', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'vmallocinfo',
    since: '2.6.26',
    summary: '/proc/vmallocinfo lists vmlist: range, size with guard page, caller, pages=, phys= and flag words.',
    commits: ['a10aa579878f', '2301696932b5'],
    functions: ['s_start', 's_next', 's_show'],
    affects: ['log'],
    ops: ['vmallocinfo'],
  },
  {
    id: 'x86-ioremap',
    since: '2.6.26',
    summary:
      'arch/x86/mm/ioremap.c: ioremap is ioremap_nocache (_PAGE_CACHE_UC_MINUS), RAM is recognised through the e820 map (page_is_ram), mapping goes through lib/ioremap.c, ioremap_change_attr flushes the TLB when the range aliases the direct map, and iounmap prints "iounmap: bad address %p" for an unknown address.',
    commitNote: 'Many commits of the 2.6.24 x86 merge and the 2.6.25/2.6.26 PAT work (e.g. 38cb47ba018, de33c442ed2, cb8ab687c32); the behaviour modelled is 2.6.27\'s.',
    functions: ['__ioremap_caller', 'ioremap_nocache', 'iounmap', 'ioremap_change_attr'],
    // Whether RAM is refused is ioremap-ram-check-skips-last-page's: this entry is the rest.
    affects: ['log', 'cost'],
    ops: ['ioremap', 'ioremap_nocache', 'iounmap'],
  },
  {
    id: 'ioremap-kernel-pgprot',
    since: '2.6.25',
    commits: ['a40343497e89', 'd806e5ee20f6'],
    summary:
      'ioremap maps with prots built from __PAGE_KERNEL (PAGE_KERNEL_IO, PAGE_KERNEL_IO_NOCACHE): global and, where the CPU has NX, no-execute, as change_page_attr sets the direct map ("x86: fix ioremap pgprot inconsistency"); 2.6.9 passed _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | flags (x86_64: | _PAGE_GLOBAL, never NX).',
    functions: ['__ioremap_caller', 'ioremap_page_range'],
    affects: ['outcome'],
    ops: ['lookup_pte'],
  },
  {
    id: 'nocache-pwt',
    since: '2.6.25',
    commits: ['82bc03fc158e'],
    summary: 'PAGE_KERNEL_NOCACHE gains _PAGE_PWT beside _PAGE_PCD ("x86: add PWT to NOCACHE flags", for PAT): a __vmalloc with PAGE_KERNEL_NOCACHE maps 0x17b (| NX) where 2.6.9 mapped 0x173; ioremap_nocache itself maps _PAGE_CACHE_UC_MINUS (PCD only) in 2.6.27.',
    functions: ['__vmalloc', '__vmalloc_node'],
    affects: ['outcome'],
    ops: ['lookup_pte', '__vmalloc'],
  },
  {
    id: 'x86_64-ioremap-phys-addr-valid',
    since: '2.6.25',
    commits: ['e3100c82abd9'],
    summary:
      'x86_64 __ioremap refuses a physical address at or above 1 << boot_cpu_data.x86_phys_bits (36 here) with "ioremap: invalid physical address %lx" and WARN_ON_ONCE ("x86: check physical address range in ioremap"); 2.6.9\'s arch/x86_64/mm/ioremap.c maps any phys (its ptes then point past the CPU\'s physical address space). phys_addr_valid is 1 on 32-bit in 2.6.27.',
    functions: ['phys_addr_valid', '__ioremap_caller'],
    affects: ['outcome', 'log', 'address', 'layout'],
    arches: ['x86_64'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
  {
    id: 'x86_64-four-level-layout',
    since: '2.6.11',
    commits: ['2e20fb912502'],
    summary:
      'x86_64 gets true 4-level page tables ("convert x86_64 to 4 level page tables", linux-history id): the vmalloc window moves from 0xffffff0000000000-0xffffff7fffffffff (pml4 slot 510 over the static boot_vmalloc_pgt, 2.6.9\'s 3-level generic walk) to 0xffffc20000000000-0xffffe1ffffffffff, reached through the generic pud level (pud_alloc), and __PAGE_OFFSET from 0x10000000000 (1 << 40, the lower half) to 0xffff810000000000: ioremap of the ISA hole returns a kernel-half direct-map address instead of 0x100000a0000, and high_memory, which iounmap compares with, moves with it.',
    functions: ['__get_vm_area_node', 'map_vm_area', '__ioremap', '__ioremap_caller', 'iounmap'],
    affects: ['address', 'cost', 'layout'],
    counters: ['pt_pages'],
    arches: ['x86_64'],
    ops: ['vmalloc', 'vmalloc_32', 'vmalloc_exec', '__vmalloc', 'vmap', 'get_vm_area', 'ioremap', 'ioremap_nocache'],
  },
  {
    id: 'x86_64-ioremap-collected-fixes',
    since: '2.6.11',
    commits: ['e759cc0814a7', '0cf42c314cef'],
    summary:
      'x86_64 ioremap (linux-history ids, "x86_64: Collected ioremap fixes" and "x86-64: Fix missing TLB flushes in change_page_attr"): __ioremap itself changes the direct map\'s attributes for any cache flags (ioremap_change_attr, below end_pfn_map) and records them in the area\'s flags, so iounmap resets them only for such areas, no longer for a vmalloc area (2.6.9: ioremap_nocache alone, for phys + size < virt_to_phys(high_memory), and iounmap for any area below it); iounmap walks vmlist itself under the write lock; global_flush_tlb returns at once with no deferred page, and with several flushes all TLBs (__flush_tlb_all) where 2.6.9 invalidated address 0 only. 2.6.27\'s arch/x86/mm/ioremap.c (x86-ioremap) replaced all of it.',
    functions: ['__ioremap', 'ioremap_change_attr', 'ioremap_nocache', 'iounmap', 'global_flush_tlb'],
    affects: ['cost'],
    counters: ['tlb_flush_all'],
    arches: ['x86_64'],
    ops: ['ioremap_nocache', 'iounmap'],
  },
  {
    id: 'x86_64-page-offset-hypervisor-gap',
    since: '2.6.27',
    commits: ['a6523748bddd'],
    summary:
      'x86_64 __PAGE_OFFSET becomes 0xffff880000000000, 16 pgd slots above the lower end of the kernel half ("move __PAGE_OFFSET to leave a space for hypervisor"): the ISA hole\'s ioremap address is 0xffff8800000a0000.',
    functions: ['__ioremap_caller'],
    affects: ['address'],
    arches: ['x86_64'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
  {
    id: 'ioremap-ram-check-skips-last-page',
    since: '2.6.26',
    commits: ['cb8ab687c323'],
    query: true,
    summary:
      'QUERY: __ioremap_caller refuses RAM in use only for pfns with (pfn << PAGE_SHIFT) < (last_addr & PAGE_MASK) ("x86: ioremap ram check fix"), so the last page of the range is never checked: a one-page ioremap of ordinary RAM maps it (2.4 and 2.6.9 refuse it with ENOMEM; 35be1b716a4 in 2.6.36 checks the last pfn again).',
    functions: ['__ioremap_caller', 'page_is_ram'],
    affects: ['outcome', 'address', 'layout', 'cost', 'log'],
    outcomes: ['ok'],
    ops: ['ioremap', 'ioremap_nocache'],
  },
];

export const version: KernelVersion = {
  id: '2.6.27',
  title: 'Linux 2.6.27: the last vmlist kernel (pages array, VM_IOREMAP alignment, vmallocinfo)',
  source:
    'mainline v2.6.27 (3fa8749e584b) mm/vmalloc.c, include/linux/vmalloc.h, mm/memory.c (apply_to_page_range), lib/ioremap.c, arch/x86/mm/ioremap.c, arch/x86/kernel/module_{32,64}.c (module_alloc), include/asm-x86/pgtable_32.h, pgtable_64.h, page_32.h',
  tree: {
    repo: 'sepen/linux-2.6.32.y',
    ref: '3fa8749e584b',
    files: ['mm/vmalloc.c', 'include/linux/vmalloc.h', 'lib/ioremap.c', 'mm/memory.c', 'arch/x86/mm/ioremap.c', 'include/asm-x86/pgtable_32.h', 'include/asm-x86/pgtable_64.h'],
  },
  lines: SOURCE_LINES,
  arches: ['i386', 'i386-pae', 'x86_64'],
  changes,
  hasKmemleak: false,
  kernelConfig: {
    // SLAB include/linux/kmalloc_sizes.h with 4 KiB pages, L1_CACHE_BYTES 64 (no kmalloc-96),
    // KMALLOC_MAX_SIZE 4 MiB (MAX_ORDER 11): the same list as 2.6.32's
    kmallocSizes: [32, 64, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304],
    vmallocFile: 'mm/vmalloc.c',
    // pointerNull unset: lib/vsprintf.c pointer() has no NULL case yet, %p of NULL prints zeros;
    // oopsLine unset: arch/x86/mm/fault.c show_fault_oops, "BUG: unable to handle kernel ... at %p"
    nxWarning, // show_fault_oops's CONFIG_X86_PAE NX line
  },
  defaultWindow,
  boot(k, window): VersionApi {
    pagetable_init(k); /* the fixmap's and pkmap's boot tables (i386, i386-pae) */
    head_64(k); /* the kernel image's top-slot tables (x86_64) */
    init_memory_mapping(k); /* setup_arch: the direct map of all RAM (x86_64) */
    const mm = bootVmalloc(k, window);
    const { PAGE_KERNEL } = pgprot(k);
    const io = bootIoremap(k, mm);
    // resource_size_t is 32-bit on i386 without PAE (CONFIG_RESOURCES_64BIT off): a larger
    // physical address is truncated.
    const phys = (p: number) => (k.arch.name === 'i386' ? p % 2 ** 32 : p);
    const findArea = (addr: number) => {
      for (let v = mm.vmlist(), vm = mm.vm; v; v = vm.next[v]) if (vm.addr[v] === addr) return v;
      return 0;
    };
    const modules = bootModule(k, mm);
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
      vfree: (addr) => mm.vfree(addr),
      vunmap: (addr) => mm.vunmap(addr),
      vmap: (pages) => mm.vmap(pages, pages.length, VM_MAP, PAGE_KERNEL),
      get_vm_area: (size, flags) => {
        const area = mm.get_vm_area(size, flags === 'VM_IOREMAP' ? VM_IOREMAP : VM_ALLOC);
        return area ? mm.vm.addr[area] : 0;
      },
      remove_vm_area: (addr) => {
        const area = mm.remove_vm_area(addr);
        return area ? mm.vm.self[area] : 0;
      },
      alloc_vm_area: (size) => {
        const area = mm.alloc_vm_area(size);
        return area ? mm.vm.addr[area] : 0;
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
      // SIM: an x86_64 user-half address (negative in vmx's biased space) has no slot in the
      // simulated pgd; the C walks init_level4_pgt's user half, empty after boot: NULL (-1).
      vmalloc_to_page: (addr) => (addr < 0 ? -1 : mm.vmalloc_to_page(addr)),
      vmalloc_to_pfn: (addr) => (addr < 0 ? -1 : mm.vmalloc_to_pfn(addr)),
      module_alloc: (size) => modules.module_alloc(size),
      module_free: (addr) => mm.vfree(addr), /* module_free (arch/x86/kernel/module*.c): vfree(module_region) */
      remap_vmalloc_range: (addr, pages) => mm.remap_vmalloc_range(addr, pages === undefined ? undefined : k.ulong(pages * k.PAGE_SIZE)),
      vmallocinfo: () => mm.vmallocinfo(),
      ioremap: (p, size) => io.ioremap(phys(p), size),
      ioremap_nocache: (p, size) => io.ioremap_nocache(phys(p), size),
      iounmap: (addr) => io.iounmap(addr),
      areas(): AreaView[] {
        const out: AreaView[] = [];
        for (let a = mm.vmlist(), vm = mm.vm; a; a = vm.next[a]) out.push({ addr: vm.addr[a], size: vm.size[a], flags: vmFlagNames(vm.flags[a]), nrPages: vm.nr_pages[a] });
        return out;
      },
      stateSummary() {
        let n = 0;
        for (let a = mm.vmlist(), vm = mm.vm; a; a = vm.next[a]) n++;
        return { vmlist_entries: n };
      },
    };
  },
};
