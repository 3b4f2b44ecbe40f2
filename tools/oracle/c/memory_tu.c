/* memory_tu.c - the page-table allocation functions of the version's own mm/memory.c (2.4 pte_alloc;
 * 2.6.9 pte_alloc_kernel, __pmd_alloc; 2.6.27 on __pud_alloc, __pmd_alloc, __pte_alloc_kernel and
 * apply_to_page_range with its static helpers; 2.4.0: asm-i386/pgalloc.h pte_alloc_kernel over
 * arch/i386/mm/init.c get_pte_kernel_slow), extracted unmodified at build time by tools/oracle/build.ts
 * into oracle_memory.c on the include path, over kstub.h's allocation primitives. */
#include "kstub.h"
/* BUG() in these names mm/memory.c (2.4's kbuild compiled inside mm/: "memory.c") */
#undef ORACLE_VFILE
#ifdef ORACLE_V2400
/* 2.4.0's pmd_ERROR here is __handle_bad_pmd_kernel's, of arch/i386/mm/init.c (kbuild: "init.c") */
#define ORACLE_VFILE "memory.c"
#undef ORACLE_PMD_ERROR_FILE
#define ORACLE_PMD_ERROR_FILE "init.c"
#elif defined(ORACLE_V24)
#define ORACLE_VFILE "memory.c"
#else
#define ORACLE_VFILE "mm/memory.c"
#endif
#ifdef ORACLE_V2400
/* What 2.4.0's arch/i386/mm/init.c get_bad_pte_table / get_pte_kernel_slow and asm-i386/pgalloc.h
 * pte_alloc_kernel use: a table is one zeroed page of host memory (an entry holds its host address);
 * the pte quicklist is empty (vmalloc never frees pte pages); empty_bad_page is frame max_mapnr,
 * outside mem_map, so VALID_PAGE() is false for it and vfree never frees it. */
char empty_bad_page[PAGE_SIZE] __attribute__((aligned(4096)));
pte_t empty_bad_pte_table[PTRS_PER_PTE] __attribute__((aligned(4096)));
void oracle_set_pmd(pmd_t *pmd, pmd_t v);   /* records a pte table's addresses (oracle_rt.c) */
static pteval_t oracle_pa(const void *x)
{
	return x == (const void *)empty_bad_page ? (pteval_t)max_mapnr << PAGE_SHIFT : (pteval_t)(unsigned long)x;
}
#define get_pte_fast() ((pte_t *)0)
#define __get_free_page(gfp) ((unsigned long)oracle_pt_alloc())
#define free_page(a) do { if (a) oracle_pt_free((void *)(a)); } while (0)
#define clear_page(p) memset((void *)(p), 0, PAGE_SIZE)
#define __pa(x) oracle_pa((const void *)(x))
#define __pmd(x) ((pmd_t){ (x) })
#define set_pmd(pmdptr, v) oracle_set_pmd((pmdptr), (v))
#define pmd_page(pmd) ((unsigned long)ORACLE_PMD_TBL(pmd_val(pmd)))
#define mk_pte_phys(physpage, pgprot) __pte((physpage) + pgprot_val(pgprot))
#define pte_mkdirty(pte) __pte(pte_val(pte) | _PAGE_DIRTY)
#define PAGE_SHARED __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
pte_t *get_pte_kernel_slow(pmd_t *pmd, unsigned long offset);
#endif
#include <oracle_memory.c>
