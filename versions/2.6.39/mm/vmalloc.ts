/**
 * Linux 2.6.39 mm/vmalloc.c, step for step (mainline commit 61c4f2c81c61, "Linux 2.6.39"; blob
 * 5d603023). Ported from a copy of versions/2.6.32 and changed where the C changed (see NOTES.md).
 * Same function names and order as the C file, with its section banners. The file statics
 * (vmap_area_root, vmap_area_list, vmap_lazy_nr, vmlist, the per-CPU vmap_block_queue…) live in
 * the closure `boot()` creates, because several kernels run side by side in one process.
 * Spinlocks and rwlocks are taken and released where the C takes them (k.spin_lock…, see
 * src/kernel/locks.ts): one thread of control, but a step that dies in BUG/oops keeps what it
 * held, so a later step that needs the lock hangs. RCU callbacks run at once.
 *
 * Pointers: a vmap_area or vmap_block is a JS object that also carries the address kmalloc
 * gave it (`self`); a vm_struct is a row of the table `vmstruct` (include/linux/vmalloc.ts),
 * whose `vmstruct.self[p]` is that address. So a stale pointer can be followed the way the C
 * follows it (see remove_vm_area). Error pointers (ERR_PTR) are negative errno numbers.
 */
import type { Addr, EntryPtr, Kernel, KernelLock, pgprotval_t } from '../../../src/kernel/kernel.js';
import { filledArray } from '../../../src/kernel/arrays.js';
import { COUNTER_INDEX } from '../../../src/kernel/counters.js';
import type { FreeOutcome, VmallocWindow } from '../../../src/contract/version.js';
import {
  IOREMAP_MAX_ORDER,
  PAGE_SHIFT,
  SIZEOF_VM_STRUCT,
  VM_ALLOC,
  VM_IOREMAP,
  VM_MAP,
  VM_USERMAP,
  VM_STRUCT,
  VM_VPAGES,
  type PagesArray,
  type vm_struct,
  type vm_structs,
} from '../include/linux/vmalloc.js';
import { structTable } from '../../../src/kernel/struct-table.js';
import { newListWalk, vmlist_find, vmlist_find_from } from '../../../src/kernel/list-walk.js';
import { GFP_DMA32, GFP_KERNEL, GFP_RECLAIM_MASK, __GFP_HIGHMEM, __GFP_ZERO } from '../include/linux/gfp.js';
import {
  RB_CLEAR_NODE,
  RB_EMPTY_NODE,
  rb_erase,
  rb_insert_color,
  rb_link_node,
  rb_next,
  rb_next_walk,
  rb_node,
  rb_prev,
  rb_prev_walk,
  rb_walked,
  type rb_root,
} from '../lib/rbtree.js';
import { addr_end, bootMemory } from './memory.js';
import { pgprot } from '../arch/x86/include/asm/pgtable_types.js';

const ENOMEM = 12;
const EBUSY = 16;

/*** Global kva allocator ***/

export const VM_LAZY_FREE = 0x01;
export const VM_LAZY_FREEING = 0x02;
export const VM_VM_AREA = 0x04;

export interface vmap_area {
  va_start: Addr;
  va_end: Addr;
  flags: number;
  rb_node: rb_node<vmap_area>;
  /** struct list_head list: address sorted list */
  prev: vmap_area | null;
  next: vmap_area | null;
  /** void *private: the vm_struct when VM_VM_AREA is set (0: NULL) */
  private: vm_struct;
  /**
   * SIM (reports only): the flags read through `private` the first time remove_vm_area runs for
   * this area, -1 before. The lazily freed area's label keeps them once the slab has given that
   * vm_struct's memory (its row) to another area.
   */
  freed_vm_flags: number;
  /** SIM: the kmalloc'ed address of this descriptor. */
  self: Addr;
  /** SIM: the vmap_block this area backs (for reports; C has no back pointer). */
  block?: vmap_block;
}

export interface vmap_block {
  va: vmap_area;
  vbq: vmap_block_queue;
  free: number;
  dirty: number;
  alloc_map: Uint8Array;
  dirty_map: Uint8Array;
  /** on vbq->free (list_add_rcu'ed and not yet list_del_rcu'ed) */
  onFreeList: boolean;
  self: Addr;
  lock: KernelLock;
}

export interface vmap_block_queue {
  /** list_head free: list_add_rcu puts new blocks first. (2.6.33 dropped `dirty` and `nr_dirty`.) */
  free: vmap_block[];
  lock: KernelLock;
}

/** Machine-independent build options of the modelled kernel (.config). */
export interface Config2639 {
  /** CONFIG_NR_CPUS: 8, the x86 default for SMP. */
  NR_CPUS: number;
}

export const DEFAULT_CONFIG: Config2639 = { NR_CPUS: 8 };

