/**
 * Linux 2.4.31 include/linux/mm.h: the gfp bits vmalloc passes (zone modifiers are what the
 * page allocator reads). The same values as 2.4.22's.
 */
export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_WAIT = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_HIGHIO = 0x80;
export const __GFP_FS = 0x100;
export const GFP_KERNEL = __GFP_HIGH | __GFP_WAIT | __GFP_IO | __GFP_HIGHIO | __GFP_FS;
export const GFP_DMA = __GFP_DMA;

/** PAGE_KERNEL: the protection vmx maps with (protections are not modelled beyond this name). */
export const PAGE_KERNEL = 0x163;
