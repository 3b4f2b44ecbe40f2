/**
 * Linux 2.6.9 arch/x86_64/mm/fault.c, do_page_fault's no_context path: the first line of the oops
 * a kernel fault prints (the RIP that follows is the next printk's; vmx has no kernel text).
 */
import type { Addr, Kernel, OopsKind } from '../../../../../src/kernel/kernel.js';

// do_page_fault, no_context (arch/x86_64/mm/fault.c 2.6.9)
export function oopsLine(k: Kernel, what: OopsKind, addr: Addr): string {
  /* if (address < PAGE_SIZE) printk(KERN_ALERT "Unable to handle kernel NULL pointer dereference");
     else printk(KERN_ALERT "Unable to handle kernel paging request");
     printk(" at %016lx RIP: \n" KERN_ALERT, address); */
  return `Unable to handle kernel ${what} at ${k.lx(addr)} RIP: `;
}
