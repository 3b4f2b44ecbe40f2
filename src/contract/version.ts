/**
 * What a kernel version provides to the harness. A version implements the kernel functions it
 * has; an op whose function is absent is reported "unsupported" and the scenario goes on.
 * Functions take and return what the C functions do (addresses as biased numbers, 0 = NULL),
 * plus, for the free paths, which branch the C code took (the contract's error field).
 */
import type { ArchName } from '../hw/arch.js';
import type { Addr } from '../hw/addr.js';
import type { Kernel, KernelConfig } from '../kernel/kernel.js';
import type { KmemleakObject } from '../kernel/kmemleak.js';

/** Which way a vfree/vunmap/iounmap went: done, or rejected with one of the contract's errors. */
export type FreeOutcome = 'ok' | 'bad-address' | 'nonexistent';

export interface VmallocWindow {
  start: Addr;
  end: Addr;
}

/** A live vm_struct as the final state reports it. */
export interface AreaView {
  addr: Addr;
  /** As the kernel stores it (guard page included). */
  size: number;
  flags: string[];
  nrPages?: number;
}

/** A vmap_area (2.6.28+) or other allocator record that reports want to draw. */
export interface RangeView {
  start: Addr;
  end: Addr;
  state: 'live' | 'lazy' | 'block' | 'other';
  label?: string;
}

export interface VersionApi {
  vmalloc?(size: number): Addr;
  vmalloc_32?(size: number): Addr;
  vmalloc_dma?(size: number): Addr;
  vmalloc_user?(size: number): Addr;
  vmalloc_node?(size: number, node: number): Addr;
  /** vmalloc_exec(size): __vmalloc with PAGE_KERNEL_EXEC (2.6). */
  vmalloc_exec?(size: number): Addr;
  /** vmalloc_32_user(size): VM_USERMAP, zeroed, GFP_VMALLOC32 pages (2.6.18+). */
  vmalloc_32_user?(size: number): Addr;
  /**
   * __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, prot) with `prot` a pgprot name the version's
   * headers define (PGPROT_NAMES) or a "0x" value; null when its headers have no such name.
   */
  __vmalloc?(size: number, prot: string): Addr | null;
  /**
   * __vmalloc_node(size, align, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, caller): the
   * allocator with an alignment argument that lib/test_vmalloc.c's alignment tests call.
   * Only for versions that have one (static in 2.6.32, where vmalloc_user reaches it).
   */
  __vmalloc_node?(size: number, align: number, node: number): Addr;
  /** vzalloc(size) (2.6.37+). */
  vzalloc?(size: number): Addr;
  /** vzalloc_node(size, node) (2.6.37+). */
  vzalloc_node?(size: number, node: number): Addr;
  /** __vmalloc_node_range(size, align, start, end, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, caller) (2.6.38+). */
  __vmalloc_node_range?(size: number, align: number, start: Addr, end: Addr, node: number): Addr;
  /** set_iounmap_nonlazy() (2.6.37+): the next lazy free purges at once (what crash_dump calls before iounmap). */
  set_iounmap_nonlazy?(): void;
  vfree?(addr: Addr): FreeOutcome;
  vunmap?(addr: Addr): FreeOutcome;
  /** vmap(pages, count, VM_MAP (or VM_ALLOC where there is no VM_MAP), PAGE_KERNEL). */
  vmap?(pages: readonly number[]): Addr;
  /** get_vm_area(size, flags): the area's address, or 0. */
  get_vm_area?(size: number, flags: 'VM_ALLOC' | 'VM_IOREMAP'): Addr;
  /** remove_vm_area(addr): the slab address of the returned vm_struct, or 0 for NULL. */
  remove_vm_area?(addr: Addr): Addr;
  alloc_vm_area?(size: number): Addr;
  free_vm_area?(addr: Addr): FreeOutcome;
  vread?(buf: Uint8Array, addr: Addr, count: number): number;
  vwrite?(buf: Uint8Array, addr: Addr, count: number): number;
  vm_unmap_aliases?(): void;
  vm_map_ram?(pages: readonly number[]): Addr;
  vm_unmap_ram?(addr: Addr, count: number): void;
  /** vmalloc_to_page(addr): the frame number of the page mapped there, -1 for NULL. */
  vmalloc_to_page?(addr: Addr): number;
  /** vmalloc_to_pfn(addr): the frame number, -1 where the C takes page_to_pfn(NULL). */
  vmalloc_to_pfn?(addr: Addr): number;
  /** The arch's module_alloc(size): the address or 0. */
  module_alloc?(size: number): Addr;
  /** The arch's module_free(mod, addr): vfree, except 2.6.9 x86_64's own list. */
  module_free?(addr: Addr): FreeOutcome;
  /** remap_vmalloc_range's -EINVAL checks for a user vma of `pages` pages (undefined: the whole area), pgoff 0: 0 or -EINVAL (-22). */
  remap_vmalloc_range?(addr: Addr, pages: number | undefined): number;
  /**
   * pcpu_get_vm_areas(offsets, sizes, nr_vms, align) (2.6.32+): the kmalloc'ed vms array's address
   * and each area's address (vms[i]->addr), or null for NULL.
   */
  pcpu_get_vm_areas?(offsets: readonly number[], sizes: readonly number[], align: number): { vms: Addr; addrs: Addr[] } | null;
  /** pcpu_free_vm_areas(vms, nr_vms) of a vms array pcpu_get_vm_areas returned; 'nonexistent' for any other pointer. */
  pcpu_free_vm_areas?(vms: Addr): FreeOutcome;
  /** /proc/vmallocinfo text. */
  vmallocinfo?(): string;
  ioremap?(phys: number, size: number): Addr;
  ioremap_nocache?(phys: number, size: number): Addr;
  iounmap?(addr: Addr): FreeOutcome;

