/**
 * The one op table of the scenario contract. Every other op list is derived from it: scenario
 * validation (fields), the harness's dispatch (which VersionApi method, with which arguments,
 * giving which kind of result), the address and free op sets of the difference engine, the op
 * table in docs/contract.md, and the property tests' op list.
 *
 * Adding an op: one row here, the VersionApi method in version.ts, and the versions that have it.
 */
import type { VersionApi } from './version.js';

/**
 * A field of a step. `?` marks an optional field. `target` is "exactly one of ref or addr";
 * `target+offset` also allows `offset` with `ref`.
 */
export type FieldSpec = string;

/** How the harness turns a step into the arguments of the version's function. */
export type ArgSource =
  | 'size' // step.size
  | 'node' // step.node, 0 when absent
  | 'align' // step.align
  | 'flags' // step.flags, 'VM_ALLOC' when absent
  | 'phys' // step.phys as a number
  | 'prot' // step.prot as given (a pgprot name or a "0x" value)
  | 'start' // step.start as an address (hex)
  | 'end' // step.end as an address (hex)
  | 'target' // ref (+ offset) or addr
  | 'pages' // an array of step.pages frames the harness allocates (never fault-injected)
  | 'npages' // step.pages as a count
  | 'readbuf' // a zeroed buffer of step.count bytes, and then step.count
  | 'writebuf' // the bytes of step.data, and then their count
  | 'offsets' // step.offsets, an array of unsigned longs
  | 'sizes' // step.sizes, an array of sizes
  | 'handle'; // the value step.ref is bound to (a pointer the version handed out, e.g. pcpu_get_vm_areas' vms)

/** What the function returns and how the step result shows it. */
export type OpReturn =
  | 'address' // an address, NULL = ENOMEM; `as` binds it
  | 'free' // a FreeOutcome
  | 'void' // nothing: ok
  | 'count' // vwrite: the return value as `count`
  | 'read' // vread: `count` and the buffer's first `count` bytes as `data`
  | 'text' // vmallocinfo: `text`
  | 'vm_struct' // remove_vm_area: the vm_struct (kfree'd by the harness), NULL = nonexistent
  | 'pfn' // vmalloc_to_page/vmalloc_to_pfn: the frame number as `count`; NULL (-1) = nonexistent
  | 'pte' // lookup_pte: the raw pte as `pte` (hex) and its flag names as `prot`
  | 'errno' // 0 = ok; -EINVAL = error EINVAL, -EFAULT = error EFAULT
  | 'areas'; // pcpu_get_vm_areas: { vms, addrs } or null (ENOMEM); `as` binds vms, `as.0`, `as.1`, … each area

export interface OpRow {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /** The VersionApi method the op calls; absent for ops the harness performs itself. */
  readonly api?: keyof VersionApi;
  readonly args?: readonly ArgSource[];
  readonly returns: OpReturn;
  /** True when the op releases something a previous op returned (vfree, iounmap, …). */
  readonly frees?: boolean;
  /** One line for docs/contract.md. */
  readonly description: string;
}

/** A row, keeping its name's literal type (OpName is the union of the names). */
function row<const N extends string>(r: OpRow & { readonly name: N }): OpRow & { readonly name: N } {
  return r;
}

