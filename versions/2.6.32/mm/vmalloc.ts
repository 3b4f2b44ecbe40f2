/**
 * Linux 2.6.32 mm/vmalloc.c, step for step (mainline commit 22763c5cf369, "Linux 2.6.32").
 * Same function names and order as the C file, with its section banners. The file statics
 * (vmap_area_root, vmap_area_list, vmap_lazy_nr, vmlist, the per-CPU vmap_block_queue…) live in
 * the closure `boot()` creates, because several kernels run side by side in one process.
 * Locks are no-ops (one thread of control); RCU callbacks run at once.
 *
 * Pointers: a vmap_block is a JS object that also carries the address kmalloc gave it (`self`).
 * A vmap_area is a row of the table `vmaparea` and a vm_struct a row of the table `vmstruct`
 * (src/kernel/struct-table.ts; the C names its own variables `vm` and `vms`):
 * `vmaparea.va_start[va]` is `va->va_start`, a vmap_area's embedded rb_node is the same row
 * (lib/rbtree.ts), and `self[p]` is the address kmalloc gave the struct. So a stale pointer can
 * be followed the way the C follows it (see remove_vm_area). Error pointers (ERR_PTR) are
 * negative errno numbers.
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
  VM_STRUCT,
  VM_USERMAP,
  VM_VPAGES,
  type PagesArray,
  type vm_struct,
  type vm_structs,
} from '../include/linux/vmalloc.js';
import { GFP_DMA32, GFP_KERNEL, GFP_RECLAIM_MASK, __GFP_HIGHMEM, __GFP_ZERO } from '../include/linux/gfp.js';
import { RB_NODE, rb_next_from, rb_walked, rbtree, type rb_node, type rb_root } from '../lib/rbtree.js';
import { ref, structTable, type StructTable } from '../../../src/kernel/struct-table.js';
import { newListWalk, vmlist_find, vmlist_find_from, type ListWalk } from '../../../src/kernel/list-walk.js';
import { addr_end, bootMemory } from './memory.js';
import { pgprot } from '../arch/x86/include/asm/pgtable_types.js';

const ENOMEM = 12;
const EBUSY = 16;

/*** Global kva allocator ***/

export const VM_LAZY_FREE = 0x01;
export const VM_LAZY_FREEING = 0x02;
export const VM_VM_AREA = 0x04;

/**
 * struct vmap_area, kept as columns (src/kernel/struct-table.ts): a `vmap_area` is a pointer, a
 * row of the table, 0 for NULL. Its rb_node is embedded, so the tree's nodes are the same rows.
 * `purge_list` is __purge_vmap_area_lazy's local array and `rcu_head` is not modelled (RCU
 * callbacks run at once).
 */
export const VMAP_AREA = {
  va_start: 'ulong',
  va_end: 'ulong',
  flags: 'int',
  /** struct rb_node rb_node: address sorted rbtree */
  ...RB_NODE,
  /** struct list_head list: address sorted list */
  next: 'ptr',
  prev: 'ptr',
  /** void *private: the vm_struct when VM_VM_AREA is set */
  private: 'ptr',
  /** SIM: the vmap_block this area backs (for reports; C has no back pointer). */
  block: ref<vmap_block>(),
  /**
   * SIM (reports only): the flags of `private` when remove_vm_area took it off vmlist, -1
   * before. The lazily freed area's label keeps them once the slab has given that vm_struct's
   * memory (its row) to another area.
   */
  freed_vm_flags: 'int',
} as const;
export type vmap_area = number;
export type vmap_areas = StructTable<typeof VMAP_AREA>;

export interface vmap_block {
  va: vmap_area;
  vbq: vmap_block_queue;
  free: number;
  dirty: number;
  alloc_map: Uint8Array;
  dirty_map: Uint8Array;
  /** on vbq->free (list_empty(&vb->free_list) is false) */
  onFreeList: boolean;
  self: Addr;
  lock: KernelLock;
}

export interface vmap_block_queue {
  /** list_head free: list_add puts new blocks first. */
  free: vmap_block[];
  nr_dirty: number;
  lock: KernelLock;
}

/** Machine-independent build options of the modelled kernel (.config). */
export interface Config2632 {
  /** CONFIG_NR_CPUS: 8, the x86 default for SMP. */
  NR_CPUS: number;
}

export const DEFAULT_CONFIG: Config2632 = { NR_CPUS: 8 };

