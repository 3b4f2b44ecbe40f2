/**
 * kmemleak as a shared facility (SIMPLIFIED from mm/kmemleak.c): an object registry with
 * min_count, and a scan that counts references from the places the simulation knows about
 * (the version's own descriptors and the scenario's live handles). An object referenced fewer
 * than min_count times is reported as a leak, in the kernel's report format.
 */
import type { Addr } from '../hw/addr.js';
import { AddrTable } from './addr-table.js';

export interface KmemleakObject {
  ptr: Addr;
  size: number;
  minCount: number;
  /** Where kmemleak_alloc was called from (the kernel's "backtrace" first frame). */
  caller: string;
}

export class Kmemleak {
  readonly objects = new AddrTable<KmemleakObject>();
  /** Objects already reported once; the kernel reports each leak once until it is freed. */
  private readonly reported = new Set<Addr>();

  /** kmemleak_alloc(ptr, size, min_count, gfp): NULL and error pointers are ignored. */
  alloc(ptr: Addr, size: number, minCount: number, caller: string): void {
    if (!ptr) return;
    this.objects.set(ptr, { ptr, size, minCount, caller });
  }

  /** kmemleak_free(ptr): unknown pointers are ignored silently (no DEBUG build). */
  free(ptr: Addr): void {
    if (!ptr) return;
    this.objects.delete(ptr);
    this.reported.delete(ptr);
  }

  /** Live objects in address order. */
  list(): KmemleakObject[] {
    return [...this.objects.values()].sort((a, b) => a.ptr - b.ptr);
  }

  /**
   * A scan: `refs(ptr)` says how many references the simulation can see to an object's start.
   * Returns the newly suspected objects (each reported once, as the kernel does).
   */
  scan(refs: (o: KmemleakObject) => number): KmemleakObject[] {
    const leaks: KmemleakObject[] = [];
    for (const o of this.list()) {
      if (refs(o) >= o.minCount) continue;
      if (this.reported.has(o.ptr)) continue;
      this.reported.add(o.ptr);
      leaks.push(o);
    }
    return leaks;
  }
}
