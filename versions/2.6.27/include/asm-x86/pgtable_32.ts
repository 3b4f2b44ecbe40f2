/**
 * Linux 2.6.27 include/asm-x86/pgtable_32.h: the i386 vmalloc window.
 *
 * VMALLOC_START rounds high_memory + VMALLOC_OFFSET up to an 8 MiB boundary, as 2.4 did (the
 * rounding went in 2.6.28 with e621bd18958e "i386: vmalloc size fix"), so the hole after
 * lowmem is 8 to 16 MiB. VMALLOC_END = PKMAP_BASE - 2*PAGE_SIZE (CONFIG_HIGHMEM), where
 * PKMAP_BASE = (FIXADDR_BOOT_START - PAGE_SIZE * (LAST_PKMAP + 1)) & PMD_MASK depends on the
 * fixmap enum, i.e. on the .config. SIM: FIXADDR_BOOT_START is taken as 0xffe00000, the value
 * the 2.6.32 port and the oracle assume: PKMAP_BASE 0xff800000 (VMALLOC_END 0xff7fe000) without
 * PAE, 0xffa00000 (VMALLOC_END 0xff9fe000) with PAE (LAST_PKMAP 512, 2 MiB PMD_MASK).
 */
export const PAGE_SIZE = 4096;
export const VMALLOC_OFFSET = 8 * 1024 * 1024;
/** SIM: assumed FIXADDR_BOOT_START (see the header comment). */
export const FIXADDR_BOOT_START = 0xffe00000;

/** #define VMALLOC_START (((unsigned long)high_memory + 2 * VMALLOC_OFFSET - 1) & ~(VMALLOC_OFFSET - 1)) */
export function VMALLOC_START(high_memory: number): number {
  return Math.floor((high_memory + 2 * VMALLOC_OFFSET - 1) / VMALLOC_OFFSET) * VMALLOC_OFFSET;
}

/** #define PKMAP_BASE ((FIXADDR_BOOT_START - PAGE_SIZE * (LAST_PKMAP + 1)) & PMD_MASK) */
export function PKMAP_BASE(pae: boolean): number {
  const LAST_PKMAP = pae ? 512 : 1024;
  const PMD_SIZE = pae ? 2 * 1024 * 1024 : 4 * 1024 * 1024;
  return Math.floor((FIXADDR_BOOT_START - PAGE_SIZE * (LAST_PKMAP + 1)) / PMD_SIZE) * PMD_SIZE;
}

/** # define VMALLOC_END (PKMAP_BASE - 2 * PAGE_SIZE) (CONFIG_HIGHMEM) */
export function VMALLOC_END(pae: boolean): number {
  return PKMAP_BASE(pae) - 2 * PAGE_SIZE;
}
