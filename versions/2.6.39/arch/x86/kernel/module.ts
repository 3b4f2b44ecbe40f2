/**
 * Linux 2.6.39 module_alloc: arch/x86/kernel/module.c, on __vmalloc_node_range since 2.6.38
 * (d0a21265dfb5). MODULES_VADDR..MODULES_END is 0xffffffffa0000000..0xffffffffff000000 on x86_64
 * (pgtable_64_types.h) and VMALLOC_START..VMALLOC_END on i386 (pgtable_32_types.h), where
 * MODULES_LEN is written (MODULES_VADDR - MODULES_END): QUERY: it wraps to 2^32 - the window's
 * length, so the size check almost never fires on i386. module_free is vfree.
 */
import type { Addr, Kernel } from '../../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../../src/contract/version.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from '../../../include/linux/gfp.js';
import type { Vmalloc2639 } from '../../../mm/vmalloc.js';
import { pgprot } from '../include/asm/pgtable_types.js';

/** arch/x86/include/asm/pgtable_64_types.h */
export const X86_64_MODULES_VADDR = '0xffffffffa0000000';
export const X86_64_MODULES_END = '0xffffffffff000000';

export function bootModule(k: Kernel, mm: Vmalloc2639, window: VmallocWindow) {
  const x86_64 = k.arch.name === 'x86_64';
  const MODULES_VADDR = x86_64 ? k.constAddr(X86_64_MODULES_VADDR) : window.start;
  const MODULES_END = x86_64 ? k.constAddr(X86_64_MODULES_END) : window.end;
  /* x86_64: MODULES_END - MODULES_VADDR; i386: (MODULES_VADDR - MODULES_END), unsigned long */
  const MODULES_LEN = x86_64 ? MODULES_END - MODULES_VADDR : k.ulong(MODULES_VADDR - MODULES_END);

  // module_alloc (arch/x86/kernel/module.c 2.6.39)
  const module_alloc = k.traced('module_alloc', (size: number): Addr => {
    if (k.PAGE_ALIGN(size) > MODULES_LEN) return 0;
    // SIM: C passes __builtin_return_address(0), module_alloc's caller; vmx names module_alloc
    return mm.__vmalloc_node_range(size, 1, MODULES_VADDR, MODULES_END, GFP_KERNEL | __GFP_HIGHMEM, pgprot(k).PAGE_KERNEL_EXEC, -1, 'module_alloc');
  });
  return { module_alloc };
}
