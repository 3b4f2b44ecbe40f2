/**
 * Linux 2.4.0 mm/vmalloc.c, step for step (mainline, linux-history tag 2.4.0, blob 62ce5f1f).
 * Compared with 2.4.19 (whose port this file was adapted from, function by function where the
 * C is the same): get_vm_area refuses a hole the area fits exactly (`size + addr <
 * tmp->addr`; `<=` since 2.4.5), vmalloc_area_pages flushes the cache before and the whole TLB
 * after every mapping under the big kernel lock (both flushes gone in 2.4.10, the cache flush
 * back after the loop in 2.4.18), alloc_area_pte tests the pte before it allocates (2.4.3
 * allocates first, outside page_table_lock), the page tables come from pgalloc.h's
 * pte_alloc_kernel / pmd_alloc_kernel (mm/memory.c's pte_alloc since 2.4.3), and there is no
 * vwrite (2.4.17).
 *
 * The file statics (vmlist, vmlist_lock) live in the closure `boot()` creates, because several
 * kernels run side by side in one process. Locks are taken and released as the SMP kernel
 * does (src/kernel/locks.ts; lock_kernel, which the oracle's stub machine ignores too, is not
 * modelled). Unsigned-long arithmetic that can wrap in C is wrapped with k.ulong.
 */
import type { Addr } from '../../../src/kernel/kernel.js';
import type { EntryPtr } from '../../../src/kernel/kernel.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import type { FreeOutcome, VmallocWindow } from '../../../src/contract/version.js';
import { SIZEOF_VM_STRUCT, VM_ALLOC, VM_STRUCT, type vm_struct, type vm_structs } from '../include/linux/vmalloc.js';
import { structTable } from '../../../src/kernel/struct-table.js';
import { newListWalk, ulong_add, vmlist_find, type ListWalk } from '../../../src/kernel/list-walk.js';
import { gfpZoneBits } from '../include/linux/mm.js';
import type { Pgalloc240 } from '../include/asm-i386/pgalloc.js';
import { mk_pte_flags, pgd_none } from '../include/asm-i386/pgtable.js';

const ENOMEM = 12;

export interface Vmalloc240 {
  /** The vm_structs this kernel kmalloc'ed (their rows). */
  readonly vm: vm_structs;
  readonly vmlist: () => vm_struct;
  vmfree_area_pages(address: Addr, size: number): void;
  vmalloc_area_pages(address: Addr, size: number, gfp_mask: number, prot: number): number;
  get_vm_area(size: number, flags: number): vm_struct;
  vfree(addr: Addr): FreeOutcome;
  __vmalloc(size: number, gfp_mask: number, prot: number): Addr;
  vread(buf: Uint8Array, addr: Addr, count: number): number;
}

