/**
 * Linux 2.4.22 mm/vmalloc.c, step for step (mainline, linux-history tag 2.4.22; the file is
 * unchanged from 2.4.22 through 2.4.25). Compared with 2.4.19 it has the 2.4.20 wrap check in
 * get_vm_area, the 2.4.21 forward-only candidate and BUG-free __vmalloc, and the 2.4.22 vmap
 * with its `struct page ***pages` argument threaded through the page-table helpers.
 *
 * The file statics (vmlist, vmlist_lock) live in the closure `boot()` creates, because several
 * kernels run side by side in one process. Locks are taken and released as the SMP kernel does
 * (src/kernel/locks.ts): a BUG or oops inside a locked region leaves the lock held.
 * Unsigned-long arithmetic that can wrap in C is wrapped with k.ulong.
 */
import type { Addr } from '../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../src/kernel/kernel.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import type { FreeOutcome, VmallocWindow } from '../../../src/contract/version.js';
import { SIZEOF_VM_STRUCT, VM_ALLOC, VM_STRUCT, type vm_struct, type vm_structs } from '../include/linux/vmalloc.js';
import { structTable } from '../../../src/kernel/struct-table.js';
import { newListWalk, ulong_add, vmlist_find, type ListWalk } from '../../../src/kernel/list-walk.js';
import { pmd_alloc } from '../include/linux/mm.js';
import { mk_pte_flags } from '../include/asm-i386/pgtable.js';

const ENOMEM = 12;

/**
 * C's `struct page ***pages`: the caller's array and how far vmap has walked it. A page is a
 * frame number; a negative entry is a NULL `struct page *`.
 */
export interface PageCursor {
  readonly pages: readonly number[];
  i: number;
}

export interface Vmalloc2422 {
  /** The vm_structs this kernel kmalloc'ed (their rows). */
  readonly vm: vm_structs;
  readonly vmlist: () => vm_struct;
  vmfree_area_pages(address: Addr, size: number): void;
  vmalloc_area_pages(address: Addr, size: number, gfp_mask: number, prot: number): number;
  get_vm_area(size: number, flags: number): vm_struct;
  vfree(addr: Addr): FreeOutcome;
  __vmalloc(size: number, gfp_mask: number, prot: number): Addr;
  vmap(pages: readonly number[], count: number, flags: number, prot: number): Addr;
  vread(buf: Uint8Array, addr: Addr, count: number): number;
  vwrite(buf: Uint8Array, addr: Addr, count: number): number;
}

/**
 * get_vm_area's search of vmlist for a gap (mm/vmalloc.c 2.4.22), its `for (p = &vmlist; ...)`
 * loop: false where the C does `goto out`; otherwise w.addr is the gap's address, w.tmp the
 * entry it goes before and w.prev the one after which it goes. SIM (speed): lifted out of
 * get_vm_area's closure, and written to the rules of src/kernel/list-walk.ts.
 */
