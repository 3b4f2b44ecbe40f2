/* kernel_tu.c - the real, unmodified mm/vmalloc.c of one version (found on the include path,
 * extracted from a kernel git directory by tools/oracle/build.ts), plus accessors for its static parts. */
#include <mm/vmalloc.c>

#if defined(ORACLE_V26) && !defined(ORACLE_V2609)
/* /proc/vmallocinfo through the file's own seq_operations (s_start/s_next/s_show/s_stop; 2.6.26 on) */
char *oracle_vmallocinfo(void)
{
	struct seq_file m = { 0 };
	loff_t pos = 0;
	void *v;
	seq_puts(&m, "");
	m.private = NULL;   /* vmalloc_open: NUMA_BUILD off, no counters */
	for (v = vmalloc_op.start(&m, &pos); v; v = vmalloc_op.next(&m, v, &pos))
		vmalloc_op.show(&m, v);
	vmalloc_op.stop(&m, v);
	return m.buf;
}
#endif
#if defined(ORACLE_V2632) || defined(ORACLE_V2639)
void oracle_vmalloc_init(void) { vmalloc_init(); }
void *oracle___vmalloc_node(unsigned long size, unsigned long align, int node, void *caller)
{
	return __vmalloc_node(size, align, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, caller);
}
#endif
