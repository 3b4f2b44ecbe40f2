/**
 * Linux 2.6.9 include/linux/vmalloc.h (linux-history tag v2.6.9, blob 8c687178): the vm_struct
 * flags, struct vm_struct with its pages array (since 2.5.32) and phys_addr (since 2.5.23).
 * vmalloc, vmalloc_exec, vmalloc_32 and __vmalloc are plain functions in mm/vmalloc.c (the
 * inline wrappers left the header in 2.5.21); there is no vmalloc_dma.
 */
import type { Addr } from '../../../../src/kernel/kernel.js';

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

export interface vm_struct {
  addr: Addr;
  size: number;
  flags: number;
  pages: PagesArray | null;
  nr_pages: number;
  phys_addr: number;
  next: vm_struct | null;
  /** SIM: the kmalloc'ed address of this descriptor (C's `area` pointer value). */
  self: Addr;
}

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
