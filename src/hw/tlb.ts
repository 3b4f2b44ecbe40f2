/**
 * Per-CPU TLBs that really cache translations, so a stale entry left after an unmap without a
 * flush is observable. Each CPU keeps up to `capacity` entries, evicting the oldest first; a flush
 * costs what was filled.
 *
 * An entry maps a virtual page number to one number that holds the translation with the
 * permission and dirty state the walk found, as an x86 TLB caches them (Intel SDM vol. 3 4.10.2.2,
 * AMD APM vol. 2 5.5.1): `pfn * 8 + TLB_RW + TLB_DIRTY + TLB_NX` (see tlbEntry), so a pte made
 * read-only without a flush still takes a store through the stale entry, and the hot path makes no
 * object. pfn * 8 stays exact: frames are below 2^40 (52-bit physical addresses), far from 2^50.
 */
import { PAGE_SIZE } from './arch.js';
import type { Addr } from './addr.js';

/** The entry's pte (or large pmd) had _PAGE_RW when it was filled: a store may go through it. */
export const TLB_RW = 1;
/** The entry's pte had _PAGE_DIRTY (or the CPU set it on a store through the entry). */
export const TLB_DIRTY = 2;

/** The entry's pte had _PAGE_NX: an instruction fetch through it faults. */
export const TLB_NX = 4;

/** An entry's number: the frame and the TLB_RW / TLB_DIRTY / TLB_NX bits. */
export function tlbEntry(pfn: number, bits: number): number {
  return pfn * 8 + bits;
}
/** The frame of an entry's number. */
export function tlbPfn(e: number): number {
  return Math.floor(e / 8);
}

export class Tlb {
  private readonly entries: Map<number, number>[];

  constructor(cpus: number, private readonly capacity = 1536) {
    this.entries = Array.from({ length: cpus }, () => new Map<number, number>());
  }

  get cpus(): number {
    return this.entries.length;
  }

  /** The cached entry (tlbEntry) for `addr`, or undefined on a miss. */
  lookup(cpu: number, addr: Addr): number | undefined {
    return this.entries[cpu].get(Math.floor(addr / PAGE_SIZE));
  }

  /** Cache the entry `e` (tlbEntry(pfn, bits)) for `addr`, evicting the oldest when full. */
  fill(cpu: number, addr: Addr, e: number): void {
    const m = this.entries[cpu];
    const vpn = Math.floor(addr / PAGE_SIZE);
    if (m.size >= this.capacity && !m.has(vpn)) m.delete(m.keys().next().value as number);
    m.set(vpn, e);
  }

  /** Drop one CPU's entry for `addr` (a page fault invalidates the faulting address's entry: SDM vol. 3 4.10.4.1). */
  drop(cpu: number, addr: Addr): void {
    this.entries[cpu].delete(Math.floor(addr / PAGE_SIZE));
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
    return [...this.entries[cpu]].sort((a, b) => a[0] - b[0]).map(([vpn, e]) => ({ addr: vpn * PAGE_SIZE, pfn: tlbPfn(e) }));
  }

  /** Cached translations of one CPU with their permission bits (TLB_RW, TLB_DIRTY, TLB_NX), for tests. */
  entriesOf(cpu: number): { addr: Addr; pfn: number; rw: boolean; dirty: boolean; nx: boolean }[] {
    return [...this.entries[cpu]]
      .sort((a, b) => a[0] - b[0])
      .map(([vpn, e]) => ({ addr: vpn * PAGE_SIZE, pfn: tlbPfn(e), rw: (e & TLB_RW) !== 0, dirty: (e & TLB_DIRTY) !== 0, nx: (e & TLB_NX) !== 0 }));
  }
}
