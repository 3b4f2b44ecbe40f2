/* ioremap_tu.c - the version's own arch ioremap (2.4 and 2.6.9 i386, 2.6.9 x86_64 with asm-x86_64/io.h and arch/x86_64/mm/ioremap.c, 2.6.27 on
 * arch/x86/mm/ioremap.c + lib/ioremap.c; 2.4: include/asm-i386/io.h's virt_to_phys, phys_to_virt,
 * ioremap, ioremap_nocache and arch/i386/mm/ioremap.c's remap_area_pte / remap_area_pmd /
 * remap_area_pages, __ioremap, iounmap), extracted unmodified at build time by tools/oracle/build.ts into
 * oracle_ioremap.c on the include path, over kstub.h and the stubs below (services only, no kernel logic):
 * the linear map's __pa / __va / virt_to_page of asm-i386/page.h, mk_pte_phys of asm-i386/pgtable.h, and
 * high_memory, which the driver sets from the machine line (tools/oracle/run.ts, versions.ts highMemory). */
#include "kstub.h"
#include <linux/vmalloc.h>
/* BUG() / WARN in these name the file: 2.4's kbuild compiled inside arch/i386/mm/ ("ioremap.c"); 2.6's from
 * the top, so __FILE__, which the #line directives of oracle_ioremap-<arch>.c set to each file's path */
#undef ORACLE_VFILE
#ifdef ORACLE_V24
#define ORACLE_VFILE "ioremap.c"
#else
#define ORACLE_VFILE __FILE__
#endif
#if BITS_PER_LONG == 32
#define PAGE_OFFSET 0xc0000000UL
#define __pa(x) ((unsigned long)(x) - PAGE_OFFSET)
#elif defined(ORACLE_V2609)
/* 2.6.9 asm-x86_64/page.h: the direct map at 1 << 40 (the lower half), __pa with the kernel image's branch */
#define __START_KERNEL_map 0xffffffff80000000UL
#define PAGE_OFFSET 0x0000010000000000UL
#define __pa(x) (((unsigned long)(x)>=__START_KERNEL_map)?(unsigned long)(x) - (unsigned long)__START_KERNEL_map:(unsigned long)(x) - PAGE_OFFSET)
#else
#define PAGE_OFFSET 0xffff880000000000UL   /* 2.6.27 on, x86_64 page_64(_types).h */
#define __pa(x) ((unsigned long)(x) - PAGE_OFFSET)
#endif
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
/* arch/i386/mm/pageattr.c, arch/x86_64/mm/pageattr.c: the linear map's attributes are not modelled (vmx's SIM
 * too): success, no flush (no large page is split, no page allocated) */
#define change_page_attr(page, numpages, prot) ((void)(page), 0)
#define global_flush_tlb() do { } while (0)
#if BITS_PER_LONG == 32
void iounmap(volatile void __iomem *addr);
#else
/* 2.6.9 asm-x86_64/io.h's prototypes (ioremap_nocache calls iounmap, defined after it) */
void __iomem *ioremap_nocache(unsigned long offset, unsigned long size);
void iounmap(void __iomem *addr);
#endif
#endif
#if defined(ORACLE_V26) && !defined(ORACLE_V2609)
/* ---- 2.6.27 on: what arch/x86/mm/ioremap.c, physaddr.h and lib/ioremap.c reach, as services:
 * pgtable_types.h's cache attributes and PAGE_KERNEL_IO* (over kstub.h's PAGE_KERNEL = __PAGE_KERNEL) */
typedef phys_addr_t resource_size_t;
#define _PAGE_PWT 0x008
#define _PAGE_IOMAP ((pteval_t)1 << 10)
#define _PAGE_CACHE_MASK (_PAGE_PCD | _PAGE_PWT)
#define _PAGE_CACHE_WB (0)
#define _PAGE_CACHE_WC (_PAGE_PWT)
#define _PAGE_CACHE_UC_MINUS (_PAGE_PCD)
#define _PAGE_CACHE_UC (_PAGE_PCD | _PAGE_PWT)
#define PAGE_KERNEL_IO __pgprot(pgprot_val(PAGE_KERNEL) | _PAGE_IOMAP)
#define PAGE_KERNEL_IO_NOCACHE __pgprot(pgprot_val(PAGE_KERNEL) | _PAGE_PCD | _PAGE_PWT | _PAGE_IOMAP)
#define PAGE_KERNEL_IO_UC_MINUS __pgprot(pgprot_val(PAGE_KERNEL) | _PAGE_PCD | _PAGE_IOMAP)
#define PAGE_KERNEL_IO_WC __pgprot(pgprot_val(PAGE_KERNEL) | _PAGE_CACHE_WC | _PAGE_IOMAP)
/* pgtable.h pfn_pte = page_nr << PAGE_SHIFT | massage_pgprot(prot): a present prot & __supported_pte_mask,
 * which init_32.c / init_64.c start as ~(_PAGE_NX | _PAGE_GLOBAL | _PAGE_IOMAP) / ~_PAGE_IOMAP and PGE and
 * NX (the reference CPU) give back GLOBAL and NX: _PAGE_IOMAP is dropped */
