/**
 * Linux 2.6.9 mm/vmalloc.c, step for step (mainline, linux-history tag v2.6.9, blob 4093deae).
 * The 2.5 rework (Christoph Hellwig, 2.5.32) split vmalloc into allocating the pages into a
 * kmalloc'ed `pages` array and mapping them with map_vm_area; vmap/vunmap map caller pages;
 * the area allocator is still 2.4's first fit over the address-sorted vmlist, now with a start
 * and end (__get_vm_area, 2.6.0-test4), VM_IOREMAP alignment (2.6.9-rc2) and the "out of vmalloc
 * space" printk (2.6.9-rc3). Unmapping happens inside remove_vm_area (2.5.70).
 *
 * The page-table walk is the generic 3-level one of 2.6.9 (pgd, pmd, pte); `pg` is the arch's
 * <asm/pgtable.h> (include/asm-i386/pgtable.ts, include/asm-x86_64/pgtable.ts), `mem` the
 * mm/memory.c allocators. The file statics (vmlist, vmlist_lock) live in the closure `boot()`
 * creates. Locks are tracked as in an SMP kernel (src/kernel/locks.ts): an oops inside a locked
 * region (vread, vwrite) leaves the lock held. Unsigned-long arithmetic that can wrap in C is
 * wrapped with k.ulong.
 */
import type { Addr } from '../../../src/kernel/kernel.js';
import { filledArray } from '../../../src/kernel/arrays.js';
import type { EntryPtr, pgprotval_t } from '../../../src/kernel/kernel.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import type { FreeOutcome, VmallocWindow } from '../../../src/contract/version.js';
import { WARN_ON } from '../include/asm-generic/bug.js';
import { GFP_KERNEL, __GFP_HIGHMEM, type AsmPgtable } from '../include/linux/mm.js';
import { SIZEOF_VM_STRUCT, VM_ALLOC, VM_IOREMAP, VM_STRUCT, type vm_struct, type vm_structs } from '../include/linux/vmalloc.js';
import { structTable } from '../../../src/kernel/struct-table.js';
import { newListWalk, ulong_add, ulong_align, vmlist_find, type ListWalk } from '../../../src/kernel/list-walk.js';
import type { Memory269 } from './memory.js';

const ENOMEM = 12;
const PAGE_SHIFT = 12;
/** #define IOREMAP_MAX_ORDER (7 + PAGE_SHIFT) -- 128 pages (8 pages in 2.6.9-rc2's first version) */
export const IOREMAP_MAX_ORDER = 7 + PAGE_SHIFT;

