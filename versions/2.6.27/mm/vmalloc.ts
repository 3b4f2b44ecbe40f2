/**
 * Linux 2.6.27 mm/vmalloc.c, step for step (mainline commit 3fa8749e584b, "Linux 2.6.27"; blob
 * 85b9a0d2). The last vmlist kernel: every area is a vm_struct on the address-sorted `vmlist`,
 * placed by a first-fit walk of that list (__get_vm_area_node), unmapped and flushed at once by
 * vfree. No vmap_area, no rbtree, no lazy freeing, no vm_map_ram (those came with 2.6.28's
 * db64fe02258f), no kmemleak hooks (2.6.31).
 *
 * The file statics (vmlist, vmlist_lock) live in the closure `boot()` creates, because several
 * kernels run side by side in one process. vmlist_lock is taken and released where the C does
 * (the kernel services track holders: a step that dies holding it leaves it held). The
 * vm_structs are rows of the table `vm` (include/linux/vmalloc.ts): `vm.addr[p]` is `p->addr`.
 * Unsigned-long arithmetic that can wrap in C is wrapped with k.ulong.
 */
import type { Addr, EntryPtr, Kernel, pgprotval_t } from '../../../src/kernel/kernel.js';
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
  VM_VPAGES,
  type PagesArray,
  VM_STRUCT, type vm_struct, type vm_structs,
} from '../include/linux/vmalloc.js';
import { structTable } from '../../../src/kernel/struct-table.js';
import { newListWalk, ulong_add, ulong_align, vmlist_find, type ListWalk } from '../../../src/kernel/list-walk.js';
import { GFP_DMA32, GFP_KERNEL, GFP_RECLAIM_MASK, __GFP_HIGHMEM, __GFP_ZERO } from '../include/linux/gfp.js';
import { addr_end, bootMemory } from './memory.js';
import { pgprot } from '../include/asm-x86/pgtable.js';

const ENOMEM = 12;

