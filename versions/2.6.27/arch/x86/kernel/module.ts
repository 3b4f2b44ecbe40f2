/**
 * Linux 2.6.27 module_alloc: arch/x86/kernel/module_64.c (x86_64: its own window
 * MODULES_VADDR..MODULES_END, include/asm-x86/pgtable_64.h) and arch/x86/kernel/module_32.c
 * (i386: vmalloc_exec). module_free is vfree in both.
 */
import type { Addr, Kernel } from '../../../../../src/kernel/kernel.js';
import { GFP_KERNEL } from '../../../include/linux/gfp.js';
import { VM_ALLOC } from '../../../include/linux/vmalloc.js';
import type { Vmalloc2627 } from '../../../mm/vmalloc.js';
import { pgprot } from '../../../include/asm-x86/pgtable.js';

/** include/asm-x86/pgtable_64.h */
export const MODULES_VADDR = '0xffffffffa0000000';
export const MODULES_END = '0xffffffffff000000';
/** MODULES_END - MODULES_VADDR */
export const MODULES_LEN = 0x5f000000;

export function bootModule(k: Kernel, mm: Vmalloc2627) {
  if (k.arch.name === 'x86_64') {
    const vaddr = k.constAddr(MODULES_VADDR);
    const end = k.constAddr(MODULES_END);
    // module_alloc (arch/x86/kernel/module_64.c 2.6.27)
    const module_alloc = k.traced('module_alloc', (size: number): Addr => {
      if (!size) return 0;
      size = k.PAGE_ALIGN(size);
      if (size > MODULES_LEN) return 0;

      const area = mm.__get_vm_area(size, VM_ALLOC, vaddr, end, 'module_alloc');
      if (!area) return 0;

      return mm.__vmalloc_area(area, GFP_KERNEL, pgprot(k).PAGE_KERNEL_EXEC, 'module_alloc');
    });
    return { module_alloc };
  }
  // module_alloc (arch/x86/kernel/module_32.c 2.6.27)
  const module_alloc = k.traced('module_alloc', (size: number): Addr => {
    if (size === 0) return 0;
    return mm.vmalloc_exec(size);
  });
  return { module_alloc };
}