function get_vm_area_search(vm: vm_structs, vmlist: vm_struct, size_: number, start: Addr, limit_: Addr, wrap_: number, w: ListWalk): boolean {
  const size = +size_;
  const limit = +limit_; /* VMALLOC_END - size */
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
    // `(size + addr) < addr` in unsigned long: the sum reached 2^32.
    // QUERY: no VMALLOC_END check when vmlist is empty or the area fits before the first
    // entry; the overflow test runs only inside the loop.
    if (size + addr >= wrap) {
      out = true;
      break;
    }
    if (size + addr <= vm_addr[tmp]) break;
    // 2.4.21: the candidate only moves forward. It matters only when an entry's end wraps
    // past 4 GiB (an area made without a VMALLOC_END check), which 2.4.19 follows backwards.
    const next = ulong_add(vm_size[tmp], vm_addr[tmp], wrap);
    if (next > addr) addr = next;
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

export function boot(k: Kernel, window: VmallocWindow): Vmalloc2422 {
  const VMALLOC_START = window.start;
  const VMALLOC_END = window.end;
  const PAGE_SIZE = k.PAGE_SIZE;
  const PAGE_SHIFT = 12;
  const PGDIR_SIZE = k.levelSize('pgd');
  const PMD_SIZE = k.levelSize('pmd');

  /* rwlock_t vmlist_lock = RW_LOCK_UNLOCKED; struct vm_struct * vmlist; */
  const vmlist_lock = k.lock_init('vmlist_lock');
  let vmlist: vm_struct = 0;
  const vm = structTable(VM_STRUCT);
  // SIM (speed, docs/perf.md Round 10): the hot vmlist walks are module-level functions
  // (src/kernel/list-walk.ts says why); they hand back where they stopped in `walk`. The walks
  // left here start from `vmlist | 0`, an int to the JIT (Round 7).
  const walk = newListWalk();
  const WRAP = k.arch.ulongWrap;

  // free_area_pte (mm/vmalloc.c 2.4.22)
  const free_area_pte = k.traced('free_area_pte', (pmd: EntryPtr, address: Addr, size: number): void => {
    if (k.pmd_none(pmd)) return;
    if (k.pmd_bad(pmd)) {
      k.printk(k.pmd_ERROR_text(pmd, 'vmalloc.c', 30)); /* pmd_ERROR(*pmd) */
      k.pmd_clear(pmd);
      return;
    }
    let pte = k.pte_offset(pmd, address);
    address = address % PMD_SIZE;
    let end = k.ulong(address + size);
    if (end > PMD_SIZE) end = PMD_SIZE;
    do {
      const page = k.ptep_get_and_clear(pte);
      address += PAGE_SIZE;
      pte++;
      if (k.pte_none(page)) continue;
      if (k.pte_present(page)) {
        const ptpage = k.pte_page(page);
        // QUERY: a page that is not VALID_PAGE (device memory of an ioremap) or PageReserved
        // is skipped, so the reference vmap took on a reserved page is never dropped.
        if (k.pfn_valid(ptpage) && !k.PageReserved(ptpage)) k.__free_page(ptpage);
        continue;
      }
      k.printk('Whee.. Swapped out page in kernel page table');
    } while (address < end);
  });

  // free_area_pmd (mm/vmalloc.c 2.4.22)
  const free_area_pmd = k.traced('free_area_pmd', (dir: EntryPtr, address: Addr, size: number): void => {
    if (k.pgd_none(dir)) return;
    // SIM: pgd_bad() is always 0 on i386 (and never true here).
    let pmd = k.pmd_offset(k.pud_offset(dir, address), address);
    address = address % PGDIR_SIZE;
    let end = k.ulong(address + size);
    if (end > PGDIR_SIZE) end = PGDIR_SIZE;
    do {
      free_area_pte(pmd, address, k.ulong(end - address));
      address = k.levelFloor(address + PMD_SIZE, PMD_SIZE);
      pmd++;
    } while (address < end);
  });

  // vmfree_area_pages (mm/vmalloc.c 2.4.22)
  const vmfree_area_pages = k.traced('vmfree_area_pages', (address: Addr, size: number): void => {
    const end = k.ulong(address + size);
    let dir = k.pgd_offset_k(address);
    k.flush_cache_all();
    do {
      free_area_pmd(dir, address, k.ulong(end - address));
      address = k.ulong(k.levelFloor(address + PGDIR_SIZE, PGDIR_SIZE));
      dir++;
    } while (address && address < end);
    k.flush_tlb_all();
  });

  // alloc_area_pte (mm/vmalloc.c 2.4.22)
  const alloc_area_pte = k.traced(
    'alloc_area_pte',
    (pte: EntryPtr, address: Addr, size: number, gfp_mask: number, prot: number, pages: PageCursor | null): number => {
      // mk_pte(page, prot)'s flag bits: the same for every page of the loop
      const pteflags = mk_pte_flags(prot);
      address = address % PMD_SIZE;
      let end = k.ulong(address + size);
      if (end > PMD_SIZE) end = PMD_SIZE;
      do {
        let page: number;
        if (!pages) {
          k.spin_unlock(k.init_mm.page_table_lock);
          page = k.alloc_page(gfp_mask);
          k.spin_lock(k.init_mm.page_table_lock);
        } else {
          page = pages.pages[pages.i] ?? -1;
          pages.i++;
          /* Add a reference to the page so we can free later */
          if (page >= 0) k.get_page(page);
        }
        // QUERY: the message comes before the NULL test, so a failed allocation over a dirty
        // pte prints it too, and a dirty pte is overwritten rather than refused.
        if (!k.pte_none(k.pte_val(pte))) k.printk('alloc_area_pte: page already exists');
        if (page < 0) return -ENOMEM;
        k.set_pte(pte, page, pteflags); /* set_pte(pte, mk_pte(page, prot)) */
        address += PAGE_SIZE;
        pte++;
      } while (address < end);
      return 0;
    },
  );

  // alloc_area_pmd (mm/vmalloc.c 2.4.22)
  const alloc_area_pmd = k.traced(
    'alloc_area_pmd',
    (pmd: EntryPtr, address: Addr, size: number, gfp_mask: number, prot: number, pages: PageCursor | null): number => {
      address = address % PGDIR_SIZE;
      let end = k.ulong(address + size);
      if (end > PGDIR_SIZE) end = PGDIR_SIZE;
      do {
        const pte = k.pte_alloc(pmd, address);
        if (pte < 0) return -ENOMEM;
        if (alloc_area_pte(pte, address, k.ulong(end - address), gfp_mask, prot, pages)) return -ENOMEM;
        address = k.levelFloor(address + PMD_SIZE, PMD_SIZE);
        pmd++;
      } while (address < end);
      return 0;
    },
  );

  // __vmalloc_area_pages (mm/vmalloc.c 2.4.22)
  const __vmalloc_area_pages = k.traced(
    '__vmalloc_area_pages',
    (address: Addr, size: number, gfp_mask: number, prot: number, pages: PageCursor | null): number => {
      const end = k.ulong(address + size);
      let ret: number;
      let dir = k.pgd_offset_k(address);
      k.spin_lock(k.init_mm.page_table_lock);
      do {
        const pmd = pmd_alloc(k, dir, address); /* pmd_alloc(&init_mm, dir, address) */
        // QUERY: ret = -ENOMEM is assigned twice in a row in the C (dead code, removed in 2.4.26).
        ret = -ENOMEM;
        if (pmd < 0) break;

        ret = -ENOMEM;
        if (alloc_area_pmd(pmd, address, k.ulong(end - address), gfp_mask, prot, pages)) break;

        address = k.ulong(k.levelFloor(address + PGDIR_SIZE, PGDIR_SIZE));
        dir++;

        ret = 0;
      } while (address && address < end);
      k.spin_unlock(k.init_mm.page_table_lock);
      k.flush_cache_all();
      return ret;
    },
  );

  // vmalloc_area_pages (mm/vmalloc.c 2.4.22)
  const vmalloc_area_pages = k.traced('vmalloc_area_pages', (address: Addr, size: number, gfp_mask: number, prot: number): number =>
    __vmalloc_area_pages(address, size, gfp_mask, prot, null),
  );

  // get_vm_area (mm/vmalloc.c 2.4.22)
  const get_vm_area = k.traced('get_vm_area', (size: number, flags: number): vm_struct => {
    const self = k.kmalloc(SIZEOF_VM_STRUCT, 'kmalloc', -1);
    if (!self) return 0;

    size = k.ulong(size + PAGE_SIZE);
    // 2.4.20: a size of 0xfffff000 (or more) wraps to 0 here and is refused.
    if (!size) {
      k.kfree(self);
      return 0;
    }

    k.write_lock(vmlist_lock);
    // SIM: the loop-invariant VMALLOC_END - size is computed once, as the C compiler hoists it.
    const found = get_vm_area_search(vm, vmlist, size, VMALLOC_START, k.ulong(VMALLOC_END - size), WRAP, walk);
    k.count('nodes_visited', walk.visited);
    if (!found) return out(self);
    const addr = walk.addr;
    const prev = walk.prev;
    const tmp = walk.tmp;
    const area = vm.handleAt(self);
    vm.flags[area] = flags;
    vm.addr[area] = addr;
    vm.size[area] = size;
    vm.next[area] = tmp;
    if (prev) vm.next[prev] = area;
    else vmlist = area;
    k.write_unlock(vmlist_lock);
    return area;
  });

  function out(self: Addr): 0 {
    k.write_unlock(vmlist_lock);
    k.kfree(self);
    return 0;
  }

  // vfree (mm/vmalloc.c 2.4.22); vunmap is `#define vunmap(addr) vfree(addr)`
  const vfree = k.traced('vfree', (addr: Addr): FreeOutcome => {
    if (!addr) return 'ok';
    if (addr % PAGE_SIZE !== 0) {
      k.printk(`Trying to vfree() bad address (${k.p(addr)})`);
      return 'bad-address';
    }
    k.write_lock(vmlist_lock);
    const tmp = vmlist_find(vm.next, vm.addr, vmlist, addr, walk);
    k.count('nodes_visited', walk.visited);
    if (tmp) {
      const prev = walk.prev;
      if (prev) vm.next[prev] = vm.next[tmp];
      else vmlist = vm.next[tmp];
      // QUERY: the pages are freed and the whole TLB flushed while the write lock is held.
      vmfree_area_pages(vm.addr[tmp], vm.size[tmp]);
      k.write_unlock(vmlist_lock);
      k.kfree(vm.self[tmp]);
      return 'ok';
    }
    k.write_unlock(vmlist_lock);
    k.printk(`Trying to vfree() nonexistent vm area (${k.p(addr)})`);
    return 'nonexistent';
  });

  // __vmalloc (mm/vmalloc.c 2.4.22)
  const __vmalloc = k.traced('__vmalloc', (size: number, gfp_mask: number, prot: number): Addr => {
    size = k.PAGE_ALIGN(size);
    // 2.4.21: a bad size returns NULL silently (2.4.19 called BUG() here).
    if (!size || (size >>> PAGE_SHIFT) /* size < 2^32 once PAGE_ALIGNed */ > k.num_physpages) return 0;
    const area = get_vm_area(size, VM_ALLOC);
    if (!area) return 0;
    const addr = vm.addr[area];
    if (__vmalloc_area_pages(addr, size, gfp_mask, prot, null)) {
      vfree(addr);
      return 0;
    }
    return addr;
  });

  // vmap (mm/vmalloc.c 2.4.22)
  const vmap = k.traced('vmap', (pages: readonly number[], count: number, flags: number, prot: number): Addr => {
    // `int count << PAGE_SHIFT` converted to unsigned long: 32 bits on i386.
    const size = k.ulong(count * 2 ** PAGE_SHIFT);
    /* max_mapnr is num_physpages on i386 (no CONFIG_DISCONTIGMEM) */
    // QUERY: max_mapnr << PAGE_SHIFT is an unsigned long; with 4 GiB of page frames it wraps
    // to 0 and every vmap is refused.
    if (!size || size > k.ulong(k.num_physpages * 2 ** PAGE_SHIFT)) return 0;
    const area = get_vm_area(size, flags);
    if (!area) return 0;
    const addr = vm.addr[area];
    const cursor: PageCursor = { pages, i: 0 };
    if (__vmalloc_area_pages(addr, size, 0, prot, cursor)) {
      // vfree drops the references taken so far: the caller's pages survive at their old count.
      vfree(addr);
      return 0;
    }
    return addr;
  });

  // vread (mm/vmalloc.c 2.4.22)
  const vread = k.traced('vread', (buf: Uint8Array, addr: Addr, count: number): number => {
    let b = 0;
    /* Don't allow overflow */
    if (k.ulong(addr + count) < count) count = k.ulong(-addr);
    k.read_lock(vmlist_lock);
    finished: {
      for (let tmp = vmlist | 0; tmp; tmp = vm.next[tmp]) {
        k.count('nodes_visited');
        const vaddr = vm.addr[tmp];
        const vend = k.ulong(vaddr + vm.size[tmp] - PAGE_SIZE);
        if (addr >= vend) continue;
        while (addr < vaddr) {
          if (count === 0) break finished;
          buf[b++] = 0;
          addr++;
          count--;
        }
        let n = k.ulong(vend - addr);
        do {
          if (count === 0) break finished;
          // `*buf = *addr`: a plain dereference, device memory of an ioremap included.
          buf[b++] = k.readByte(addr);
          addr++;
          count--;
        } while (--n > 0);
      }
      // QUERY: bytes past the last area are not written and the count returned is short.
    }
    k.read_unlock(vmlist_lock);
    return b;
  });

  // vwrite (mm/vmalloc.c 2.4.22)
  const vwrite = k.traced('vwrite', (buf: Uint8Array, addr: Addr, count: number): number => {
    let b = 0;
    /* Don't allow overflow */
    if (k.ulong(addr + count) < count) count = k.ulong(-addr);
    k.read_lock(vmlist_lock);
    finished: {
      for (let tmp = vmlist | 0; tmp; tmp = vm.next[tmp]) {
        k.count('nodes_visited');
        const vaddr = vm.addr[tmp];
        const vend = k.ulong(vaddr + vm.size[tmp] - PAGE_SIZE);
        if (addr >= vend) continue;
        while (addr < vaddr) {
          if (count === 0) break finished;
          b++;
          addr++;
          count--;
        }
        let n = k.ulong(vend - addr);
        do {
          if (count === 0) break finished;
          // QUERY: `*addr = *buf` writes straight into ioremap'ed device memory too.
          k.writeByte(addr, buf[b]);
          b++;
          addr++;
          count--;
        } while (--n > 0);
      }
    }
    k.read_unlock(vmlist_lock);
    return b;
  });

  return {
    vm,
    vmlist: () => vmlist,
    vmfree_area_pages,
    vmalloc_area_pages,
    get_vm_area,
    vfree,
    __vmalloc,
    vmap,
    vread,
    vwrite,
  };
}
