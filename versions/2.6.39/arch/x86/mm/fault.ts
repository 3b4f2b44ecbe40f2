/**
 * Linux 2.6.39 arch/x86/mm/fault.c show_fault_oops: the first line of the oops a kernel fault
 * prints. %p of NULL is "(null)" right-aligned in the pointer width in 2.6.39 (KernelConfig.pointerNull).
 */
import { pte_flags_val, type Addr, type Kernel, type OopsKind } from '../../../../../src/kernel/kernel.js';
import { _PAGE_GLOBAL, _PAGE_NX, _PAGE_PRESENT } from '../include/asm/pgtable_types.js';

// show_fault_oops (arch/x86/mm/fault.c 2.6.39)
export function oopsLine(k: Kernel, what: OopsKind, addr: Addr): string {
  /* printk(KERN_ALERT "BUG: unable to handle kernel ");
     if (address < PAGE_SIZE) printk(KERN_CONT "NULL pointer dereference"); else printk(KERN_CONT "paging request");
     printk(KERN_CONT " at %p\n", (void *) address); */
  return `BUG: unable to handle kernel ${what} at ${k.p(addr)}`;
}

/** _PAGE_PROTNONE: _PAGE_BIT_PROTNONE is _PAGE_BIT_GLOBAL (arch/x86/include/asm/pgtable_types.h). */
const _PAGE_PROTNONE = _PAGE_GLOBAL;

// show_fault_oops, its PF_INSTR branch (arch/x86/mm/fault.c 2.6.39)
export function nxWarning(k: Kernel, addr: Addr): string | undefined {
  /* if (error_code & PF_INSTR): the CPU reports an instruction fetch only with EFER.NXE, which
     set_nx / x86_configure_nx set on PAE and x86_64 when the CPU has NX (2-level paging has no XD) */
  if (k.arch.name === 'i386' || !k.cpu_has_nx) return undefined;
  /* pte_t *pte = lookup_address(address, &level); */
  const f = k.lookup_address_flags(addr);
  if (f < 0) return undefined;
  const v = pte_flags_val(f);
  /* if (pte && pte_present(*pte) && !pte_exec(*pte)) printk(nx_warning, current_uid()); (line 577) */
  if ((v & (_PAGE_PRESENT | _PAGE_PROTNONE)) === 0n || (v & _PAGE_NX(k.arch.name)) === 0n) return undefined;
  // nx_warning (line 561): KERN_CRIT "kernel tried to execute NX-protected page - exploit attempt? (uid: %d)\n";
  // current_uid() of the harness's task, which runs as root
  return 'kernel tried to execute NX-protected page - exploit attempt? (uid: 0)';
}
