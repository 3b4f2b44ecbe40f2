/**
 * Linux 2.6.27 arch/x86/mm/fault.c show_fault_oops: the line it prints before "BUG: unable to
 * handle kernel ..." (KernelConfig.oopsLine's default) for an instruction fetch.
 */
import { pte_flags_val, type Addr, type Kernel } from '../../../../../src/kernel/kernel.js';
import { _PAGE_NX, _PAGE_PRESENT } from '../../../include/asm-x86/pgtable.js';

/** _PAGE_PROTNONE is _PAGE_PSE in 2.6.27 (include/asm-x86/pgtable.h line 50). */
const _PAGE_PROTNONE = 0x080n;

// show_fault_oops, its CONFIG_X86_PAE PF_INSTR branch (arch/x86/mm/fault.c 2.6.27)
export function nxWarning(k: Kernel, addr: Addr): string | undefined {
  /* #ifdef CONFIG_X86_PAE (lines 389-399): not on i386 nor x86_64; if (error_code & PF_INSTR): the
     CPU reports an instruction fetch only with EFER.NXE, which set_nx sets when the CPU has NX */
  if (k.arch.name !== 'i386-pae' || !k.cpu_has_nx) return undefined;
  /* pte_t *pte = lookup_address(address, &level); */
  const f = k.lookup_address_flags(addr);
  if (f < 0) return undefined;
  const v = pte_flags_val(f);
  /* if (pte && pte_present(*pte) && !pte_exec(*pte)) printk(KERN_CRIT "kernel tried to execute "
     "NX-protected page - exploit attempt? (uid: %d)\n", current->uid); (lines 394-397) */
  if ((v & (_PAGE_PRESENT | _PAGE_PROTNONE)) === 0n || (v & _PAGE_NX(k.arch.name)) === 0n) return undefined;
  // current->uid of the harness's task, which runs as root
  return 'kernel tried to execute NX-protected page - exploit attempt? (uid: 0)';
}
