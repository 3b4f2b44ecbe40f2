/* memory_tu.c - the page-table allocation functions of the version's own mm/memory.c (2.4 pte_alloc;
 * 2.6.9 pte_alloc_kernel, __pmd_alloc; 2.6.27 on __pud_alloc, __pmd_alloc, __pte_alloc_kernel and
 * apply_to_page_range with its static helpers), extracted unmodified at build time by
 * tools/oracle/build.ts into oracle_memory.c on the include path, over kstub.h's allocation primitives. */
#include "kstub.h"
/* BUG() in these names mm/memory.c (2.4's kbuild compiled inside mm/: "memory.c") */
#undef ORACLE_VFILE
#ifdef ORACLE_V24
#define ORACLE_VFILE "memory.c"
#else
#define ORACLE_VFILE "mm/memory.c"
#endif
#include <oracle_memory.c>
