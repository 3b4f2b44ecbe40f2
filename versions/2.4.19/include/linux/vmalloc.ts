/**
 * Linux 2.4.19 include/linux/vmalloc.h: struct vm_struct, its flags, and the inline wrappers
 * vmalloc / vmalloc_dma / vmalloc_32 around __vmalloc.
 */
import type { Addr, Kernel } from '../../../../src/kernel/kernel.js';
import type { StructTable } from '../../../../src/kernel/struct-table.js';
import { GFP_DMA, GFP_KERNEL, PAGE_KERNEL, __GFP_HIGHMEM } from './mm.js';

/* bits in vm_struct->flags */
export const VM_IOREMAP = 0x00000001; /* ioremap() and friends */
export const VM_ALLOC = 0x00000002; /* vmalloc() */

/**
 * struct vm_struct, kept as columns (src/kernel/struct-table.ts): a `vm_struct` is a pointer, a
 * row of the boot's table `vm` (0 is NULL), and `vm.addr[p]` is `p->addr`. `vm.self[p]` is the
 * address kmalloc gave the struct (the C pointer's value). The flags are an unsigned long, as
 * in the C ('ulong': an exact number).
 */
export const VM_STRUCT = { flags: 'ulong', addr: 'ulong', size: 'ulong', next: 'ptr' } as const;
export type vm_struct = number;
export type vm_structs = StructTable<typeof VM_STRUCT>;

/** sizeof(struct vm_struct) on i386: four 4-byte fields. */
export const SIZEOF_VM_STRUCT = 16;

export function vmFlagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & VM_IOREMAP) out.push('VM_IOREMAP');
  if (flags & VM_ALLOC) out.push('VM_ALLOC');
  return out;
}

type VmallocFn = (size: number, gfp_mask: number, prot: number) => Addr;

/** vmalloc: any pages, highmem allowed. */
export function vmalloc(k: Kernel, __vmalloc: VmallocFn, size: number): Addr {
  return __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL(k));
}

/** vmalloc_dma: ISA-addressable pages "for broke crap". */
export function vmalloc_dma(k: Kernel, __vmalloc: VmallocFn, size: number): Addr {
  return __vmalloc(size, GFP_KERNEL | GFP_DMA, PAGE_KERNEL(k));
}

/** vmalloc_32: 32-bit physically addressable pages. */
export function vmalloc_32(k: Kernel, __vmalloc: VmallocFn, size: number): Addr {
  return __vmalloc(size, GFP_KERNEL, PAGE_KERNEL(k));
}
