/**
 * Linux 2.6.9 include/linux/vmalloc.h (linux-history tag v2.6.9, blob 8c687178): the vm_struct
 * flags, struct vm_struct with its pages array (since 2.5.32) and phys_addr (since 2.5.23).
 * vmalloc, vmalloc_exec, vmalloc_32 and __vmalloc are plain functions in mm/vmalloc.c (the
 * inline wrappers left the header in 2.5.21); there is no vmalloc_dma.
 */
import type { Addr } from '../../../../src/kernel/kernel.js';
import { ref, type StructTable } from '../../../../src/kernel/struct-table.js';

/* bits in vm_struct->flags */
export const VM_IOREMAP = 0x00000001; /* ioremap() and friends */
export const VM_ALLOC = 0x00000002; /* vmalloc() */
export const VM_MAP = 0x00000004; /* vmap()ed pages */

/** The pages array: where C holds `struct page **pages` (always kmalloc'ed in 2.6.9). */
export interface PagesArray {
  /** The array's kmalloc'ed address. */
  ptr: Addr;
  /** Frame numbers (our struct page *); -1 for a NULL slot (memset to 0, not yet filled). */
  pfns: number[];
}

/**
 * struct vm_struct, kept as columns (src/kernel/struct-table.ts): a `vm_struct` is a pointer, a
 * row of the boot's table `vm` (0 is NULL), and `vm.addr[p]` is `p->addr`. `vm.self[p]` is the
 * address kmalloc gave the struct (the C pointer's value). Counts and flags are held as exact
 * numbers ('ulong' columns), as the JS numbers they were.
 */
export const VM_STRUCT = { addr: 'ulong', size: 'ulong', flags: 'ulong', pages: ref<PagesArray>(), nr_pages: 'ulong', phys_addr: 'ulong', next: 'ptr' } as const;
export type vm_struct = number;
export type vm_structs = StructTable<typeof VM_STRUCT>;

/**
 * sizeof(struct vm_struct): seven fields, 28 bytes on i386; 56 on x86_64 (nr_pages is an
 * unsigned int padded to 8).
 */
export function SIZEOF_VM_STRUCT(ptrBytes: number): number {
  return ptrBytes === 4 ? 28 : 56;
}

export function vmFlagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & VM_IOREMAP) out.push('VM_IOREMAP');
  if (flags & VM_ALLOC) out.push('VM_ALLOC');
  if (flags & VM_MAP) out.push('VM_MAP');
  return out;
}
