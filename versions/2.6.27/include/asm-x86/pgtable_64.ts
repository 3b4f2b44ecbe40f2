/**
 * Linux 2.6.27 include/asm-x86/pgtable_64.h: the x86_64 vmalloc window, 32 TiB below the one
 * 2.6.28 moved it to (0xffffc90000000000).
 */
export const VMALLOC_START = '0xffffc20000000000';
export const VMALLOC_END = '0xffffe1ffffffffff';
