/**
 * Fault injection at the sites the scenario contract names: the nth next call at a site fails.
 * FAITHFUL to nothing in the kernel (it is the harness's probe); the kernel code sees NULL.
 */
export const FAULT_SITES = ['alloc_page', 'pte_alloc', 'kmalloc'] as const;
export type FaultSite = (typeof FAULT_SITES)[number];

export class FaultInjector {
  private readonly calls: Record<FaultSite, number> = { alloc_page: 0, pte_alloc: 0, kmalloc: 0 };
  private readonly armed: Record<FaultSite, Set<number>> = { alloc_page: new Set(), pte_alloc: new Set(), kmalloc: new Set() };
  /** Injected failures that fired, in order (for reports and the fault sweep). */
  readonly fired: { site: FaultSite; call: number }[] = [];

  /** Arm the nth next call (1-based) at `site` to fail. */
  arm(site: FaultSite, nth: number): void {
    this.armed[site].add(this.calls[site] + nth);
  }

  /** Count one call at `site`; true when it must fail. */
  shouldFail(site: FaultSite): boolean {
    const n = ++this.calls[site];
    const set = this.armed[site];
    if (set.size === 0 || !set.has(n)) return false;
    set.delete(n);
    this.fired.push({ site, call: n });
    return true;
  }

  /** Calls seen so far at each site (the fault sweep enumerates these). */
  callCount(site: FaultSite): number {
    return this.calls[site];
  }
}