#undef pfn_pte
#define pfn_pte(pfn, prot) __pte(((pteval_t)(pfn) << PAGE_SHIFT) | \
	((pgprot_val(prot) & _PAGE_PRESENT) ? pgprot_val(prot) & ~_PAGE_IOMAP : pgprot_val(prot)))
#define pfn_valid(pfn) ((pfn) < max_mapnr)
/* asm/e820.h; the map: one E820_RAM entry covering the machine's RAM (oracle_set_high_memory sets it) */
#define E820_RAM 1
#define ISA_START_ADDRESS 0xa0000
#define ISA_END_ADDRESS 0x100000
#define BIOS_BEGIN 0x000a0000
#define BIOS_END 0x00100000
#ifndef ORACLE_V2639
#define is_ISA_range(s, e) ((s) >= ISA_START_ADDRESS && (e) < ISA_END_ADDRESS)   /* 2.6.39: e820.h's inline, extracted */
#endif
struct e820entry { u64 addr; u64 size; unsigned int type; };
struct e820map { unsigned int nr_map; struct e820entry map[1]; };
static struct e820map e820;
/* asm/processor.h boot_cpu_data: 36 physical address bits (as vmx's SIM) */
static struct { unsigned char x86_phys_bits; } boot_cpu_data = { 36 };
#if ORACLE_PT_LEVELS >= 3
#define CONFIG_PHYS_ADDR_T_64BIT 1
#endif
/* bug.h WARN_ON_ONCE / WARN_ONCE: once per call site */
#define WARN_ON_ONCE(c) ({ static int __warned; int __ret = !!(c); if (unlikely(__ret && !__warned)) { __warned = 1; WARN_ON(1); } unlikely(__ret); })
#define WARN_ONCE(c, fmt...) ({ static int __warned; int __ret = !!(c); if (unlikely(__ret && !__warned)) { __warned = 1; WARN(1, fmt); } unlikely(__ret); })
/* no iomem resource tree, mmiotrace off, no stack dump */
#define iomem_map_sanity_check(p, s) 0
#define mmiotrace_ioremap(p, s, a) do { } while (0)
#define mmiotrace_iounmap(a) do { } while (0)
#define dump_stack() do { } while (0)
/* PAT off (arch/x86/mm/pat.c with pat_enabled 0): reserve_memtype's !pat_enabled branch (lines 377-387 of
 * 2.6.32's pat.c, the same in 2.6.27; 2.6.39's lines 266-275 lack the req_type -1 case) hands back the request's cache type; free_memtype,
 * kernel_map_sync_memtype: nothing to do */
static int reserve_memtype(u64 start, u64 end, unsigned long req_type, unsigned long *new_type)
{
	BUG_ON(start >= end);
	if (new_type) {
#ifndef ORACLE_V2639
		if (req_type == -1) *new_type = _PAGE_CACHE_WB;   /* not in 2.6.39's */
		else
#endif
		if (req_type == _PAGE_CACHE_WC) *new_type = _PAGE_CACHE_UC_MINUS;
		else *new_type = req_type & _PAGE_CACHE_MASK;
	}
	return 0;
}
#define free_memtype(s, e) 0
#define kernel_map_sync_memtype(b, s, f) 0
#define is_new_memtype_allowed(p, s, f, t) 1
#define pat_enabled 0
#ifdef ORACLE_V2627
/* 2.6.27: __ioremap_caller's prots are the non-IO ones (pgtable.h), pr_debug is off, and ioremap_change_attr's
 * pageattr.c calls set the cache bits the new ptes already carry (the linear map is not modelled): success */