export function fls(x: number): number {
  /* x86 fls() takes an int: only the low 32 bits of a size count */
  const v = x % 2 ** 32;
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

export type Vmalloc2632 = ReturnType<typeof boot>;

/**
 * alloc_vmap_area's search for a hole (mm/vmalloc.c 2.6.32), from the candidate `addr` (vstart
 * aligned) to the C's `found:` label: false where it jumps to `overflow:` inside the search;
 * otherwise w.addr is the candidate, which the caller checks against vend as the C does at
 * found:. w.visited counts the nodes stepped onto (descent and rb_next walks). SIM (speed):
 * lifted out of alloc_vmap_area's closure, and written to the rules of src/kernel/list-walk.ts.
 *
 * SIM (speed, docs/perf.md Round 11): the unsigned-long sums and ALIGN are written out here
 * rather than called as list-walk.ts's ulong_add and ulong_align. With those imported helpers
 * inlined into the rb_next loop, TurboFan kept the loop's addresses as tagged values and boxed a
 * heap number on every step (`--print-opt-code`); written out, the loop keeps them as float64.
 * `align` is a power of two (the C's ALIGN needs one; the scenario validator refuses others),
 * so dividing by it equals multiplying by its exact reciprocal.
 */
function alloc_vmap_area_search(va: vmap_areas, root: rb_node, addr_: Addr, size_: number, align_: number, vend_: Addr, page_size_: number, wrap_: number, w: ListWalk): boolean {
  const size = +size_;
  const align = +align_;
  const align_inv = 1 / align;
  const vend = +vend_;
  const wrap = +wrap_;
  const page_size = +page_size_;
  const va_start = va.va_start;
  const va_end = va.va_end;
  const rb_left = va.rb_left;
  const rb_right = va.rb_right;
  let addr = +addr_;
  let overflow = false;
  let visited = 0;
  let n = root | 0;
  let sum = 0; /* an unsigned long sum before its wrap at 2^BITS_PER_LONG */
  search: {
    // `addr + size - 1 < addr` in unsigned long: the sum reached 2^BITS_PER_LONG.
    if (addr + size - 1 >= wrap) {
      overflow = true;
      break search;
    }

    /* XXX: could have a last_hole cache */
    if (n) {
      let first: vmap_area = 0;
      sum = addr + size;
      const addr_end = sum - wrap * +(sum >= wrap); /* addr + size */

      do {
        visited++;
        const tmp = n; /* rb_entry(n, struct vmap_area, rb_node) */
        if (va_end[tmp] >= addr) {
          if (!first && va_start[tmp] < addr_end) first = tmp;
          n = rb_left[n];
        } else {
          first = tmp;
          n = rb_right[n];
        }
      } while (n);

      if (!first) break search; /* goto found */

      if (va_end[first] < addr) {
        n = rb_next_from(va, first);
        visited += rb_walked;
        if (n) first = n;
        else break search; /* goto found */
      }

      let end = addr_end;
      let first_start = va_start[first];
      while (end > first_start && end <= vend) {
        /* addr = ALIGN(first->va_end + PAGE_SIZE, align) */
        sum = va_end[first] + page_size;
        sum = sum - wrap * +(sum >= wrap) + (align - 1);
        addr = Math.floor((sum - wrap * +(sum >= wrap)) * align_inv) * align;
        if (addr + size - 1 >= wrap) {
          overflow = true;
          break search;
        }

        n = rb_next_from(va, first);
        visited += rb_walked;
        if (n) first = n;
        else break search; /* goto found */
        first_start = va_start[first];
        sum = addr + size;
        end = sum - wrap * +(sum >= wrap); /* addr + size */
      }
    }
  }
  w.addr = addr;
  w.visited = visited;
  return !overflow;
}

export function boot(k: Kernel, window: VmallocWindow, config: Config2632 = DEFAULT_CONFIG) {
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
  const sizeof_vm_struct = SIZEOF_VM_STRUCT(PTR);
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

  // pmd_none_or_clear_bad (include/asm-generic/pgtable.h), pmd_clear_bad (mm/memory.c 2.6.32): a bad pmd (lowmem's large entry) is reported and cleared
  const pmd_none_or_clear_bad = (pmd: EntryPtr): boolean => {
    if (k.pmd_none(pmd)) return true;
    if (k.pmd_bad(pmd)) {
      /* pmd_ERROR(*pmd): 2-level's is pgtable-nopmd.h's pud_ERROR, pgtable-nopud.h's pgd_ERROR */
      k.printk(k.pmd_ERROR_text(pmd, 'mm/memory.c', 144, k.arch.name === 'i386' ? 'pgd' : 'pmd'));
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
      k.WARN(!k.pte_none(ptent) && !k.pte_present(ptent), 44, 'vunmap_pte_range');
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
    k.BUG_ON(addr >= end, 81);
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

      if (k.WARN(!k.pte_none(k.pte_val(pte)), 107, 'vmap_pte_range')) return -EBUSY;
      if (k.WARN(page < 0, 109, 'vmap_pte_range')) return -ENOMEM;
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

    k.BUG_ON(addr >= end, 166);
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
  /* the slab memory of every struct vmap_area (their rows), and lib/rbtree.c over their rb_nodes */
  const vmaparea: vmap_areas = structTable(VMAP_AREA);
  // SIM (speed, docs/perf.md Round 10): the hot searches of the tree and of vmlist are
  // module-level functions (src/kernel/list-walk.ts says why); they hand back where they stopped
  // in `walk`.
  const walk = newListWalk();
  const WRAP = k.arch.ulongWrap;
  const { RB_EMPTY_NODE, RB_CLEAR_NODE, rb_link_node, rb_insert_color, rb_erase, rb_next, rb_prev, rb_prev_walk } = rbtree(vmaparea);
  const vmap_area_root: rb_root = { rb_node: 0 };
  /* LIST_HEAD(vmap_area_list): first and last entries */
  let vmap_area_list_first: vmap_area = 0;
  let vmap_area_list_last: vmap_area = 0;
  let vmap_area_pcpu_hole = 0;

  // __find_vmap_area (mm/vmalloc.c)
  const __find_vmap_area = (addr: Addr): vmap_area => {
    let n = vmap_area_root.rb_node;
    let visited = 0; // SIM: nodes_visited added once per descent (docs/perf.md)

    while (n) {
      visited++;
      const va = n; /* rb_entry(n, struct vmap_area, rb_node) */
      const va_start = vmaparea.va_start[va];
      if (addr < va_start) n = vmaparea.rb_left[n];
      else if (addr > va_start) n = vmaparea.rb_right[n];
      else {
        counters[NODES_VISITED] += visited;
        return va;
      }
    }

    counters[NODES_VISITED] += visited;
    return 0;
  };

  /** list_add_rcu(&va->list, after) — after 0 is the list head. */
  const list_add_after = (va: vmap_area, after: vmap_area): void => {
    const next = after ? vmaparea.next[after] : vmap_area_list_first;
    vmaparea.prev[va] = after;
    vmaparea.next[va] = next;
    if (after) vmaparea.next[after] = va;
    else vmap_area_list_first = va;
    if (next) vmaparea.prev[next] = va;
    else vmap_area_list_last = va;
  };

  /** list_del_rcu(&va->list) */
  const list_del = (va: vmap_area): void => {
    const prev = vmaparea.prev[va];
    const next = vmaparea.next[va];
    if (prev) vmaparea.next[prev] = next;
    else vmap_area_list_first = next;
    if (next) vmaparea.prev[next] = prev;
    else vmap_area_list_last = prev;
    vmaparea.prev[va] = vmaparea.next[va] = 0;
  };

  // __insert_vmap_area (mm/vmalloc.c)
  const __insert_vmap_area = (va: vmap_area): void => {
    let parent = 0;
    let p = vmap_area_root.rb_node;
    let left = false;
    let visited = 0; // SIM: nodes_visited added once per descent (docs/perf.md)
    const va_start = vmaparea.va_start[va];
    const va_end = vmaparea.va_end[va];

    while (p) {
      visited++;
      parent = p;
      const tmp = parent; /* rb_entry(parent, struct vmap_area, rb_node) */
      if (va_start < vmaparea.va_end[tmp]) {
        p = vmaparea.rb_left[p];
        left = true;
      } else if (va_end > vmaparea.va_start[tmp]) {
        p = vmaparea.rb_right[p];
        left = false;
      } else {
        counters[NODES_VISITED] += visited;
        k.BUG(304);
      }
    }
    counters[NODES_VISITED] += visited;

    const par = parent;
    rb_link_node(va, par, (n) => {
      if (!par) vmap_area_root.rb_node = n;
      else if (left) vmaparea.rb_left[par] = n;
      else vmaparea.rb_right[par] = n;
    });
    rb_insert_color(va, vmap_area_root);

    /* address-sort this list so it is usable like the vmlist */
    const tmp = rb_prev_walk(va);
    counters[NODES_VISITED] += rb_walked;
    if (tmp) list_add_after(va, tmp /* rb_entry(tmp, struct vmap_area, rb_node) */);
    else list_add_after(va, 0);
  };

  /*
   * Allocate a region of KVA of the specified size and alignment, within the
   * vstart and vend.
   */
  // alloc_vmap_area (mm/vmalloc.c)
  const alloc_vmap_area = k.traced(
    'alloc_vmap_area',
    (size: number, align: number, vstart: Addr, vend: Addr, node: number, gfp_mask: number): vmap_area => {
      let addr: Addr;
      let purged = 0;

      k.BUG_ON(!size, 336);
      k.BUG_ON(size % PAGE_SIZE !== 0, 337);

      void gfp_mask; /* gfp_mask & GFP_RECLAIM_MASK */
      const self = k.kmalloc(sizeof_vmap_area, 'kmalloc_node', node);
      if (!self) return -ENOMEM;
      const va: vmap_area = vmaparea.handleAt(self); /* a row is positive, ERR_PTR(-ENOMEM) negative */
      vmaparea.block[va] = null; /* SIM: the report-only fields are not slab memory */
      vmaparea.freed_vm_flags[va] = -1;

      for (;;) {
        /* retry: */
        addr = ALIGN(vstart, align);
        k.spin_lock(vmap_area_lock);
        const overflow = !alloc_vmap_area_search(vmaparea, vmap_area_root.rb_node, addr, size, align, vend, PAGE_SIZE, WRAP, walk);
        addr = walk.addr;
        counters[NODES_VISITED] += walk.visited;
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
          k.kfree(vmaparea.self[va]);
          return -EBUSY;
        }
        break;
      }

      k.BUG_ON(addr % align !== 0, 409);

      vmaparea.va_start[va] = addr;
      vmaparea.va_end[va] = k.ulong(addr + size);
      vmaparea.flags[va] = 0;
      __insert_vmap_area(va);
      k.spin_unlock(vmap_area_lock);

      return va;
    },
  );

  // rcu_free_va (mm/vmalloc.c): RCU callbacks run at once in vmx
  const rcu_free_va = (va: vmap_area): void => {
    k.kfree(vmaparea.self[va]);
  };

  // __free_vmap_area (mm/vmalloc.c)
  const __free_vmap_area = (va: vmap_area): void => {
    k.BUG_ON(RB_EMPTY_NODE(va), 429);
    rb_erase(va, vmap_area_root);
    RB_CLEAR_NODE(va);
    list_del(va);

    /*
     * Track the highest possible candidate for pcpu area
     * allocation.  Areas outside of vmalloc area can be returned
     * here too, consider only end addresses which fall inside
     * vmalloc area proper.
     */
    const va_end = vmaparea.va_end[va];
    if (va_end > VMALLOC_START && va_end <= VMALLOC_END) vmap_area_pcpu_hole = Math.max(vmap_area_pcpu_hole, va_end);

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
    vunmap_page_range(vmaparea.va_start[va], vmaparea.va_end[va]);
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
  /* static DEFINE_SPINLOCK(purge_lock); in __purge_vmap_area_lazy */
  const purge_lock = k.lock_init('purge_lock');

  /*
   * Purges all lazily-freed vmap areas.
   *
   * If sync is 0 then don't purge if there is already a purge in progress.
   * If force_flush is 1, then flush kernel TLBs between *start and *end even
   * if we found no lazy vmap areas to unmap.
   */
  // __purge_vmap_area_lazy (mm/vmalloc.c)
  const __purge_vmap_area_lazy = k.traced('__purge_vmap_area_lazy', (range: { start: Addr; end: Addr }, sync: number, force_flush: number): void => {
    const valist: vmap_area[] = [];
    let nr = 0;

    /*
     * If sync is 0 but force_flush is 1, we'll go sync anyway but callers
     * should not expect such behaviour.
     */
    if (!sync && !force_flush) {
      if (!k.spin_trylock(purge_lock)) return;
    } else k.spin_lock(purge_lock);

    /* rcu_read_lock(); */
    for (let va = vmap_area_list_first; va; va = vmaparea.next[va]) {
      visit();
      if (vmaparea.flags[va] & VM_LAZY_FREE) {
        if (vmaparea.va_start[va] < range.start) range.start = vmaparea.va_start[va];
        if (vmaparea.va_end[va] > range.end) range.end = vmaparea.va_end[va];
        nr += Math.floor(k.ulong(vmaparea.va_end[va] - vmaparea.va_start[va]) / PAGE_SIZE); /* unsigned long: va_end may have wrapped to 0 */
        unmap_vmap_area(va);
        valist.push(va); /* list_add_tail(&va->purge_list, &valist) */
        vmaparea.flags[va] |= VM_LAZY_FREEING;
        vmaparea.flags[va] &= ~VM_LAZY_FREE;
      }
    }
    /* rcu_read_unlock(); */

    if (nr) {
      // QUERY: VM_LAZY_FREE is set before vmap_lazy_nr is raised, so on SMP this BUG_ON can
      // fire spuriously; 2.6.32.6 (f2fa92b29da) removed it. It cannot fire in one thread.
      k.BUG_ON(nr > vmap_lazy_nr, 559);
      vmap_lazy_nr -= nr;
    }

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

  // purge_vmap_area_lazy (mm/vmalloc.c)
  function purge_vmap_area_lazy(): void {
    __purge_vmap_area_lazy({ start: ULONG_MAX, end: 0 }, 1, 0);
  }

  /*
   * Free and unmap a vmap area, caller ensuring flush_cache_vunmap had been
   * called for the correct range previously.
   */
  // free_unmap_vmap_area_noflush (mm/vmalloc.c)
  const free_unmap_vmap_area_noflush = (va: vmap_area): void => {
    vmaparea.flags[va] |= VM_LAZY_FREE;
    vmap_lazy_nr += Math.floor(k.ulong(vmaparea.va_end[va] - vmaparea.va_start[va]) / PAGE_SIZE); /* unsigned long: va_end may have wrapped to 0 */
    if (vmap_lazy_nr > lazy_max_pages()) try_purge_vmap_area_lazy();
  };

  // free_unmap_vmap_area (mm/vmalloc.c)
  const free_unmap_vmap_area = k.traced('free_unmap_vmap_area', (va: vmap_area): void => {
    k.flush_cache_vunmap();
    free_unmap_vmap_area_noflush(va);
  });

  // find_vmap_area (mm/vmalloc.c)
  const find_vmap_area = (addr: Addr): vmap_area => {
    k.spin_lock(vmap_area_lock);
    const va = __find_vmap_area(addr);
    k.spin_unlock(vmap_area_lock);
    return va;
  };

  // free_unmap_vmap_area_addr (mm/vmalloc.c)
  const free_unmap_vmap_area_addr = (addr: Addr): void => {
    const va = find_vmap_area(addr);
    k.BUG_ON(!va, 633);
    free_unmap_vmap_area(va);
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
  /** sizeof(struct vmap_block): spinlock (padded to a long), 4 words, two bitmaps, a union of 2 words. */
  const sizeof_vmap_block = PTR + 4 * PTR + 2 * (Math.ceil(VMAP_BBMAP_BITS / BITS_PER_LONG) * PTR) + 2 * PTR;

  const vmap_initialized = true; /* vmalloc_init() ran at boot */

  /* static DEFINE_PER_CPU(struct vmap_block_queue, vmap_block_queue); (per possible CPU) */
  /* vmalloc_init: spin_lock_init(&vbq->lock) for each possible CPU */
  const vmap_block_queue: vmap_block_queue[] = Array.from({ length: k.num_online_cpus() }, () => ({ free: [], nr_dirty: 0, lock: k.lock_init('vbq->lock') }));
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
    if (va < 0) { /* IS_ERR(va) */
      k.kfree(self);
      return va;
    }

    /* radix_tree_preload(gfp_mask): SIM: never fails (radix nodes are not modelled) */

    const vbq = vmap_block_queue[k.cpu]; /* &get_cpu_var(vmap_block_queue) */
    const vb: vmap_block = {
      va,
      vbq,
      free: VMAP_BBMAP_BITS,
      dirty: 0,
      alloc_map: new Uint8Array(VMAP_BBMAP_BITS),
      dirty_map: new Uint8Array(VMAP_BBMAP_BITS),
      onFreeList: false,
      self,
      lock: k.lock_init('vb->lock'), /* spin_lock_init(&vb->lock) */
    };
    vmaparea.block[va] = vb;

    const vb_idx = addr_to_vb_idx(vmaparea.va_start[va]);
    k.spin_lock(vmap_block_tree_lock);
    const err = vmap_block_tree.has(vb_idx); /* radix_tree_insert: -EEXIST */
    if (!err) vmap_block_tree.set(vb_idx, vb);
    k.spin_unlock(vmap_block_tree_lock);
    k.BUG_ON(err, 756);

    k.spin_lock(vbq.lock);
    vbq.free.unshift(vb); /* list_add(&vb->free_list, &vbq->free) */
    vb.onFreeList = true;
    k.spin_unlock(vbq.lock);
    // QUERY: put_cpu_var(vmap_cpu_blocks) after get_cpu_var(vmap_block_queue): a name
    // mismatch that only re-enables preemption, so it is harmless.

    return vb;
  });

  // rcu_free_vb (mm/vmalloc.c)
  const rcu_free_vb = (vb: vmap_block): void => {
    k.kfree(vb.self);
  };

  // free_vmap_block (mm/vmalloc.c)
  const free_vmap_block = k.traced('free_vmap_block', (vb: vmap_block): void => {
    k.BUG_ON(vb.onFreeList, 781);

    const vb_idx = addr_to_vb_idx(vmaparea.va_start[vb.va]);
    k.spin_lock(vmap_block_tree_lock);
    const tmp = vmap_block_tree.get(vb_idx);
    vmap_block_tree.delete(vb_idx);
    k.spin_unlock(vmap_block_tree_lock);
    k.BUG_ON(tmp !== vb, 787);

    free_unmap_vmap_area_noflush(vb.va);
    rcu_free_vb(vb); /* call_rcu(&vb->rcu_head, rcu_free_vb) */
  });

  /** get_order(size) for size > 0 */
  const get_order = (size: number): number => {
    let order = 0;
    while (PAGE_SIZE * 2 ** order < size) order++;
    return order;
  };

  /** bitmap_find_free_region (lib/bitmap.c): the first free aligned 2^order region, or -ENOMEM. */
  const bitmap_find_free_region = (map: Uint8Array, bits: number, order: number): number => {
    const len = 2 ** order;
    for (let pos = 0; pos < bits; pos += len) {
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

    k.BUG_ON(size % PAGE_SIZE !== 0, 800);
    k.BUG_ON(size > PAGE_SIZE * VMAP_MAX_ALLOC, 801);
    const order = get_order(size);

    for (;;) {
      /* again: */
      const vbq = vmap_block_queue[k.cpu];
      for (const vb of vbq.free) {
        visit();
        k.spin_lock(vb.lock);
        const i = bitmap_find_free_region(vb.alloc_map, VMAP_BBMAP_BITS, order);

        if (i >= 0) {
          addr = vmaparea.va_start[vb.va] + i * PAGE_SIZE;
          k.BUG_ON(addr_to_vb_idx(addr) !== addr_to_vb_idx(vmaparea.va_start[vb.va]), 816);
          vb.free -= 2 ** order;
          if (vb.free === 0) {
            k.spin_lock(vbq.lock);
            vbq.free.splice(vbq.free.indexOf(vb), 1); /* list_del_init(&vb->free_list) */
            vb.onFreeList = false;
            k.spin_unlock(vbq.lock);
          }
          k.spin_unlock(vb.lock);
          break;
        }
        k.spin_unlock(vb.lock);
      }

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
    k.BUG_ON(size % PAGE_SIZE !== 0, 849);
    k.BUG_ON(size > PAGE_SIZE * VMAP_MAX_ALLOC, 850);

    k.flush_cache_vunmap();

    const order = get_order(size);

    const offset = addr % VMAP_BLOCK_SIZE;

    const vb_idx = addr_to_vb_idx(addr);
    const vb = vmap_block_tree.get(vb_idx);
    k.BUG_ON(!vb, 862);

    k.spin_lock(vb!.lock);
    // QUERY: the result of bitmap_allocate_region is ignored, so freeing the same chunk twice
    // counts it twice in vb->dirty and can free the block while parts of it are in use.
    bitmap_allocate_region(vb!.dirty_map, Math.floor(offset / PAGE_SIZE), order);

    vb!.dirty += 2 ** order;
    if (vb!.dirty === VMAP_BBMAP_BITS) {
      k.BUG_ON(vb!.free !== 0 || vb!.onFreeList, 869);
      k.spin_unlock(vb!.lock);
      free_vmap_block(vb!);
    } else k.spin_unlock(vb!.lock);
  });

  /**
   * vm_unmap_aliases - unmap outstanding lazy aliases in the vmap layer
   */
  // vm_unmap_aliases (mm/vmalloc.c)
  const vm_unmap_aliases = k.traced('vm_unmap_aliases', (): void => {
    const range = { start: ULONG_MAX, end: 0 };
    let flush = 0;

    if (!vmap_initialized) return;

    for (const vbq of vmap_block_queue) {
      /* for_each_possible_cpu(cpu) */
      // QUERY: only blocks still on vbq->free are scanned; a block with no free chunk left
      // keeps its dirty chunks mapped until it becomes wholly dirty and is lazily freed.
      for (const vb of vbq.free) {
        visit();
        k.spin_lock(vb.lock);
        let i = vb.dirty_map.indexOf(1); /* find_first_bit */
        if (i < 0) i = VMAP_BBMAP_BITS;
        while (i < VMAP_BBMAP_BITS) {
          let j = vb.dirty_map.indexOf(0, i); /* find_next_zero_bit */
          if (j < 0) j = VMAP_BBMAP_BITS;

          const s = vmaparea.va_start[vb.va] + i * PAGE_SIZE;
          const e = vmaparea.va_start[vb.va] + j * PAGE_SIZE;
          vunmap_page_range(s, e);
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

    k.BUG_ON(!addr, 947);
    k.BUG_ON(addr < VMALLOC_START, 948);
    k.BUG_ON(addr > VMALLOC_END, 949);
    k.BUG_ON(addr % PAGE_SIZE !== 0, 950);

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
      if (va < 0) return 0; /* IS_ERR(va) */

      addr = vmaparea.va_start[va];
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
  // SIM (speed, docs/perf.md Round 7): the walks left here start from `vmlist | 0`, an int to
  // the JIT; the hot ones are module-level functions (`walk`, above).
  const vmstruct: vm_structs = structTable(VM_STRUCT);
  /** SIM: the frames holding vmalloc'ed pages arrays, and the array each holds (see __vunmap). */
  const arrayFrameOwner = new Map<number, PagesArray>();

  // insert_vmalloc_vm (mm/vmalloc.c)
  const insert_vmalloc_vm = (vm: vm_struct, va: vmap_area, flags: number, caller: string): void => {
    vmstruct.flags[vm] = flags;
    vmstruct.addr[vm] = vmaparea.va_start[va];
    vmstruct.size[vm] = k.ulong(vmaparea.va_end[va] - vmaparea.va_start[va]); /* an area ending at 2^32 has va_end 0 */
    vmstruct.caller[vm] = caller;
    vmaparea.private[va] = vm;
    vmaparea.flags[va] |= VM_VM_AREA;

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
      if (va < 0) { /* IS_ERR(va) */
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

  // get_vm_area_node (mm/vmalloc.c)
  const get_vm_area_node = (size: number, flags: number, node: number, gfp_mask: number, caller = 'get_vm_area_node'): vm_struct =>
    __get_vm_area_node(size, 1, flags, VMALLOC_START, VMALLOC_END, node, gfp_mask, caller);

  // find_vm_area (mm/vmalloc.c)
  const find_vm_area = (addr: Addr): vm_struct => {
    const va = find_vmap_area(addr);
    if (va && vmaparea.flags[va] & VM_VM_AREA) return vmaparea.private[va];

    return 0;
  };

  /**
   *	remove_vm_area  -  find and remove a continuous kernel virtual area
   */
  // remove_vm_area (mm/vmalloc.c)
  const remove_vm_area = k.traced('remove_vm_area', (addr: Addr): vm_struct => {
    const va = find_vmap_area(addr);
    if (va && vmaparea.flags[va] & VM_VM_AREA) {
      /* struct vm_struct *vm = va->private: a pointer value, which may be stale */
      const vmPtr = vmstruct.self[vmaparea.private[va]];
      if (vmaparea.freed_vm_flags[va] < 0) vmaparea.freed_vm_flags[va] = vmstruct.flags[vmaparea.private[va]]; /* SIM: for reports */
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
        k.oops_at(0);
      }
      /* the memory at vmPtr: the live vm_struct there now (the same one unless stale) */
      const vm = tmp;
      if (prev) vmstruct.next[prev] = vmstruct.next[tmp];
      else vmlist = vmstruct.next[tmp];
      k.write_unlock(vmlist_lock);

      vmap_debug_free_range(vmaparea.va_start[va], vmaparea.va_end[va]);
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
      k.WARN(true, 1301, '__vunmap', `Trying to vfree() bad address (${k.p(addr)})`);
      return 'bad-address';
    }

    const area = remove_vm_area(addr);
    if (!area) {
      k.WARN(true, 1307, '__vunmap', `Trying to vfree() nonexistent vm area (${k.p(addr)})`);
      return 'nonexistent';
    }

    /* debug_check_no_locks_freed(addr, area->size); debug_check_no_obj_freed(addr, area->size); */

    if (deallocate_pages) {
      for (let i = 0; i < vmstruct.nr_pages[area]; i++) {
        // struct page *page = area->pages[i]: a load through the array's own mapping when it
        // was vmalloc'ed (VM_VPAGES), which oopses once that array has been vfree'd and purged.
        const slot = k.ulong(vmstruct.pages[area]!.ptr + i * PTR);
        let page = vmstruct.pages[area]!.pfns[i];
        if (vmstruct.flags[area] & VM_VPAGES) {
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

        k.BUG_ON(page < 0, 1321);
        k.__free_page(page);
        // SIM: a page holding another area's vmalloc'ed pages array stops holding it once freed
        const holder = arrayFrameOwner.get(page);
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

    vmstruct.nr_pages[area] = nr_pages;
    /* Please note that the recursion is strictly bounded. */
    if (array_size > PAGE_SIZE) {
      pagesPtr = __vmalloc_node(array_size, 1, gfp_mask | __GFP_ZERO, PAGE_KERNEL, node, caller);
      vmstruct.flags[area] |= VM_VPAGES;
    } else {
      pagesPtr = k.kmalloc(array_size, 'kmalloc_node', node); /* (gfp_mask & GFP_RECLAIM_MASK) | __GFP_ZERO */
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

  // __vmalloc_area (mm/vmalloc.c): module_alloc's entry
  const __vmalloc_area = (area: vm_struct, gfp_mask: number, prot: pgprotval_t, caller = '__vmalloc_area'): Addr => {
    const addr = __vmalloc_area_node(area, gfp_mask, prot, -1, caller);

    /*
     * A ref_count = 3 is needed because the vm_struct and vmap_area
     * structures allocated in the __get_vm_area_node() function contain
     * references to the virtual address of the vmalloc'ed block.
     */
    // QUERY: kmemleak gets the page-rounded size here but the caller's unrounded size in
    // __vmalloc_node.
    k.kmemleak.alloc(addr, vmstruct.size[area] - PAGE_SIZE, 3, caller + '+0x0/0x0');

    return addr;
  };

  /**
   *	__vmalloc_node  -  allocate virtually contiguous memory
   */
  // __vmalloc_node (mm/vmalloc.c)
  const __vmalloc_node = k.traced('__vmalloc_node', (size: number, align: number, gfp_mask: number, prot: pgprotval_t, node: number, caller: string): Addr => {
    const real_size = size;

    size = k.PAGE_ALIGN(size);
    if (!size || Math.floor(size / PAGE_SIZE) > k.num_physpages) return 0; /* totalram_pages */

    const area = __get_vm_area_node(size, align, VM_ALLOC, VMALLOC_START, VMALLOC_END, node, gfp_mask, caller);

    if (!area) return 0;

    const addr = __vmalloc_area_node(area, gfp_mask, prot, node, caller);

    /*
     * A ref_count = 3 is needed because the vm_struct and vmap_area
     * structures allocated in the __get_vm_area_node() function contain
     * references to the virtual address of the vmalloc'ed block.
     */
    k.kmemleak.alloc(addr, real_size, 3, caller + '+0x0/0x0'); /* kmemleak_alloc(addr, real_size, 3, gfp_mask) */

    return addr;
  });

  // __vmalloc (mm/vmalloc.c)
  const __vmalloc = k.traced('__vmalloc', (size: number, gfp_mask: number, prot: pgprotval_t, caller: string = '__vmalloc'): Addr =>
    __vmalloc_node(size, 1, gfp_mask, prot, -1, caller));

  /**
   *	vmalloc  -  allocate virtually contiguous memory
   */
  // vmalloc (mm/vmalloc.c)
  const vmalloc = k.traced('vmalloc', (size: number, caller: string = 'vmalloc'): Addr =>
    __vmalloc_node(size, 1, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, -1, caller));

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
    k.BUG_ON(ret !== area, 1991);
    k.kfree(vmstruct.self[area]);
  }

  // node_to_va (mm/vmalloc.c): rb_entry(n, struct vmap_area, rb_node), NULL for NULL
  const node_to_va = (n: number): vmap_area => n;

  /** pvm_find_next_prev's out args *pnext and *pprev (pvm_determine_end adjusts them too). */
  interface NextPrev {
    next: vmap_area;
    prev: vmap_area;
  }

  /**
   * pvm_find_next_prev - find the next and prev vmap_area surrounding @end
   * Returns true if either or both of next and prev are found, false if no vmap_area exists.
   */
  // pvm_find_next_prev (mm/vmalloc.c)
  const pvm_find_next_prev = (end: Addr, np: NextPrev): boolean => {
    let n = vmap_area_root.rb_node;
    let va: vmap_area = 0;

    while (n) {
      visit();
      va = n; /* rb_entry(n, struct vmap_area, rb_node) */
      if (end < vmaparea.va_end[va]) n = vmaparea.rb_left[n];
      else if (end > vmaparea.va_end[va]) n = vmaparea.rb_right[n];
      else break;
    }

    if (!va) return false;

    if (vmaparea.va_end[va] > end) {
      np.next = va;
      np.prev = node_to_va(rb_prev(np.next, visit));
    } else {
      np.prev = va;
      np.next = node_to_va(rb_next(np.prev, visit));
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

    if (np.next) addr = Math.min(align_down(vmaparea.va_start[np.next], align), vmalloc_end);
    else addr = vmalloc_end;

    while (np.prev && vmaparea.va_end[np.prev] > addr) {
      np.next = np.prev;
      np.prev = node_to_va(rb_prev(np.next, visit));
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
    (offsets: readonly number[], sizes: readonly number[], nr_vms: number, align: number, gfp_mask: number): { vms: Addr; list: vm_struct[] } | null => {
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

      void (gfp_mask & GFP_RECLAIM_MASK); /* gfp_mask &= GFP_RECLAIM_MASK */

      /* verify parameters and allocate data structures */
      k.BUG_ON(align % PAGE_SIZE !== 0 || align === 0 || (align & (align - 1)) !== 0, 2119);
      for (last_area = 0, area = 0; area < nr_vms; area++) {
        start = offsets[area];
        end = ul(start + sizes[area]);

        /* is everything aligned properly? */
        k.BUG_ON(offsets[area] % align !== 0, 2125);
        k.BUG_ON(sizes[area] % align !== 0, 2126);

        /* detect the area with the highest address */
        if (start > offsets[last_area]) last_area = area;

        for (area2 = 0; area2 < nr_vms; area2++) {
          const start2 = offsets[area2];
          const end2 = ul(start2 + sizes[area2]);

          if (area2 === area) continue;

          k.BUG_ON(start2 >= start && start2 < end, 2139);
          k.BUG_ON(end2 <= end && end2 > start, 2140);
        }
      }
      const last_end = ul(offsets[last_area] + sizes[last_area]);

      if (k.ulong(vmalloc_end - vmalloc_start) < last_end) {
        k.WARN(true, 2146, 'pcpu_get_vm_areas');
        return null;
      }

      const vmsPtr = k.kmalloc(PTR * nr_vms, 'kzalloc');
      const vasPtr = k.kmalloc(PTR * nr_vms, 'kzalloc');
      const vms: vm_struct[] = new Array<vm_struct>(nr_vms).fill(0);
      const vas: vmap_area[] = new Array<vmap_area>(nr_vms).fill(0);

      const err_free = (): null => {
        for (area = 0; area < nr_vms; area++) {
          if (vasPtr) k.kfree(vas[area] ? vmaparea.self[vas[area]] : 0);
          if (vmsPtr) k.kfree(vms[area] ? vmstruct.self[vms[area]] : 0);
        }
        k.kfree(vasPtr);
        k.kfree(vmsPtr);
        return null;
      };

      if (!vasPtr || !vmsPtr) return err_free();

      for (area = 0; area < nr_vms; area++) {
        const vaSelf = k.kmalloc(sizeof_vmap_area, 'kzalloc');
        if (vaSelf) {
          const va = vmaparea.handleAt(vaSelf);
          vmaparea.memset0(va); /* kzalloc */
          vmaparea.freed_vm_flags[va] = -1; /* SIM: for reports */
          vas[area] = va;
        }
        const vmSelf = k.kmalloc(sizeof_vm_struct, 'kzalloc');
        if (vmSelf) {
          vms[area] = vmstruct.handleAt(vmSelf);
          vmstruct.memset0(vms[area]); /* kzalloc */
        }
        if (!vas[area] || !vms[area]) return err_free();
      }

      const np: NextPrev = { next: 0, prev: 0 };
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
          k.BUG_ON(np.next !== 0 && vmaparea.va_end[np.next] <= k.ulong(base + end), 2176);
          k.BUG_ON(np.prev !== 0 && vmaparea.va_end[np.prev] > k.ulong(base + end), 2177);

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
          if (np.next && vmaparea.va_start[np.next] < k.ulong(base + end)) {
            base = k.ulong(pvm_determine_end(np, align) - end);
            term_area = area;
            continue;
          }

          /*
           * If prev overlaps, shift down next and prev and move
           * base so that it's right below new next and then
           * recheck.
           */
          if (np.prev && vmaparea.va_end[np.prev] > k.ulong(base + start)) {
            np.next = np.prev;
            np.prev = node_to_va(rb_prev(np.next, visit));
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
        const va = vas[area];

        vmaparea.va_start[va] = k.ulong(base + offsets[area]);
        vmaparea.va_end[va] = k.ulong(vmaparea.va_start[va] + sizes[area]);
        __insert_vmap_area(va);
      }

      vmap_area_pcpu_hole = k.ulong(base + offsets[last_area]);

      k.spin_unlock(vmap_area_lock);

      /* insert all vm's */
      for (area = 0; area < nr_vms; area++) insert_vmalloc_vm(vms[area], vas[area], VM_ALLOC, 'pcpu_get_vm_areas');

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
    // seq_printf(m, "0x%p-0x%p %7ld", v->addr, v->addr + v->size, v->size): the end is pointer
    // arithmetic and wraps (an area ending at 2^32 prints its end as %p of NULL, "(null)"), and
    // %7ld prints the unsigned long size as signed (2 GiB or more is negative on i386).
    const size_ld = k.arch.bitsPerLong === 32 && vmstruct.size[v] >= 2 ** 31 ? vmstruct.size[v] - 2 ** 32 : vmstruct.size[v];
    let line = `0x${k.p(vmstruct.addr[v])}-0x${k.p(k.ulong(vmstruct.addr[v] + vmstruct.size[v]))} ${String(size_ld).padStart(7, ' ')}`;

    if (vmstruct.caller[v]) line += ' ' + vmstruct.caller[v] + '+0x0/0x0'; /* sprint_symbol(buff, v->caller) */

    if (vmstruct.nr_pages[v]) line += ` pages=${vmstruct.nr_pages[v]}`;

    if (vmstruct.phys_addr[v]) line += ` phys=${vmstruct.phys_addr[v].toString(16)}`;

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
    for (let va = vmap_area_list_first; va; va = vmaparea.next[va]) out.push(va);
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
    vmlist: () => vmlist,
    vmaparea,
    vmstruct,
    vmap_areas,
    vmap_area_root: () => vmap_area_root,
    vmap_lazy_nr: () => vmap_lazy_nr,
    vmap_area_pcpu_hole: () => vmap_area_pcpu_hole,
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
    get_vm_area_node,
    find_vm_area,
    remove_vm_area,
    vfree,
    vunmap,
    vmap,
    __vmalloc_area,
    __vmalloc_node: __vmalloc_node,
    __vmalloc,
    vmalloc,
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
