/* driver.c - reads one version's expanded scenario (from tools/oracle/run.ts; a file argument or stdin), calls the real kernel
 * functions, prints one JSON line per step and a final JSON line.
 * Input: "machine <ramMiB> <cpus> <vstart> <vend> high=<high_memory> [profile=pc] [pse=0]" then one step per line: "<op> key=value ...". */
#define _GNU_SOURCE
#include "kstub.h"
#include <linux/vmalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <time.h>
#include <sys/personality.h>
#include <unistd.h>
#include <stdarg.h>

extern sigjmp_buf oracle_jb;
extern int oracle_in_call;
extern int oracle_step_no;
extern char oracle_hang_held[];
void oracle_locks_step_end(int died);
extern char *oracle_log[];
extern int oracle_nlog;
extern unsigned long oracle_hwin_lo, oracle_hwin_hi;
struct kml { unsigned long ptr; size_t size; int min; };
extern struct kml *oracle_kml; extern size_t oracle_nkml;
void oracle_log_flush(void);
void oracle_set_fail(int site, long nth);
unsigned long oracle_kaddr(unsigned long h);
int oracle_machine(unsigned long ram_mib, int cpus, unsigned long vs, unsigned long ve, unsigned long D);
long oracle_pages_mapped(void);
unsigned long oracle_pt_pages_window(void);
struct page *oracle_harness_page(void);
long vread(char *buf, char *addr, unsigned long count);   /* 2.6.9 and 2.6.27 vmalloc.h lack these */
long vwrite(char *buf, char *addr, unsigned long count);
char *oracle_vmallocinfo(void);
void oracle_vmalloc_init(void);
void *oracle___vmalloc_node(unsigned long size, unsigned long align, int node, void *caller);
int oracle_lookup_pte(unsigned long a, unsigned long long *out);
void oracle_reserve_pc(void);
#ifdef ORACLE_IOREMAP
void oracle_set_high_memory(unsigned long h, unsigned long ram_mib);
void iounmap(void *addr);
#endif

#if defined(ORACLE_V2400)
#define VERSION "2.4.0"
#elif defined(ORACLE_V2419)
#define VERSION "2.4.19"
#elif defined(ORACLE_V2422)
#define VERSION "2.4.22"
#elif defined(ORACLE_V2431)
#define VERSION "2.4.31"
#elif defined(ORACLE_V2609)
#define VERSION "2.6.9"
#elif defined(ORACLE_V2627)
#define VERSION "2.6.27"
#elif defined(ORACLE_V2639)
#define VERSION "2.6.39"
#else
#define VERSION "2.6.32"
#endif
/* what each version has (anything else is answered "unsupported") */
#if defined(ORACLE_V2422) || defined(ORACLE_V2431) || defined(ORACLE_V26)
#define HAS_VMAP 1                  /* vmap, vunmap (2.4.22 on) */
#endif
#ifndef ORACLE_V2400
#define HAS_VWRITE 1                /* vwrite: not in 2.4.0 */
#endif
#if defined(ORACLE_V26) && !defined(ORACLE_V2609)
#define HAS_2627 1                  /* vmalloc_user, vmalloc_node, alloc_vm_area, free_vm_area, vmallocinfo */
#endif
#if defined(ORACLE_V2632) || defined(ORACLE_V2639)
#define HAS_VMAP_AREA 1             /* vmalloc_init, __vmalloc_node(align), vm_map_ram & co, kmemleak */
#endif

static int quiet;       /* timing mode: no per-step output */
static double t_calls;  /* seconds spent inside kernel calls */
static long n_calls;
static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + ts.tv_nsec * 1e-9; }

/* ---------------------------------------------------------------- names */
#define NH 65536
struct name { char *k; unsigned long v; struct name *next; };
static struct name *names[NH];
static unsigned hsh(const char *s) { unsigned h = 5381; while (*s) h = h * 33 + (unsigned char)*s++; return h % NH; }
static void bind(const char *k, unsigned long v)
{
	struct name *n;
	for (n = names[hsh(k)]; n; n = n->next) if (!strcmp(n->k, k)) { n->v = v; return; }
	n = malloc(sizeof *n); n->k = strdup(k); n->v = v; n->next = names[hsh(k)]; names[hsh(k)] = n;
}
static unsigned long lookup(const char *k)
{
	for (struct name *n = names[hsh(k)]; n; n = n->next) if (!strcmp(n->k, k)) return n->v;
	return 0;
}