#define PAGE_KERNEL_UC_MINUS __pgprot(pgprot_val(PAGE_KERNEL) | _PAGE_PCD)
#define PAGE_KERNEL_WC __pgprot(pgprot_val(PAGE_KERNEL) | _PAGE_CACHE_WC)
#define pr_debug(fmt...) do { } while (0)
#define _set_memory_uc(a, n) 0
#define _set_memory_wc(a, n) 0
#define _set_memory_wb(a, n) 0
#endif
/* noinline: its __builtin_return_address(0), the area's caller, must be in the driver's drv_ioremap* */
void __iomem *ioremap_nocache(resource_size_t phys_addr, unsigned long size) __attribute__((noinline));
#ifdef ORACLE_V2639
int ioremap_page_range(unsigned long addr, unsigned long end, phys_addr_t phys_addr, pgprot_t prot);
/* page_types.h PHYSICAL_PAGE_MASK; page_32_types.h __PHYSICAL_MASK_SHIFT 44 (PAE) / 32, page_64_types.h 46 */
#if BITS_PER_LONG == 64
#define __PHYSICAL_MASK_SHIFT 46
#elif ORACLE_PT_LEVELS == 3
#define __PHYSICAL_MASK_SHIFT 44
#else
#define __PHYSICAL_MASK_SHIFT 32
#endif
#define __PHYSICAL_MASK ((phys_addr_t)((1ULL << __PHYSICAL_MASK_SHIFT) - 1))
#define PHYSICAL_PAGE_MASK (((signed long)PAGE_MASK) & __PHYSICAL_MASK)
/* kernel/resource.c's page_is_ram (extracted) walks iomem_resource's "System RAM" children: e820's one RAM
 * entry for all of RAM less trim_bios_range's 640K-1M BIOS area and CONFIG_X86_RESERVE_LOW's 64 KiB
 * (E820_RESERVED), as setup.c leaves them (oracle_set_high_memory fills them in) */
#define IORESOURCE_MEM 0x00000200
#define IORESOURCE_BUSY 0x80000000
struct resource { resource_size_t start, end; const char *name; unsigned long flags; struct resource *parent, *sibling, *child; };
static struct resource oracle_sysram[2];
static struct resource iomem_resource = { .start = 0, .end = -1, .name = "PCI mem", .flags = IORESOURCE_MEM };
static DEFINE_RWLOCK(resource_lock);
#define __weak
#else
int ioremap_page_range(unsigned long addr, unsigned long end, unsigned long phys_addr, pgprot_t prot);
#endif
void iounmap(volatile void __iomem *addr);
#endif
void *high_memory;
void oracle_set_high_memory(unsigned long h, unsigned long ram_mib)
{
#if BITS_PER_LONG == 64 && defined(ORACLE_V2609)
	/* 2.6.9 x86_64: high_memory = __va(end_pfn * PAGE_SIZE) = 0x10000000000 + RAM (versions.ts highMemory), a
	 * lower-half address below the host window (0x200000000000 on): window addresses are above it as in the
	 * kernel, the ISA hole's 0x100000a0000 below, and __pa(high_memory) is the end of RAM, as __ioremap needs */
	high_memory = (void *)h;
#elif BITS_PER_LONG == 64
	/* x86_64: the window's addresses reach the kernel code as host addresses (0x200000000000 + ..., below
	 * the linear map's 0xffff88...), so high_memory, which iounmap compares them with (`addr <=
	 * high_memory`), is put just below the host window: window addresses pass as in the kernel; a linear-map
	 * address is not <= it (the kernel returns silently there; here it goes on: the ISA hole's still
	 * returns, any other is a "bad address"). The kernel's value (h) is not needed otherwise. */
	extern unsigned long oracle_hwin_lo;
	(void)h;
	high_memory = (void *)(oracle_hwin_lo - 1);
#else
	high_memory = (void *)h;
#endif
#if defined(ORACLE_V26) && !defined(ORACLE_V2609)
	e820.nr_map = 1;
	e820.map[0] = (struct e820entry){ 0, (u64)ram_mib << 20, E820_RAM };
#ifdef ORACLE_V2639
	{
		u64 ram = (u64)ram_mib << 20;
		struct resource *prev = NULL;
		int n = 0;
		if (ram > 0x10000) oracle_sysram[n++] = (struct resource){ 0x10000, (ram < 0xa0000 ? ram : 0xa0000) - 1, "System RAM", IORESOURCE_MEM | IORESOURCE_BUSY };
		if (ram > 0x100000) oracle_sysram[n++] = (struct resource){ 0x100000, ram - 1, "System RAM", IORESOURCE_MEM | IORESOURCE_BUSY };
		for (int i = n; i-- > 0;) { oracle_sysram[i].parent = &iomem_resource; oracle_sysram[i].sibling = prev; prev = &oracle_sysram[i]; }
		iomem_resource.child = prev;
	}
#endif
#else
	(void)ram_mib;
#endif
}
#if defined(ORACLE_V24) || defined(ORACLE_V2609)
void *__ioremap(unsigned long offset, unsigned long size, unsigned long flags);
#endif
#include ORACLE_IOREMAP_SRC
/* the driver's entry points (caller symbols), over the extracted asm/io.h inlines */
__attribute__((noinline, used)) void *drv_ioremap(unsigned long long phys, unsigned long size) { return ioremap(phys, size); }
__attribute__((noinline, used)) void *drv_ioremap_nocache(unsigned long long phys, unsigned long size) { return ioremap_nocache(phys, size); }
