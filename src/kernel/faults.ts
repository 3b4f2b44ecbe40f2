/**
 * Fault injection at the sites the scenario contract names: the nth next call at a site fails.
 * FAITHFUL to nothing in the kernel (it is the harness's probe); the kernel code sees NULL.
 */
export const FAULT_SITES = ['alloc_page', 'pte_alloc', 'kmalloc'] as const;
export type FaultSite = (typeof FAULT_SITES)[number];

/** Slot of a site in the per-site arrays (a switch on interned strings, no keyed lookup). */
function siteIndex(site: FaultSite): number {
  switch (site) {
    case 'alloc_page':
      return 0;
    case 'pte_alloc':
      return 1;
    default:
      return 2;
  }
}

export class FaultInjector {
  /** Calls seen at each site, in FAULT_SITES order. */
  private readonly calls = new Float64Array(FAULT_SITES.length);
  private readonly armed: Set<number>[] = FAULT_SITES.map(() => new Set<number>());
  /** Armed failures not yet fired, over all sites: 0 makes shouldFail a counter bump. */
  private pending = 0;
  /** Injected failures that fired, in order (for reports and the fault sweep). */
  readonly fired: { site: FaultSite; call: number }[] = [];

  /** Arm the nth next call (1-based) at `site` to fail. */
  arm(site: FaultSite, nth: number): void {
    const i = siteIndex(site);
    const n = this.calls[i] + nth;
    if (!this.armed[i].has(n)) this.pending++;
    this.armed[i].add(n);
  }

  /** Count one call at `site`; true when it must fail. */
  shouldFail(site: FaultSite): boolean {
    const i = siteIndex(site);
    const n = ++this.calls[i];
    return this.pending !== 0 && this.fire(i, n, site);
  }

  /**
   * shouldFail once some failure is armed: whether call `n` at site `i` is one, and if so it fires.
   * Apart from shouldFail so that the path every call takes stays small enough for V8 to inline.
   */
  private fire(i: number, n: number, site: FaultSite): boolean {
    const set = this.armed[i];
    if (set.size === 0 || !set.has(n)) return false;
    set.delete(n);
    this.pending--;
    this.fired.push({ site, call: n });
    return true;
  }

  /** Calls seen so far at each site (the fault sweep enumerates these). */
  callCount(site: FaultSite): number {
    return this.calls[siteIndex(site)];
  }
}
