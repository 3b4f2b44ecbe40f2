/**
 * The one list of counters: each service call bumps a named counter (the radix-tree harness's
 * nr_allocated idea). Reports, traces, leak checks and the difference engine read these.
 */

export const COUNTERS = [
  { key: 'pages_alloc', label: 'data pages allocated', bumpedBy: 'alloc_page / alloc_pages_node (vmalloc data pages)' },
  { key: 'pages_freed', label: 'data pages freed', bumpedBy: '__free_page' },
  { key: 'pt_pages', label: 'page-table pages allocated', bumpedBy: 'pte_alloc / pmd_alloc / pud_alloc' },
  { key: 'kmalloc_calls', label: 'kmalloc calls', bumpedBy: 'kmalloc / kzalloc / kmalloc_node / kzalloc_node' },
  { key: 'kmalloc_bytes', label: 'kmalloc bytes requested', bumpedBy: 'kmalloc family' },
  { key: 'kfree_calls', label: 'kfree calls', bumpedBy: 'kfree (non-NULL)' },
  { key: 'ptes_set', label: 'ptes written', bumpedBy: 'set_pte / set_pte_at' },
  { key: 'ptes_cleared', label: 'ptes cleared', bumpedBy: 'ptep_get_and_clear / pte_clear' },
  { key: 'tlb_flush_all', label: 'global TLB flushes', bumpedBy: 'flush_tlb_all' },
  { key: 'tlb_flush_range', label: 'kernel-range TLB flushes', bumpedBy: 'flush_tlb_kernel_range' },
  { key: 'cache_flush', label: 'cache flushes', bumpedBy: 'flush_cache_all / flush_cache_vmap / flush_cache_vunmap' },
  { key: 'nodes_visited', label: 'list or tree nodes visited', bumpedBy: 'vmlist walks, rbtree descents, rb_next' },
  { key: 'purges', label: 'lazy purges', bumpedBy: '__purge_vmap_area_lazy (2.6.28+)' },
  { key: 'printk_lines', label: 'printk lines', bumpedBy: 'printk / WARN / BUG' },
] as const;

export type CounterKey = (typeof COUNTERS)[number]['key'];

export const COUNTER_INDEX: Readonly<Record<CounterKey, number>> = Object.fromEntries(
  COUNTERS.map((c, i) => [c.key, i]),
) as Record<CounterKey, number>;

export const NR_COUNTERS = COUNTERS.length;

/**
 * COUNTER_INDEX[key] as a switch on the (interned) key, for the services' hot calls: a keyed
 * load whose callers pass different keys goes megamorphic, and TurboFan folds a switch on an
 * inlined constant key to the constant. test/counters.test.ts checks it against COUNTERS.
 */
export function counterIndex(key: CounterKey): number {
  switch (key) {
    case 'pages_alloc':
      return 0;
    case 'pages_freed':
      return 1;
    case 'pt_pages':
      return 2;
    case 'kmalloc_calls':
      return 3;
    case 'kmalloc_bytes':
      return 4;
    case 'kfree_calls':
      return 5;
    case 'ptes_set':
      return 6;
    case 'ptes_cleared':
      return 7;
    case 'tlb_flush_all':
      return 8;
    case 'tlb_flush_range':
      return 9;
    case 'cache_flush':
      return 10;
    case 'nodes_visited':
      return 11;
    case 'purges':
      return 12;
    case 'printk_lines':
      return 13;
  }
}

/** Counter values as a plain object, skipping zeroes when `sparse`. */
export function countersToObject(values: Float64Array, sparse = false): Partial<Record<CounterKey, number>> {
  const out: Partial<Record<CounterKey, number>> = {};
  COUNTERS.forEach((c, i) => {
    if (!sparse || values[i] !== 0) out[c.key] = values[i];
  });
  return out;
}