/** fls() of x86 (an int argument: only the low 32 bits of a size count). */
export function fls(x: number): number {
  const v = x % 2 ** 32;
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

export type Vmalloc2627 = ReturnType<typeof boot>;

/**
 * __get_vm_area_node's search of vmlist for a gap (mm/vmalloc.c 2.6.27), its
 * `for (p = &vmlist; ...)` loop from the candidate `addr`: false where the C does `goto out`
 * inside the loop; otherwise w.addr is the candidate, w.tmp the entry it goes before (NULL past
 * the last, where the caller makes the C's checks after the loop) and w.prev the one after
 * which it goes. SIM (speed): lifted out of __get_vm_area_node's closure, and written to the
 * rules of src/kernel/list-walk.ts: an entry's aligned end and both comparisons of the first
 * test are worked out for every entry, the rare branch only picks.
 */
function __get_vm_area_node_search(vm: vm_structs, vmlist: vm_struct, size_: number, start: Addr, align_: number, limit_: Addr, wrap_: number, w: ListWalk): boolean {
  const size = +size_;
  const align = +align_;
  const limit = +limit_; /* end - size */
  const wrap = +wrap_;
  const vm_next = vm.next;
  const vm_addr = vm.addr;
  const vm_size = vm.size;
  let addr = +start;
  let prev: vm_struct = 0;
  let tmp = vmlist | 0;
  let visited = 0;
  let out = false;
  for (; tmp; prev = tmp, tmp = vm_next[tmp]) {
    visited++;
    const tmp_addr = vm_addr[tmp];
    const tmp_end = ulong_add(tmp_addr, vm_size[tmp], wrap); /* tmp->addr + tmp->size */
    const next = ulong_align(tmp_end, align, wrap); /* ALIGN(tmp->size + (unsigned long)tmp->addr, align) */
    const below = tmp_addr < addr;
    const inside = tmp_end >= addr;
    if (below) {
      if (inside) addr = next;
      continue;
    }
    // `(size + addr) < addr` in unsigned long: the sum reached 2^BITS_PER_LONG.
    if (size + addr >= wrap) {
      out = true;
      break;
    }
    if (size + addr <= tmp_addr) break; /* goto found */
    addr = next;
    if (addr > limit) {
      out = true;
      break;
    }
  }
  w.prev = prev;
  w.tmp = tmp;
  w.addr = addr;
  w.visited = visited;
  return !out;
}

export function boot(k: Kernel, window: VmallocWindow) {
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
  const sizeof_vm_struct = SIZEOF_VM_STRUCT(PTR);
  const counters = k.counters;
  const NODES_VISITED = COUNTER_INDEX.nodes_visited;
  const mem = bootMemory(k);

  /** ALIGN(x, a) in unsigned long arithmetic (the bias is a multiple of every alignment used). */
  const ALIGN = (x: number, a: number): number => (a === 1 ? k.ulong(x) : k.ulong(Math.floor(k.ulong(x + a - 1) / a) * a));

  /* DEFINE_RWLOCK(vmlist_lock); struct vm_struct *vmlist; */
  const vmlist_lock = k.lock_init('vmlist_lock');
  let vmlist: vm_struct = 0;
  const vm = structTable(VM_STRUCT);
  // SIM (speed, docs/perf.md Round 10): the hot vmlist walks are module-level functions
  // (src/kernel/list-walk.ts says why); they hand back where they stopped in `walk`. The walks
  // left here start from `vmlist | 0`, an int to the JIT (Round 7).
  const walk = newListWalk();
  const WRAP = k.arch.ulongWrap;
  /** SIM: the frames holding vmalloc'ed pages arrays, and the array each holds (see __vunmap). */
  const arrayFrameOwner = new Map<number, PagesArray>();

  // pmd_none_or_clear_bad (include/asm-generic/pgtable.h), pmd_clear_bad (mm/memory.c 2.6.27): a bad pmd (lowmem's large entry) is reported and cleared
  const pmd_none_or_clear_bad = (pmd: EntryPtr): boolean => {
    if (k.pmd_none(pmd)) return true;
    if (k.pmd_bad(pmd)) {
      /* pmd_ERROR(*pmd): 2-level's is pgtable-nopmd.h's pud_ERROR, pgtable-nopud.h's pgd_ERROR */
      k.printk(k.pmd_ERROR_text(pmd, 'mm/memory.c', 130, k.arch.name === 'i386' ? 'pgd' : 'pmd'));
      k.pmd_clear(pmd);
      return true;
    }
    return false;
  };

  // vunmap_pte_range (mm/vmalloc.c 2.6.27)
  const vunmap_pte_range = (pmd: EntryPtr, addr: Addr, end: Addr): void => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let pte = k.pte_offset(pmd, addr); /* pte_offset_kernel */
    do {
      const ptent = k.ptep_get_and_clear(pte);
      k.WARN(!k.pte_none(ptent) && !k.pte_present(ptent), 39, 'vunmap_pte_range');
      pte++;
      addr = k.ulong(addr + PAGE_SIZE);
    } while (addr !== end);
  };

  // vunmap_pmd_range (mm/vmalloc.c 2.6.27)
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

  // vunmap_pud_range (mm/vmalloc.c 2.6.27)
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

  // unmap_kernel_range (mm/vmalloc.c 2.6.27)
  const unmap_kernel_range = k.traced('unmap_kernel_range', (addr: Addr, size: number): void => {
    const start = addr;
    const end = k.ulong(addr + size);

    k.BUG_ON(addr >= end, 80);
    let pgd = k.pgd_offset_k(addr);
    k.flush_cache_vunmap();
    do {
      const next = addr_end(k, addr, end, PGDIR_SIZE);
      if (!k.pgd_none(pgd)) vunmap_pud_range(pgd, addr, next); /* pgd_none_or_clear_bad */
      pgd++;
      addr = next;
    } while (addr !== end);
    k.flush_tlb_kernel_range(start, end);
  });

  // unmap_vm_area (mm/vmalloc.c 2.6.27)
  const unmap_vm_area = (area: vm_struct): void => {
    unmap_kernel_range(vm.addr[area], vm.size[area]);
  };

  /** map_vm_area's `struct page ***pages`: the array and how far it has been consumed. */
  interface PagesCursor {
    pages: readonly number[];
    off: number;
  }

  // vmap_pte_range (mm/vmalloc.c 2.6.27)
  const vmap_pte_range = (pmd: EntryPtr, addr: Addr, end: Addr, prot: pgprotval_t, pages: PagesCursor): number => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    const pteflags = pfn_pte_flags(prot); /* mk_pte(page, prot)'s flag bits: the same for every page */
    let pte = k.pte_alloc(pmd, addr); /* pte_alloc_kernel */
    if (pte < 0) return -ENOMEM;
    do {
      const page = pages.pages[pages.off] ?? -1; /* struct page *page = **pages */
      // QUERY: a pte that is already set is reported and then overwritten (2.6.28 made this
      // WARN_ON return -EBUSY); its old frame is never freed through this mapping.
      k.WARN(!k.pte_none(k.pte_val(pte)), 107, 'vmap_pte_range');
      if (page < 0) return -ENOMEM;
      k.set_pte(pte, page, pteflags); /* set_pte_at(&init_mm, addr, pte, mk_pte(page, prot)) */
      pages.off++; /* (*pages)++ */
      pte++;
      addr = k.ulong(addr + PAGE_SIZE);
    } while (addr !== end);
    return 0;
  };

  // vmap_pmd_range (mm/vmalloc.c 2.6.27)
  const vmap_pmd_range = (pud: EntryPtr, addr: Addr, end: Addr, prot: pgprotval_t, pages: PagesCursor): number => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let pmd = k.pmd_alloc(pud, addr);
    if (pmd < 0) return -ENOMEM;
    do {
      const next = addr_end(k, addr, end, PMD_SIZE);
      if (vmap_pte_range(pmd, addr, next, prot, pages)) return -ENOMEM;
      pmd++;
      addr = next;
    } while (addr !== end);
    return 0;
  };

  // vmap_pud_range (mm/vmalloc.c 2.6.27)
  const vmap_pud_range = (pgd: EntryPtr, addr: Addr, end: Addr, prot: pgprotval_t, pages: PagesCursor): number => {
    addr = +addr; /* SIM (speed): unboxed once, so the loop keeps it a float64 */
    end = +end;
    let pud = k.pud_alloc(pgd, addr);
    if (pud < 0) return -ENOMEM;
    do {
      const next = addr_end(k, addr, end, PUD_SIZE);
      if (vmap_pmd_range(pud, addr, next, prot, pages)) return -ENOMEM;
      pud++;
      addr = next;
    } while (addr !== end);
    return 0;
  };

  // map_vm_area (mm/vmalloc.c 2.6.27)
  const map_vm_area = k.traced('map_vm_area', (area: vm_struct, prot: pgprotval_t, pages: PagesCursor): number => {
    let addr = vm.addr[area];
    const end = k.ulong(addr + vm.size[area] - PAGE_SIZE);
    let err = 0;

    k.BUG_ON(addr >= end, 158);
    let pgd = k.pgd_offset_k(addr);
    do {
      const next = addr_end(k, addr, end, PGDIR_SIZE);
      err = vmap_pud_range(pgd, addr, next, prot, pages);
      if (err) break;
      pgd++;
      addr = next;
    } while (addr !== end);
    k.flush_cache_vmap(); /* flush_cache_vmap((unsigned long) area->addr, end) */
    return err;
  });

  /*
   * Map a vmalloc()-space virtual address to the physical page.
   */
  // vmalloc_to_page (mm/vmalloc.c 2.6.27): the frame mapped at addr, or -1 for NULL
  const vmalloc_to_page = k.traced('vmalloc_to_page', (vmalloc_addr: Addr): number => {
    const addr = vmalloc_addr;
    let page = -1;
    const pgd = k.pgd_offset_k(addr);

    if (!k.pgd_none(pgd)) {
      const pud = k.pud_offset(pgd, addr);
      if (!k.pud_none(pud)) {
        const pmd = k.pmd_offset(pud, addr);
        if (!k.pmd_none(pmd)) {
          const ptep = k.pte_offset(pmd, addr); /* pte_offset_map */
          const pte = k.pte_val(ptep);
          if (k.pte_present(pte)) page = k.pte_page(pte);
          /* pte_unmap(ptep) */
        }
      }
    }
    return page;
  });

  // vmalloc_to_pfn (mm/vmalloc.c 2.6.27). SIM: -1 where C returns page_to_pfn(NULL), a meaningless number
  const vmalloc_to_pfn = (vmalloc_addr: Addr): number => vmalloc_to_page(vmalloc_addr);

  /** The printk of __get_vm_area_node's out: label. */
  const out = (area: Addr): 0 => {
    k.write_unlock(vmlist_lock);
    k.kfree(area);
    if (k.printk_ratelimit()) k.printk('allocation failed: out of vmalloc space - use vmalloc=<size> to increase size.');
    return 0;
  };

  // __get_vm_area_node (mm/vmalloc.c 2.6.27)
  const __get_vm_area_node = k.traced(
    '__get_vm_area_node',
    (size: number, flags: number, start: Addr, end: Addr, node: number, gfp_mask: number, caller: string): vm_struct => {
      let align = 1;

      /* BUG_ON(in_interrupt()); */
      if (flags & VM_IOREMAP) {
        let bit = fls(size);

        if (bit > IOREMAP_MAX_ORDER) bit = IOREMAP_MAX_ORDER;
        else if (bit < PAGE_SHIFT) bit = PAGE_SHIFT;

        align = 2 ** bit;
      }
      const addr = ALIGN(start, align);
      size = k.PAGE_ALIGN(size);
      if (!size) return 0;

      void (gfp_mask & GFP_RECLAIM_MASK);
      const self = k.kmalloc(sizeof_vm_struct, 'kmalloc_node', node);

      if (!self) return 0;

      /*
       * We always allocate a guard page.
       */
      // QUERY: on i386 a size of 0xfffff000 wraps to 0 here; the walk below then inserts a
      // zero-sized area (size + addr never exceeds addr), which vfree later BUGs on
      // (unmap_kernel_range's BUG_ON(addr >= end), line 80).
      size = k.ulong(size + PAGE_SIZE);

      k.write_lock(vmlist_lock);
      // SIM: the loop-invariant end - size is computed once, as the C compiler hoists it.
      const limit = k.ulong(end - size);
      let fail = !__get_vm_area_node_search(vm, vmlist, size, addr, align, limit, WRAP, walk); /* goto out */
      const prev = walk.prev; /* p = &vmlist, or &prev->next */
      const tmp = walk.tmp;
      counters[NODES_VISITED] += walk.visited;
      if (!fail && !tmp) {
        if (k.ulong(size + walk.addr) < walk.addr) fail = true;
        else if (walk.addr > limit) fail = true;
      }
      if (fail) return out(self);

      /* found: */
      const area = vm.handleAt(self);
      vm.next[area] = tmp;
      if (prev) vm.next[prev] = area;
      else vmlist = area;

      vm.flags[area] = flags;
      vm.addr[area] = walk.addr;
      vm.size[area] = size;
      vm.pages[area] = null;
      vm.nr_pages[area] = 0;
      vm.phys_addr[area] = 0;
      vm.caller[area] = caller;
      k.write_unlock(vmlist_lock);

      return area;
    },
  );

  // __get_vm_area (mm/vmalloc.c 2.6.27)
  const __get_vm_area = (size: number, flags: number, start: Addr, end: Addr, caller: string = '__get_vm_area'): vm_struct =>
    __get_vm_area_node(size, flags, start, end, -1, GFP_KERNEL, caller);

  /**
   *	get_vm_area  -  reserve a contiguous kernel virtual area
   */
  // get_vm_area (mm/vmalloc.c 2.6.27)
  const get_vm_area = (size: number, flags: number, caller: string = 'get_vm_area'): vm_struct =>
    __get_vm_area_node(size, flags, VMALLOC_START, VMALLOC_END, -1, GFP_KERNEL, caller);

  // get_vm_area_caller (mm/vmalloc.c 2.6.27)
  const get_vm_area_caller = (size: number, flags: number, caller: string): vm_struct =>
    __get_vm_area_node(size, flags, VMALLOC_START, VMALLOC_END, -1, GFP_KERNEL, caller);

  // get_vm_area_node (mm/vmalloc.c 2.6.27)
  const get_vm_area_node = (size: number, flags: number, node: number, gfp_mask: number, caller: string = 'get_vm_area_node'): vm_struct =>
    __get_vm_area_node(size, flags, VMALLOC_START, VMALLOC_END, node, gfp_mask, caller);

  /* Caller must hold vmlist_lock */
  // __find_vm_area (mm/vmalloc.c 2.6.27)
  const __find_vm_area = (addr: Addr): vm_struct => {
    const tmp = vmlist_find(vm.next, vm.addr, vmlist, addr, walk);
    counters[NODES_VISITED] += walk.visited;

    return tmp;
  };

  /* Caller must hold vmlist_lock */
  // __remove_vm_area (mm/vmalloc.c 2.6.27)
  const __remove_vm_area = (addr: Addr): vm_struct => {
    const tmp = vmlist_find(vm.next, vm.addr, vmlist, addr, walk); /* goto found */
    const prev = walk.prev;
    counters[NODES_VISITED] += walk.visited;
    if (!tmp) return 0;

    /* found: */
    unmap_vm_area(tmp);
    if (prev) vm.next[prev] = vm.next[tmp];
    else vmlist = vm.next[tmp];

    /*
     * Remove the guard page.
     */
    vm.size[tmp] -= PAGE_SIZE;
    return tmp;
  };

  /**
   *	remove_vm_area  -  find and remove a continuous kernel virtual area
   */
  // remove_vm_area (mm/vmalloc.c 2.6.27)
  const remove_vm_area = k.traced('remove_vm_area', (addr: Addr): vm_struct => {
    k.write_lock(vmlist_lock);
    const v = __remove_vm_area(addr);
    k.write_unlock(vmlist_lock);
    return v;
  });

  // __vunmap (mm/vmalloc.c 2.6.27)
  const __vunmap = k.traced('__vunmap', (addr: Addr, deallocate_pages: number): FreeOutcome => {
    if (!addr) return 'ok';

    if (addr % PAGE_SIZE !== 0) {
      k.WARN(true, 384, '__vunmap', `Trying to vfree() bad address (${k.p(addr)})`);
      return 'bad-address';
    }

    const area = remove_vm_area(addr);
    if (!area) {
      k.WARN(true, 390, '__vunmap', `Trying to vfree() nonexistent vm area (${k.p(addr)})`);
      return 'nonexistent';
    }

    /* debug_check_no_locks_freed(addr, area->size); debug_check_no_obj_freed(addr, area->size): off */

    if (deallocate_pages) {
      for (let i = 0; i < vm.nr_pages[area]; i++) {
        // struct page *page = area->pages[i]: a load through the array's own mapping when it
        // was vmalloc'ed (VM_VPAGES), which oopses if that array area was vfree'd on its own.
        let page = vm.pages[area]!.pfns[i];
        if (vm.flags[area] & VM_VPAGES) {
          const slot = k.ulong(vm.pages[area]!.ptr + i * PTR);
          if (i === 0 || slot % PAGE_SIZE < PTR) k.readByte(slot);
          // The array's page was freed and its address now maps another page, or the page went
          // to a new owner: the load reads that page, fresh and so zero unless written (a NULL
          // page pointer). A freed page nobody took yet still holds the old entries.
          const frames = vm.pages[area]!.frames;
          const f = frames ? frames[Math.floor((i * PTR) / PAGE_SIZE)] : -1;
          if (frames && (k.walk(slot) !== f || (vm.pages[area]!.freedFrames?.has(f) && !k.PageBuddy(f)))) {
            let v = 0;
            for (let b = 0; b < PTR; b++) v |= k.readByte(k.ulong(slot + b));
            if (v === 0) page = -1;
          }
        }

        k.BUG_ON(page < 0, 404);
        k.__free_page(page);
        // SIM: a page holding another area's vmalloc'ed pages array stops holding it once freed.
        // SIM (speed, docs/perf.md): no lookup per page while no such array is live.
        const holder = arrayFrameOwner.size === 0 ? undefined : arrayFrameOwner.get(page);
        if (holder && k.PageBuddy(page)) {
          (holder.freedFrames ??= new Set()).add(page);
          arrayFrameOwner.delete(page);
        }
      }

      if (vm.flags[area] & VM_VPAGES) vfree(vm.pages[area]!.ptr);
      else k.kfree(vm.pages[area] ? vm.pages[area].ptr : 0);
    }

    k.kfree(vm.self[area]);
    return 'ok';
  });

  /**
   *	vfree  -  release memory allocated by vmalloc()
   */
  // vfree (mm/vmalloc.c 2.6.27)
  const vfree = k.traced('vfree', (addr: Addr): FreeOutcome => {
    /* BUG_ON(in_interrupt()); */
    return __vunmap(addr, 1);
  });

  /**
   *	vunmap  -  release virtual mapping obtained by vmap()
   */
  // vunmap (mm/vmalloc.c 2.6.27)
  const vunmap = k.traced('vunmap', (addr: Addr): FreeOutcome => {
    /* BUG_ON(in_interrupt()); */
    return __vunmap(addr, 0);
  });

  /**
   *	vmap  -  map an array of pages into virtually contiguous space
   */
  // vmap (mm/vmalloc.c 2.6.27)
  const vmap = k.traced('vmap', (pages: readonly number[], count: number, flags: number, prot: pgprotval_t, caller: string = 'vmap'): Addr => {
    if (count > k.num_physpages) return 0;

    /* (count << PAGE_SHIFT): unsigned int arithmetic */
    const area = get_vm_area_caller((count * PAGE_SIZE) % 2 ** 32, flags, caller);
    if (!area) return 0;

    if (map_vm_area(area, prot, { pages, off: 0 })) {
      vunmap(vm.addr[area]);
      return 0;
    }

    return vm.addr[area];
  });

  // __vmalloc_area_node (mm/vmalloc.c 2.6.27)
  const __vmalloc_area_node = k.traced('__vmalloc_area_node', (area: vm_struct, gfp_mask: number, prot: pgprotval_t, node: number, caller: string): Addr => {
    let pagesPtr: Addr;

    const nr_pages = Math.floor((vm.size[area] - PAGE_SIZE) / PAGE_SIZE) % 2 ** 32; /* unsigned int */
    const array_size = (nr_pages * PTR) % 2 ** 32; /* unsigned int */

    vm.nr_pages[area] = nr_pages;
    /* Please note that the recursion is strictly bounded. */
    if (array_size > PAGE_SIZE) {
      pagesPtr = __vmalloc_node(array_size, gfp_mask | __GFP_ZERO, PAGE_KERNEL, node, caller);
      vm.flags[area] |= VM_VPAGES;
    } else {
      pagesPtr = k.kmalloc(array_size, 'kmalloc_node', node); /* (gfp_mask & GFP_RECLAIM_MASK) | __GFP_ZERO */
    }
    // SIM: the array's contents live in `pfns`; the simulated memory behind a vmalloc'ed
    // pages array reads as zeroes rather than as struct page pointers.
    vm.pages[area] = pagesPtr ? ({ ptr: pagesPtr, pfns: filledArray(nr_pages, -1) } as PagesArray) : null;
    if (vm.pages[area] && vm.flags[area] & VM_VPAGES) {
      // SIM: the pages now mapped at the array's address hold it (read from the page tables)
      const frames: number[] = [];
      for (let j = 0; j * PAGE_SIZE < array_size; j++) frames.push(k.walk(k.ulong(pagesPtr + j * PAGE_SIZE)));
      vm.pages[area].frames = frames;
      for (const f of frames) if (f >= 0) arrayFrameOwner.set(f, vm.pages[area]);
    }
    vm.caller[area] = caller;
    if (!vm.pages[area]) {
      remove_vm_area(vm.addr[area]);
      k.kfree(vm.self[area]);
      return 0;
    }

    for (let i = 0; i < vm.nr_pages[area]; i++) {
      let page: number;

      if (node < 0) page = k.alloc_page(gfp_mask);
      else page = k.alloc_page(gfp_mask, node); /* alloc_pages_node(node, gfp_mask, 0) */

      if (page < 0) {
        /* Successfully allocated i pages, free them in __vunmap() */
        vm.nr_pages[area] = i;
        vfree(vm.addr[area]); /* goto fail */
        return 0;
      }
      vm.pages[area].pfns[i] = page;
    }

    // map_vm_area(area, prot, &pages): `pages` is the local copy of area->pages
    if (map_vm_area(area, prot, { pages: vm.pages[area].pfns, off: 0 })) {
      /* fail: */
      vfree(vm.addr[area]);
      return 0;
    }
    return vm.addr[area];
  });

  // __vmalloc_area (mm/vmalloc.c 2.6.27)
  const __vmalloc_area = (area: vm_struct, gfp_mask: number, prot: pgprotval_t, caller: string = '__vmalloc_area'): Addr =>
    __vmalloc_area_node(area, gfp_mask, prot, -1, caller);

  /**
   *	__vmalloc_node  -  allocate virtually contiguous memory
   */
  // __vmalloc_node (mm/vmalloc.c 2.6.27): static, no align argument (2.6.28 added it)
  const __vmalloc_node = k.traced('__vmalloc_node', (size: number, gfp_mask: number, prot: pgprotval_t, node: number, caller: string): Addr => {
    size = k.PAGE_ALIGN(size);
    if (!size || Math.floor(size / PAGE_SIZE) > k.num_physpages) return 0;

    const area = __get_vm_area_node(size, VM_ALLOC, VMALLOC_START, VMALLOC_END, node, gfp_mask, caller);

    if (!area) return 0;

    return __vmalloc_area_node(area, gfp_mask, prot, node, caller);
  });

  // __vmalloc (mm/vmalloc.c 2.6.27)
  const __vmalloc = k.traced('__vmalloc', (size: number, gfp_mask: number, prot: pgprotval_t, caller: string = '__vmalloc'): Addr =>
    __vmalloc_node(size, gfp_mask, prot, -1, caller));

  /**
   *	vmalloc  -  allocate virtually contiguous memory
   */
  // vmalloc (mm/vmalloc.c 2.6.27)
  const vmalloc = k.traced('vmalloc', (size: number, caller: string = 'vmalloc'): Addr =>
    __vmalloc_node(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, -1, caller));

  /**
   * vmalloc_user - allocate zeroed virtually contiguous memory for userspace
   */
  // vmalloc_user (mm/vmalloc.c 2.6.27): the caller recorded is __vmalloc's return address, in vmalloc_user
  const vmalloc_user = k.traced('vmalloc_user', (size: number): Addr => {
    const ret = __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO, PAGE_KERNEL, 'vmalloc_user');
    if (ret) {
      k.write_lock(vmlist_lock);
      const area = __find_vm_area(ret)!;
      vm.flags[area] |= VM_USERMAP;
      k.write_unlock(vmlist_lock);
    }
    return ret;
  });

  /**
   *	vmalloc_node  -  allocate memory on a specific node
   */
  // vmalloc_node (mm/vmalloc.c 2.6.27)
  const vmalloc_node = k.traced('vmalloc_node', (size: number, node: number, caller: string = 'vmalloc_node'): Addr =>
    __vmalloc_node(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, node, caller));

  /**
   *	vmalloc_exec  -  allocate virtually contiguous, executable memory
   */
  // vmalloc_exec (mm/vmalloc.c 2.6.27)
  const vmalloc_exec = k.traced('vmalloc_exec', (size: number): Addr => __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL_EXEC, 'vmalloc_exec'));

  /* GFP_VMALLOC32: GFP_DMA32 | GFP_KERNEL on x86_64 (CONFIG_ZONE_DMA32), GFP_KERNEL on i386 */
  const GFP_VMALLOC32 = BITS_PER_LONG === 64 ? GFP_DMA32 | GFP_KERNEL : GFP_KERNEL;

  /**
   *	vmalloc_32  -  allocate virtually contiguous memory (32bit addressable)
   */
  // vmalloc_32 (mm/vmalloc.c 2.6.27)
  const vmalloc_32 = k.traced('vmalloc_32', (size: number): Addr => __vmalloc(size, GFP_VMALLOC32, PAGE_KERNEL, 'vmalloc_32'));

  /**
   * vmalloc_32_user - allocate zeroed virtually contiguous 32bit memory
   */
  // vmalloc_32_user (mm/vmalloc.c 2.6.27)
  const vmalloc_32_user = k.traced('vmalloc_32_user', (size: number): Addr => {
    const ret = __vmalloc(size, GFP_VMALLOC32 | __GFP_ZERO, PAGE_KERNEL, 'vmalloc_32_user');
    if (ret) {
      k.write_lock(vmlist_lock);
      const area = __find_vm_area(ret)!;
      vm.flags[area] |= VM_USERMAP;
      k.write_unlock(vmlist_lock);
    }
    return ret;
  });

  // vread (mm/vmalloc.c 2.6.27)
  const vread = k.traced('vread', (buf: Uint8Array, addr: Addr, count: number): number => {
    let b = 0; /* buf - buf_start */

    /* Don't allow overflow */
    if (k.ulong(addr + count) < count) count = k.ulong(-addr);

    k.read_lock(vmlist_lock);
    finished: for (let tmp = vmlist | 0; tmp; tmp = vm.next[tmp]) {
      counters[NODES_VISITED]++;
      const vaddr = vm.addr[tmp];
      const vend = k.ulong(vaddr + vm.size[tmp] - PAGE_SIZE);
      if (addr >= vend) continue;
      if (addr < vaddr) {
        /* while (addr < vaddr) { if (count == 0) goto finished; *buf = '\0'; buf++; addr++; count--; } */
        const gap = Math.min(vaddr - addr, count);
        buf.fill(0, b, b + gap);
        b += gap;
        addr += gap;
        count -= gap;
        if (addr < vaddr) break finished;
      }
      let n = k.ulong(vend - addr);
      do {
        if (count === 0) break finished; /* goto finished */
        // `*buf = *addr`: a plain load through the CPU's mapping (an unmapped page oopses).
        buf[b++] = k.readByte(addr);
        addr++;
        count--;
      } while (--n > 0);
    }
    /* finished: */
    k.read_unlock(vmlist_lock);
    // QUERY: bytes past the last area are neither written nor counted: a read that runs off
    // the end returns less than count (2.6.32's rewrite zero-fills and returns count).
    return b;
  });

  // vwrite (mm/vmalloc.c 2.6.27)
  const vwrite = k.traced('vwrite', (buf: Uint8Array, addr: Addr, count: number): number => {
    let b = 0;

    /* Don't allow overflow */
    if (k.ulong(addr + count) < count) count = k.ulong(-addr);

    k.read_lock(vmlist_lock);
    finished: for (let tmp = vmlist | 0; tmp; tmp = vm.next[tmp]) {
      counters[NODES_VISITED]++;
      const vaddr = vm.addr[tmp];
      const vend = k.ulong(vaddr + vm.size[tmp] - PAGE_SIZE);
      if (addr >= vend) continue;
      if (addr < vaddr) {
        /* while (addr < vaddr) { if (count == 0) goto finished; buf++; addr++; count--; } */
        const gap = Math.min(vaddr - addr, count);
        b += gap;
        addr += gap;
        count -= gap;
        if (addr < vaddr) break finished;
      }
      let n = k.ulong(vend - addr);
      do {
        if (count === 0) break finished; /* goto finished */
        // QUERY: `*addr = *buf` stores straight into whatever the area maps, ioremap'ed device
        // memory included (2.6.32 skips VM_IOREMAP areas).
        k.writeByte(addr, buf[b]);
        b++;
        addr++;
        count--;
      } while (--n > 0);
    }
    /* finished: */
    k.read_unlock(vmlist_lock);
    return b;
  });

  /* remap_vmalloc_range: not modelled (no harness op maps into user space; see NOTES.md) */

  // vmalloc_sync_all (arch/x86/mm/fault.c): SIM: vmx has only init_mm, nothing to sync
  const vmalloc_sync_all = (): void => {};

  // f (mm/vmalloc.c 2.6.27): apply_to_page_range() does all the hard work.
  const f = (): number => 0;

  /**
   *	alloc_vm_area - allocate a range of kernel address space
   *	Returns:	NULL on failure, vm_struct on success
   */
  // alloc_vm_area (mm/vmalloc.c 2.6.27)
  const alloc_vm_area = k.traced('alloc_vm_area', (size: number, caller: string = 'alloc_vm_area'): vm_struct => {
    const area = get_vm_area_caller(size, VM_IOREMAP, caller);
    if (!area) return 0;

    /*
     * This ensures that page tables are constructed for this region
     * of kernel virtual address space and mapped into init_mm.
     */
    if (mem.apply_to_page_range(vm.addr[area], vm.size[area], f)) {
      free_vm_area(area);
      return 0;
    }

    /* Make sure the pagetables are constructed in process kernel mappings */
    vmalloc_sync_all();

    return area;
  });

  // free_vm_area (mm/vmalloc.c 2.6.27)
  function free_vm_area(area: vm_struct): void {
    const ret = remove_vm_area(vm.addr[area]);
    k.BUG_ON(ret !== area, 894);
    k.kfree(vm.self[area]);
  }

  // s_show (mm/vmalloc.c 2.6.27): one line of /proc/vmallocinfo
  const s_show = (v: vm_struct): string => {
    // seq_printf(m, "0x%p-0x%p %7ld", v->addr, v->addr + v->size, v->size): the end is pointer
    // arithmetic and wraps (an area ending at 2^32 prints its end as %p of NULL: zeros in 2.6.27),
    // and %7ld prints the unsigned long size as signed (2 GiB or more is negative on i386).
    const size_ld = k.arch.bitsPerLong === 32 && vm.size[v] >= 2 ** 31 ? vm.size[v] - 2 ** 32 : vm.size[v];
    let line = `0x${k.p(vm.addr[v])}-0x${k.p(k.ulong(vm.addr[v] + vm.size[v]))} ${String(size_ld).padStart(7, ' ')}`;

    if (vm.caller[v]) line += ' ' + vm.caller[v] + '+0x0/0x0'; /* sprint_symbol(buff, v->caller) */

    if (vm.nr_pages[v]) line += ` pages=${vm.nr_pages[v]}`;

    if (vm.phys_addr[v]) line += ` phys=${vm.phys_addr[v].toString(16)}`;

    if (vm.flags[v] & VM_IOREMAP) line += ' ioremap';
    if (vm.flags[v] & VM_ALLOC) line += ' vmalloc';
    if (vm.flags[v] & VM_MAP) line += ' vmap';
    if (vm.flags[v] & VM_USERMAP) line += ' user';
    if (vm.flags[v] & VM_VPAGES) line += ' vpages';

    /* show_numa_info(m, v): SIM: not printed (NUMA_BUILD off, as on a default i386 config) */
    return line + '\n';
  };

  /** /proc/vmallocinfo: vmalloc_op's s_start / s_next / s_show / s_stop over vmlist. */
  const vmallocinfo = (): string => {
    let text = '';
    k.read_lock(vmlist_lock); /* s_start */
    for (let v = vmlist | 0; v; v = vm.next[v]) text += s_show(v);
    k.read_unlock(vmlist_lock); /* s_stop */
    return text;
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
  // remap_vmalloc_range (mm/vmalloc.c 2.6.27). SIM: pgoff 0, a user vma of usize bytes at
  // REMAP_VM_START; the vm_insert_page loop runs with vm_insert_page's checks (a vma
  // of 0 pages gives -EFAULT) and inserts nothing; VM_RESERVED is not modelled.
  const remap_vmalloc_range = k.traced('remap_vmalloc_range', (addr: Addr, usize: number | undefined): number => {
    const pgoff = 0;

    if ((PAGE_SIZE - 1) & addr) return -EINVAL;

    k.read_lock(vmlist_lock);
    const area = __find_vm_area(addr);
    if (!area) return out_einval_locked();

    if (!(vm.flags[area] & VM_USERMAP)) return out_einval_locked();

    if (usize === undefined) usize = vm.size[area] - PAGE_SIZE; /* SIM: the default vma covers the whole area */
    if (k.ulong(usize + pgoff * PAGE_SIZE) > vm.size[area] - PAGE_SIZE) return out_einval_locked();
    k.read_unlock(vmlist_lock);

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
  const EINVAL = 22;
  /* out_einval_locked: */
  const out_einval_locked = (): number => {
    k.read_unlock(vmlist_lock);
    return -EINVAL;
  };

  return {
    VMALLOC_START,
    VMALLOC_END,
    vm,
    vmlist: () => vmlist,
    vmlist_lock,
    unmap_kernel_range,
    map_vm_area: (area: vm_struct, prot: pgprotval_t, pages: readonly number[]) => map_vm_area(area, prot, { pages, off: 0 }),
    vmalloc_to_page,
    vmalloc_to_pfn,
    remap_vmalloc_range,
    __get_vm_area,
    get_vm_area,
    get_vm_area_caller,
    get_vm_area_node,
    remove_vm_area,
    vfree,
    vunmap,
    vmap,
    __vmalloc_area,
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
  };
}
