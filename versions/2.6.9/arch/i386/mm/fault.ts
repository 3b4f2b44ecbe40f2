/**
 * Linux 2.6.9 arch/i386/mm/fault.c, do_page_fault's no_context path: the first line of the oops a
 * kernel fault prints (two printks, one line), as in 2.4.
 */
import type { Addr, Kernel, OopsKind } from '../../../../../src/kernel/kernel.js';

// do_page_fault, no_context (arch/i386/mm/fault.c 2.6.9)
export function oopsLine(k: Kernel, what: OopsKind, addr: Addr): string {
  /* if (address < PAGE_SIZE) printk(KERN_ALERT "Unable to handle kernel NULL pointer dereference");
     else printk(KERN_ALERT "Unable to handle kernel paging request");
     printk(" at virtual address %08lx\n", address); */
  return `Unable to handle kernel ${what} at virtual address ${k.lx(addr)}`;
}