export const OP_TABLE = [
  row({ name: 'vmalloc', fields: ['size', 'as?'], api: 'vmalloc', args: ['size'], returns: 'address', description: 'vmalloc(size)' }),
  row({ name: 'vmalloc_32', fields: ['size', 'as?'], api: 'vmalloc_32', args: ['size'], returns: 'address', description: 'vmalloc_32(size)' }),
  row({ name: 'vmalloc_dma', fields: ['size', 'as?'], api: 'vmalloc_dma', args: ['size'], returns: 'address', description: 'vmalloc_dma(size) (2.4)' }),
  row({ name: 'vmalloc_user', fields: ['size', 'as?'], api: 'vmalloc_user', args: ['size'], returns: 'address', description: 'vmalloc_user(size)' }),
  row({ name: 'vmalloc_node', fields: ['size', 'node', 'as?'], api: 'vmalloc_node', args: ['size', 'node'], returns: 'address', description: 'vmalloc_node(size, node)' }),
  row({
    name: 'vmalloc_exec',
    fields: ['size', 'as?'],
    api: 'vmalloc_exec',
    args: ['size'],
    returns: 'address',
    description: 'vmalloc_exec(size): __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL_EXEC), executable ptes (2.6)',
  }),
  row({
    name: 'vmalloc_32_user',
    fields: ['size', 'as?'],
    api: 'vmalloc_32_user',
    args: ['size'],
    returns: 'address',
    description: 'vmalloc_32_user(size): __vmalloc(size, GFP_VMALLOC32 | __GFP_ZERO, PAGE_KERNEL), then VM_USERMAP on the area (2.6.18+)',
  }),
  row({
    name: '__vmalloc',
    fields: ['size', 'prot', 'as?'],
    api: '__vmalloc',
    args: ['size', 'prot'],
    returns: 'address',
    description:
      '__vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, prot): `prot` is "PAGE_KERNEL", "PAGE_KERNEL_EXEC" or "PAGE_KERNEL_NOCACHE" (the value the version\'s headers give it on the machine) or a "0x" pgprot value (bits 0-11 and 63 only, _PAGE_PRESENT set; cut to 32 bits where pgprot_t is an unsigned long: 2.4, and i386 without PAE); a name the version\'s headers lack (PAGE_KERNEL_EXEC in 2.4) gives `unsupported`',
  }),
  row({
    name: '__vmalloc_node',
    fields: ['size', 'align', 'node?', 'as?'],
    api: '__vmalloc_node',
    args: ['size', 'align', 'node'],
    returns: 'address',
    description: "the static `__vmalloc_node` with an alignment, as lib/test_vmalloc.c's alignment tests call it (GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL)",
  }),
  row({ name: 'vzalloc', fields: ['size', 'as?'], api: 'vzalloc', args: ['size'], returns: 'address', description: 'vzalloc(size): vmalloc with __GFP_ZERO (2.6.37+)' }),
  row({ name: 'vzalloc_node', fields: ['size', 'node', 'as?'], api: 'vzalloc_node', args: ['size', 'node'], returns: 'address', description: 'vzalloc_node(size, node) (2.6.37+)' }),
  row({
    name: '__vmalloc_node_range',
    fields: ['size', 'align', 'start', 'end', 'node?', 'as?'],
    api: '__vmalloc_node_range',
    args: ['size', 'align', 'start', 'end', 'node'],
    returns: 'address',
    description: '`__vmalloc_node_range(size, align, start, end, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, caller)` in the window [start, end) (2.6.38+; what module_alloc calls)',
  }),
  row({ name: 'vfree', fields: ['target'], api: 'vfree', args: ['target'], returns: 'free', frees: true, description: 'vfree(addr)' }),
  row({ name: 'vunmap', fields: ['target'], api: 'vunmap', args: ['target'], returns: 'free', frees: true, description: "vunmap(addr) (2.4.22's vunmap is its vfree macro)" }),
  row({
    name: 'vmap',
    fields: ['pages', 'as?'],
    api: 'vmap',
    args: ['pages'],
    returns: 'address',
    description: 'the harness allocates `pages` pages (never fault-injected), then `vmap(pages, n, VM_MAP, PAGE_KERNEL)`; VM_ALLOC where the version has no VM_MAP',
  }),
  row({
    name: 'get_vm_area',
    fields: ['size', 'flags?', 'as?'],
    api: 'get_vm_area',
    args: ['size', 'flags'],
    returns: 'address',
    description: 'get_vm_area(size, flags), flags `VM_ALLOC` (default) or `VM_IOREMAP`',
  }),
  row({
    name: 'remove_vm_area',
    fields: ['target'],
    api: 'remove_vm_area',
    args: ['target'],
    returns: 'vm_struct',
    frees: true,
    description: 'remove_vm_area(addr); the harness kfree\'s the returned vm_struct; NULL gives error `nonexistent`',
  }),
  row({ name: 'alloc_vm_area', fields: ['size', 'as?'], api: 'alloc_vm_area', args: ['size'], returns: 'address', description: 'alloc_vm_area(size)' }),
  row({ name: 'free_vm_area', fields: ['target'], api: 'free_vm_area', args: ['target'], returns: 'free', frees: true, description: 'free_vm_area(area of addr)' }),
  row({
    name: 'vwrite',
    fields: ['target+offset', 'data'],
    api: 'vwrite',
    args: ['writebuf', 'target'],
    returns: 'count',
    description: 'vwrite(buf, addr, count) of the hex bytes `data`; result carries `count` (the return value)',
  }),
  row({
    name: 'vread',
    fields: ['target+offset', 'count'],
    api: 'vread',
    args: ['readbuf', 'target'],
    returns: 'read',
    description: "vread(buf, addr, count); result carries `count` and `data` (hex of the buffer's first `count` bytes)",
  }),
  row({ name: 'vm_unmap_aliases', fields: [], api: 'vm_unmap_aliases', args: [], returns: 'void', description: 'vm_unmap_aliases() (forces the lazy purge of 2.6.28 and later)' }),
  row({
    name: 'fail',
    fields: ['site', 'nth'],
    returns: 'void',
    description:
      'fault injection: the nth next call at `alloc_page` (the vmalloc code\'s data pages, including a vmalloc\'ed pages array), `pte_alloc` (page-table pages of any level) or `kmalloc` (kmalloc-family calls of the vmalloc code) fails',
  }),
  row({ name: 'vm_map_ram', fields: ['pages', 'as?'], api: 'vm_map_ram', args: ['pages'], returns: 'address', description: 'vm_map_ram(pages, n, node -1, PAGE_KERNEL) of harness pages, as for vmap' }),
  row({ name: 'vm_unmap_ram', fields: ['target', 'pages'], api: 'vm_unmap_ram', args: ['target', 'npages'], returns: 'void', frees: true, description: 'vm_unmap_ram(addr, pages)' }),
  row({
    name: 'vmalloc_to_page',
    fields: ['target+offset'],
    api: 'vmalloc_to_page',
    args: ['target'],
    returns: 'pfn',
    description:
      "vmalloc_to_page(addr): the kernel page-table walk (pgd, pud, pmd, pte_present); result carries the page's frame number as `count`; NULL (no page mapped there) gives ok false, error `nonexistent`",
  }),
  row({
    name: 'vmalloc_to_pfn',
    fields: ['target+offset'],
    api: 'vmalloc_to_pfn',
    args: ['target'],
    returns: 'pfn',
    description:
      'vmalloc_to_pfn(addr) = page_to_pfn(vmalloc_to_page(addr)); the frame number as `count`; where the C takes page_to_pfn(NULL) (a meaningless number) the result is error `nonexistent`',
  }),
  row({
    name: 'module_alloc',
    fields: ['size', 'as?'],
    api: 'module_alloc',
    args: ['size'],
    returns: 'address',
    description:
      "the arch's module_alloc(size) (arch/x86/kernel/module*.c): on x86_64 a VM_ALLOC area in MODULES_VADDR..MODULES_END (0xffffffffa0000000..0xffffffffff000000) mapped PAGE_KERNEL_EXEC; on i386 the vmalloc window (vmalloc_exec in 2.6.9 and 2.6.27); freed by module_free (vfree, or 2.6.9 x86_64's own list, whose areas vfree does not know). The final state's pagesMapped and pageTablePages count the vmalloc window only, so they leave x86_64 module areas out",
  }),
  row({
    name: 'module_free',
    fields: ['target'],
    api: 'module_free',
    args: ['target'],
    returns: 'free',
    frees: true,
    description:
      "the arch's module_free(NULL, addr): vfree(addr), except 2.6.9 x86_64, whose module.c unlinks the area from its own mod_vmlist (an unknown address prints `Trying to unmap nonexistent module vm area (%lx)`, error `nonexistent`)",
  }),
  row({
    name: 'remap_vmalloc_range',
    fields: ['target+offset', 'pages?'],
    api: 'remap_vmalloc_range',
    args: ['target', 'npages'],
    returns: 'errno',
    description:
      "remap_vmalloc_range(vma, addr, 0) into a user vma of `pages` pages (default: the whole area): the C's -EINVAL checks (addr page-aligned, find_vm_area finds it, VM_USERMAP set, vma size + pgoff within area->size - PAGE_SIZE), then its vm_insert_page loop with mm/memory.c's range check (a vma of 0 pages gives -EFAULT); ok, or error `EINVAL` / `EFAULT`; no user page tables exist, so nothing is mapped",
  }),
  row({
    name: 'pcpu_get_vm_areas',
    fields: ['offsets', 'sizes', 'align', 'as?'],
    api: 'pcpu_get_vm_areas',
    args: ['offsets', 'sizes', 'align'],
    returns: 'areas',
    description:
      "pcpu_get_vm_areas(offsets, sizes, nr_vms, align) (2.6.32+, CONFIG_SMP): congruent VM_ALLOC areas, area i at base + offsets[i], the base searched top-down from vmap_area_pcpu_hole; `offsets` and `sizes` are arrays of equal length; result carries `addrs` (each area's address, in the order of `offsets`), NULL gives error `ENOMEM` and `addrs` null; `as` binds the returned vms array, `as.0`, `as.1`, … each area's address",
  }),
  row({
    name: 'pcpu_free_vm_areas',
    fields: ['ref'],
    api: 'pcpu_free_vm_areas',
    args: ['handle'],
    returns: 'free',
    frees: true,
    description:
      'pcpu_free_vm_areas(vms, nr_vms) of the vms array a pcpu_get_vm_areas step bound to `ref` (nr_vms as that step asked): free_vm_area of each area, then kfree(vms); a binding that holds no live vms array (NULL after a failure, or already freed) gives error `nonexistent` and calls nothing',
  }),
  row({ name: 'vmallocinfo', fields: [], api: 'vmallocinfo', args: [], returns: 'text', description: '/proc/vmallocinfo; result carries `text`' }),
  row({
    name: 'kmemleak_scan',
    fields: [],
    returns: 'text',
    description:
      "a kmemleak scan counting references from the live vm_struct, vmap_area and the scenario's handles; result carries `text` (the kernel's report format) and `leaks`",
  }),
  row({ name: 'forget', fields: ['ref'], returns: 'void', description: "drops the scenario's handle (the binding becomes NULL) so a scan can report a leak" }),
  row({
    name: 'peek',
    fields: ['target+offset', 'count', 'cpu?'],
    returns: 'read',
    description: 'a CPU reading `count` bytes through its TLB (stale entries included); an unmapped address (no present pte) gives `OOPS`; the walk that fills the TLB sets the pte\'s A bit',
  }),
  row({
    name: 'lookup_pte',
    fields: ['target+offset'],
    returns: 'pte',
    description:
      "the MMU's view of the pte that maps the address (a walk of init_mm's tables, no kernel code: every version has it): `pte` the raw value as hex, 64-bit exact on PAE and x86_64 (frame << 12, flag bits 0-11, NX bit 63), `prot` the names of its flag bits (P RW US PWT PCD A D PAT G, NX); a pte that is none gives `pte` 0 and `prot` \"\"; no pte table there gives error `nonexistent`",
  }),
  row({ name: 'poke', fields: ['target+offset', 'data', 'cpu?'], returns: 'count', description: 'a CPU writing the hex bytes `data` through its TLB, in order; an unmapped address, or a pte without RW (CR0.WP), gives `OOPS` after the bytes before it; the first store through a TLB entry sets the pte\'s D bit' }),
  row({
    name: 'exec',
    fields: ['target+offset', 'cpu?'],
    returns: 'void',
    description:
      "a CPU fetching one instruction byte at the address through its TLB (nothing is executed): a pte that is not present, or has NX, gives `OOPS`; on an NX pte the version's fault.c may print `kernel tried to execute NX-protected page - exploit attempt? (uid: 0)` first (2.6.9 and 2.6.27 on PAE, 2.6.32 and 2.6.39 on PAE and x86_64)",
  }),
  row({ name: 'ioremap', fields: ['phys', 'size', 'as?'], api: 'ioremap', args: ['phys', 'size'], returns: 'address', description: "ioremap(phys, size) of the version's arch ioremap.c" }),
  row({ name: 'ioremap_nocache', fields: ['phys', 'size', 'as?'], api: 'ioremap_nocache', args: ['phys', 'size'], returns: 'address', description: 'ioremap_nocache(phys, size)' }),
  row({ name: 'iounmap', fields: ['target'], api: 'iounmap', args: ['target'], returns: 'free', frees: true, description: 'iounmap(addr)' }),
  row({
    name: 'set_iounmap_nonlazy',
    fields: [],
    api: 'set_iounmap_nonlazy',
    args: [],
    returns: 'void',
    description: 'set_iounmap_nonlazy() (2.6.37+): vmap_lazy_nr = lazy_max_pages() + 1, so the next lazy free purges at once (crash_dump calls it before iounmap)',
  }),
] as const satisfies readonly OpRow[];