  /** The live vm_struct list (vmlist) in address order. */
  areas(): AreaView[];
  /** Allocator ranges beyond vmlist (2.6.32's lazily freed vmap_areas, vmap blocks). */
  ranges?(): RangeView[];
  /** References the version's own descriptors hold to a kmemleak object (for scans). */
  kmemleakRefs?(o: KmemleakObject): number;
  /** Version-specific state worth showing (lazy page count, purge threshold…). */
  stateSummary?(): Record<string, number | string>;
}

/** Classes of difference the difference engine reports between versions. */
export type DiffClass = 'address' | 'outcome' | 'log' | 'cost' | 'layout';

/**
 * One behavioural change in the kernel's history, keyed by the release that introduced it: the
 * hand-written catalogue the difference engine links its findings to. A version's catalogue
 * lists changes its code has (`since` no later than the version); which catalogue lists a change
 * does not matter for linking, only `since` does (contract/release.ts changesBetween).
 */
export interface VersionChange {
  /** Short stable id, e.g. "overflow-check". */
  id: string;
  /** Release that introduced it (e.g. "2.4.20"), which may be older than this version. */
  since: string;
  /**
   * The commit(s) that made it: 12-hex mainline ids (e.g. "db64fe02258f"), or for releases mainline
   * git does not cover (before 2.6.12) the linux-history tree's commit of that release.
   */
  commits?: string[];
  /** Why no commit is cited, when `commits` is empty or absent. */
  commitNote?: string;
  /** A kernel bug the port reproduces on purpose (QUERY in its code): reports name it as the cause of the damage it does. */
  query?: boolean;
  /** The arches whose behaviour it changes, when not all (e.g. a PAE-only page-table change). */
  arches?: readonly ArchName[];
  /** One sentence a kernel developer would write, e.g. "get_vm_area checks size + PAGE_SIZE for wrap to 0". */
  summary: string;
  /** Kernel functions involved. */
  functions: string[];
  /** Difference classes this change can explain. */
  affects: DiffClass[];
  /** Ops whose results it can change. */
  ops?: string[];
  /**
   * The modelled costs its code moves (counter keys of src/kernel/counters.ts, e.g. "kmalloc_calls"
   * for a change that adds an allocation): for a cost or outcome difference, a change whose
   * functions moved one of these differently is preferred over one whose functions moved none.
   */
  counters?: readonly string[];
  /**
   * The outcomes it gives where the release before it gave another ("ok" for a check that now
   * lets something through, "ENOMEM" for a new refusal; first word of the result, as reports print
   * it): for an outcome difference, a change declaring the later version's outcome is preferred,
   * one declaring only others ranks below one that declares nothing.
   */
  outcomes?: readonly string[];
}

/** Where a version's C lives, for source links and line tables (tools/line-tables.mjs). */
export interface SourceTree {
  /** The public repository holding the release, as owner/name on GitHub. */
  repo: string;
  /** The tag or commit id of the release there. */
  ref: string;
  /** The files the port follows, as paths in the kernel tree. */
  files: readonly string[];
}

/** Function name -> line of its definition, per file of SourceTree.files (generated data). */
export type SourceLines = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface KernelVersion {
  /** "2.4.19" */
  id: string;
  title: string;
  /** Where the model comes from (tree, tag or commit, files). */
  source: string;
  /** The same, machine-readable: the repository and ref the port was read from. */
  tree?: SourceTree;
  /** Where each function of tree.files is defined (versions/<v>/source-lines.ts, generated from the tree). */
  lines?: SourceLines;
  arches: readonly ArchName[];
  /** What changed since the previous registered version (empty for the oldest). */
  changes: readonly VersionChange[];
  /** True when the version calls the kmemleak hooks. */
  hasKmemleak: boolean;
  kernelConfig: KernelConfig;
  /** VMALLOC_START / VMALLOC_END as the version's own asm headers derive them for the machine. */
  defaultWindow(k: Kernel): VmallocWindow;
  /** Boot the version's mm code on a fresh kernel: the C file statics become this closure. */
  boot(k: Kernel, window: VmallocWindow): VersionApi;
}
