/**
 * kmalloc/kfree over size classes (SIMPLIFIED slab: one slab = the pages one object class
 * needs, never shrunk; objects get lowmem addresses inside those pages). The class list is
 * version data (2.4's size-32…size-131072, 2.6.32's kmalloc-32/64/96/128/192/…).
 */
import { PAGE_SIZE } from '../hw/arch.js';
import type { Addr } from '../hw/addr.js';
import { Owner } from '../hw/frames.js';
import type { Machine } from '../hw/machine.js';
import { AddrTable } from './addr-table.js';

interface SizeClass {
  size: number;
  /** Free object addresses, LIFO. */
  free: Addr[];
  slabs: number;
  /** This class's shared records (see Slab.record), by size * 128 + node + 1: a small integer. */
  records: Map<number, SlabObject>;
}

export interface SlabObject {
  readonly size: number;
  readonly classSize: number;
  readonly node: number;
}

export class Slab {
  private readonly classes: SizeClass[];
  /** Live objects by address (a ReadonlyMap; see addr-table.ts for why not a Map). */
  readonly live = new AddrTable<SlabObject>();
  liveBytes = 0;
  /** Frames the slab holds (owner Slab). */
  frames = 0;
  constructor(
    private readonly machine: Machine,
    classSizes: readonly number[],
  ) {
    this.classes = classSizes.map((size) => ({ size, free: [], slabs: 0, records: new Map() }));
  }

  /** Largest size kmalloc serves. */
  get maxSize(): number {
    return this.classes[this.classes.length - 1].size;
  }

  /** Allocate an object of `size` bytes; 0 when the size is too large or memory is exhausted. */
  alloc(size: number, node: number): Addr {
    const cls = this.classFor(size);
    if (!cls) return 0;
    if (cls.free.length === 0 && !this.grow(cls)) return 0;
    const addr = cls.free.pop()!;
    this.live.set(addr, this.record(size, cls, node));
    this.liveBytes += size;
    return addr;
  }

  /**
   * One frozen record per (size, class, node) ever used, shared by every live object with those
   * values: a long run keeps thousands of objects live, and a record each was a heap object per
   * kmalloc for the garbage collector to copy and for the descriptor walks to step over.
   */
  private record(size: number, cls: SizeClass, node: number): SlabObject {
    const classSize = cls.size;
    // size <= classSize <= 2^22 (the largest class) and -1 <= node < 127 (machine.nodes <= 64):
    // the key stays below 2^30, a small integer, which a Map hashes without boxing it (one key
    // over (size, class, node) reached 2^52, a heap number for every kmalloc to hash).
    if (node < -1 || node >= 127) return Object.freeze({ size, classSize, node });
    const key = size * 128 + (node + 1);
    let r = cls.records.get(key);
    if (r === undefined) {
      r = Object.freeze({ size, classSize, node });
      cls.records.set(key, r);
    }
    return r;
  }

  /** The smallest class that fits `size` (classes are few and ascending). */
  private classFor(size: number): SizeClass | undefined {
    const cs = this.classes;
    for (let i = 0; i < cs.length; i++) if (cs[i].size >= size) return cs[i];
    return undefined;
  }

  private grow(cls: SizeClass): boolean {
    const pages = Math.max(1, Math.ceil(cls.size / PAGE_SIZE));
    const zones = this.machine.lowZones();
    // A multi-page slab is one physically contiguous block for one lowmem range.
    const first = pages === 1 ? this.machine.mem.alloc(zones, Owner.Slab) : this.machine.mem.allocContig(zones, Owner.Slab, pages);
    if (first < 0) return false;
    this.frames += pages;
    cls.slabs++;
    const base = this.machine.lowmemAddress(first);
    const n = Math.floor((pages * PAGE_SIZE) / cls.size);
    // Push in reverse so objects are handed out in ascending address order.
    for (let i = n - 1; i >= 0; i--) cls.free.push(base + i * cls.size);
    return true;
  }

  /** Free a live object; false when `addr` is not one (the caller decides how to report it). */
  free(addr: Addr): boolean {
    const obj = this.live.get(addr);
    if (!obj) return false;
    this.live.delete(addr);
    this.liveBytes -= obj.size;
    this.classFor(obj.classSize)!.free.push(addr);
    return true;
  }
}