export type OpName = (typeof OP_TABLE)[number]['name'];

export const OPS: readonly OpName[] = OP_TABLE.map((r) => r.name);

/** An op's row and its position in OP_TABLE (the harness keeps a version's methods in that order). */
export interface OpEntry {
  readonly row: OpRow;
  readonly index: number;
}
const BY_NAME: ReadonlyMap<string, OpEntry> = new Map(OP_TABLE.map((row, index) => [row.name, { row, index }]));
/**
 * Ops that reach the allocator through the same kernel path as another op, differing only in
 * their gfp mask, prot or node (vmalloc_exec, __vmalloc, vzalloc, vmalloc_user and the node
 * variants all end in __vmalloc's area search and mapping): a catalogue entry that names the
 * other op in its `ops` covers these too (src/diff/classify.ts). One level, no chains.
 */
export const SAME_PATH_AS: Readonly<Record<string, string>> = {
  vmalloc_exec: 'vmalloc',
  __vmalloc: 'vmalloc',
  vzalloc: 'vmalloc',
  vmalloc_user: 'vmalloc',
  vmalloc_node: 'vmalloc',
  vzalloc_node: 'vmalloc',
  __vmalloc_node: 'vmalloc',
  __vmalloc_node_range: 'vmalloc',
  vmalloc_32_user: 'vmalloc_32',
};

/** The ops a catalogue entry may name to cover a step of `op`: the op and the one it shares its path with. */
export function opsCovering(op: string): Set<string> {
  const via = SAME_PATH_AS[op];
  return via ? new Set([op, via]) : new Set([op]);
}


/** The row of an op, or undefined for a name that is no op. */
export function opRow(name: string): OpRow | undefined {
  return BY_NAME.get(name)?.row;
}

/** The row of an op with its index in OP_TABLE, or undefined for a name that is no op. */
export function opEntry(name: string): OpEntry | undefined {
  return BY_NAME.get(name);
}

/** True when the op returns an address (its step result has `addr`). */
export function returnsAddress(op: string): boolean {
  return BY_NAME.get(op)?.row.returns === 'address';
}

/** True when the op returns several areas (its step result has `addrs`; pcpu_get_vm_areas). */
export function returnsAreas(op: string): boolean {
  return BY_NAME.get(op)?.row.returns === 'areas';
}

/** True when the op releases what an earlier op returned. */
export function isFreeOp(op: string): boolean {
  return BY_NAME.get(op)?.row.frees === true;
}