/**
 * get_vm_area's search of vmlist for a gap (mm/vmalloc.c 2.4.0), its `for (p = &vmlist; ...)`
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
    // QUERY: strict: a hole exactly size + PAGE_SIZE long is refused and the walk goes on
    // to the next hole (2.4.5 made it `<=`).
    if (size + addr < vm_addr[tmp]) break;
    // QUERY: unconditional (2.4.21 only moves forward): an entry whose end wraps past 4 GiB
    // sends the candidate backwards.
    addr = ulong_add(vm_size[tmp], vm_addr[tmp], wrap);
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

export function boot(k: Kernel, window: VmallocWindow, pgalloc: Pgalloc240): Vmalloc240 {
  const VMALLOC_START = window.start;
  const VMALLOC_END = window.end;
  const PAGE_SIZE = k.PAGE_SIZE;
  const PAGE_SHIFT = 12;
  const PGDIR_SIZE = k.levelSize('pgd');
  const PMD_SIZE = k.levelSize('pmd');
  const { pte_alloc_kernel, pmd_alloc_kernel } = pgalloc;

  /* rwlock_t vmlist_lock = RW_LOCK_UNLOCKED; struct vm_struct * vmlist; */
  const vmlist_lock = k.lock_init('vmlist_lock');
  let vmlist: vm_struct = 0;
  const vm = structTable(VM_STRUCT);
  // SIM (speed, docs/perf.md Round 10): the hot vmlist walks are module-level functions
  // (src/kernel/list-walk.ts says why); they hand back where they stopped in `walk`. The walks
  // left here start from `vmlist | 0`, an int to the JIT (Round 7).
  const walk = newListWalk();
  const WRAP = k.arch.ulongWrap;

  // free_area_pte (mm/vmalloc.c 2.4.0)
  const free_area_pte = k.traced('free_area_pte', (pmd: EntryPtr, address: Addr, size: number): void => {
    if (k.pmd_none(pmd)) return;
    if (k.pmd_bad(pmd)) {
      k.printk(k.pmd_ERROR_text(pmd, 'vmalloc.c', 28)); /* pmd_ERROR(*pmd) */
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
        // QUERY: a page that is not VALID_PAGE (device memory, empty_bad_page) or is
        // PageReserved is skipped: what keeps iounmap from freeing device frames.
        if (k.pfn_valid(ptpage) && !k.PageReserved(ptpage)) k.__free_page(ptpage);
        continue;
      }
      k.printk('Whee.. Swapped out page in kernel page table');
    } while (address < end);
  });

  // free_area_pmd (mm/vmalloc.c 2.4.0)
  const free_area_pmd = k.traced('free_area_pmd', (dir: EntryPtr, address: Addr, size: number): void => {
    if (pgd_none(k, dir)) return;
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

  // vmfree_area_pages (mm/vmalloc.c 2.4.0)
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

  // alloc_area_pte (mm/vmalloc.c 2.4.0)
  const alloc_area_pte = k.traced('alloc_area_pte', (pte: EntryPtr, address: Addr, size: number, gfp_mask: number, prot: number): number => {
    pte = +pte; /* SIM (speed): unboxed once, so the loop keeps it a number, not a boxed one */
    // mk_pte(page, prot)'s flag bits: the same for every page of the loop
    const pteflags = mk_pte_flags(prot);
    address = address % PMD_SIZE;
    let end = k.ulong(address + size);
    if (end > PMD_SIZE) end = PMD_SIZE;
    do {
      // QUERY: a dirty pte is reported, then overwritten rather than refused (and a page
      // mapped there before is lost). 2.4.0 tests before it allocates; 2.4.3 allocates first.
      if (!k.pte_none(k.pte_val(pte))) k.printk('alloc_area_pte: page already exists');
      // SIM: the gfp zone modifiers are passed in the page allocator's bit values (mm.ts).
      const page = k.alloc_page(gfpZoneBits(gfp_mask));
      if (page < 0) return -ENOMEM;
      k.set_pte(pte, page, pteflags); /* set_pte(pte, mk_pte(page, prot)) */
      address += PAGE_SIZE;
      pte++;
    } while (address < end);
    return 0;
  });

  // alloc_area_pmd (mm/vmalloc.c 2.4.0)
  const alloc_area_pmd = k.traced('alloc_area_pmd', (pmd: EntryPtr, address: Addr, size: number, gfp_mask: number, prot: number): number => {
    address = address % PGDIR_SIZE;
    let end = k.ulong(address + size);
    if (end > PGDIR_SIZE) end = PGDIR_SIZE;
    do {
      const pte = pte_alloc_kernel(pmd, address);
      if (pte < 0) return -ENOMEM;
      if (alloc_area_pte(pte, address, k.ulong(end - address), gfp_mask, prot)) return -ENOMEM;
      address = k.levelFloor(address + PMD_SIZE, PMD_SIZE);
      pmd++;
    } while (address < end);
    return 0;
  });

  // vmalloc_area_pages (mm/vmalloc.c 2.4.0)
  const vmalloc_area_pages = k.traced('vmalloc_area_pages', (address: Addr, size: number, gfp_mask: number, prot: number): number => {
    const end = k.ulong(address + size);
    let ret: number;
    let dir = k.pgd_offset_k(address);
    // QUERY: the whole cache is flushed before and the whole TLB after every mapping, on the
    // failure path too (2.4.10 dropped both; 2.4.18 put the cache flush back after the loop).
    k.flush_cache_all();
    /* lock_kernel(); */
    do {
      const pmd = pmd_alloc_kernel(dir, address);
      // QUERY: ret = -ENOMEM is assigned twice in a row in the C (dead code, removed in 2.4.26).
      ret = -ENOMEM;
      if (pmd < 0) break;

      ret = -ENOMEM;
      if (alloc_area_pmd(pmd, address, k.ulong(end - address), gfp_mask, prot)) break;

      address = k.ulong(k.levelFloor(address + PGDIR_SIZE, PGDIR_SIZE));
      dir++;

      ret = 0;
    } while (address && address < end);
    /* unlock_kernel(); */
    k.flush_tlb_all();
    return ret;
  });

  // get_vm_area (mm/vmalloc.c 2.4.0)
  const get_vm_area = k.traced('get_vm_area', (size: number, flags: number): vm_struct => {
    const self = k.kmalloc(SIZEOF_VM_STRUCT, 'kmalloc', -1);
    if (!self) return 0;
    size = k.ulong(size + PAGE_SIZE);
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

  // The failure returns of get_vm_area (inline in 2.4.0; the `out:` label of 2.4.5 on).
  function out(self: Addr): 0 {
    k.write_unlock(vmlist_lock);
    k.kfree(self);
    return 0;
  }

  // vfree (mm/vmalloc.c 2.4.0)
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
      vmfree_area_pages(vm.addr[tmp], vm.size[tmp]); /* VMALLOC_VMADDR(tmp->addr) */
      k.write_unlock(vmlist_lock);
      k.kfree(vm.self[tmp]);
      return 'ok';
    }
    k.write_unlock(vmlist_lock);
    k.printk(`Trying to vfree() nonexistent vm area (${k.p(addr)})`);
    return 'nonexistent';
  });

  // __vmalloc (mm/vmalloc.c 2.4.0)
  const __vmalloc = k.traced('__vmalloc', (size: number, gfp_mask: number, prot: number): Addr => {
    size = k.PAGE_ALIGN(size);
    if (!size || (size >>> PAGE_SHIFT) /* size < 2^32 once PAGE_ALIGNed */ > k.num_physpages) {
      // QUERY: a caller's bad size kills the calling process; 2.4.21 returns NULL instead.
      k.BUG(234);
    }
    const area = get_vm_area(size, VM_ALLOC);
    if (!area) return 0;
    const addr = vm.addr[area];
    if (vmalloc_area_pages(addr, size, gfp_mask, prot)) {
      vfree(addr);
      return 0;
    }
    return addr;
  });

  // vread (mm/vmalloc.c 2.4.0)
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

  return {
    vm,
    vmlist: () => vmlist,
    vmfree_area_pages,
    vmalloc_area_pages,
    get_vm_area,
    vfree,
    __vmalloc,
    vread,
  };
}