/* ---------------------------------------------------------------- step fields */
static char *F[32][2]; static int nf;
static const char *fld(const char *k) { for (int i = 0; i < nf; i++) if (!strcmp(F[i][0], k)) return F[i][1]; return NULL; }
static unsigned long num(const char *k, unsigned long dflt) { const char *v = fld(k); return v ? strtoul(v, NULL, 0) : dflt; }
static unsigned long host_of(unsigned long k)   /* kernel address -> host address */
{
	unsigned long h = k + oracle_D;
	if (oracle_D && h >= oracle_hwin_lo && h < oracle_hwin_hi) return h;
	return k;
}
static unsigned long target(void)   /* ref (+offset) or addr, as a host address */
{
	const char *r = fld("ref");
	/* pointer arithmetic as the C does it: a NULL binding plus an offset is the (user) address offset */
	if (r) { unsigned long b = lookup(r); return b + num("offset", 0); }
	return host_of(num("addr", 0));
}

/* ---------------------------------------------------------------- output */
static char out[1 << 16];
static size_t ol;
static void o(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void o(const char *fmt, ...)
{
	va_list ap; va_start(ap, fmt);
	ol += vsnprintf(out + ol, sizeof out - ol, fmt, ap);
	va_end(ap);
}
static void ostr(const char *s)
{
	o("\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') o("\\%c", *s);
		else if (*s == '\n') o("\\n");
		else if ((unsigned char)*s < 0x20) o("\\u%04x", *s);
		else o("%c", *s);
	}
	o("\"");
}
static void flush_out(void) { fwrite(out, 1, ol, stdout); ol = 0; }
static void oaddr(unsigned long h)
{
	if (!h) o(",\"addr\":null"); else o(",\"addr\":\"0x%lx\"", oracle_kaddr(h));
}

/* ---------------------------------------------------------------- API entry points (caller symbols) */
#define NOI __attribute__((noinline, used))
NOI void *drv_vmalloc(unsigned long s) { return vmalloc(s); }
NOI void *drv_vmalloc_32(unsigned long s) { return vmalloc_32(s); }
#ifdef ORACLE_V24
NOI void *drv_vmalloc_dma(unsigned long s) { return vmalloc_dma(s); }
#endif
#ifdef HAS_2627
NOI void *drv_vmalloc_user(unsigned long s) { return vmalloc_user(s); }
NOI void *drv_vmalloc_node(unsigned long s, int node) { return vmalloc_node(s, node); }
NOI struct vm_struct *drv_alloc_vm_area(unsigned long s) { return alloc_vm_area(s); }
#endif
#ifdef HAS_VMAP_AREA
NOI void *drv___vmalloc_node(unsigned long s, unsigned long a, int node) { return oracle___vmalloc_node(s, a, node, (void *)drv___vmalloc_node); }
NOI void *drv_vm_map_ram(struct page **p, unsigned n) { return vm_map_ram(p, n, -1, PAGE_KERNEL); }
#endif
#ifdef ORACLE_V2639
NOI void *drv_vzalloc(unsigned long s) { return vzalloc(s); }
NOI void *drv_vzalloc_node(unsigned long s, int node) { return vzalloc_node(s, node); }
NOI void *drv___vmalloc_node_range(unsigned long s, unsigned long a, unsigned long st, unsigned long en, int node)
{ return __vmalloc_node_range(s, a, st, en, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, (void *)drv___vmalloc_node_range); }
#endif
#ifdef ORACLE_IOREMAP
/* the version's asm/io.h ioremap / ioremap_nocache (extracted, ioremap_tu.c) */
NOI void *drv_ioremap(unsigned long long phys, unsigned long size);
NOI void *drv_ioremap_nocache(unsigned long long phys, unsigned long size);
#endif
NOI struct vm_struct *drv_get_vm_area(unsigned long s, unsigned long f) { return get_vm_area(s, f); }
#ifdef ORACLE_V26
NOI void *drv_vmalloc_exec(unsigned long s) { return vmalloc_exec(s); }
#endif
#ifdef HAS_2627
NOI void *drv_vmalloc_32_user(unsigned long s) { return vmalloc_32_user(s); }
#endif
/* __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, prot): prot a name the headers define or a 0x value */
static int prot_of(const char *name, pgprot_t *out)
{
	if (!name) return 0;
	if (!strcmp(name, "PAGE_KERNEL")) { *out = PAGE_KERNEL; return 1; }
	if (!strcmp(name, "PAGE_KERNEL_NOCACHE")) { *out = PAGE_KERNEL_NOCACHE; return 1; }
#ifdef ORACLE_V26
	if (!strcmp(name, "PAGE_KERNEL_EXEC")) { *out = PAGE_KERNEL_EXEC; return 1; }
#endif
	if (!strncmp(name, "0x", 2)) {
		unsigned long long v = strtoull(name, NULL, 16);
#ifdef ORACLE_V24
		v = (unsigned long)v;   /* 2.4's pgprot_t is an unsigned long */
#endif
		*out = __pgprot((pteval_t)v);
		return 1;
	}
	return 0;
}
NOI void *drv___vmalloc(unsigned long s, pgprot_t prot) { return __vmalloc(s, GFP_KERNEL | __GFP_HIGHMEM, prot); }
#ifdef HAS_VMAP
NOI void *drv_vmap(struct page **p, unsigned n)
{
#ifdef ORACLE_V26
	return vmap(p, n, VM_MAP, PAGE_KERNEL);
#else
	return vmap(p, n, VM_ALLOC, PAGE_KERNEL);   /* 2.4.22 has no VM_MAP */
#endif
}
#endif

#ifdef HAS_VMAP_AREA
/* pcpu_get_vm_areas: "offsets=a,b,c" and "sizes=..." as arrays; the vms arrays it returned and not yet freed */
static int nums(const char *k, unsigned long *out, int max)
{
	const char *v = fld(k); int n = 0; char *e;
	while (v && *v && n < max) { out[n++] = strtoul(v, &e, 0); v = *e == ',' ? e + 1 : e; }
	return n;
}
#define MAX_PCPU 4096
struct pcpu_live { struct vm_struct **vms; int nr; struct pcpu_live *next; };
static struct pcpu_live *pcpu_live;
static unsigned long pcpu_offsets[MAX_PCPU];
static size_t pcpu_sizes[MAX_PCPU];
#endif
static struct vm_struct **pcpu_ret; static int pcpu_nr;   /* the last pcpu_get_vm_areas' result */

static const char *errname_from_log(void)
{
	for (int i = 0; i < oracle_nlog; i++) {
		if (strstr(oracle_log[i], "Trying to vfree() bad address")) return "bad-address";
		if (strstr(oracle_log[i], "Trying to vfree() nonexistent vm area")) return "nonexistent";
		/* 2.6.9 "__iounmap: bad address %p", 2.6.27 on "iounmap: bad address %p": no area there (vmx's nonexistent) */
		if (strstr(oracle_log[i], "iounmap: bad address")) return "nonexistent";
	}
	return NULL;
}

static struct page **harness_pages(unsigned long n)
{
	struct page **p = malloc((n ? n : 1) * sizeof *p);
	for (unsigned long i = 0; i < n; i++) p[i] = oracle_harness_page();
	return p;
}

enum { R_NONE, R_ADDR, R_AREAS };
static void step(const char *op)
{
	int kind = R_NONE, ok = 1, unsupported = 0;
	unsigned long ret = 0;
	const char *err = NULL;
	long count = -1;
	char *data = NULL, *text = NULL;
	int has_pte = 0; unsigned long long pte = 0;
	const char *as = fld("as");
	oracle_nlog = 0;
#define ADDR_OPS "vmalloc_exec vmalloc_32_user __vmalloc vmalloc vmalloc_32 vmalloc_dma vmalloc_user vmalloc_node __vmalloc_node vzalloc vzalloc_node __vmalloc_node_range vmap get_vm_area alloc_vm_area vm_map_ram ioremap ioremap_nocache"
	{
		char pat[64]; snprintf(pat, sizeof pat, " %s ", op);
		if (strstr(" " ADDR_OPS " ", pat)) kind = R_ADDR;
		if (!strcmp(op, "pcpu_get_vm_areas")) kind = R_AREAS;
	}
	/* pages for vmap/vm_map_ram come from the harness, outside the timed call and fault counting */
	struct page **hp = NULL;
	if (!strcmp(op, "vmap") || !strcmp(op, "vm_map_ram")) hp = harness_pages(num("pages", 0));
	unsigned long tgt = target();
	char *buf = NULL; unsigned long blen = 0;
	if (!strcmp(op, "vread") || !strcmp(op, "peek")) { blen = num("count", 0); buf = calloc(blen + 1, 1); }
	if (!strcmp(op, "vwrite") || !strcmp(op, "poke")) {
		const char *d = fld("data"); if (!d) d = "";
		blen = strlen(d) / 2; buf = calloc(blen + 1, 1);
		for (unsigned long i = 0; i < blen; i++) { unsigned x; sscanf(d + 2 * i, "%2x", &x); buf[i] = (char)x; }
	}
	int jr;
	double t0 = now();
	oracle_in_call = 1;
	if ((jr = sigsetjmp(oracle_jb, 1)) == 0) {
		if (!strcmp(op, "vmalloc")) ret = (unsigned long)drv_vmalloc(num("size", 0));
		else if (!strcmp(op, "vmalloc_32")) ret = (unsigned long)drv_vmalloc_32(num("size", 0));
#ifdef ORACLE_V24
		else if (!strcmp(op, "vmalloc_dma")) ret = (unsigned long)drv_vmalloc_dma(num("size", 0));
#endif
		else if (!strcmp(op, "vfree")) { vfree((void *)tgt); err = errname_from_log(); }
#ifdef ORACLE_IOREMAP
		else if (!strcmp(op, "ioremap")) ret = (unsigned long)drv_ioremap(fld("phys") ? strtoull(fld("phys"), NULL, 0) : 0, num("size", 0));
		else if (!strcmp(op, "ioremap_nocache")) ret = (unsigned long)drv_ioremap_nocache(fld("phys") ? strtoull(fld("phys"), NULL, 0) : 0, num("size", 0));
		else if (!strcmp(op, "iounmap")) { iounmap((void *)tgt); err = errname_from_log(); }
#endif
#ifdef HAS_VMAP
		else if (!strcmp(op, "vunmap")) { vunmap((void *)tgt); err = errname_from_log(); }
		else if (!strcmp(op, "vmap")) ret = (unsigned long)drv_vmap(hp, num("pages", 0));
#endif
#ifdef ORACLE_V26
		else if (!strcmp(op, "vmalloc_exec")) ret = (unsigned long)drv_vmalloc_exec(num("size", 0));
#endif
#ifdef HAS_2627
		else if (!strcmp(op, "vmalloc_32_user")) ret = (unsigned long)drv_vmalloc_32_user(num("size", 0));
#endif
		else if (!strcmp(op, "__vmalloc")) {
			pgprot_t p;
			if (prot_of(fld("prot"), &p)) ret = (unsigned long)drv___vmalloc(num("size", 0), p); else unsupported = 1;
		}
		else if (!strcmp(op, "lookup_pte")) {
			if (oracle_lookup_pte(tgt, &pte)) has_pte = 1; else err = "nonexistent";
		}
		else if (!strcmp(op, "get_vm_area")) {
			const char *f = fld("flags");
			struct vm_struct *a = drv_get_vm_area(num("size", 0), f && !strcmp(f, "VM_IOREMAP") ? VM_IOREMAP : VM_ALLOC);
			ret = a ? (unsigned long)a->addr : 0;
		}
		else if (!strcmp(op, "vread")) {
			count = vread(buf, (char *)tgt, blen);
			long n = count < 0 ? 0 : count;
			data = malloc(2 * n + 1); data[0] = 0;
			for (long i = 0; i < n; i++) sprintf(data + 2 * i, "%02x", (unsigned char)buf[i]);
		}
#ifdef HAS_VWRITE
		else if (!strcmp(op, "vwrite")) count = vwrite(buf, (char *)tgt, blen);
#endif
		/* peek / poke: kernel code loading / storing the bytes at the address, one byte at a time in order
		 * (vmx's harness cpuAccess); a fault is the kernel's oops (the segv handler) */
		else if (!strcmp(op, "peek")) {
			for (unsigned long i = 0; i < blen; i++) buf[i] = *(volatile char *)(tgt + i);
			count = (long)blen;
			data = malloc(2 * blen + 1); data[0] = 0;
			for (unsigned long i = 0; i < blen; i++) sprintf(data + 2 * i, "%02x", (unsigned char)buf[i]);
		}
		else if (!strcmp(op, "poke")) {
			for (unsigned long i = 0; i < blen; i++) *(volatile char *)(tgt + i) = buf[i];
			count = (long)blen;
		}
		else if (!strcmp(op, "fail")) {
			const char *s = fld("site");
			oracle_set_fail(!strcmp(s, "kmalloc") ? 0 : !strcmp(s, "alloc_page") ? 1 : 2, num("nth", 1));
		}
#ifdef ORACLE_V26
		else if (!strcmp(op, "remove_vm_area")) {
			struct vm_struct *a = remove_vm_area((void *)tgt);
			if (!a) err = "nonexistent"; else kfree(a);
		}
#endif
#ifdef HAS_VMAP_AREA
		else if (!strcmp(op, "__vmalloc_node")) ret = (unsigned long)drv___vmalloc_node(num("size", 0), num("align", 1), fld("node") ? (int)strtol(fld("node"), NULL, 0) : -1);
		else if (!strcmp(op, "vm_unmap_aliases")) vm_unmap_aliases();
		else if (!strcmp(op, "vm_map_ram")) ret = (unsigned long)drv_vm_map_ram(hp, num("pages", 0));
		else if (!strcmp(op, "vm_unmap_ram")) vm_unmap_ram((void *)tgt, num("pages", 0));
		else if (!strcmp(op, "pcpu_get_vm_areas")) {
			unsigned long sz[MAX_PCPU];
			pcpu_nr = nums("offsets", pcpu_offsets, MAX_PCPU);
			nums("sizes", sz, MAX_PCPU);
			for (int i = 0; i < pcpu_nr; i++) pcpu_sizes[i] = sz[i];
#ifdef ORACLE_V2639
			pcpu_ret = pcpu_get_vm_areas(pcpu_offsets, pcpu_sizes, pcpu_nr, num("align", 0));
#else
			pcpu_ret = pcpu_get_vm_areas(pcpu_offsets, pcpu_sizes, pcpu_nr, num("align", 0), GFP_KERNEL);
#endif
			ret = (unsigned long)pcpu_ret;
			if (pcpu_ret) {
				struct pcpu_live *l = malloc(sizeof *l);
				l->vms = pcpu_ret; l->nr = pcpu_nr; l->next = pcpu_live; pcpu_live = l;
			}
		}
		else if (!strcmp(op, "pcpu_free_vm_areas")) {
			/* a binding that holds no live vms array (NULL, or freed) is refused, as vmx does */
			struct pcpu_live **pl, *l;
			struct vm_struct **vms = (struct vm_struct **)lookup(fld("ref"));
			for (pl = &pcpu_live; (l = *pl); pl = &l->next) if (l->vms == vms) break;
			if (!l || !vms) err = "nonexistent";
			else { *pl = l->next; pcpu_free_vm_areas(vms, l->nr); free(l); }
		}
#endif
#ifdef ORACLE_V2639
		else if (!strcmp(op, "vzalloc")) ret = (unsigned long)drv_vzalloc(num("size", 0));
		else if (!strcmp(op, "vzalloc_node")) ret = (unsigned long)drv_vzalloc_node(num("size", 0), (int)num("node", 0));
		else if (!strcmp(op, "__vmalloc_node_range"))
			ret = (unsigned long)drv___vmalloc_node_range(num("size", 0), num("align", 1), num("start", 0), num("end", 0),
								      fld("node") ? (int)strtol(fld("node"), NULL, 0) : -1);
#endif
#ifdef HAS_2627
		else if (!strcmp(op, "vmalloc_user")) ret = (unsigned long)drv_vmalloc_user(num("size", 0));
		else if (!strcmp(op, "vmalloc_node")) ret = (unsigned long)drv_vmalloc_node(num("size", 0), (int)num("node", 0));
		else if (!strcmp(op, "alloc_vm_area")) { struct vm_struct *a = drv_alloc_vm_area(num("size", 0)); ret = a ? (unsigned long)a->addr : 0; }
		else if (!strcmp(op, "free_vm_area")) {
			struct vm_struct *a;
			for (a = vmlist; a; a = a->next) if ((unsigned long)a->addr == tgt) break;
			if (!a) err = "nonexistent"; else free_vm_area(a);
		}
		else if (!strcmp(op, "vmallocinfo")) text = oracle_vmallocinfo();
		else if (!strcmp(op, "remap_vmalloc_range")) {
			/* a stub user vma of `pages` pages (default: the area's size less its guard page, when
			 * an area starts at the address), pgoff 0 */
			unsigned long usize = num("pages", 0) * PAGE_SIZE;
			if (!fld("pages")) {
				struct vm_struct *a;
				for (a = vmlist; a; a = a->next) if ((unsigned long)a->addr == tgt) break;
				usize = a ? a->size - PAGE_SIZE : PAGE_SIZE;
			}
			struct vm_area_struct vma = { .vm_start = 0x10000000UL, .vm_end = 0x10000000UL + usize, .vm_flags = 0 };
			int r = remap_vmalloc_range(&vma, (void *)tgt, 0);
			if (r == -EINVAL) err = "EINVAL";
			else if (r == -EFAULT) err = "EFAULT";
			else if (r) { static char e[32]; snprintf(e, sizeof e, "errno %d", r); err = e; }
		}
#endif
		else unsupported = 1;
	} else {
		/* 1 BUG(), 2 fault (OOPS), 3 spins for ever on a lock a dead or hung step holds (HANG) */
		err = jr == 1 ? "BUG" : jr == 2 ? "OOPS" : "HANG";
		ret = 0; count = -1; data = NULL;
	}
	oracle_in_call = 0;
	oracle_locks_step_end(jr != 0);
	t_calls += now() - t0; n_calls++;
	oracle_log_flush();
	if (unsupported) err = "unsupported";
	else if (!err && (kind == R_ADDR || kind == R_AREAS) && !ret) err = "ENOMEM";
	if (err) ok = 0;
	if (kind == R_ADDR && as) bind(as, err ? 0 : ret);
#ifdef HAS_VMAP_AREA
	if (kind == R_AREAS && as) {
		/* as: the vms array; as.i: area i */
		bind(as, err ? 0 : ret);
		int n = nums("offsets", pcpu_offsets, MAX_PCPU);
		for (int i = 0; i < n; i++) {
			char nm[96]; snprintf(nm, sizeof nm, "%s.%d", as, i);
			bind(nm, err ? 0 : (unsigned long)pcpu_ret[i]->addr);
		}
	}
#endif
	if (!quiet) {
		o("{\"op\":"); ostr(op); o(",\"ok\":%s", ok ? "true" : "false");
		if (err) { o(",\"error\":"); ostr(err); }
		if (jr == 3) { o(",\"held\":"); ostr(oracle_hang_held); }
		if (kind == R_ADDR) oaddr(err ? 0 : ret);
		if (kind == R_AREAS) {
			if (err) o(",\"addrs\":null");
			else {
				o(",\"addrs\":[");
				for (int i = 0; i < pcpu_nr; i++) o("%s\"0x%lx\"", i ? "," : "", oracle_kaddr((unsigned long)pcpu_ret[i]->addr));
				o("]");
			}
		}
		if (count >= 0 && !err) o(",\"count\":%ld", count);
		if (data && !err) { o(",\"data\":"); ostr(data); }
		if (text && !err) { o(",\"text\":"); ostr(text); }
		if (has_pte && !err) {
			static const char *nm[] = { "P", "RW", "US", "PWT", "PCD", "A", "D", "PAT", "G", "SW9", "SW10", "SW11" };
			char names[96] = "";
			if (pte) {
				for (int b = 0; b < 12; b++) if (pte & (1ULL << b)) { if (names[0]) strcat(names, " "); strcat(names, nm[b]); }
				if (pte >> 63) { if (names[0]) strcat(names, " "); strcat(names, "NX"); }
			}
			/* the flag bits by name only: the stub numbers frames its own way, so the raw pte (vmx's `pte`) is not compared */
			o(",\"prot\":"); ostr(names);
		}
		o(",\"log\":[");
		for (int i = 0; i < oracle_nlog; i++) { if (i) o(","); ostr(oracle_log[i]); }
		o("]}\n");
		flush_out();
	}
	for (int i = 0; i < oracle_nlog; i++) free(oracle_log[i]);
	oracle_nlog = 0;
	free(buf); free(data);
}

static int kmlcmp(const void *a, const void *b)
{
	unsigned long x = ((const struct kml *)a)->ptr, y = ((const struct kml *)b)->ptr;
	return x < y ? -1 : x > y;
}

static void final(void)
{
	static const char *fn[] = { "VM_IOREMAP", "VM_ALLOC", "VM_MAP", "VM_USERMAP", "VM_VPAGES" };
	o("{\"final\":{\"areas\":[");
	int first = 1;
	for (struct vm_struct *a = vmlist; a; a = a->next) {
		o("%s{\"addr\":\"0x%lx\",\"size\":%lu,\"flags\":[", first ? "" : ",", oracle_kaddr((unsigned long)a->addr), a->size);
		first = 0;
		int f1 = 1;
		for (int b = 0; b < 5; b++) if (a->flags & (1UL << b)) { o("%s\"%s\"", f1 ? "" : ",", fn[b]); f1 = 0; }
		o("]}");
		flush_out();
	}
	o("],\"pagesMapped\":%ld,\"pageTablePages\":%lu,\"kmemleak\":", oracle_pages_mapped(), oracle_pt_pages_window());
#ifdef HAS_VMAP_AREA
	qsort(oracle_kml, oracle_nkml, sizeof *oracle_kml, kmlcmp);
	o("[");
	for (size_t i = 0; i < oracle_nkml; i++) {
		o("%s{\"ptr\":\"0x%lx\",\"size\":%lu,\"minCount\":%d}", i ? "," : "", oracle_kaddr(oracle_kml[i].ptr), (unsigned long)oracle_kml[i].size, oracle_kml[i].min);
		if (ol > sizeof out / 2) flush_out();
	}
	o("]");
#else
	(void)kmlcmp;
	o("null");
#endif
	o("}}\n");
	flush_out();
}

int main(int argc, char **argv)
{
	double tstart = now();
	static char line[1 << 20];
	quiet = getenv("ORACLE_QUIET") != NULL;
	FILE *in = stdin;
	if (argc > 1 && !(in = fopen(argv[1], "r"))) { perror(argv[1]); return 2; }
	if (!fgets(line, sizeof line, in)) return 2;
	unsigned long ram, vs, ve; int cpus;
	if (sscanf(line, "machine %lu %d %lx %lx", &ram, &cpus, &vs, &ve) != 4) { fprintf(stderr, "bad machine line\n"); return 2; }
	unsigned long D = 0;
#if BITS_PER_LONG == 64
	/* x86_64: the window 0xffffc90000000000.. is host-mapped at 0x200000000000 + (k - 0xffffc90000000000):
	 * the same offsets modulo 2^39, so every table boundary falls where it falls in the kernel */
	D = 0x200000000000UL - 0xffffc90000000000UL;
#endif
	int r = oracle_machine(ram, cpus, vs, ve, D);
	if (r == -2 && !getenv("ORACLE_REEXEC")) {
		/* the window overlaps this process's mappings: rerun with the legacy layout, no ASLR */
		setenv("ORACLE_REEXEC", "1", 1);
		personality(0x0200000 /* ADDR_COMPAT_LAYOUT */ | 0x0040000 /* ADDR_NO_RANDOMIZE */);
		execv("/proc/self/exe", argv);
	}
	if (r) { fprintf(stderr, "cannot reserve the vmalloc window [%lx, %lx) on the host (%d)\n", vs, ve, r); return 3; }
	/* optional machine fields: high=<hex> (high_memory, a kernel address), profile=pc */
	{
		const char *h = strstr(line, " high=");
		unsigned long hm = h ? strtoul(h + 6, NULL, 16) : 0;
#ifdef ORACLE_IOREMAP
		oracle_set_high_memory(hm, ram);
#else
		(void)hm;
#endif
		if (strstr(line, " profile=pc")) oracle_reserve_pc();
		/* the linear map of lowmem up to high_memory, with large pmds unless pse=0 (machine.pse false) */
		extern void oracle_lowmem_map(unsigned long high, int pse);
		oracle_lowmem_map(hm, !strstr(line, " pse=0"));
	}
#ifdef HAS_VMAP_AREA
	oracle_vmalloc_init();
#endif
	while (fgets(line, sizeof line, in)) {
		size_t n = strlen(line);
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
		if (!n) continue;
		char *save, *op = strtok_r(line, " ", &save), *t;
		nf = 0;
		while ((t = strtok_r(NULL, " ", &save)) && nf < 32) {
			char *eq = strchr(t, '=');
			if (!eq) continue;
			*eq = 0; F[nf][0] = t; F[nf][1] = eq + 1; nf++;
		}
		step(op);
		oracle_step_no++;
	}
	final();
	if (getenv("ORACLE_TIMES"))
		fprintf(stderr, "{\"version\":\"%s\",\"calls\":%ld,\"callSeconds\":%.6f,\"processSeconds\":%.6f}\n",
			VERSION, n_calls, t_calls, now() - tstart);
	return 0;
}
