/**
 * Linux 2.6.39 arch/x86/mm/fault.c show_fault_oops: the first line of the oops a kernel fault
 * prints. %p of NULL is "(null)" right-aligned in the pointer width in 2.6.39 (KernelConfig.pointerNull).
 */
import type { Addr, Kernel, OopsKind } from '../../../../../src/kernel/kernel.js';

// show_fault_oops (arch/x86/mm/fault.c 2.6.39)
export function oopsLine(k: Kernel, what: OopsKind, addr: Addr): string {
  /* printk(KERN_ALERT "BUG: unable to handle kernel ");
     if (address < PAGE_SIZE) printk(KERN_CONT "NULL pointer dereference"); else printk(KERN_CONT "paging request");
     printk(KERN_CONT " at %p\n", (void *) address); */
  return `BUG: unable to handle kernel ${what} at ${k.p(addr)}`;
}
