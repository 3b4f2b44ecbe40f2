/**
 * Linux 2.6.27 include/asm-x86/pgtable.h, which includes pgtable_32.h or pgtable_64.h: the
 * default vmalloc window per arch, as VMALLOC_START / VMALLOC_END give it for the machine.
 */
import type { Kernel } from '../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../src/contract/version.js';
import * as p32 from './pgtable_32.js';
import * as p64 from './pgtable_64.js';
import { MAXMEM, __PAGE_OFFSET } from './page_32.js';

export function defaultWindow(k: Kernel): VmallocWindow {
  if (k.arch.name === 'x86_64') {
    return { start: k.constAddr(p64.VMALLOC_START), end: k.constAddr(p64.VMALLOC_END) };
  }
  /* high_memory = __va(max_low_pfn << PAGE_SHIFT), max_low_pfn = min(max_pfn, MAXMEM_PFN) (setup_32.c) */
  const high_memory = __PAGE_OFFSET + Math.min(k.num_physpages * p32.PAGE_SIZE, MAXMEM);
  return { start: p32.VMALLOC_START(high_memory), end: p32.VMALLOC_END(k.arch.name === 'i386-pae') };
}
