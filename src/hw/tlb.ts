/**
 * Per-CPU TLBs that really cache translations, so a stale entry left after an unmap without a
 * flush is observable. Each CPU keeps up to `capacity` entries (virtual page number → frame),
 * evicting the oldest first; a flush costs what was filled.
 */
import { PAGE_SIZE } from './arch.js';
import type { Addr } from './addr.js';

export class Tlb {
  private readonly entries: Map<number, number>[];

  constructor(cpus: number, private readonly capacity = 1536) {
    this.entries = Array.from({ length: cpus }, () => new Map<number, number>());
  }

  get cpus(): number {
    return this.entries.length;
  }

  lookup(cpu: number, addr: Addr): number | undefined {
    return this.entries[cpu].get(Math.floor(addr / PAGE_SIZE));
  }

  fill(cpu: number, addr: Addr, pfn: number): void {
    const m = this.entries[cpu];
    if (m.size >= this.capacity) m.delete(m.keys().next().value as number);
    m.set(Math.floor(addr / PAGE_SIZE), pfn);
  }

  /** Drop every cached translation on every CPU (flush_tlb_all). */
  flushAll(): void {
    const e = this.entries;
    // A flush costs what was filled: an empty TLB (no CPU access since the last flush) is free.
    for (let i = 0; i < e.length; i++) if (e[i].size !== 0) e[i].clear();
  }

  /** Drop every cached translation of one CPU (a local flush, x86's __flush_tlb). */
  flushCpu(cpu: number): void {
    if (this.entries[cpu].size !== 0) this.entries[cpu].clear();
  }

  /** Drop cached translations of [start, end) on every CPU. */
  flushRange(start: Addr, end: Addr): void {
    const lo = Math.floor(start / PAGE_SIZE);
    const hi = Math.ceil(end / PAGE_SIZE);
    for (const m of this.entries) for (const vpn of [...m.keys()]) if (vpn >= lo && vpn < hi) m.delete(vpn);
  }

  /** Cached translations of one CPU, in virtual-page order (for reports and tests). */
  snapshot(cpu: number): { addr: Addr; pfn: number }[] {
    return [...this.entries[cpu]].sort((a, b) => a[0] - b[0]).map(([vpn, pfn]) => ({ addr: vpn * PAGE_SIZE, pfn }));
  }
}
