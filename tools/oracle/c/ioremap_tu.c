/* ioremap_tu.c - the version's own arch ioremap (2.4: include/asm-i386/io.h's virt_to_phys, phys_to_virt,
 * ioremap, ioremap_nocache and arch/i386/mm/ioremap.c's remap_area_pte / remap_area_pmd /
 * remap_area_pages, __ioremap, iounmap), extracted unmodified at build time by tools/oracle/build.ts into
 * oracle_ioremap.c on the include path, over kstub.h and the stubs below (services only, no kernel logic):
 * the linear map's __pa / __va / virt_to_page of asm-i386/page.h, mk_pte_phys of asm-i386/pgtable.h, and
 * high_memory, which the driver sets from the machine line (tools/oracle/run.ts, versions.ts highMemory). */
#include "kstub.h"
#include <linux/vmalloc.h>
/* BUG() in these names the arch file (2.4's kbuild compiled inside arch/i386/mm/: "ioremap.c") */
#undef ORACLE_VFILE
#ifdef ORACLE_V24
#define ORACLE_VFILE "ioremap.c"
#else
#define ORACLE_VFILE "arch/x86/mm/ioremap.c"
#endif
#if BITS_PER_LONG == 32
#define PAGE_OFFSET 0xc0000000UL
#endif
#define __pa(x) ((unsigned long)(x) - PAGE_OFFSET)
#define __va(x) ((void *)((unsigned long)(x) + PAGE_OFFSET))
#define virt_to_page(kaddr) (mem_map + (__pa(kaddr) >> PAGE_SHIFT))
/* 2.4 pgtable.h mk_pte_phys = __mk_pte(physpage >> PAGE_SHIFT, pgprot) (2level: page_nr << PAGE_SHIFT |
 * prot; 3level: the same split into pte_low / pte_high) */
#define mk_pte_phys(physpage, pgprot) __pte(((pteval_t)((physpage) >> PAGE_SHIFT) << PAGE_SHIFT) | pgprot_val(pgprot))
/* 2.6 pgtable-2level.h / -3level.h pfn_pte */
#ifndef pfn_pte
#define pfn_pte(pfn, prot) __pte(((pteval_t)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#endif
#define __iomem
#define __force
#ifdef ORACLE_V2609
/* arch/i386/mm/pageattr.c: the linear map's attributes are not modelled (vmx's SIM too): success, no flush */
#define change_page_attr(page, numpages, prot) 0
#define global_flush_tlb() do { } while (0)
void iounmap(volatile void __iomem *addr);
#endif
void *high_memory;
void oracle_set_high_memory(unsigned long h) { high_memory = (void *)h; }
void *__ioremap(unsigned long offset, unsigned long size, unsigned long flags);
#include ORACLE_IOREMAP_SRC
/* the driver's entry points (caller symbols), over the extracted asm/io.h inlines */
__attribute__((noinline, used)) void *drv_ioremap(unsigned long phys, unsigned long size) { return ioremap(phys, size); }
__attribute__((noinline, used)) void *drv_ioremap_nocache(unsigned long phys, unsigned long size) { return ioremap_nocache(phys, size); }
