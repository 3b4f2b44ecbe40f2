/**
 * Linux 2.6.39 include/linux/vmalloc.h (commit 61c4f2c81c61, blob 9332e52e; phys_addr is a phys_addr_t): struct vm_struct, its flags,
 * IOREMAP_MAX_ORDER and get_vm_area_size.
 */
import type { Addr } from '../../../../src/kernel/kernel.js';
import { ref, type StructTable } from '../../../../src/kernel/struct-table.js';

/* bits in flags of vmalloc's vm_struct below */
export const VM_IOREMAP = 0x00000001; /* ioremap() and friends */
export const VM_ALLOC = 0x00000002; /* vmalloc() */
export const VM_MAP = 0x00000004; /* vmap()ed pages */
export const VM_USERMAP = 0x00000008; /* suitable for remap_vmalloc_range */
export const VM_VPAGES = 0x00000010; /* buffer for pages was vmalloc'ed */
/* bits [20..32] reserved for arch specific ioremap internals */

export const PAGE_SHIFT = 12;
/** Maximum alignment for ioremap() regions: 7 + PAGE_SHIFT (128 pages). */
export const IOREMAP_MAX_ORDER = 7 + PAGE_SHIFT;

/** The pages array: where C holds `struct page **pages`. */
export interface PagesArray {
  /** The array's own address: a kmalloc object, or a vmalloc area when VM_VPAGES. */
  ptr: Addr;
  /** Frame numbers (our struct page *); -1 for a NULL slot (kzalloc'ed, not yet filled). */
  pfns: number[];
  /**
   * SIM: when VM_VPAGES, the frames the vmalloc'ed array was given, page by page. `pfns` is
   * what those frames hold; once the array is vfree'd and its addresses map other pages, a
   * load of pages[i] reads those pages instead (see __vunmap).
   */
  frames?: number[];
  /** SIM: those of `frames` that have been freed since (they no longer hold the array once reused). */
  freedFrames?: Set<number>;
}

/**
 * struct vm_struct, kept as columns (src/kernel/struct-table.ts): a `vm_struct` is a pointer, a
 * row of the boot's table `vmstruct` (0 is NULL; the C names its own variables `vm` and `vms`),
 * and `vmstruct.addr[p]` is `p->addr`. `vmstruct.self[p]` is the address kzalloc gave the struct
 * (the C pointer's value). Counts and flags are held as exact numbers ('ulong' columns).
 * `caller` is __builtin_return_address(0) of the API entry, as the symbol sprint_symbol prints.
 */
export const VM_STRUCT = {
  next: 'ptr',
  addr: 'ulong',
  size: 'ulong',
  flags: 'ulong',
  pages: ref<PagesArray>(),
  nr_pages: 'ulong',
  phys_addr: 'ulong',
  caller: ref<string>(),
} as const;
export type vm_struct = number;
export type vm_structs = StructTable<typeof VM_STRUCT>;


/**
 * sizeof(struct vm_struct): 8 fields. phys_addr is a phys_addr_t, 64 bits where
 * CONFIG_PHYS_ADDR_T_64BIT (X86_64 || X86_PAE) holds: 32 bytes on i386, 36 on PAE (gcc -m32 aligns
 * a u64 member to 4, so kmalloc-64 holds it), 64 on x86_64 (nr_pages padded).
 */
export function SIZEOF_VM_STRUCT(ptrBytes: number, physAddrBytes: number): number {
  return ptrBytes === 4 ? 6 * 4 + physAddrBytes + 4 : 64;
}

/** get_vm_area_size: actual size without the guard page. */
export function get_vm_area_size(vmstruct: vm_structs, area: vm_struct): number {
  return vmstruct.size[area] - 4096;
}

export function vmFlagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & VM_IOREMAP) out.push('VM_IOREMAP');
  if (flags & VM_ALLOC) out.push('VM_ALLOC');
  if (flags & VM_MAP) out.push('VM_MAP');
  if (flags & VM_USERMAP) out.push('VM_USERMAP');
  if (flags & VM_VPAGES) out.push('VM_VPAGES');
  return out;
}
