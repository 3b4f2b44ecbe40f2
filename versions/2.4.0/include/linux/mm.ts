/**
 * Linux 2.4.0 include/linux/mm.h: the gfp bits vmalloc passes. 2.4.0 has its own bit values
 * (__GFP_WAIT 0x01 … __GFP_DMA 0x08, __GFP_HIGHMEM 0x10 with CONFIG_HIGHMEM); 2.4.3 moved the
 * zone modifiers into the low bits, where vmx's page allocator reads them.
 */
import { __GFP_DMA as K_GFP_DMA, __GFP_HIGHMEM as K_GFP_HIGHMEM } from '../../../../src/kernel/kernel.js';

export const __GFP_WAIT = 0x01;
export const __GFP_HIGH = 0x02;
export const __GFP_IO = 0x04;
export const __GFP_DMA = 0x08;
/* CONFIG_HIGHMEM */
export const __GFP_HIGHMEM = 0x10;

export const GFP_KERNEL = __GFP_HIGH | __GFP_WAIT | __GFP_IO;
export const GFP_DMA = __GFP_DMA;

/* PAGE_KERNEL comes from asm/pgtable.h (MAKE_GLOBAL: it depends on cpu_has_pge). */
export { PAGE_KERNEL } from '../asm-i386/pgtable.js';

/**
 * SIM: the zone modifiers of a 2.4.0 gfp mask in the bit values of vmx's page allocator
 * (which are 2.4.3's and 2.6's), so that `"zones": "split"` picks the zone 2.4.0's
 * build_zonelists would: __GFP_DMA the DMA zone, __GFP_HIGHMEM highmem first.
 */
export function gfpZoneBits(gfp_mask: number): number {
  return (gfp_mask & __GFP_DMA ? K_GFP_DMA : 0) | (gfp_mask & __GFP_HIGHMEM ? K_GFP_HIGHMEM : 0);
}
