/**
 * The vmlist walks, lifted out of the ports' boot() closures (issue 20, docs/perf.md Round 10).
 *
 * Why: a walk that lives in a closure boot() makes is recompiled for every boot, and V8 throws
 * its optimised code away when a path it never saw runs. A call that then walks thousands of
 * entries in baseline code gets the loop compiled on-stack (OSR), and from then on every call
 * starts in baseline code and jumps into that slower OSR code: the walk never gets its regular
 * optimised code back, and the process runs at half speed (Round 9). A walk written as one
 * module-level function, with no call inside and no operation that has not run before on a
 * common path, is compiled once and keeps that code for every boot and every version.
 *
 * The rules the walks follow, so that their first compile is their last:
 *  - every arithmetic operation and comparison runs on every entry visited (a rare branch only
 *    assigns or jumps: an operation V8 never saw run compiles to a deoptimisation);
 *  - no property is written on a rare path (the results go into a ListWalk at the one exit);
 *  - numbers that arrive tagged are made unboxed once, before the loop (`+x`, `x | 0`).
 */

/** Where a walk stopped, for the caller to act on as the C does after its loop. */
export interface ListWalk {
  /** The entry the walk stopped at; NULL (0) when it ran off the end of the list. */
  tmp: number;
  /** The entry before tmp; NULL when tmp is the head (C's `p == &vmlist`). */
  prev: number;
  /** A gap search's candidate address when it stopped. */
  addr: number;
  /** Entries visited: the nodes_visited probe (added once per walk, the same total). */
  visited: number;
}

/** A ListWalk for one boot to reuse. */
export function newListWalk(): ListWalk {
  // addr starts as a fraction so V8 stores the field as a double from the first: a change of
  // the field's representation later would deoptimise every walk compiled for the old one.
  return { tmp: 0, prev: 0, addr: 0.5, visited: 0 };
}

/**
 * unsigned long a + b, for a and b already in [0, wrap): the sum, less wrap when it reaches it.
 * Branch-free so the subtraction always runs (see the rules above).
 */
export function ulong_add(a: number, b: number, wrap: number): number {
  const s = a + b;
  return s - wrap * +(s >= wrap);
}

/**
 * ALIGN(x, a) on an unsigned long (include/linux/kernel.h), for x in [0, wrap) and a a power of
 * two (1 included): x + a - 1 wrapped, rounded down to a multiple of a. Branch-free (the rules).
 */
export function ulong_align(x: number, a: number, wrap: number): number {
  return Math.floor(ulong_add(x, a - 1, wrap) / a) * a;
}

/**
 * `for (p = &vmlist; (tmp = *p); p = &tmp->next) if (tmp->addr == addr) break;`: the entry
 * whose `keys` value is `key`, or NULL; w.prev is the entry before it and w.visited the count.
 * Shared by every vmlist version: `keys` is the addr column (vfree, remove_vm_area,
 * __find_vm_area), or, in 2.6.28's remove_vm_area, `self`, the struct's own address (`tmp == vm`).
 */
export function vmlist_find(next: Int32Array, keys: Float64Array, vmlist: number, key: number, w: ListWalk): number {
  const target = +key;
  let prev = 0;
  let tmp = vmlist | 0;
  let visited = 0;
  for (; tmp; prev = tmp, tmp = next[tmp]) {
    visited++;
    if (keys[tmp] === target) break;
  }
  w.prev = prev;
  w.visited = visited;
  w.tmp = tmp;
  return tmp;
}

/**
 * `for (p = &vmlist; (tmp = *p); p = &tmp->next) if (tmp->addr >= addr) break;`: the first entry
 * at or above `addr` (insert_vmalloc_vm's walk, 2.6.28 on), or NULL; w.prev and w.visited as above.
 */
export function vmlist_find_from(next: Int32Array, addrs: Float64Array, vmlist: number, addr: number, w: ListWalk): number {
  const target = +addr;
  let prev = 0;
  let tmp = vmlist | 0;
  let visited = 0;
  for (; tmp; prev = tmp, tmp = next[tmp]) {
    visited++;
    if (addrs[tmp] >= target) break;
  }
  w.prev = prev;
  w.visited = visited;
  w.tmp = tmp;
  return tmp;
}