export function fls(x: number): number {
  /* x86 fls() takes an int: only the low 32 bits of a size count */
  const v = x % 2 ** 32;
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

/** is_power_of_2 (include/linux/log2.h): n != 0 && (n & (n - 1)) == 0, for any unsigned long. */
export function is_power_of_2(n: number): boolean {
  if (!(n > 0) || !Number.isInteger(n)) return false;
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

export type Vmalloc2639 = ReturnType<typeof boot>;

export function boot(k: Kernel, window: VmallocWindow, config: Config2639 = DEFAULT_CONFIG) {
  /* PAGE_KERNEL, PAGE_KERNEL_EXEC and pfn_pte's __supported_pte_mask on this machine (asm/pgtable*.h) */
  const { PAGE_KERNEL, PAGE_KERNEL_EXEC, pfn_pte_flags } = pgprot(k);
  const VMALLOC_START = window.start;
  const VMALLOC_END = window.end;
  const PAGE_SIZE = k.PAGE_SIZE;
  const PGDIR_SIZE = k.levelSize('pgd');
  const PUD_SIZE = k.levelSize('pud');
  const PMD_SIZE = k.levelSize('pmd');
  const BITS_PER_LONG = k.arch.bitsPerLong;
  const PTR = k.arch.ptrBytes;
  const ULONG_MAX = k.arch.ulongWrap - 1;
  /* phys_addr_t is 64 bits where ptes are (CONFIG_PHYS_ADDR_T_64BIT: X86_64 || X86_PAE) */
  const sizeof_vm_struct = SIZEOF_VM_STRUCT(PTR, k.arch.pteBytes);
  /** sizeof(struct vmap_area): 3 longs, rb_node (3 words), 2 list_heads, private, rcu_head. */
  const sizeof_vmap_area = 13 * PTR;
  /* the nodes_visited probe, resolved once: it runs for every node a walk steps onto */
  const counters = k.counters;
  const NODES_VISITED = COUNTER_INDEX.nodes_visited;
  const visit = (): void => {
    counters[NODES_VISITED]++;
  };
  const mem = bootMemory(k);

  /** ALIGN(x, a) in unsigned long arithmetic (the bias is a multiple of every alignment used). */
  const ALIGN_ANY = (x: number, a: number): number => k.ulong(Math.floor(k.ulong(x + a - 1) / a) * a);
  /*
   * SIM (speed, docs/perf.md): the same function specialised for the alignments nearly every
   * caller passes. For a = 1 the division and the outer wrap are identities; for a = PAGE_SIZE
   * (a power of two dividing the wrap) dividing equals multiplying by its exact reciprocal and the
   * rounded-down value is already below the wrap.
   */
  const PAGE_INV = 1 / PAGE_SIZE;
  const PAGE_FAST = (PAGE_SIZE & (PAGE_SIZE - 1)) === 0 && k.arch.ulongWrap % PAGE_SIZE === 0;
  const ALIGN = (x: number, a: number): number => {
    if (a === PAGE_SIZE && PAGE_FAST) return Math.floor(k.ulong(x + (PAGE_SIZE - 1)) * PAGE_INV) * PAGE_SIZE;
    if (a === 1) return Math.floor(k.ulong(x));
    return ALIGN_ANY(x, a);
  };

  /*** Page table manipulation functions ***/

  // pmd_none_or_clear_bad (include/asm-generic/pgtable.h), pmd_clear_bad (mm/memory.c 2.6.39): a bad pmd (lowmem's large entry) is reported and cleared
  const pmd_none_or_clear_bad = (pmd: EntryPtr): boolean => {
    if (k.pmd_none(pmd)) return true;
    if (k.pmd_bad(pmd)) {
      /* pmd_ERROR(*pmd): 2-level's is pgtable-nopmd.h's pud_ERROR, pgtable-nopud.h's pgd_ERROR */
      k.printk(k.pmd_ERROR_text(pmd, 'mm/memory.c', 216, k.arch.name === 'i386' ? 'pgd' : 'pmd'));
      k.pmd_clear(pmd);
      return true;
    }
    return false;
  };

  // vunmap_pte_range (mm/vmalloc.c)
  const vunmap_pte_range = (pmd: EntryPtr, addr: Addr, end: Addr): void => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let pte = k.pte_offset(pmd, addr); /* pte_offset_kernel */
    do {
      const ptent = k.ptep_get_and_clear(pte);
      k.WARN(!k.pte_none(ptent) && !k.pte_present(ptent), 43, 'vunmap_pte_range');
      pte++;
      addr = k.ulong(addr + PAGE_SIZE);
    } while (addr !== end);
  };

  // vunmap_pmd_range (mm/vmalloc.c)
  const vunmap_pmd_range = (pud: EntryPtr, addr: Addr, end: Addr): void => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let pmd = k.pmd_offset(pud, addr);
    do {
      const next = addr_end(k, addr, end, PMD_SIZE);
      if (!pmd_none_or_clear_bad(pmd)) vunmap_pte_range(pmd, addr, next);
      pmd++;
      addr = next;
    } while (addr !== end);
  };

  // vunmap_pud_range (mm/vmalloc.c)
  const vunmap_pud_range = (pgd: EntryPtr, addr: Addr, end: Addr): void => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let pud = k.pud_offset(pgd, addr);
    do {
      const next = addr_end(k, addr, end, PUD_SIZE);
      if (!k.pud_none(pud)) vunmap_pmd_range(pud, addr, next); /* pud_none_or_clear_bad */
      pud++;
      addr = next;
    } while (addr !== end);
  };

  // vunmap_page_range (mm/vmalloc.c)
  const vunmap_page_range = k.traced('vunmap_page_range', (addr: Addr, end: Addr): void => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    k.BUG_ON(addr >= end, 80);
    let pgd = k.pgd_offset_k(addr);
    do {
      const next = addr_end(k, addr, end, PGDIR_SIZE);
      if (!k.pgd_none(pgd)) vunmap_pud_range(pgd, addr, next); /* pgd_none_or_clear_bad */
      pgd++;
      addr = next;
    } while (addr !== end);
  });

  /** The running index `*nr` of vmap_page_range_noflush. */
  interface Nr {
    nr: number;
  }

  // vmap_pte_range (mm/vmalloc.c)
  const vmap_pte_range = (pmd: EntryPtr, addr: Addr, end: Addr, prot: pgprotval_t, pages: readonly number[], nr: Nr): number => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    /*
     * nr is a running index into the array which helps higher level
     * callers keep track of where we're up to.
     */
    const pteflags = pfn_pte_flags(prot); /* mk_pte(page, prot)'s flag bits: the same for every page */
    let pte = k.pte_alloc(pmd, addr); /* pte_alloc_kernel */
    if (pte < 0) return -ENOMEM;
    do {
      const page = pages[nr.nr] ?? -1;

      if (k.WARN(!k.pte_none(k.pte_val(pte)), 106, 'vmap_pte_range')) return -EBUSY;
      if (k.WARN(page < 0, 108, 'vmap_pte_range')) return -ENOMEM;
      k.set_pte(pte, page, pteflags); /* set_pte_at(&init_mm, addr, pte, mk_pte(page, prot)) */
      nr.nr++;
      pte++;
      addr = k.ulong(addr + PAGE_SIZE);
    } while (addr !== end);
    return 0;
  };

  // vmap_pmd_range (mm/vmalloc.c)
  const vmap_pmd_range = (pud: EntryPtr, addr: Addr, end: Addr, prot: pgprotval_t, pages: readonly number[], nr: Nr): number => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let pmd = k.pmd_alloc(pud, addr);
    if (pmd < 0) return -ENOMEM;
    do {
      const next = addr_end(k, addr, end, PMD_SIZE);
      if (vmap_pte_range(pmd, addr, next, prot, pages, nr)) return -ENOMEM;
      pmd++;
      addr = next;
    } while (addr !== end);
    return 0;
  };

  // vmap_pud_range (mm/vmalloc.c)
  const vmap_pud_range = (pgd: EntryPtr, addr: Addr, end: Addr, prot: pgprotval_t, pages: readonly number[], nr: Nr): number => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let pud = k.pud_alloc(pgd, addr);
    if (pud < 0) return -ENOMEM;
    do {
      const next = addr_end(k, addr, end, PUD_SIZE);
      if (vmap_pmd_range(pud, addr, next, prot, pages, nr)) return -ENOMEM;
      pud++;
      addr = next;
    } while (addr !== end);
    return 0;
  };

  /*
   * Set up page tables in kva (addr, end). The ptes shall have prot "prot", and
   * will have pfns corresponding to the "pages" array.
   */
  // vmap_page_range_noflush (mm/vmalloc.c)
  const vmap_page_range_noflush = k.traced('vmap_page_range_noflush', (start: Addr, end: Addr, prot: pgprotval_t, pages: readonly number[]): number => {
    let addr = +start; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let err = 0;
    const nr: Nr = { nr: 0 };

    k.BUG_ON(addr >= end, 165);
    let pgd = k.pgd_offset_k(addr);
    do {
      const next = addr_end(k, addr, end, PGDIR_SIZE);
      err = vmap_pud_range(pgd, addr, next, prot, pages, nr);
      if (err) return err;
      pgd++;
      addr = next;
    } while (addr !== end);

    return nr.nr;
  });

  // vmap_page_range (mm/vmalloc.c)
  const vmap_page_range = (start: Addr, end: Addr, prot: pgprotval_t, pages: readonly number[]): number => {
    const ret = vmap_page_range_noflush(start, end, prot, pages);
    k.flush_cache_vmap();
    return ret;
  };

  // is_vmalloc_or_module_addr (mm/vmalloc.c): MODULES_VADDR..END is the vmalloc window on i386
  const is_vmalloc_or_module_addr = (x: Addr): boolean => x >= VMALLOC_START && x < VMALLOC_END;

  // vmalloc_to_page (mm/vmalloc.c): the frame mapped at addr, or -1 for NULL
  const vmalloc_to_page = k.traced('vmalloc_to_page', (vmalloc_addr: Addr): number => {
    const addr = vmalloc_addr;
    let page = -1;
    const pgd = k.pgd_offset_k(addr);

    /* VIRTUAL_BUG_ON(!is_vmalloc_or_module_addr(vmalloc_addr)): off without CONFIG_DEBUG_VIRTUAL */
    if (!k.pgd_none(pgd)) {
      const pud = k.pud_offset(pgd, addr);
      if (!k.pud_none(pud)) {
        const pmd = k.pmd_offset(pud, addr);
        if (!k.pmd_none(pmd)) {
          const ptep = k.pte_offset(pmd, addr); /* pte_offset_map */
          const pte = k.pte_val(ptep);
          if (k.pte_present(pte)) page = k.pte_page(pte);
        }
      }
    }
    return page;
  });

  // vmalloc_to_pfn (mm/vmalloc.c). SIM: -1 where C returns page_to_pfn(NULL), a meaningless number
  const vmalloc_to_pfn = (vmalloc_addr: Addr): number => vmalloc_to_page(vmalloc_addr);

  /*** Global kva allocator ***/

  /* static DEFINE_SPINLOCK(vmap_area_lock); */
  const vmap_area_lock = k.lock_init('vmap_area_lock');
  const vmap_area_root: rb_root<vmap_area> = { rb_node: null };
  /* LIST_HEAD(vmap_area_list): first and last entries */
  let vmap_area_list_first: vmap_area | null = null;
  let vmap_area_list_last: vmap_area | null = null;

  /* The vmap cache globals are protected by vmap_area_lock */
  let free_vmap_cache: rb_node<vmap_area> | null = null;
  let cached_hole_size = 0;
  let cached_vstart: Addr = 0;
  let cached_align = 0;

  let vmap_area_pcpu_hole = 0;

  // __find_vmap_area (mm/vmalloc.c)
  const __find_vmap_area = (addr: Addr): vmap_area | null => {
    let n = vmap_area_root.rb_node;
    let visited = 0; // SIM: nodes_visited added once per descent (docs/perf.md)

    while (n) {
      visited++;
      const va = n.entry;
      const va_start = va.va_start;
      if (addr < va_start) n = n.rb_left;
      else if (addr > va_start) n = n.rb_right;
      else {
        counters[NODES_VISITED] += visited;
        return va;
      }
    }

    counters[NODES_VISITED] += visited;
    return null;
  };

  /** list_add_rcu(&va->list, after) — after null is the list head. */
  const list_add_after = (va: vmap_area, after: vmap_area | null): void => {
    const next = after ? after.next : vmap_area_list_first;
    va.prev = after;
    va.next = next;
    if (after) after.next = va;
    else vmap_area_list_first = va;
    if (next) next.prev = va;
    else vmap_area_list_last = va;
  };

  /** list_del_rcu(&va->list) */
  const list_del = (va: vmap_area): void => {
    if (va.prev) va.prev.next = va.next;
    else vmap_area_list_first = va.next;
    if (va.next) va.next.prev = va.prev;
    else vmap_area_list_last = va.prev;
    va.prev = va.next = null;
  };

  // __insert_vmap_area (mm/vmalloc.c)
  const __insert_vmap_area = (va: vmap_area): void => {
    let parent: rb_node<vmap_area> | null = null;
    let p = vmap_area_root.rb_node;
    let left = false;
    let visited = 0; // SIM: nodes_visited added once per descent (docs/perf.md)
    const va_start = va.va_start;
    const va_end = va.va_end;

    while (p) {
      visited++;
      parent = p;
      const tmp = parent.entry;
      if (va_start < tmp.va_end) {
        p = p.rb_left;
        left = true;
      } else if (va_end > tmp.va_start) {
        p = p.rb_right;
        left = false;
      } else {
        counters[NODES_VISITED] += visited;
        k.BUG(310);
      }
    }
    counters[NODES_VISITED] += visited;

    const par = parent;
    rb_link_node(va.rb_node, par, (n) => {
      if (!par) vmap_area_root.rb_node = n;
      else if (left) par.rb_left = n;
      else par.rb_right = n;
    });
    rb_insert_color(va.rb_node, vmap_area_root);

    /* address-sort this list so it is usable like the vmlist */
    const tmp = rb_prev_walk(va.rb_node);
    counters[NODES_VISITED] += rb_walked;
    if (tmp) list_add_after(va, tmp.entry);
    else list_add_after(va, null);
  };

  /*
   * Allocate a region of KVA of the specified size and alignment, within the
   * vstart and vend.
   */
  // alloc_vmap_area (mm/vmalloc.c)
  const alloc_vmap_area = k.traced(
    'alloc_vmap_area',
    (size: number, align: number, vstart: Addr, vend: Addr, node: number, gfp_mask: number): vmap_area | number => {
      let n: rb_node<vmap_area> | null;
      let addr: Addr = 0;
      let purged = 0;
      let first: vmap_area | null = null;

      k.BUG_ON(!size, 343);
      k.BUG_ON(size % PAGE_SIZE !== 0, 344);
      k.BUG_ON(!is_power_of_2(align), 345);

      void gfp_mask; /* gfp_mask & GFP_RECLAIM_MASK */
      const self = k.kmalloc(sizeof_vmap_area, 'kmalloc_node', node);
      if (!self) return -ENOMEM;
      const va: vmap_area = {
        va_start: 0,
        va_end: 0,
        flags: 0,
        rb_node: null as unknown as rb_node<vmap_area>,
        prev: null,
        next: null,
        private: 0,
        freed_vm_flags: -1,
        self,
      };
      va.rb_node = new rb_node(va);

      for (;;) {
        /* retry: */
        let overflow = false;
        /*
         * SIM (speed, docs/perf.md): the nodes this search steps onto (descent and rb_next walks)
         * are counted in a local and added to nodes_visited once, at found:, before anything
         * else runs. Same walk, same count.
         */
        let visited = 0;
        k.spin_lock(vmap_area_lock);
        search: {
          /*
           * Invalidate cache if we have more permissive parameters.
           * cached_hole_size notes the largest hole noticed _below_
           * the vmap_area cached in free_vmap_cache: if size fits
           * into that hole, we want to scan from vstart to reuse
           * the hole instead of allocating above free_vmap_cache.
           * Note that __free_vmap_area may update free_vmap_cache
           * without updating cached_hole_size or cached_align.
           */
          let nocache = !free_vmap_cache || size < cached_hole_size || vstart < cached_vstart || align < cached_align;
          for (;;) {
            if (nocache) {
              /* nocache: */
              cached_hole_size = 0;
              free_vmap_cache = null;
            }
            /* record if we encounter less permissive parameters */
            cached_vstart = vstart;
            cached_align = align;

            /* find starting point for our search */
            if (free_vmap_cache) {
              first = free_vmap_cache.entry;
              addr = ALIGN(first.va_end + PAGE_SIZE, align);
              if (addr < vstart) {
                nocache = true;
                continue; /* goto nocache */
              }
              if (k.ulong(addr + size - 1) < addr) {
                overflow = true;
                break search;
              }
            } else {
              // SIM (speed, docs/perf.md): `+` (a no-op on a number) tells the JIT that addr is a number from
              // the start, so the search keeps it unboxed; without it each rb_next step boxed a new address.
              addr = +ALIGN(vstart, align);
              if (k.ulong(addr + size - 1) < addr) {
                overflow = true;
                break search;
              }

              n = vmap_area_root.rb_node;
              first = null;

              while (n) {
                visited++;
                const tmp = n.entry;
                if (tmp.va_end >= addr) {
                  first = tmp;
                  if (tmp.va_start <= addr) break;
                  n = n.rb_left;
                } else n = n.rb_right;
              }

              if (!first) break search; /* goto found */
            }
            break;
          }

          // QUERY: the `addr + size - 1 < addr` overflow tests let addr + size == 0 (an area ending
          // at 2^32) through, and every vend test (here, at found: and BUG_ON(va->va_end > vend))
          // then compares 0: such an area is accepted beyond vend (Hugh Dickins asks about this in
          // 89699605fe7c's message; vector k39-area-ending-at-4g).
          /* from the starting point, walk areas until a suitable hole is found */
          let end = k.ulong(addr + size);
          while (end >= first!.va_start && end <= vend) {
            if (k.ulong(addr + cached_hole_size) < first!.va_start) cached_hole_size = first!.va_start - addr;
            addr = ALIGN(first!.va_end + PAGE_SIZE, align);
            if (k.ulong(addr + size - 1) < addr) {
              overflow = true;
              break search;
            }

            n = rb_next_walk(first!.rb_node);
            visited += rb_walked;
            if (n) first = n.entry;
            else break search; /* goto found */
            end = k.ulong(addr + size);
          }
        }
        counters[NODES_VISITED] += visited;
        /* found: */
        if (overflow || k.ulong(addr + size) > vend) {
          /* overflow: */
          k.spin_unlock(vmap_area_lock);
          if (!purged) {
            purge_vmap_area_lazy();
            purged = 1;
            continue; /* goto retry */
          }
          if (k.printk_ratelimit()) k.printk(`vmap allocation for size ${size} failed: use vmalloc=<size> to increase size.`);
          k.kfree(va.self);
          return -EBUSY;
        }
        break;
      }

      va.va_start = addr;
      va.va_end = k.ulong(addr + size);
      va.flags = 0;
      __insert_vmap_area(va);
      free_vmap_cache = va.rb_node;
      k.spin_unlock(vmap_area_lock);

      k.BUG_ON(va.va_start % align !== 0, 434);
      k.BUG_ON(va.va_start < vstart, 435);
      k.BUG_ON(va.va_end > vend, 436);

      return va;
    },
  );

  // rcu_free_va (mm/vmalloc.c): RCU callbacks run at once in vmx
  const rcu_free_va = (va: vmap_area): void => {
    k.kfree(va.self);
  };

  // __free_vmap_area (mm/vmalloc.c)
  const __free_vmap_area = (va: vmap_area): void => {
    k.BUG_ON(RB_EMPTY_NODE(va.rb_node), 464);

    if (free_vmap_cache) {
      if (va.va_end < cached_vstart) {
        free_vmap_cache = null;
      } else {
        const cache = free_vmap_cache.entry;
        if (va.va_start <= cache.va_start) {
          free_vmap_cache = rb_prev_walk(va.rb_node);
          counters[NODES_VISITED] += rb_walked;
          /*
           * We don't try to update cached_hole_size or
           * cached_align, but it won't go very wrong.
           */
        }
      }
    }
    rb_erase(va.rb_node, vmap_area_root);
    RB_CLEAR_NODE(va.rb_node);
    list_del(va);

    /*
     * Track the highest possible candidate for pcpu area
     * allocation.  Areas outside of vmalloc area can be returned
     * here too, consider only end addresses which fall inside
     * vmalloc area proper.
     */
    if (va.va_end > VMALLOC_START && va.va_end <= VMALLOC_END) vmap_area_pcpu_hole = Math.max(vmap_area_pcpu_hole, va.va_end);

    rcu_free_va(va); /* call_rcu(&va->rcu_head, rcu_free_va) */
  };

  // free_vmap_area (mm/vmalloc.c)
  const free_vmap_area = (va: vmap_area): void => {
    k.spin_lock(vmap_area_lock);
    __free_vmap_area(va);
    k.spin_unlock(vmap_area_lock);
  };

  // unmap_vmap_area (mm/vmalloc.c)
  const unmap_vmap_area = (va: vmap_area): void => {
    vunmap_page_range(va.va_start, va.va_end);
  };

  // vmap_debug_free_range (mm/vmalloc.c): empty without CONFIG_DEBUG_PAGEALLOC
  const vmap_debug_free_range = (_start: Addr, _end: Addr): void => {};

  /*
   * lazy_max_pages is the maximum amount of virtual address space we gather up
   * before attempting to purge with a TLB flush.
   */
  // lazy_max_pages (mm/vmalloc.c)
  const lazy_max_pages = (): number => {
    const log = fls(k.num_online_cpus()); /* fls(num_online_cpus()) */
    return log * ((32 * 1024 * 1024) / PAGE_SIZE);
  };

  let vmap_lazy_nr = 0; /* static atomic_t vmap_lazy_nr = ATOMIC_INIT(0); */

  /*
   * called before a call to iounmap() if the caller wants vm_area_struct's
   * immediately freed.
   */
  // set_iounmap_nonlazy (mm/vmalloc.c)
  const set_iounmap_nonlazy = k.traced('set_iounmap_nonlazy', (): void => {
    // QUERY: the count of pages already lazily freed is overwritten, not added to. The purge the
    // next free triggers subtracts those pages again, so vmap_lazy_nr is left at
    // lazy_max_pages() + 1 - (lazy pages at the call) with nothing lazy left: while that stays
    // above lazy_max_pages() - (pages of one free), every later vfree/vunmap purges at once.
    vmap_lazy_nr = lazy_max_pages() + 1; /* atomic_set(&vmap_lazy_nr, lazy_max_pages()+1) */
  });

  /* static DEFINE_SPINLOCK(purge_lock); in __purge_vmap_area_lazy */
  const purge_lock = k.lock_init('purge_lock');

  /*
   * Purges all lazily-freed vmap areas.
   *
   * If sync is 0 then don't purge if there is already a purge in progress.
   * If force_flush is 1, then flush kernel TLBs between *start and *end even
   * if we found no lazy vmap areas to unmap (callers can use this to optimise
   * their own TLB flushing).
   * Returns with *start = min(*start, lowest purged address)
   *              *end = max(*end, highest purged address)
   */
  // __purge_vmap_area_lazy (mm/vmalloc.c)
  const __purge_vmap_area_lazy = k.traced('__purge_vmap_area_lazy', (range: { start: Addr; end: Addr }, sync: number, force_flush: number): void => {
    const valist: vmap_area[] = [];
    let nr = 0;

    /*
     * If sync is 0 but force_flush is 1, we'll go sync anyway but callers
     * should not expect such behaviour. This just simplifies locking for
     * the case that isn't actually used at the moment anyway.
     */
    // The trylock fails when this purge is nested in a sync one (purge_fragmented_blocks freeing a
    // block pushes vmap_lazy_nr over the limit) or when a dead step kept purge_lock.
    if (!sync && !force_flush) {
      if (!k.spin_trylock(purge_lock)) return;
    } else k.spin_lock(purge_lock);

    if (sync) purge_fragmented_blocks_allcpus();

    /* rcu_read_lock(); */
    for (let va = vmap_area_list_first; va; va = va.next) {
      visit();
      if (va.flags & VM_LAZY_FREE) {
        if (va.va_start < range.start) range.start = va.va_start;
        if (va.va_end > range.end) range.end = va.va_end;
        nr += Math.floor(k.ulong(va.va_end - va.va_start) / PAGE_SIZE); /* unsigned long: va_end may have wrapped to 0 */
        valist.push(va); /* list_add_tail(&va->purge_list, &valist) */
        va.flags |= VM_LAZY_FREEING;
        va.flags &= ~VM_LAZY_FREE;
      }
    }
    /* rcu_read_unlock(); */

    if (nr) vmap_lazy_nr -= nr; /* atomic_sub(nr, &vmap_lazy_nr) */

    if (nr || force_flush) k.flush_tlb_kernel_range(range.start, range.end);

    if (nr) {
      k.count('purges');
      k.spin_lock(vmap_area_lock);
      for (const va of valist) __free_vmap_area(va);
      k.spin_unlock(vmap_area_lock);
    }
    k.spin_unlock(purge_lock);
  });

  /*
   * Kick off a purge of the outstanding lazy areas. Don't bother if somebody
   * is already purging.
   */
  // try_purge_vmap_area_lazy (mm/vmalloc.c)
  const try_purge_vmap_area_lazy = (): void => {
    __purge_vmap_area_lazy({ start: ULONG_MAX, end: 0 }, 0, 0);
  };

  /*
   * Kick off a purge of the outstanding lazy areas.
   */
  // purge_vmap_area_lazy (mm/vmalloc.c)
  function purge_vmap_area_lazy(): void {
    __purge_vmap_area_lazy({ start: ULONG_MAX, end: 0 }, 1, 0);
  }

  /*
   * Free a vmap area, caller ensuring that the area has been unmapped
   * and flush_cache_vunmap had been called for the correct range
   * previously.
   */
  // free_vmap_area_noflush (mm/vmalloc.c)
  const free_vmap_area_noflush = (va: vmap_area): void => {
    va.flags |= VM_LAZY_FREE;
    vmap_lazy_nr += Math.floor(k.ulong(va.va_end - va.va_start) / PAGE_SIZE); /* unsigned long: va_end may have wrapped to 0 */
    if (vmap_lazy_nr > lazy_max_pages()) try_purge_vmap_area_lazy();
  };

  /*
   * Free and unmap a vmap area, caller ensuring flush_cache_vunmap had been
   * called for the correct range previously.
   */
  // free_unmap_vmap_area_noflush (mm/vmalloc.c): the ptes go now, the TLB flush waits for the purge
  const free_unmap_vmap_area_noflush = (va: vmap_area): void => {
    unmap_vmap_area(va);
    free_vmap_area_noflush(va);
  };

  // free_unmap_vmap_area (mm/vmalloc.c)
  const free_unmap_vmap_area = k.traced('free_unmap_vmap_area', (va: vmap_area): void => {
    k.flush_cache_vunmap();
    free_unmap_vmap_area_noflush(va);
  });

  // find_vmap_area (mm/vmalloc.c)
  const find_vmap_area = (addr: Addr): vmap_area | null => {
    k.spin_lock(vmap_area_lock);
    const va = __find_vmap_area(addr);
    k.spin_unlock(vmap_area_lock);
    return va;
  };

  // free_unmap_vmap_area_addr (mm/vmalloc.c)
  const free_unmap_vmap_area_addr = (addr: Addr): void => {
    const va = find_vmap_area(addr);
    k.BUG_ON(!va, 707);
    free_unmap_vmap_area(va!);
  };

  /*** Per cpu kva allocator ***/

  /*
   * vmap space is limited especially on 32 bit architectures. Ensure there is
   * room for at least 16 percpu vmap blocks per CPU.
   */
  const VMALLOC_SPACE = BITS_PER_LONG === 32 ? 128 * 1024 * 1024 : 128 * 1024 * 1024 * 1024;
  const VMALLOC_PAGES = VMALLOC_SPACE / PAGE_SIZE;
  const VMAP_MAX_ALLOC = BITS_PER_LONG; /* 256K with 4K pages */
  const VMAP_BBMAP_BITS_MAX = 1024; /* 4MB with 4K pages */
  const VMAP_BBMAP_BITS_MIN = VMAP_MAX_ALLOC * 2;
  const VMAP_BBMAP_BITS = Math.min(VMAP_BBMAP_BITS_MAX, Math.max(VMAP_BBMAP_BITS_MIN, Math.floor(VMALLOC_PAGES / config.NR_CPUS / 16)));
  const VMAP_BLOCK_SIZE = VMAP_BBMAP_BITS * PAGE_SIZE;
  /**
   * sizeof(struct vmap_block): spinlock (padded to a long), 4 words, two bitmaps, then free_list,
   * rcu_head and purge (2 words each; 2.6.33 split the free_list/rcu_head union).
   */
  const sizeof_vmap_block = PTR + 4 * PTR + 2 * (Math.ceil(VMAP_BBMAP_BITS / BITS_PER_LONG) * PTR) + 6 * PTR;

  const vmap_initialized = true; /* vmalloc_init() ran at boot */

  /* static DEFINE_PER_CPU(struct vmap_block_queue, vmap_block_queue); (per possible CPU) */
  /* vmalloc_init: spin_lock_init(&vbq->lock) for each possible CPU */
  const vmap_block_queue: vmap_block_queue[] = Array.from({ length: k.num_online_cpus() }, () => ({ free: [], lock: k.lock_init('vbq->lock') }));

  /* static DEFINE_SPINLOCK(vmap_block_tree_lock); */
  const vmap_block_tree_lock = k.lock_init('vmap_block_tree_lock');

  /* static RADIX_TREE(vmap_block_tree, GFP_ATOMIC); */
  const vmap_block_tree = new Map<number, vmap_block>();

  // addr_to_vb_idx (mm/vmalloc.c)
  const addr_to_vb_idx = (addr: Addr): number => {
    addr -= k.levelFloor(VMALLOC_START, VMAP_BLOCK_SIZE);
    return Math.floor(addr / VMAP_BLOCK_SIZE);
  };

  // new_vmap_block (mm/vmalloc.c)
  const new_vmap_block = k.traced('new_vmap_block', (gfp_mask: number): vmap_block | number => {
    const node = 0; /* numa_node_id() */

    const self = k.kmalloc(sizeof_vmap_block, 'kmalloc_node', node);
    if (!self) return -ENOMEM;

    const va = alloc_vmap_area(VMAP_BLOCK_SIZE, VMAP_BLOCK_SIZE, VMALLOC_START, VMALLOC_END, node, gfp_mask);
    if (typeof va === 'number') {
      k.kfree(self);
      return va; /* ERR_CAST(va) */
    }

    /* radix_tree_preload(gfp_mask): SIM: never fails (radix nodes are not modelled) */

    const vb: vmap_block = {
      va,
      vbq: vmap_block_queue[k.cpu],
      free: VMAP_BBMAP_BITS,
      dirty: 0,
      alloc_map: new Uint8Array(VMAP_BBMAP_BITS),
      dirty_map: new Uint8Array(VMAP_BBMAP_BITS),
      onFreeList: false, /* INIT_LIST_HEAD(&vb->free_list) */
      self,
      lock: k.lock_init('vb->lock'), /* spin_lock_init(&vb->lock) */
    };
    va.block = vb;

    const vb_idx = addr_to_vb_idx(va.va_start);
    k.spin_lock(vmap_block_tree_lock);
    const err = vmap_block_tree.has(vb_idx); /* radix_tree_insert: -EEXIST */
    if (!err) vmap_block_tree.set(vb_idx, vb);
    k.spin_unlock(vmap_block_tree_lock);
    k.BUG_ON(err, 827);

    const vbq = vmap_block_queue[k.cpu]; /* &get_cpu_var(vmap_block_queue) */
    vb.vbq = vbq;
    k.spin_lock(vbq.lock);
    vbq.free.unshift(vb); /* list_add_rcu(&vb->free_list, &vbq->free) */
    vb.onFreeList = true;
    k.spin_unlock(vbq.lock);
    /* put_cpu_var(vmap_block_queue) (the 2.6.32 name mismatch was fixed by 3f04ba859597) */

    return vb;
  });

  // rcu_free_vb (mm/vmalloc.c)
  const rcu_free_vb = (vb: vmap_block): void => {
    k.kfree(vb.self);
  };

  // free_vmap_block (mm/vmalloc.c)
  const free_vmap_block = k.traced('free_vmap_block', (vb: vmap_block): void => {
    const vb_idx = addr_to_vb_idx(vb.va.va_start);
    k.spin_lock(vmap_block_tree_lock);
    const tmp = vmap_block_tree.get(vb_idx);
    vmap_block_tree.delete(vb_idx);
    k.spin_unlock(vmap_block_tree_lock);
    k.BUG_ON(tmp !== vb, 856);

    free_vmap_area_noflush(vb.va);
    rcu_free_vb(vb); /* call_rcu(&vb->rcu_head, rcu_free_vb) */
  });

  /** list_del_rcu(&vb->free_list) */
  const list_del_free = (vbq: vmap_block_queue, vb: vmap_block): void => {
    vbq.free.splice(vbq.free.indexOf(vb), 1);
    vb.onFreeList = false;
  };

  // purge_fragmented_blocks (mm/vmalloc.c)
  const purge_fragmented_blocks = k.traced('purge_fragmented_blocks', (cpu: number): void => {
    const purge: vmap_block[] = []; /* LIST_HEAD(purge) */
    const vbq = vmap_block_queue[cpu];

    /* rcu_read_lock(); list_for_each_entry_rcu: a deleted entry still leads on to the next */
    for (const vb of vbq.free.slice()) {
      visit();
      if (!(vb.free + vb.dirty === VMAP_BBMAP_BITS && vb.dirty !== VMAP_BBMAP_BITS)) continue;

      k.spin_lock(vb.lock);
      if (vb.free + vb.dirty === VMAP_BBMAP_BITS && vb.dirty !== VMAP_BBMAP_BITS) {
        vb.free = 0; /* prevent further allocs after releasing lock */
        vb.dirty = VMAP_BBMAP_BITS; /* prevent purging it again */
        vb.alloc_map.fill(1); /* bitmap_fill(vb->alloc_map, VMAP_BBMAP_BITS) */
        vb.dirty_map.fill(1); /* bitmap_fill(vb->dirty_map, VMAP_BBMAP_BITS) */
        k.spin_lock(vbq.lock);
        list_del_free(vbq, vb);
        k.spin_unlock(vbq.lock);
        k.spin_unlock(vb.lock);
        purge.push(vb); /* list_add_tail(&vb->purge, &purge) */
      } else k.spin_unlock(vb.lock);
    }
    /* rcu_read_unlock(); */

    for (const vb of purge) {
      /* list_del(&vb->purge); */
      free_vmap_block(vb);
    }
  });

  // purge_fragmented_blocks_thiscpu (mm/vmalloc.c)
  const purge_fragmented_blocks_thiscpu = (): void => {
    purge_fragmented_blocks(k.cpu); /* smp_processor_id() */
  };

  // purge_fragmented_blocks_allcpus (mm/vmalloc.c)
  function purge_fragmented_blocks_allcpus(): void {
    for (let cpu = 0; cpu < vmap_block_queue.length; cpu++) purge_fragmented_blocks(cpu); /* for_each_possible_cpu */
  }

  /** get_order(size) for size > 0 */
  const get_order = (size: number): number => {
    let order = 0;
    while (PAGE_SIZE * 2 ** order < size) order++;
    return order;
  };

  /** bitmap_find_free_region (lib/bitmap.c): the first free aligned 2^order region, or -ENOMEM. */
  const bitmap_find_free_region = (map: Uint8Array, bits: number, order: number): number => {
    const len = 2 ** order;
    for (let pos = 0; pos + len <= bits; pos += len) {
      let free = true;
      for (let i = pos; i < pos + len; i++) if (map[i]) free = false;
      if (!free) continue;
      for (let i = pos; i < pos + len; i++) map[i] = 1;
      return pos;
    }
    return -ENOMEM;
  };

  /** bitmap_allocate_region (lib/bitmap.c): -EBUSY (nothing set) if any bit is already set. */
  const bitmap_allocate_region = (map: Uint8Array, pos: number, order: number): number => {
    const len = 2 ** order;
    for (let i = pos; i < pos + len; i++) if (map[i]) return -EBUSY;
    for (let i = pos; i < pos + len; i++) map[i] = 1;
    return 0;
  };

  // vb_alloc (mm/vmalloc.c)
  const vb_alloc = k.traced('vb_alloc', (size: number, gfp_mask: number): Addr | number => {
    let addr = 0;
    let purge = 0;

    k.BUG_ON(size % PAGE_SIZE !== 0, 918);
    k.BUG_ON(size > PAGE_SIZE * VMAP_MAX_ALLOC, 919);
    const order = get_order(size);

    for (;;) {
      /* again: rcu_read_lock(); */
      const vbq = vmap_block_queue[k.cpu]; /* &get_cpu_var(vmap_block_queue) */
      for (const vb of vbq.free) {
        visit();
        k.spin_lock(vb.lock);
        if (vb.free < 2 ** order) {
          /* goto next */
          k.spin_unlock(vb.lock);
          continue;
        }

        const i = bitmap_find_free_region(vb.alloc_map, VMAP_BBMAP_BITS, order);

        if (i < 0) {
          if (vb.free + vb.dirty === VMAP_BBMAP_BITS) {
            /* fragmented and no outstanding allocations */
            k.BUG_ON(vb.dirty !== VMAP_BBMAP_BITS, 938);
            purge = 1;
          }
          /* goto next */
          k.spin_unlock(vb.lock);
          continue;
        }
        addr = vb.va.va_start + i * PAGE_SIZE;
        k.BUG_ON(addr_to_vb_idx(addr) !== addr_to_vb_idx(vb.va.va_start), 944);
        vb.free -= 2 ** order;
        if (vb.free === 0) {
          k.spin_lock(vbq.lock);
          list_del_free(vbq, vb);
          k.spin_unlock(vbq.lock);
        }
        k.spin_unlock(vb.lock);
        break;
        /* next: spin_unlock(&vb->lock); (at each goto next above) */
      }

      if (purge) purge_fragmented_blocks_thiscpu();

      /* put_cpu_var(vmap_block_queue); rcu_read_unlock(); */

      if (!addr) {
        const vb = new_vmap_block(gfp_mask);
        if (typeof vb === 'number') return vb;
        continue; /* goto again */
      }

      return addr;
    }
  });

  // vb_free (mm/vmalloc.c)
  const vb_free = k.traced('vb_free', (addr: Addr, size: number): void => {
    k.BUG_ON(size % PAGE_SIZE !== 0, 981);
    k.BUG_ON(size > PAGE_SIZE * VMAP_MAX_ALLOC, 982);

    k.flush_cache_vunmap();

    const order = get_order(size);

    const offset = addr % VMAP_BLOCK_SIZE;

    const vb_idx = addr_to_vb_idx(addr);
    const vb = vmap_block_tree.get(vb_idx);
    k.BUG_ON(!vb, 994);

    /* the ptes go now (64141da58724); the TLB flush waits for vm_unmap_aliases or a purge */
    vunmap_page_range(addr, addr + size);

    k.spin_lock(vb!.lock);
    k.BUG_ON(bitmap_allocate_region(vb!.dirty_map, Math.floor(offset / PAGE_SIZE), order) !== 0, 999);

    vb!.dirty += 2 ** order;
    if (vb!.dirty === VMAP_BBMAP_BITS) {
      k.BUG_ON(vb!.free !== 0, 1003);
      k.spin_unlock(vb!.lock);
      free_vmap_block(vb!);
    } else k.spin_unlock(vb!.lock);
  });

  /**
   * vm_unmap_aliases - unmap outstanding lazy aliases in the vmap layer
   *
   * The vmap/vmalloc layer lazily flushes kernel virtual mappings primarily
   * to amortize TLB flushing overheads. What this means is that any page you
   * have now, may, in a former life, have been mapped into kernel virtual
   * address by the vmap layer and so there might be some CPUs with TLB entries
   * still referencing that page (additional to the regular 1:1 kernel mapping).
   *
   * vm_unmap_aliases flushes all such lazy mappings. After it returns, we can
   * be sure that none of the pages we have control over will have any aliases
   * from the vmap layer.
   */
  // vm_unmap_aliases (mm/vmalloc.c)
  const vm_unmap_aliases = k.traced('vm_unmap_aliases', (): void => {
    const range = { start: ULONG_MAX, end: 0 };
    let flush = 0;

    if (!vmap_initialized) return;

    for (const vbq of vmap_block_queue) {
      /* for_each_possible_cpu(cpu) */
      // QUERY: only blocks still on vbq->free are scanned: the dirty chunks of a block with no
      // free chunk left are not in the flush range (their ptes are gone since 2.6.37, but stale
      // TLB entries for them survive this call unless the purge's range covers them).
      for (const vb of vbq.free) {
        visit();
        k.spin_lock(vb.lock);
        let i = vb.dirty_map.indexOf(1); /* find_first_bit */
        if (i < 0) i = VMAP_BBMAP_BITS;
        while (i < VMAP_BBMAP_BITS) {
          let j = vb.dirty_map.indexOf(0, i); /* find_next_zero_bit */
          if (j < 0) j = VMAP_BBMAP_BITS;

          const s = vb.va.va_start + i * PAGE_SIZE;
          const e = vb.va.va_start + j * PAGE_SIZE;
          flush = 1;

          if (s < range.start) range.start = s;
          if (e > range.end) range.end = e;

          i = j;
          i = vb.dirty_map.indexOf(1, i); /* find_next_bit */
          if (i < 0) i = VMAP_BBMAP_BITS;
        }
        k.spin_unlock(vb.lock);
      }
    }

    __purge_vmap_area_lazy(range, 1, flush);
  });

  /**
   * vm_unmap_ram - unmap linear kernel address space set up by vm_map_ram
   */
  // vm_unmap_ram (mm/vmalloc.c)
  const vm_unmap_ram = k.traced('vm_unmap_ram', (mem: Addr, count: number): void => {
    const size = (count * PAGE_SIZE) % 2 ** 32; /* unsigned int count << PAGE_SHIFT */
    const addr = mem;

    k.BUG_ON(!addr, 1080);
    k.BUG_ON(addr < VMALLOC_START, 1081);
    k.BUG_ON(addr > VMALLOC_END, 1082);
    k.BUG_ON(addr % PAGE_SIZE !== 0, 1083);

    /* debug_check_no_locks_freed(mem, size); */
    vmap_debug_free_range(addr, addr + size);

    if (count <= VMAP_MAX_ALLOC) vb_free(mem, size);
    else free_unmap_vmap_area_addr(addr);
  });

  /**
   * vm_map_ram - map pages linearly into kernel virtual address (vmalloc space)
   * Returns: a pointer to the address that has been mapped, or %NULL on failure
   */
  // vm_map_ram (mm/vmalloc.c)
  const vm_map_ram = k.traced('vm_map_ram', (pages: readonly number[], count: number, node: number, prot: pgprotval_t): Addr => {
    const size = (count * PAGE_SIZE) % 2 ** 32; /* unsigned int count << PAGE_SHIFT */
    let addr: Addr;
    let mem: Addr;

    // SIM: count 0 makes get_order(0) huge in C and vb_alloc then runs off the bitmap;
    // vmx returns NULL instead of modelling the memory corruption.
    if (count === 0) return 0;

    if (count <= VMAP_MAX_ALLOC) {
      const r = vb_alloc(size, GFP_KERNEL);
      if (r < 0) return 0; /* IS_ERR(mem) */
      mem = r;
      addr = mem;
    } else {
      const va = alloc_vmap_area(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END, node, GFP_KERNEL);
      if (typeof va === 'number') return 0;

      addr = va.va_start;
      mem = addr;
    }
    if (vmap_page_range(addr, addr + size, prot, pages) < 0) {
      vm_unmap_ram(mem, count);
      return 0;
    }
    return mem;
  });

  // vmalloc_init (mm/vmalloc.c): no boot-time vm_area_register_early areas in vmx
  vmap_area_pcpu_hole = VMALLOC_END;

  // map_kernel_range_noflush (mm/vmalloc.c)
  const map_kernel_range_noflush = (addr: Addr, size: number, prot: pgprotval_t, pages: readonly number[]): number =>
    vmap_page_range_noflush(addr, addr + size, prot, pages);

  // unmap_kernel_range_noflush (mm/vmalloc.c)
  const unmap_kernel_range_noflush = (addr: Addr, size: number): void => {
    vunmap_page_range(addr, addr + size);
  };

  // unmap_kernel_range (mm/vmalloc.c)
  const unmap_kernel_range = (addr: Addr, size: number): void => {
    const end = addr + size;
    k.flush_cache_vunmap();
    vunmap_page_range(addr, end);
    k.flush_tlb_kernel_range(addr, end);
  };

  /** map_vm_area's `struct page ***pages`: the array and how far it has been consumed. */
  interface PagesCursor {
    pages: readonly number[];
    off: number;
  }

  // map_vm_area (mm/vmalloc.c)
  const map_vm_area = k.traced('map_vm_area', (area: vm_struct, prot: pgprotval_t, cur: PagesCursor): number => {
    const addr = vmstruct.addr[area];
    const end = addr + vmstruct.size[area] - PAGE_SIZE;

    let err = vmap_page_range(addr, end, prot, cur.off ? cur.pages.slice(cur.off) : cur.pages);
    if (err > 0) {
      cur.off += err; /* *pages += err */
      err = 0;
    }

    return err;
  });

  /*** Old vmalloc interfaces ***/
  /* DEFINE_RWLOCK(vmlist_lock); struct vm_struct *vmlist; */
  const vmlist_lock = k.lock_init('vmlist_lock');
  let vmlist: vm_struct = 0;
  // SIM (speed, docs/perf.md Round 10): the hot vmlist walks are module-level functions
  // (src/kernel/list-walk.ts says why); they hand back where they stopped in `walk`. The walks
  // left here start from `vmlist | 0`, an int to the JIT (Round 7).
  const walk = newListWalk();
  const vmstruct = structTable(VM_STRUCT);
  /** SIM: the frames holding vmalloc'ed pages arrays, and the array each holds (see __vunmap). */
  const arrayFrameOwner = new Map<number, PagesArray>();

  // insert_vmalloc_vm (mm/vmalloc.c)
  const insert_vmalloc_vm = (vm: vm_struct, va: vmap_area, flags: number, caller: string): void => {
    vmstruct.flags[vm] = flags;
    vmstruct.addr[vm] = va.va_start;
    vmstruct.size[vm] = k.ulong(va.va_end - va.va_start); /* an area ending at 2^32 has va_end 0 */
    vmstruct.caller[vm] = caller;
    va.private = vm;
    va.flags |= VM_VM_AREA;

    k.write_lock(vmlist_lock);
    const tmp = vmlist_find_from(vmstruct.next, vmstruct.addr, vmlist, vmstruct.addr[vm], walk);
    const prev = walk.prev;
    counters[NODES_VISITED] += walk.visited;
    vmstruct.next[vm] = tmp;
    if (prev) vmstruct.next[prev] = vm;
    else vmlist = vm;
    k.write_unlock(vmlist_lock);
  };

  // __get_vm_area_node (mm/vmalloc.c)
  const __get_vm_area_node = k.traced(
    '__get_vm_area_node',
    (size: number, align: number, flags: number, start: Addr, end: Addr, node: number, gfp_mask: number, caller: string): vm_struct => {
      // QUERY: `static struct vmap_area *va;` — one variable shared by every caller: a race on
      // SMP (still present in 2.6.39). Harmless with one thread of control.

      /* BUG_ON(in_interrupt()); */
      if (flags & VM_IOREMAP) {
        let bit = fls(size);

        if (bit > IOREMAP_MAX_ORDER) bit = IOREMAP_MAX_ORDER;
        else if (bit < PAGE_SHIFT) bit = PAGE_SHIFT;

        align = 2 ** bit;
      }

      size = k.PAGE_ALIGN(size);
      if (!size) return 0;

      void (gfp_mask & GFP_RECLAIM_MASK);
      const self = k.kmalloc(sizeof_vm_struct, 'kzalloc_node', node);
      if (!self) return 0;
      const area = vmstruct.handleAt(self);
      vmstruct.memset0(area); /* kzalloc_node */

      /*
       * We always allocate a guard page.
       */
      size = k.ulong(size + PAGE_SIZE);

      const va = alloc_vmap_area(size, align, start, end, node, gfp_mask);
      if (typeof va === 'number') {
        k.kfree(vmstruct.self[area]);
        return 0;
      }

      insert_vmalloc_vm(area, va, flags, caller);
      return area;
    },
  );

  // __get_vm_area (mm/vmalloc.c)
  const __get_vm_area = (size: number, flags: number, start: Addr, end: Addr, caller: string): vm_struct =>
    __get_vm_area_node(size, 1, flags, start, end, -1, GFP_KERNEL, caller);

  // __get_vm_area_caller (mm/vmalloc.c)
  const __get_vm_area_caller = __get_vm_area;

  /**
   *	get_vm_area  -  reserve a contiguous kernel virtual area
   */
  // get_vm_area (mm/vmalloc.c)
  const get_vm_area = (size: number, flags: number, caller = 'get_vm_area'): vm_struct =>
    __get_vm_area_node(size, 1, flags, VMALLOC_START, VMALLOC_END, -1, GFP_KERNEL, caller);

  // get_vm_area_caller (mm/vmalloc.c)
  const get_vm_area_caller = (size: number, flags: number, caller: string): vm_struct =>
    __get_vm_area_node(size, 1, flags, VMALLOC_START, VMALLOC_END, -1, GFP_KERNEL, caller);

  /* get_vm_area_node: removed in 2.6.38 (e5a5623b2819, "mm: remove unused get_vm_area_node") */

  // find_vm_area (mm/vmalloc.c)
  const find_vm_area = (addr: Addr): vm_struct => {
    const va = find_vmap_area(addr);
    if (va && va.flags & VM_VM_AREA) return va.private;

    return 0;
  };

  /**
   *	remove_vm_area  -  find and remove a continuous kernel virtual area
   */
  // remove_vm_area (mm/vmalloc.c)
  const remove_vm_area = k.traced('remove_vm_area', (addr: Addr): vm_struct => {
    const va = find_vmap_area(addr);
    if (va && va.flags & VM_VM_AREA) {
      /* struct vm_struct *vm = va->private: a pointer value, which may be stale */
      const vmPtr = vmstruct.self[va.private];
      if (va.freed_vm_flags < 0) va.freed_vm_flags = vmstruct.flags[va.private]; /* SIM: for reports */
      /*
       * remove from list and disallow access to this vm_struct
       * before unmap. (address range confliction is maintained by
       * vmap.)
       */
      k.write_lock(vmlist_lock);
      const tmp = vmlist_find(vmstruct.next, vmstruct.self, vmlist, vmPtr, walk);
      const prev = walk.prev;
      counters[NODES_VISITED] += walk.visited;
      if (!tmp) {
        // QUERY: a second vfree before the purge finds the lazy va still flagged VM_VM_AREA
        // and its vm_struct already kfree'd and off vmlist: the walk runs off the end and
        // reads NULL->next (offset 0). If the slab has handed that vm_struct's memory to
        // a new area since, the walk finds *that* area and frees it instead (below).
        // show_fault_oops's %p of NULL: "(null)" right-aligned in the pointer width (KernelConfig.pointerNull)
        k.oops_at(0);
      }
      /* the memory at vmPtr: the live vm_struct there now (the same one unless stale) */
      const vm = tmp;
      if (prev) vmstruct.next[prev] = vmstruct.next[tmp];
      else vmlist = vmstruct.next[tmp];
      k.write_unlock(vmlist_lock);

      vmap_debug_free_range(va.va_start, va.va_end);
      free_unmap_vmap_area(va);
      vmstruct.size[vm] -= PAGE_SIZE;

      return vm;
    }
    return 0;
  });

  // __vunmap (mm/vmalloc.c)
  const __vunmap = k.traced('__vunmap', (addr: Addr, deallocate_pages: number): FreeOutcome => {
    if (!addr) return 'ok';

    if (addr % PAGE_SIZE !== 0) {
      k.WARN(true, 1426, '__vunmap', `Trying to vfree() bad address (${k.p(addr)})`);
      return 'bad-address';
    }

    const area = remove_vm_area(addr);
    if (!area) {
      k.WARN(true, 1432, '__vunmap', `Trying to vfree() nonexistent vm area (${k.p(addr)})`);
      return 'nonexistent';
    }

    /* debug_check_no_locks_freed(addr, area->size); debug_check_no_obj_freed(addr, area->size); */

    if (deallocate_pages) {
      for (let i = 0; i < vmstruct.nr_pages[area]; i++) {
        // struct page *page = area->pages[i]: a load through the array's own mapping when it
        // was vmalloc'ed (VM_VPAGES), which oopses once that array has been vfree'd and purged.
        let page = vmstruct.pages[area]!.pfns[i];
        if (vmstruct.flags[area] & VM_VPAGES) {
          const slot = k.ulong(vmstruct.pages[area]!.ptr + i * PTR);
          if (i === 0 || slot % PAGE_SIZE < PTR) k.readByte(slot);
          // The array's page was freed and its address now maps another page, or the page went
          // to a new owner: the load reads that page, fresh and so zero unless written (a NULL
          // page pointer). A freed page nobody took yet still holds the old entries.
          const frames = vmstruct.pages[area]!.frames;
          const f = frames ? frames[Math.floor((i * PTR) / PAGE_SIZE)] : -1;
          if (frames && (k.walk(slot) !== f || (vmstruct.pages[area]!.freedFrames?.has(f) && !k.PageBuddy(f)))) {
            let v = 0;
            for (let b = 0; b < PTR; b++) v |= k.readByte(k.ulong(slot + b));
            if (v === 0) page = -1;
          }
        }

        k.BUG_ON(page < 0, 1446);
        k.__free_page(page);
        // SIM: a page holding another area's vmalloc'ed pages array stops holding it once freed.
        // SIM (speed, docs/perf.md): no lookup per page while no such array is live.
        const holder = arrayFrameOwner.size === 0 ? undefined : arrayFrameOwner.get(page);
        if (holder && k.PageBuddy(page)) {
          (holder.freedFrames ??= new Set()).add(page);
          arrayFrameOwner.delete(page);
        }
      }

      if (vmstruct.flags[area] & VM_VPAGES) vfree(vmstruct.pages[area]!.ptr);
      else k.kfree(vmstruct.pages[area] ? vmstruct.pages[area].ptr : 0);
    }

    k.kfree(vmstruct.self[area]);
    return 'ok';
  });

  /**
   *	vfree  -  release memory allocated by vmalloc()
   */
  // vfree (mm/vmalloc.c)
  const vfree = k.traced('vfree', (addr: Addr): FreeOutcome => {
    /* BUG_ON(in_interrupt()); */
    k.kmemleak.free(addr); /* kmemleak_free(addr) */

    return __vunmap(addr, 1);
  });

  /**
   *	vunmap  -  release virtual mapping obtained by vmap()
   */
  // vunmap (mm/vmalloc.c)
  const vunmap = k.traced('vunmap', (addr: Addr): FreeOutcome => {
    /* BUG_ON(in_interrupt()); might_sleep(); */
    return __vunmap(addr, 0);
  });

  /**
   *	vmap  -  map an array of pages into virtually contiguous space
   */
  // vmap (mm/vmalloc.c)
  const vmap = k.traced('vmap', (pages: readonly number[], count: number, flags: number, prot: pgprotval_t, caller: string = 'vmap'): Addr => {
    /* might_sleep(); */

    if (count > k.num_physpages) return 0; /* totalram_pages */

    const area = get_vm_area_caller((count * PAGE_SIZE) % 2 ** 32, flags, caller);
    if (!area) return 0;

    if (map_vm_area(area, prot, { pages, off: 0 })) {
      vunmap(vmstruct.addr[area]);
      return 0;
    }

    return vmstruct.addr[area];
  });

  // __vmalloc_area_node (mm/vmalloc.c)
  const __vmalloc_area_node = k.traced('__vmalloc_area_node', (area: vm_struct, gfp_mask: number, prot: pgprotval_t, node: number, caller: string): Addr => {
    let pagesPtr: Addr;

    const nr_pages = Math.floor((vmstruct.size[area] - PAGE_SIZE) / PAGE_SIZE);
    const array_size = (nr_pages * PTR) % 2 ** 32; /* unsigned int */
    const nested_gfp = (gfp_mask & GFP_RECLAIM_MASK) | __GFP_ZERO;

    vmstruct.nr_pages[area] = nr_pages;
    /* Please note that the recursion is strictly bounded. */
    if (array_size > PAGE_SIZE) {
      pagesPtr = __vmalloc_node(array_size, 1, nested_gfp | __GFP_HIGHMEM, PAGE_KERNEL, node, caller);
      vmstruct.flags[area] |= VM_VPAGES;
    } else {
      pagesPtr = k.kmalloc(array_size, 'kmalloc_node', node); /* kmalloc_node(array_size, nested_gfp, node) */
    }
    // SIM: the array's contents live in `pfns`; the simulated memory behind a vmalloc'ed
    // pages array reads as zeroes rather than as struct page pointers.
    vmstruct.pages[area] = pagesPtr ? ({ ptr: pagesPtr, pfns: filledArray(nr_pages, -1) } as PagesArray) : null;
    if (vmstruct.pages[area] && vmstruct.flags[area] & VM_VPAGES) {
      // SIM: the pages now mapped at the array's address hold it (vmlist may also list a
      // stale vm_struct at that address, so the frames are read from the page tables)
      const frames: number[] = [];
      for (let j = 0; j * PAGE_SIZE < array_size; j++) frames.push(k.walk(k.ulong(pagesPtr + j * PAGE_SIZE)));
      vmstruct.pages[area].frames = frames;
      for (const f of frames) if (f >= 0) arrayFrameOwner.set(f, vmstruct.pages[area]);
    }
    vmstruct.caller[area] = caller;
    if (!vmstruct.pages[area]) {
      remove_vm_area(vmstruct.addr[area]);
      k.kfree(vmstruct.self[area]);
      return 0;
    }

    let failed = false;
    for (let i = 0; i < vmstruct.nr_pages[area]; i++) {
      let page: number;

      if (node < 0) page = k.alloc_page(gfp_mask);
      else page = k.alloc_page(gfp_mask, node); /* alloc_pages_node(node, gfp_mask, 0) */

      if (page < 0) {
        /* Successfully allocated i pages, free them in __vunmap() */
        vmstruct.nr_pages[area] = i;
        failed = true;
        break; /* goto fail */
      }
      vmstruct.pages[area].pfns[i] = page;
    }

    if (!failed) {
      if (!map_vm_area(area, prot, { pages: vmstruct.pages[area].pfns, off: 0 })) return vmstruct.addr[area];
    }

    /* fail: */
    vfree(vmstruct.addr[area]);
    return 0;
  });

  /* __vmalloc_area: removed in 2.6.38 (d0a21265dfb5, "mm: unify module_alloc code for vmalloc"); module_alloc calls __vmalloc_node_range */

  /**
   *	__vmalloc_node_range  -  allocate virtually contiguous memory
   *	@size:		allocation size
   *	@align:		desired alignment
   *	@start:		vm area range start
   *	@end:		vm area range end
   *	@gfp_mask:	flags for the page level allocator
   *	@prot:		protection mask for the allocated pages
   *	@node:		node to use for allocation or -1
   *	@caller:	caller's return address
   *
   *	Allocate enough pages to cover @size from the page level
   *	allocator with @gfp_mask flags.  Map them into contiguous
   *	kernel virtual space, using a pagetable protection of @prot.
   */
  // __vmalloc_node_range (mm/vmalloc.c)
  const __vmalloc_node_range = k.traced(
    '__vmalloc_node_range',
    (size: number, align: number, start: Addr, end: Addr, gfp_mask: number, prot: pgprotval_t, node: number, caller: string): Addr => {
      const real_size = size;

      size = k.PAGE_ALIGN(size);
      if (!size || Math.floor(size / PAGE_SIZE) > k.num_physpages) return 0; /* totalram_pages */

      const area = __get_vm_area_node(size, align, VM_ALLOC, start, end, node, gfp_mask, caller);

      if (!area) return 0;

      const addr = __vmalloc_area_node(area, gfp_mask, prot, node, caller);

      /*
       * A ref_count = 3 is needed because the vm_struct and vmap_area
       * structures allocated in the __get_vm_area_node() function contain
       * references to the virtual address of the vmalloc'ed block.
       */
      k.kmemleak.alloc(addr, real_size, 3, caller + '+0x0/0x0'); /* kmemleak_alloc(addr, real_size, 3, gfp_mask) */

      return addr;
    },
  );

  /**
   *	__vmalloc_node  -  allocate virtually contiguous memory
   */
  // __vmalloc_node (mm/vmalloc.c)
  const __vmalloc_node = k.traced('__vmalloc_node', (size: number, align: number, gfp_mask: number, prot: pgprotval_t, node: number, caller: string): Addr =>
    __vmalloc_node_range(size, align, VMALLOC_START, VMALLOC_END, gfp_mask, prot, node, caller));

  // __vmalloc (mm/vmalloc.c)
  const __vmalloc = k.traced('__vmalloc', (size: number, gfp_mask: number, prot: pgprotval_t, caller: string = '__vmalloc'): Addr =>
    __vmalloc_node(size, 1, gfp_mask, prot, -1, caller));

  // __vmalloc_node_flags (mm/vmalloc.c): static inline, so __builtin_return_address(0) is its caller's caller
  const __vmalloc_node_flags = (size: number, node: number, flags: number, caller: string): Addr =>
    __vmalloc_node(size, 1, flags, PAGE_KERNEL, node, caller);

  /**
   *	vmalloc  -  allocate virtually contiguous memory
   */
  // vmalloc (mm/vmalloc.c)
  const vmalloc = k.traced('vmalloc', (size: number, caller: string = 'vmalloc'): Addr =>
    __vmalloc_node_flags(size, -1, GFP_KERNEL | __GFP_HIGHMEM, caller));

  /**
   *	vzalloc - allocate virtually contiguous memory with zero fill
   *	The memory allocated is set to zero.
   */
  // vzalloc (mm/vmalloc.c)
  const vzalloc = k.traced('vzalloc', (size: number, caller: string = 'vzalloc'): Addr =>
    __vmalloc_node_flags(size, -1, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO, caller));

  /**
   * vmalloc_user - allocate zeroed virtually contiguous memory for userspace
   */
  // vmalloc_user (mm/vmalloc.c)
  const vmalloc_user = k.traced('vmalloc_user', (size: number, caller: string = 'vmalloc_user'): Addr => {
    const SHMLBA = PAGE_SIZE; /* x86 asm/shmparam.h */
    const ret = __vmalloc_node(size, SHMLBA, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO, PAGE_KERNEL, -1, caller);
    if (ret) {
      const area = find_vm_area(ret)!;
      vmstruct.flags[area] |= VM_USERMAP;
    }
    return ret;
  });

  /**
   *	vmalloc_node  -  allocate memory on a specific node
   */
  // vmalloc_node (mm/vmalloc.c)
  const vmalloc_node = k.traced('vmalloc_node', (size: number, node: number, caller: string = 'vmalloc_node'): Addr =>
    __vmalloc_node(size, 1, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, caller));

  /**
   * vzalloc_node - allocate memory on a specific node with zero fill
   * The memory allocated is set to zero.
   */
  // vzalloc_node (mm/vmalloc.c)
  const vzalloc_node = k.traced('vzalloc_node', (size: number, node: number, caller: string = 'vzalloc_node'): Addr =>
    __vmalloc_node_flags(size, node, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO, caller));

  /**
   *	vmalloc_exec  -  allocate virtually contiguous, executable memory
   */
  // vmalloc_exec (mm/vmalloc.c)
  const vmalloc_exec = k.traced('vmalloc_exec', (size: number, caller: string = 'vmalloc_exec'): Addr =>
    __vmalloc_node(size, 1, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL_EXEC, -1, caller));

  /* GFP_VMALLOC32: GFP_DMA32 | GFP_KERNEL on x86_64 (CONFIG_ZONE_DMA32), GFP_KERNEL on i386 */
  const GFP_VMALLOC32 = BITS_PER_LONG === 64 ? GFP_DMA32 | GFP_KERNEL : GFP_KERNEL;

  /**
   *	vmalloc_32  -  allocate virtually contiguous memory (32bit addressable)
   */
  // vmalloc_32 (mm/vmalloc.c)
  const vmalloc_32 = k.traced('vmalloc_32', (size: number, caller: string = 'vmalloc_32'): Addr => __vmalloc_node(size, 1, GFP_VMALLOC32, PAGE_KERNEL, -1, caller));

  /**
   * vmalloc_32_user - allocate zeroed virtually contiguous 32bit memory
   */
  // vmalloc_32_user (mm/vmalloc.c)
  const vmalloc_32_user = k.traced('vmalloc_32_user', (size: number, caller: string = 'vmalloc_32_user'): Addr => {
    const ret = __vmalloc_node(size, 1, GFP_VMALLOC32 | __GFP_ZERO, PAGE_KERNEL, -1, caller);
    if (ret) {
      const area = find_vm_area(ret)!;
      vmstruct.flags[area] |= VM_USERMAP;
    }
    return ret;
  });

  /*
   * small helper routine , copy contents to buf from addr.
   * If the page is not present, fill zero.
   */
  // aligned_vread (mm/vmalloc.c)
  const aligned_vread = (buf: Uint8Array, b: number, addr: Addr, count: number): number => {
    let copied = 0;

    while (count) {
      const offset = addr % PAGE_SIZE;
      let length = PAGE_SIZE - offset;
      if (length > count) length = count;
      const p = vmalloc_to_page(addr);
      if (p >= 0) {
        k.readPage(p, offset, buf, b, length); /* kmap_atomic(p, KM_USER0) + memcpy */
      } else buf.fill(0, b, b + length);

      addr += length;
      b += length;
      copied += length;
      count -= length;
    }
    return copied;
  };

  // aligned_vwrite (mm/vmalloc.c)
  const aligned_vwrite = (buf: Uint8Array, b: number, addr: Addr, count: number): number => {
    let copied = 0;

    while (count) {
      const offset = addr % PAGE_SIZE;
      let length = PAGE_SIZE - offset;
      if (length > count) length = count;
      const p = vmalloc_to_page(addr);
      if (p >= 0) {
        k.writePage(p, offset, buf, b, length); /* kmap_atomic(p, KM_USER0) + memcpy */
      }
      addr += length;
      b += length;
      copied += length;
      count -= length;
    }
    return copied;
  };

  /**
   *	vread() -  read vmalloc area in a safe way.
   *	Returns # of bytes which addr and buf should be increased (the same number as @count),
   *	or 0 if [addr...addr+count) doesn't intersect any live vmalloc area.
   */
  // vread (mm/vmalloc.c)
  const vread = k.traced('vread', (buf: Uint8Array, addr: Addr, count: number): number => {
    let b = 0; /* buf - buf_start */
    const buflen = count;

    /* Don't allow overflow */
    if (k.ulong(addr + count) < count) count = k.ulong(-addr);

    k.read_lock(vmlist_lock);
    finished: for (let tmp = vmlist | 0; count && tmp; tmp = vmstruct.next[tmp]) {
      visit();
      const vaddr = vmstruct.addr[tmp];
      if (addr >= vaddr + vmstruct.size[tmp] - PAGE_SIZE) continue;
      if (addr < vaddr) {
        /* while (addr < vaddr) { if (count == 0) goto finished; *buf++ = '\0'; addr++; count--; } */
        const gap = Math.min(vaddr - addr, count);
        buf.fill(0, b, b + gap);
        b += gap;
        addr += gap;
        count -= gap;
        if (addr < vaddr) break finished;
      }
      let n = vaddr + vmstruct.size[tmp] - PAGE_SIZE - addr;
      if (n > count) n = count;
      if (!(vmstruct.flags[tmp] & VM_IOREMAP)) aligned_vread(buf, b, addr, n);
      /* IOREMAP area is treated as memory hole */ else buf.fill(0, b, b + n);
      b += n;
      addr += n;
      count -= n;
    }
    /* finished: */
    k.read_unlock(vmlist_lock);

    if (b === 0) return 0;
    /* zero-fill memory holes */
    if (b !== buflen) buf.fill(0, b, buflen);

    return buflen;
  });

  /**
   *	vwrite() -  write vmalloc area in a safe way.
   */
  // vwrite (mm/vmalloc.c)
  const vwrite = k.traced('vwrite', (buf: Uint8Array, addr: Addr, count: number): number => {
    let b = 0;
    // QUERY: `copied` counts areas written, not bytes: the result is all (buflen) or nothing.
    let copied = 0;

    /* Don't allow overflow */
    if (k.ulong(addr + count) < count) count = k.ulong(-addr);
    const buflen = count;

    k.read_lock(vmlist_lock);
    finished: for (let tmp = vmlist | 0; count && tmp; tmp = vmstruct.next[tmp]) {
      visit();
      const vaddr = vmstruct.addr[tmp];
      if (addr >= vaddr + vmstruct.size[tmp] - PAGE_SIZE) continue;
      if (addr < vaddr) {
        /* while (addr < vaddr) { if (count == 0) goto finished; buf++; addr++; count--; } */
        const gap = Math.min(vaddr - addr, count);
        b += gap;
        addr += gap;
        count -= gap;
        if (addr < vaddr) break finished;
      }
      let n = vaddr + vmstruct.size[tmp] - PAGE_SIZE - addr;
      if (n > count) n = count;
      if (!(vmstruct.flags[tmp] & VM_IOREMAP)) {
        aligned_vwrite(buf, b, addr, n);
        copied++;
      }
      b += n;
      addr += n;
      count -= n;
    }
    /* finished: */
    k.read_unlock(vmlist_lock);
    if (!copied) return 0;
    return buflen;
  });

  // vmalloc_sync_all (arch/x86/mm/fault.c): SIM: vmx has only init_mm, nothing to sync
  const vmalloc_sync_all = (): void => {};

  // f (mm/vmalloc.c): apply_to_page_range() does all the hard work.
  const f = (): number => 0;

  /**
   *	alloc_vm_area - allocate a range of kernel address space
   *	Returns:	NULL on failure, vm_struct on success
   */
  // alloc_vm_area (mm/vmalloc.c)
  const alloc_vm_area = k.traced('alloc_vm_area', (size: number, caller: string = 'alloc_vm_area'): vm_struct => {
    const area = get_vm_area_caller(size, VM_IOREMAP, caller);
    if (!area) return 0;

    /*
     * This ensures that page tables are constructed for this region
     * of kernel virtual address space and mapped into init_mm.
     */
    if (mem.apply_to_page_range(vmstruct.addr[area], vmstruct.size[area], f)) {
      free_vm_area(area);
      return 0;
    }

    /* Make sure the pagetables are constructed in process kernel mappings */
    vmalloc_sync_all();

    return area;
  });

  // free_vm_area (mm/vmalloc.c)
  function free_vm_area(area: vm_struct): void {
    const ret = remove_vm_area(vmstruct.addr[area]);
    k.BUG_ON(ret !== area, 2163);
    k.kfree(vmstruct.self[area]);
  }

  // node_to_va (mm/vmalloc.c)
  const node_to_va = (n: rb_node<vmap_area> | null): vmap_area | null => (n ? n.entry : null);

  /** pvm_find_next_prev's out args *pnext and *pprev (pvm_determine_end adjusts them too). */
  interface NextPrev {
    next: vmap_area | null;
    prev: vmap_area | null;
  }

  /**
   * pvm_find_next_prev - find the next and prev vmap_area surrounding @end
   * Returns true if either or both of next and prev are found, false if no vmap_area exists.
   */
  // pvm_find_next_prev (mm/vmalloc.c)
  const pvm_find_next_prev = (end: Addr, np: NextPrev): boolean => {
    let n = vmap_area_root.rb_node;
    let va: vmap_area | null = null;

    while (n) {
      visit();
      va = n.entry;
      if (end < va.va_end) n = n.rb_left;
      else if (end > va.va_end) n = n.rb_right;
      else break;
    }

    if (!va) return false;

    if (va.va_end > end) {
      np.next = va;
      np.prev = node_to_va(rb_prev(np.next.rb_node, visit));
    } else {
      np.prev = va;
      np.next = node_to_va(rb_next(np.prev.rb_node, visit));
    }
    return true;
  };

  /** x & ~(align - 1) for an address (exact in the biased space for every align up to 2^32 on i386 and 2^47 on x86_64). */
  const align_down = (x: Addr, align: number): Addr => Math.floor(x / align) * align;

  /**
   * pvm_determine_end - find the highest aligned address between two vmap_areas
   * The address returned may fall inside *pnext; the caller checks.
   */
  // pvm_determine_end (mm/vmalloc.c)
  const pvm_determine_end = (np: NextPrev, align: number): Addr => {
    const vmalloc_end = align_down(VMALLOC_END, align);
    let addr: Addr;

    if (np.next) addr = Math.min(align_down(np.next.va_start, align), vmalloc_end);
    else addr = vmalloc_end;

    while (np.prev && np.prev.va_end > addr) {
      np.next = np.prev;
      np.prev = node_to_va(rb_prev(np.next.rb_node, visit));
    }

    return addr;
  };

  /** SIM: the contents of each kmalloc'ed vms array pcpu_get_vm_areas returned, by its address. */
  const pcpu_vms = new Map<Addr, vm_struct[]>();

  /**
   * pcpu_get_vm_areas - allocate vmalloc areas for percpu allocator
   * Congruent areas (area i at base + offsets[i]) searched top-down from vmap_area_pcpu_hole.
   * Returns the kmalloc'd vms array (its address and the areas), or null for NULL.
   */
  // pcpu_get_vm_areas (mm/vmalloc.c)
  const pcpu_get_vm_areas = k.traced(
    'pcpu_get_vm_areas',
    (offsets: readonly number[], sizes: readonly number[], nr_vms: number, align: number): { vms: Addr; list: vm_struct[] } | null => {
      // SIM: an alignment beyond 2^47 on x86_64 puts VMALLOC_START/END outside the kernel half
      // in the C's arithmetic; vmx returns NULL there (no WARNING line). See NOTES.md.
      if (BITS_PER_LONG === 64 && align > 2 ** 47) return null;
      const ul = (x: number): number => (BITS_PER_LONG === 32 ? x % 2 ** 32 : x); /* unsigned long sums of offsets and sizes */
      align = BITS_PER_LONG === 32 ? align % 2 ** 32 : align; /* size_t */
      const vmalloc_start = align ? ALIGN_ANY(VMALLOC_START, align) : VMALLOC_START;
      const vmalloc_end = align ? align_down(VMALLOC_END, align) : VMALLOC_END;
      let area: number, area2: number, last_area: number, term_area: number;
      let base: number, start: number, end: number;
      let purged = false;

      /* verify parameters and allocate data structures */
      k.BUG_ON(align % PAGE_SIZE !== 0 || align === 0 || (align & (align - 1)) !== 0, 2289);
      for (last_area = 0, area = 0; area < nr_vms; area++) {
        start = offsets[area];
        end = ul(start + sizes[area]);

        /* is everything aligned properly? */
        k.BUG_ON(offsets[area] % align !== 0, 2295);
        k.BUG_ON(sizes[area] % align !== 0, 2296);

        /* detect the area with the highest address */
        if (start > offsets[last_area]) last_area = area;

        for (area2 = 0; area2 < nr_vms; area2++) {
          const start2 = offsets[area2];
          const end2 = ul(start2 + sizes[area2]);

          if (area2 === area) continue;

          k.BUG_ON(start2 >= start && start2 < end, 2309);
          k.BUG_ON(end2 <= end && end2 > start, 2310);
        }
      }
      const last_end = ul(offsets[last_area] + sizes[last_area]);

      if (k.ulong(vmalloc_end - vmalloc_start) < last_end) {
        k.WARN(true, 2316, 'pcpu_get_vm_areas');
        return null;
      }

      const vmsPtr = k.kmalloc(PTR * nr_vms, 'kzalloc'); /* GFP_KERNEL */
      const vasPtr = k.kmalloc(PTR * nr_vms, 'kzalloc'); /* GFP_KERNEL */
      const vms: vm_struct[] = new Array(nr_vms).fill(0);
      const vas: (vmap_area | null)[] = new Array(nr_vms).fill(null);

      const err_free = (): null => {
        for (area = 0; area < nr_vms; area++) {
          if (vasPtr) k.kfree(vas[area]?.self ?? 0);
          if (vmsPtr) k.kfree(vms[area] ? vmstruct.self[vms[area]] : 0);
        }
        k.kfree(vasPtr);
        k.kfree(vmsPtr);
        return null;
      };

      if (!vasPtr || !vmsPtr) return err_free();

      for (area = 0; area < nr_vms; area++) {
        const vaSelf = k.kmalloc(sizeof_vmap_area, 'kzalloc'); /* GFP_KERNEL */
        if (vaSelf) {
          const va: vmap_area = { va_start: 0, va_end: 0, flags: 0, rb_node: null as unknown as rb_node<vmap_area>, prev: null, next: null, private: 0, freed_vm_flags: -1, self: vaSelf };
          va.rb_node = new rb_node(va);
          vas[area] = va;
        }
        const vmSelf = k.kmalloc(sizeof_vm_struct, 'kzalloc'); /* GFP_KERNEL */
        if (vmSelf) {
          vms[area] = vmstruct.handleAt(vmSelf);
          vmstruct.memset0(vms[area]); /* kzalloc */
        }
        if (!vas[area] || !vms[area]) return err_free();
      }

      const np: NextPrev = { next: null, prev: null };
      retry: for (;;) {
        k.spin_lock(vmap_area_lock);

        /* start scanning - we scan from the top, begin with the last area */
        area = term_area = last_area;
        start = offsets[area];
        end = ul(start + sizes[area]);

        if (!pvm_find_next_prev(vmap_area_pcpu_hole, np)) {
          base = k.ulong(vmalloc_end - last_end);
          break retry; /* goto found */
        }
        base = k.ulong(pvm_determine_end(np, align) - end);

        for (;;) {
          k.BUG_ON(np.next !== null && np.next.va_end <= k.ulong(base + end), 2346);
          k.BUG_ON(np.prev !== null && np.prev.va_end > k.ulong(base + end), 2347);

          /*
           * base might have underflowed, add last_end before
           * comparing.
           */
          if (k.ulong(base + last_end) < k.ulong(vmalloc_start + last_end)) {
            k.spin_unlock(vmap_area_lock);
            if (!purged) {
              purge_vmap_area_lazy();
              purged = true;
              continue retry;
            }
            return err_free();
          }

          /*
           * If next overlaps, move base downwards so that it's
           * right below next and then recheck.
           */
          if (np.next && np.next.va_start < k.ulong(base + end)) {
            base = k.ulong(pvm_determine_end(np, align) - end);
            term_area = area;
            continue;
          }

          /*
           * If prev overlaps, shift down next and prev and move
           * base so that it's right below new next and then
           * recheck.
           */
          if (np.prev && np.prev.va_end > k.ulong(base + start)) {
            np.next = np.prev;
            np.prev = node_to_va(rb_prev(np.next.rb_node, visit));
            base = k.ulong(pvm_determine_end(np, align) - end);
            term_area = area;
            continue;
          }

          /*
           * This area fits, move on to the previous one.  If
           * the previous one is the terminal one, we're done.
           */
          area = (area + nr_vms - 1) % nr_vms;
          if (area === term_area) break;
          start = offsets[area];
          end = ul(start + sizes[area]);
          pvm_find_next_prev(k.ulong(base + end), np);
        }
        break;
      }
      /* found: we've found a fitting base, insert all va's */
      for (area = 0; area < nr_vms; area++) {
        const va = vas[area]!;

        va.va_start = k.ulong(base + offsets[area]);
        va.va_end = k.ulong(va.va_start + sizes[area]);
        __insert_vmap_area(va);
      }

      vmap_area_pcpu_hole = k.ulong(base + offsets[last_area]);

      k.spin_unlock(vmap_area_lock);

      /* insert all vm's */
      for (area = 0; area < nr_vms; area++) insert_vmalloc_vm(vms[area], vas[area]!, VM_ALLOC, 'pcpu_get_vm_areas');

      k.kfree(vasPtr);
      const list = vms as vm_struct[];
      pcpu_vms.set(vmsPtr, list);
      return { vms: vmsPtr, list };
    },
  );

  /**
   * pcpu_free_vm_areas - free vmalloc areas for percpu allocator
   * Free vm_structs and the array allocated by pcpu_get_vm_areas().
   */
  // pcpu_free_vm_areas (mm/vmalloc.c)
  const pcpu_free_vm_areas = k.traced('pcpu_free_vm_areas', (vmsPtr: Addr, nr_vms: number): void => {
    const vms = pcpu_vms.get(vmsPtr)!;
    for (let i = 0; i < nr_vms; i++) free_vm_area(vms[i]);
    pcpu_vms.delete(vmsPtr);
    k.kfree(vmsPtr);
  });

  /** The areas of a live vms array pcpu_get_vm_areas returned (SIM: the array's contents), or undefined. */
  const pcpu_vms_array = (vmsPtr: Addr): readonly vm_struct[] | undefined => pcpu_vms.get(vmsPtr);

  // s_show (mm/vmalloc.c): one line of /proc/vmallocinfo
  const s_show = (v: vm_struct): string => {
    let line = `0x${k.p(vmstruct.addr[v])}-0x${k.p(vmstruct.addr[v] + vmstruct.size[v])} ${String(vmstruct.size[v]).padStart(7, ' ')}`;

    if (vmstruct.caller[v]) line += ' ' + vmstruct.caller[v] + '+0x0/0x0'; /* seq_printf(m, " %pS", v->caller) (62c70bce8ac2) */

    if (vmstruct.nr_pages[v]) line += ` pages=${vmstruct.nr_pages[v]}`;

    if (vmstruct.phys_addr[v]) line += ` phys=${vmstruct.phys_addr[v].toString(16)}`; /* %llx of a phys_addr_t */

    if (vmstruct.flags[v] & VM_IOREMAP) line += ' ioremap';
    if (vmstruct.flags[v] & VM_ALLOC) line += ' vmalloc';
    if (vmstruct.flags[v] & VM_MAP) line += ' vmap';
    if (vmstruct.flags[v] & VM_USERMAP) line += ' user';
    if (vmstruct.flags[v] & VM_VPAGES) line += ' vpages';

    /* show_numa_info(m, v): SIM: not printed (NUMA_BUILD off, as on a default i386 config) */
    return line + '\n';
  };

  /** /proc/vmallocinfo: s_start / s_next / s_show over vmlist. */
  const vmallocinfo = (): string => {
    let out = '';
    k.read_lock(vmlist_lock); /* s_start */
    for (let v = vmlist | 0; v; v = vmstruct.next[v]) out += s_show(v);
    k.read_unlock(vmlist_lock); /* s_stop */
    return out;
  };

  /** Every vmap_area in address order (vmap_area_list). */
  const vmap_areas = (): vmap_area[] => {
    const out: vmap_area[] = [];
    for (let va = vmap_area_list_first; va; va = va.next) out.push(va);
    return out;
  };

  /** SIM: the user vma remap_vmalloc_range maps into: [REMAP_VM_START, + usize), no page tables. */
  const REMAP_VM_START = 0x10000000;
  // vm_insert_page (mm/memory.c): its checks; SIM: nothing is inserted (no user page tables).
  // page_count(NULL) reads NULL->_count (after the unsigned long flags): a freed area's range
  // whose ptes are already cleared gives the oops the C gives.
  const vm_insert_page = (vm_end: number, uaddr: number, page: number): number => {
    const EFAULT = 14;
    const EINVAL = 22;
    if (uaddr < REMAP_VM_START || uaddr >= vm_end) return -EFAULT;
    if (page < 0) k.oops_at(k.null_field(PTR)); /* page_count(NULL): page->_count follows the unsigned long flags */
    if (!k.page_count(page)) return -EINVAL;
    return 0;
  };

  /**
   *	remap_vmalloc_range  -  map vmalloc pages to userspace
   */
  // remap_vmalloc_range (mm/vmalloc.c). SIM: pgoff 0, a user vma of usize bytes at
  // REMAP_VM_START; the vm_insert_page loop runs with vm_insert_page's checks (a vma
  // of 0 pages gives -EFAULT) and inserts nothing; VM_RESERVED is not modelled.
  const remap_vmalloc_range = k.traced('remap_vmalloc_range', (addr: Addr, usize: number | undefined): number => {
    const EINVAL = 22;
    const pgoff = 0;

    if ((PAGE_SIZE - 1) & addr) return -EINVAL;

    const area = find_vm_area(addr);
    if (!area) return -EINVAL;

    if (!(vmstruct.flags[area] & VM_USERMAP)) return -EINVAL;

    if (usize === undefined) usize = vmstruct.size[area] - PAGE_SIZE; /* SIM: the default vma covers the whole area */
    if (k.ulong(usize + pgoff * PAGE_SIZE) > vmstruct.size[area] - PAGE_SIZE) return -EINVAL;

    addr = k.ulong(addr + pgoff * PAGE_SIZE);
    let uaddr = REMAP_VM_START; /* vma->vm_start */
    const vm_end = REMAP_VM_START + usize; /* vma->vm_end */
    do {
      const page = vmalloc_to_page(addr);
      const ret = vm_insert_page(vm_end, uaddr, page);
      if (ret) return ret;

      uaddr += PAGE_SIZE;
      addr = k.ulong(addr + PAGE_SIZE);
      usize = k.ulong(usize - PAGE_SIZE);
    } while (usize > 0);

    /* vma->vm_flags |= VM_RESERVED */
    return 0;
  });

  return {
    vmlist_lock,
    VMALLOC_START,
    VMALLOC_END,
    VMAP_MAX_ALLOC,
    VMAP_BBMAP_BITS,
    VMAP_BLOCK_SIZE,
    vmstruct,
    vmlist: () => vmlist,
    vmap_areas,
    vmap_area_root: () => vmap_area_root,
    vmap_lazy_nr: () => vmap_lazy_nr,
    vmap_area_pcpu_hole: () => vmap_area_pcpu_hole,
    free_vmap_cache: () => free_vmap_cache?.entry ?? null,
    cached_hole_size: () => cached_hole_size,
    cached_vstart: () => cached_vstart,
    cached_align: () => cached_align,
    vmap_block_queue: () => vmap_block_queue,
    vmap_blocks: () => [...vmap_block_tree.values()],
    lazy_max_pages,
    is_vmalloc_or_module_addr,
    vmalloc_to_page,
    vmalloc_to_pfn,
    remap_vmalloc_range,
    alloc_vmap_area,
    free_vmap_area,
    find_vmap_area,
    purge_vmap_area_lazy,
    vm_unmap_aliases,
    vm_unmap_ram,
    vm_map_ram,
    map_kernel_range_noflush,
    unmap_kernel_range_noflush,
    unmap_kernel_range,
    map_vm_area: (area: vm_struct, prot: pgprotval_t, pages: readonly number[]) => map_vm_area(area, prot, { pages, off: 0 }),
    __get_vm_area,
    __get_vm_area_caller,
    get_vm_area,
    get_vm_area_caller,
    find_vm_area,
    remove_vm_area,
    vfree,
    vunmap,
    vmap,
    __vmalloc_node_range,
    __vmalloc_node: __vmalloc_node,
    __vmalloc,
    vmalloc,
    vzalloc,
    vzalloc_node,
    set_iounmap_nonlazy,
    vmalloc_user,
    vmalloc_node,
    vmalloc_exec,
    vmalloc_32,
    vmalloc_32_user,
    vread,
    vwrite,
    alloc_vm_area,
    free_vm_area,
    vmallocinfo,
    pcpu_get_vm_areas,
    pcpu_free_vm_areas,
    pcpu_vms_array,
  };
}