/** fls(int x): x86's fls takes an int, so only the low 32 bits of an unsigned long size count. */
export function fls(x: number): number {
  const v = x % 2 ** 32;
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

/** C's `struct page ***pages`: the array being mapped and how far map_area_pte has walked it. */
export interface PageCursor {
  readonly pages: readonly number[];
  i: number;
}

export type Vmalloc269 = ReturnType<typeof boot>;

/**
 * __get_vm_area's search of vmlist for a gap (mm/vmalloc.c 2.6.9), its `for (p = &vmlist; ...)`
 * loop from the candidate `addr`: false where the C does `goto out`; otherwise w.addr is the
 * gap's address, w.tmp the entry it goes before and w.prev the one after which it goes.
 * SIM (speed): lifted out of __get_vm_area's closure, and written to the rules of
 * src/kernel/list-walk.ts: an entry's aligned end and both comparisons of the first test are
 * worked out for every entry, the rare branch only picks.
 */
function __get_vm_area_search(vm: vm_structs, vmlist: vm_struct, size_: number, start: Addr, align_: number, limit_: Addr, wrap_: number, w: ListWalk): boolean {
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
      // 2.6.9-rc2 (6522176763): a candidate inside an area below it moves past that area.
      // QUERY: with no VMALLOC_END or wrap check, so an aligned VM_IOREMAP candidate moved
      // here past the last area is taken wherever it lands.
      if (inside) addr = next;
      continue;
    }
    // `(size + addr) < addr` in unsigned long: the sum reached 2^BITS_PER_LONG.
    // QUERY: as in 2.4, no VMALLOC_END or wrap check when vmlist is empty or the area fits
    // before the first entry; the checks run only inside the loop.
    if (size + addr >= wrap) {
      out = true;
      break;
    }
    if (size + addr <= tmp_addr) break;
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

export function boot(k: Kernel, window: VmallocWindow, pg: AsmPgtable, mem: Memory269) {
  const VMALLOC_START = window.start;
  const VMALLOC_END = window.end;
  const PAGE_SIZE = k.PAGE_SIZE;
  const PGDIR_SIZE = pg.PGDIR_SIZE;
  const PMD_SIZE = pg.PMD_SIZE;
  const PTR = k.arch.ptrBytes; /* sizeof(struct page *) */
  const sizeof_vm_struct = SIZEOF_VM_STRUCT(PTR);

  /* rwlock_t vmlist_lock = RW_LOCK_UNLOCKED; struct vm_struct *vmlist; */
  const vmlist_lock = k.lock_init('vmlist_lock');
  let vmlist: vm_struct = 0;
  const vm = structTable(VM_STRUCT);
  // SIM (speed, docs/perf.md Round 10): the hot vmlist walks are module-level functions
  // (src/kernel/list-walk.ts says why); they hand back where they stopped in `walk`. The walks
  // left here start from `vmlist | 0`, an int to the JIT (Round 7).
  const walk = newListWalk();
  const WRAP = k.arch.ulongWrap;

  /** ALIGN(x, a) on an unsigned long. */
  const ALIGN = (x: number, a: number): number => (a === 1 ? x : k.ulong(Math.floor(k.ulong(x + a - 1) / a) * a));

  // unmap_area_pte (mm/vmalloc.c 2.6.9)
  const unmap_area_pte = k.traced('unmap_area_pte', (pmd: EntryPtr, address: Addr, size: number): void => {
    if (k.pmd_none(pmd)) return;
    if (k.pmd_bad(pmd)) {
      k.printk(k.pmd_ERROR_text(pmd, 'mm/vmalloc.c', 35)); /* pmd_ERROR(*pmd) */
      k.pmd_clear(pmd);
      return;
    }
    let pte = k.pte_offset(pmd, address); /* pte_offset_kernel */
    address = address % PMD_SIZE;
    let end = address + size;
    if (end > PMD_SIZE) end = PMD_SIZE;

    do {
      const page = k.ptep_get_and_clear(pte);
      address += PAGE_SIZE;
      pte++;
      if (k.pte_none(page)) continue;
      if (k.pte_present(page)) continue;
      k.printk('Whee.. Swapped out page in kernel page table');
    } while (address < end);
  });

  // unmap_area_pmd (mm/vmalloc.c 2.6.9)
  const unmap_area_pmd = k.traced('unmap_area_pmd', (dir: EntryPtr, address: Addr, size: number): void => {
    if (pg.pgd_none(dir)) return;
    // SIM: pgd_bad() is never true here (no pgd_ERROR/pgd_clear).
    let pmd = pg.pmd_offset(dir, address);
    address = address % PGDIR_SIZE;
    let end = address + size;
    if (end > PGDIR_SIZE) end = PGDIR_SIZE;

    do {
      unmap_area_pte(pmd, address, end - address);
      address = k.levelFloor(address + PMD_SIZE, PMD_SIZE);
      pmd++;
    } while (address < end);
  });

  // map_area_pte (mm/vmalloc.c 2.6.9)
  const map_area_pte = k.traced('map_area_pte', (pte: EntryPtr, address: Addr, size: number, prot: pgprotval_t, pages: PageCursor): number => {
    const pteflags = pg.pfn_pte_flags(prot); /* mk_pte(page, prot)'s flag bits: the same for every page */
    address = address % PMD_SIZE;
    let end = address + size;
    if (end > PMD_SIZE) end = PMD_SIZE;

    do {
      // SIM: past the end of the caller's array the page reads as NULL (C reads beyond it).
      const page = pages.pages[pages.i] ?? -1; /* struct page *page = **pages; */

      // QUERY: the dirty pte only warns; it is then overwritten (set_pte below), not refused.
      WARN_ON(k, !k.pte_none(k.pte_val(pte)), 'map_area_pte', 100);
      if (page < 0) return -ENOMEM;

      k.set_pte(pte, page, pteflags); /* set_pte(pte, mk_pte(page, prot)) */
      address += PAGE_SIZE;
      pte++;
      pages.i++; /* (*pages)++ */
    } while (address < end);
    return 0;
  });

  // map_area_pmd (mm/vmalloc.c 2.6.9)
  const map_area_pmd = k.traced('map_area_pmd', (pmd: EntryPtr, address: Addr, size: number, prot: pgprotval_t, pages: PageCursor): number => {
    const base = k.levelFloor(address, PGDIR_SIZE); /* address & PGDIR_MASK */
    address = address % PGDIR_SIZE;
    let end = address + size;
    if (end > PGDIR_SIZE) end = PGDIR_SIZE;

    do {
      const pte = mem.pte_alloc_kernel(pmd, base + address);
      if (pte < 0) return -ENOMEM;
      if (map_area_pte(pte, address, end - address, prot, pages)) return -ENOMEM;
      address = k.levelFloor(address + PMD_SIZE, PMD_SIZE);
      pmd++;
    } while (address < end);

    return 0;
  });

  // unmap_vm_area (mm/vmalloc.c 2.6.9)
  const unmap_vm_area = k.traced('unmap_vm_area', (area: vm_struct): void => {
    let address = vm.addr[area];
    const end = k.ulong(address + vm.size[area]);

    let dir = pg.pgd_offset_k(address);
    k.flush_cache_vunmap();
    do {
      unmap_area_pmd(dir, address, k.ulong(end - address));
      address = k.ulong(k.levelFloor(address + PGDIR_SIZE, PGDIR_SIZE));
      dir++;
    } while (address && address < end);
    k.flush_tlb_kernel_range(vm.addr[area], end);
  });

  // map_vm_area (mm/vmalloc.c 2.6.9)
  const map_vm_area = k.traced('map_vm_area', (area: vm_struct, prot: pgprotval_t, pages: PageCursor): number => {
    let address = vm.addr[area];
    const end = k.ulong(address + (vm.size[area] - PAGE_SIZE));
    let err = 0;

    let dir = pg.pgd_offset_k(address);
    k.spin_lock(k.init_mm.page_table_lock);
    do {
      const pmd = mem.pmd_alloc(dir, address);
      if (pmd < 0) {
        err = -ENOMEM;
        break;
      }
      if (map_area_pmd(pmd, address, k.ulong(end - address), prot, pages)) {
        err = -ENOMEM;
        break;
      }

      address = k.ulong(k.levelFloor(address + PGDIR_SIZE, PGDIR_SIZE));
      dir++;
    } while (address && address < end);

    k.spin_unlock(k.init_mm.page_table_lock);
    k.flush_cache_vmap();
    return err;
  });

  // __get_vm_area (mm/vmalloc.c 2.6.9)
  const __get_vm_area = k.traced('__get_vm_area', (size: number, flags: number, start: Addr, end: Addr): vm_struct => {
    let align = 1;

    if (flags & VM_IOREMAP) {
      // QUERY: fls() takes an int: on x86_64 a size of 4 GiB or more aligns by its low 32 bits
      // only (exactly 4 GiB gives fls(0) = 0, so page alignment).
      let bit = fls(size);

      if (bit > IOREMAP_MAX_ORDER) bit = IOREMAP_MAX_ORDER;
      else if (bit < PAGE_SHIFT) bit = PAGE_SHIFT;

      align = 2 ** bit;
    }
    const addr = ALIGN(start, align);

    const self = k.kmalloc(sizeof_vm_struct, 'kmalloc', -1);
    if (!self) return 0;

    /*
     * We always allocate a guard page.
     */
    size = k.ulong(size + PAGE_SIZE);
    if (!size) {
      k.kfree(self);
      return 0;
    }

    k.write_lock(vmlist_lock);
    // SIM: the loop-invariant end - size is computed once, as the C compiler hoists it.
    const found = __get_vm_area_search(vm, vmlist, size, addr, align, k.ulong(end - size), WRAP, walk);
    k.count('nodes_visited', walk.visited);
    const prev = walk.prev;
    const tmp = walk.tmp;

    if (found) {
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
      k.write_unlock(vmlist_lock);
      return area;
    }

    /* out: */
    k.write_unlock(vmlist_lock);
    k.kfree(self);
    if (k.printk_ratelimit()) k.printk('allocation failed: out of vmalloc space - use vmalloc=<size> to increase size.');
    return 0;
  });

  /**
   *	get_vm_area  -  reserve a contingous kernel virtual area
   */
  // get_vm_area (mm/vmalloc.c 2.6.9)
  const get_vm_area = k.traced('get_vm_area', (size: number, flags: number): vm_struct =>
    __get_vm_area(size, flags, VMALLOC_START, VMALLOC_END),
  );

  /**
   *	remove_vm_area  -  find and remove a contingous kernel virtual area
   */
  // remove_vm_area (mm/vmalloc.c 2.6.9)
  const remove_vm_area = k.traced('remove_vm_area', (addr: Addr): vm_struct => {
    k.write_lock(vmlist_lock);
    const tmp = vmlist_find(vm.next, vm.addr, vmlist, addr, walk);
    k.count('nodes_visited', walk.visited);
    if (tmp) {
      /* found: */
      const prev = walk.prev;
      // 2.5.70 (9bc3b5f16f): unmapped before it leaves vmlist, under the lock.
      unmap_vm_area(tmp);
      if (prev) vm.next[prev] = vm.next[tmp];
      else vmlist = vm.next[tmp];
      k.write_unlock(vmlist_lock);
      return tmp;
    }
    k.write_unlock(vmlist_lock);
    return 0;
  });

  // __vunmap (mm/vmalloc.c 2.6.9)
  const __vunmap = k.traced('__vunmap', (addr: Addr, deallocate_pages: number): FreeOutcome => {
    if (!addr) return 'ok';

    if (addr % PAGE_SIZE !== 0) {
      k.printk(`Trying to vfree() bad address (${k.p(addr)})`);
      WARN_ON(k, true, '__vunmap', 307);
      return 'bad-address';
    }

    const area = remove_vm_area(addr);
    if (!area) {
      k.printk(`Trying to vfree() nonexistent vm area (${k.p(addr)})`);
      WARN_ON(k, true, '__vunmap', 315);
      return 'nonexistent';
    }

    if (deallocate_pages) {
      for (let i = 0; i < vm.nr_pages[area]; i++) {
        const page = vm.pages[area]!.pfns[i];
        k.BUG_ON(page < 0, 324);
        k.__free_page(page);
      }

      k.kfree(vm.pages[area] ? vm.pages[area].ptr : 0);
    }

    k.kfree(vm.self[area]);
    return 'ok';
  });

  /**
   *	vfree  -  release memory allocated by vmalloc()
   */
  // vfree (mm/vmalloc.c 2.6.9)
  const vfree = k.traced('vfree', (addr: Addr): FreeOutcome => {
    /* BUG_ON(in_interrupt()); -- line 347: vmx never runs in interrupt context */
    return __vunmap(addr, 1);
  });

  /**
   *	vunmap  -  release virtual mapping obtained by vmap()
   */
  // vunmap (mm/vmalloc.c 2.6.9)
  const vunmap = k.traced('vunmap', (addr: Addr): FreeOutcome => {
    /* BUG_ON(in_interrupt()); -- line 365 */
    return __vunmap(addr, 0);
  });

  /**
   *	vmap  -  map an array of pages into virtually contiguous space
   */
  // vmap (mm/vmalloc.c 2.6.9)
  const vmap = k.traced('vmap', (pages: readonly number[], count: number, flags: number, prot: pgprotval_t): Addr => {
    if (count > k.num_physpages) return 0;

    // `count << PAGE_SHIFT` is an unsigned int, on x86_64 too.
    // QUERY: no test for count 0: get_vm_area(0) gives a guard-page-only area and map_vm_area's
    // do-while loops still map pages[0] into that guard page.
    const area = get_vm_area((count * 2 ** PAGE_SHIFT) % 2 ** 32, flags);
    if (!area) return 0;
    if (map_vm_area(area, prot, { pages, i: 0 })) {
      vunmap(vm.addr[area]);
      return 0;
    }

    return vm.addr[area];
  });

  /**
   *	__vmalloc  -  allocate virtually contiguous memory
   */
  // __vmalloc (mm/vmalloc.c 2.6.9)
  const __vmalloc = k.traced('__vmalloc', (size: number, gfp_mask: number, prot: pgprotval_t): Addr => {
    size = k.PAGE_ALIGN(size);
    if (!size || Math.floor(size / PAGE_SIZE) > k.num_physpages) return 0;

    const area = get_vm_area(size, VM_ALLOC);
    if (!area) return 0;

    const nr_pages = Math.floor(size / PAGE_SIZE) % 2 ** 32; /* unsigned int */
    const array_size = (nr_pages * PTR) % 2 ** 32;

    vm.nr_pages[area] = nr_pages;
    // The array is kmalloc'ed whatever its size: 2.6.9's largest general cache is 131072 bytes
    // (kmalloc_sizes.h with CONFIG_MMU), so more than 32768 pages (16384 on x86_64) fail here.
    const ptr = k.kmalloc(array_size, 'kmalloc', -1); /* kmalloc(array_size, gfp_mask & ~__GFP_HIGHMEM) */
    vm.pages[area] = ptr ? { ptr, pfns: filledArray(nr_pages, -1) } : null; /* memset(area->pages, 0, array_size) */
    if (!vm.pages[area]) {
      remove_vm_area(vm.addr[area]);
      k.kfree(vm.self[area]);
      return 0;
    }

    let failed = false;
    for (let i = 0; i < vm.nr_pages[area]; i++) {
      const page = k.alloc_page(gfp_mask);
      if (page < 0) {
        /* Successfully allocated i pages, free them in __vunmap() */
        vm.nr_pages[area] = i;
        failed = true;
        break; /* goto fail */
      }
      vm.pages[area].pfns[i] = page;
    }

    if (!failed && !map_vm_area(area, prot, { pages: vm.pages[area].pfns, i: 0 })) return vm.addr[area];

    /* fail: */
    vfree(vm.addr[area]);
    return 0;
  });

  /**
   *	vmalloc  -  allocate virtually contiguous memory
   */
  // vmalloc (mm/vmalloc.c 2.6.9)
  const vmalloc = k.traced('vmalloc', (size: number): Addr => __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, pg.PAGE_KERNEL));

  /**
   *	vmalloc_exec  -  allocate virtually contiguous, executable memory
   */
  // vmalloc_exec (mm/vmalloc.c 2.6.9)
  const vmalloc_exec = k.traced('vmalloc_exec', (size: number): Addr => __vmalloc(size, GFP_KERNEL | __GFP_HIGHMEM, pg.PAGE_KERNEL_EXEC));

  /**
   *	vmalloc_32  -  allocate virtually contiguous memory (32bit addressable)
   */
  // vmalloc_32 (mm/vmalloc.c 2.6.9)
  const vmalloc_32 = k.traced('vmalloc_32', (size: number): Addr => __vmalloc(size, GFP_KERNEL, pg.PAGE_KERNEL));

  /** vread/vwrite's `finished:` label: read_unlock(&vmlist_lock), then the count. */
  const finished = (n: number): number => {
    k.read_unlock(vmlist_lock);
    return n;
  };

  // vread (mm/vmalloc.c 2.6.9): 2.4.22's code, unchanged
  const vread = k.traced('vread', (buf: Uint8Array, addr: Addr, count: number): number => {
    let b = 0;
    /* Don't allow overflow */
    if (k.ulong(addr + count) < count) count = k.ulong(-addr);

    k.read_lock(vmlist_lock);
    for (let tmp = vmlist | 0; tmp; tmp = vm.next[tmp]) {
      k.count('nodes_visited');
      const vaddr = vm.addr[tmp];
      const vend = k.ulong(vaddr + vm.size[tmp] - PAGE_SIZE);
      if (addr >= vend) continue;
      while (addr < vaddr) {
        if (count === 0) return finished(b);
        buf[b++] = 0;
        addr++;
        count--;
      }
      let n = k.ulong(vend - addr);
      do {
        if (count === 0) return finished(b);
        // QUERY: `*buf = *addr` dereferences any area on vmlist: a get_vm_area reservation
        // that nothing mapped oopses, ioremap'ed device memory is read.
        buf[b++] = k.readByte(addr);
        addr++;
        count--;
      } while (--n > 0);
    }
    // QUERY: bytes past the last area are not written and the count returned is short.
    return finished(b);
  });

  // vwrite (mm/vmalloc.c 2.6.9)
  const vwrite = k.traced('vwrite', (buf: Uint8Array, addr: Addr, count: number): number => {
    let b = 0;
    /* Don't allow overflow */
    if (k.ulong(addr + count) < count) count = k.ulong(-addr);

    k.read_lock(vmlist_lock);
    for (let tmp = vmlist | 0; tmp; tmp = vm.next[tmp]) {
      k.count('nodes_visited');
      const vaddr = vm.addr[tmp];
      const vend = k.ulong(vaddr + vm.size[tmp] - PAGE_SIZE);
      if (addr >= vend) continue;
      while (addr < vaddr) {
        if (count === 0) return finished(b);
        b++;
        addr++;
        count--;
      }
      let n = k.ulong(vend - addr);
      do {
        if (count === 0) return finished(b);
        // QUERY: `*addr = *buf` writes straight into ioremap'ed device memory too.
        k.writeByte(addr, buf[b]);
        b++;
        addr++;
        count--;
      } while (--n > 0);
    }
    return finished(b);
  });

  return {
    vm,
    vmlist: () => vmlist,
    vmlist_lock,
    unmap_vm_area,
    map_vm_area,
    __get_vm_area,
    get_vm_area,
    remove_vm_area,
    __vunmap,
    vfree,
    vunmap,
    vmap,
    __vmalloc,
    vmalloc,
    vmalloc_exec,
    vmalloc_32,
    vread,
    vwrite,
  };
}
