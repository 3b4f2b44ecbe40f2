/**
 * Linux 2.6.32 module_alloc: arch/x86/kernel/module.c (one file for both arches since 2.6.29).
 * MODULES_VADDR..MODULES_END is 0xffffffffa0000000..0xffffffffff000000 on x86_64
 * (pgtable_64_types.h) and VMALLOC_START..VMALLOC_END on i386 (pgtable_32_types.h), where
 * MODULES_LEN is written (MODULES_VADDR - MODULES_END): QUERY: it wraps to 2^32 - the window's
 * length, so the size check almost never fires on i386. module_free is vfree.
 */
import type { Addr, Kernel } from '../../../../../src/kernel/kernel.js';
import type { VmallocWindow } from '../../../../../src/contract/version.js';
import { GFP_KERNEL, __GFP_HIGHMEM } from '../../../include/linux/gfp.js';
import { VM_ALLOC } from '../../../include/linux/vmalloc.js';
import type { Vmalloc2632 } from '../../../mm/vmalloc.js';
import { pgprot } from '../include/asm/pgtable_types.js';

/** arch/x86/include/asm/pgtable_64_types.h */
export const X86_64_MODULES_VADDR = '0xffffffffa0000000';
export const X86_64_MODULES_END = '0xffffffffff000000';

export function bootModule(k: Kernel, mm: Vmalloc2632, window: VmallocWindow) {
  const x86_64 = k.arch.name === 'x86_64';
  const MODULES_VADDR = x86_64 ? k.constAddr(X86_64_MODULES_VADDR) : window.start;
  const MODULES_END = x86_64 ? k.constAddr(X86_64_MODULES_END) : window.end;
  /* x86_64: MODULES_END - MODULES_VADDR; i386: (MODULES_VADDR - MODULES_END), unsigned long */
  const MODULES_LEN = x86_64 ? MODULES_END - MODULES_VADDR : k.ulong(MODULES_VADDR - MODULES_END);

  // module_alloc (arch/x86/kernel/module.c 2.6.32)
  const module_alloc = k.traced('module_alloc', (size: number): Addr => {
    if (!size) return 0;
    size = k.PAGE_ALIGN(size);
    if (size > MODULES_LEN) return 0;

    const area = mm.__get_vm_area(size, VM_ALLOC, MODULES_VADDR, MODULES_END, 'module_alloc');
    if (!area) return 0;

    return mm.__vmalloc_area(area, GFP_KERNEL | __GFP_HIGHMEM, pgprot(k).PAGE_KERNEL_EXEC, 'module_alloc');
  });
  return { module_alloc };
}
