/**
 * Linux 2.6.27 include/linux/gfp.h (GFP_RECLAIM_MASK included; the same values as 2.6.32's): the gfp
 * bits the vmalloc code passes around. Zone modifiers are what the simulated page allocator
 * reads; the others are carried for fidelity (and traces).
 */
export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_DMA32 = 0x04;
export const __GFP_WAIT = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_NOWARN = 0x200;
export const __GFP_REPEAT = 0x400;
export const __GFP_NOFAIL = 0x800;
export const __GFP_NORETRY = 0x1000;
export const __GFP_ZERO = 0x8000;
export const __GFP_NOMEMALLOC = 0x10000;

export const GFP_KERNEL = __GFP_WAIT | __GFP_IO | __GFP_FS;
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;

/** Control page allocator reclaim behavior */
export const GFP_RECLAIM_MASK =
  __GFP_WAIT | __GFP_HIGH | __GFP_IO | __GFP_FS | __GFP_NOWARN | __GFP_REPEAT | __GFP_NOFAIL | __GFP_NORETRY | __GFP_NOMEMALLOC;

/* PAGE_KERNEL, PAGE_KERNEL_EXEC: per arch and CPU, pgprot() in the asm pgtable header. */
