/**
 * Linux 2.4.31 include/asm-i386/io.h (and the page-protection bits of pgtable.h it uses):
 * virt_to_phys / phys_to_virt on the linear map, and the inline wrappers ioremap and
 * ioremap_nocache around __ioremap (arch/i386/mm/ioremap.c). Unchanged since 2.4.22: this file
 * is that port's copy.
 */
import type { Addr } from '../../../../src/kernel/kernel.js';
import type { Kernel } from '../../../../src/kernel/kernel.js';

/* include/asm-i386/pgtable.h */
import { _PAGE_PCD } from './pgtable.js';
export { _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_PCD, _PAGE_PRESENT, _PAGE_RW } from './pgtable.js';

/** virt_to_phys(address) = __pa(address): linear-map addresses only. */
export function virt_to_phys(k: Kernel, address: Addr): number {
  return address - k.arch.pageOffset;
}

/** phys_to_virt(address) = __va(address). */
export function phys_to_virt(k: Kernel, address: number): Addr {
  return k.ulong(address + k.arch.pageOffset);
}

type IoremapFn = (phys_addr: number, size: number, flags: number) => Addr;

/** ioremap(offset, size) = __ioremap(offset, size, 0). */
export function ioremap(__ioremap: IoremapFn, offset: number, size: number): Addr {
  return __ioremap(offset, size, 0);
}

/** ioremap_nocache(offset, size) = __ioremap(offset, size, _PAGE_PCD). */
export function ioremap_nocache(__ioremap: IoremapFn, offset: number, size: number): Addr {
  return __ioremap(offset, size, _PAGE_PCD);
}
