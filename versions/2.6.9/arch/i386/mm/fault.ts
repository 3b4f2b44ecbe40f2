/**
 * Linux 2.6.9 arch/i386/mm/fault.c, do_page_fault's no_context path: the first line of the oops a
 * kernel fault prints (two printks, one line), as in 2.4.
 */
import { pte_flags_val, type Addr, type Kernel, type OopsKind } from '../../../../../src/kernel/kernel.js';
import { _PAGE_NX, _PAGE_PRESENT } from '../../../include/asm-i386/pgtable.js';

// do_page_fault, no_context (arch/i386/mm/fault.c 2.6.9)
export function oopsLine(k: Kernel, what: OopsKind, addr: Addr): string {
  /* if (address < PAGE_SIZE) printk(KERN_ALERT "Unable to handle kernel NULL pointer dereference");
     else printk(KERN_ALERT "Unable to handle kernel paging request");
     printk(" at virtual address %08lx\n", address); */
  return `Unable to handle kernel ${what} at virtual address ${k.lx(addr)}`;
}

/** _PAGE_PROTNONE (include/asm-i386/pgtable.h line 123). */
const _PAGE_PROTNONE = 0x080n;

// do_page_fault, no_context, its CONFIG_X86_PAE branch (arch/i386/mm/fault.c 2.6.9 lines 436-443)
export function nxWarning(k: Kernel, addr: Addr): string | undefined {
  /* #ifdef CONFIG_X86_PAE: if (error_code & 16): the CPU reports an instruction fetch only with
     EFER.NXE, which set_nx sets when the CPU has NX. arch/x86_64/mm/fault.c has no such line. */
  if (k.arch.name !== 'i386-pae' || !k.cpu_has_nx) return undefined;
  /* pte_t *pte = lookup_address(address); (arch/i386/mm/pageattr.c: a large pmd is returned as the pte) */
  const f = k.lookup_address_flags(addr);
  if (f < 0) return undefined;
  const v = pte_flags_val(f);
  /* if (pte && pte_present(*pte) && !pte_exec_kernel(*pte)) printk(KERN_CRIT "kernel tried to
     execute NX-protected page - exploit attempt? (uid: %d)\n", current->uid); */
  if ((v & (_PAGE_PRESENT | _PAGE_PROTNONE)) === 0n || (v & _PAGE_NX(k)) === 0n) return undefined;
  // current->uid of the harness's task, which runs as root
  return 'kernel tried to execute NX-protected page - exploit attempt? (uid: 0)';
}
