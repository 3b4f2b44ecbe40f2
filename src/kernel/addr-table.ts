/**
 * A table keyed by address for objects that are freed and allocated again at the same addresses
 * (slab objects, kmemleak records): a `ReadonlyMap` to its readers, iterating in the order a
 * `Map` would (insertion order, an entry set again after its delete going last).
 *
 * Why not a `Map`: V8's Map keeps a deleted entry in its bucket chain until the table is next
 * rehashed, which happens only when the table fills up. A key deleted and set again on every
 * step (the vm_struct slot kmalloc hands out, freed and handed out again) leaves one dead entry
 * per step in its chain, so with a few thousand live objects each lookup of that key walks
 * hundreds of dead entries: microseconds per kmalloc (2.6.39's fix_size spent 38% of its time on
 * one `live.set`). Here a key keeps its slot for good and a delete only empties it; the slots are
 * bounded by the addresses ever used, which the slab's pages bound. The address-to-slot index is
 * an open-addressing hash over typed arrays (keys are never removed from it, so linear probing
 * needs no tombstones): i386 addresses above 2^31 are not small integers, and a `Map` keyed by
 * them boxes and hashes a heap number on every lookup.
 */
import type { Addr } from '../hw/addr.js';

export class AddrTable<V> implements ReadonlyMap<Addr, V> {
  /** Hash index: address ever set → slot + 1 (0 = empty bucket), never deleted from. */
  private hashKeys = new Float64Array(64);
  private hashSlots = new Int32Array(64);
  private hashMask = 63;
  /** 32 - log2(buckets): a multiplicative hash takes the product's top bits. */
  private hashShift = 26;
  private readonly keyAt: Addr[] = [];
  private readonly valueAt: (V | undefined)[] = [];
  /** When each live slot was (last) inserted: the Map's iteration order. */
  private readonly seqAt: number[] = [];
  private seq = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  /** The bucket of `addr` in the hash index: where it is, or the empty bucket where it would go. */
  private bucket(addr: Addr): number {
    // Exact integer halves of the address (biased x86_64 addresses reach 2^48).
    const lo = addr >>> 0;
    const hi = (addr - lo) / 4294967296;
    let b = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> this.hashShift;
    const mask = this.hashMask;
    const keys = this.hashKeys;
    const slots = this.hashSlots;
    for (; slots[b] !== 0 && keys[b] !== addr; b = (b + 1) & mask);
    return b;
  }

  /** The slot of `addr`, or -1 when it was never set. */
  private slotOf(addr: Addr): number {
    return this.hashSlots[this.bucket(addr)] - 1;
  }

  private grow(): void {
    const keys = this.hashKeys;
    const slots = this.hashSlots;
    this.hashKeys = new Float64Array(keys.length * 2);
    this.hashSlots = new Int32Array(keys.length * 2);
    this.hashMask = keys.length * 2 - 1;
    this.hashShift--;
    for (let j = 0; j < keys.length; j++) {
      if (slots[j] === 0) continue;
      const b = this.bucket(keys[j]);
      this.hashKeys[b] = keys[j];
      this.hashSlots[b] = slots[j];
    }
  }

  get(addr: Addr): V | undefined {
    const i = this.slotOf(addr);
    return i < 0 ? undefined : this.valueAt[i];
  }

  has(addr: Addr): boolean {
    return this.get(addr) !== undefined;
  }

  /** Map.set: a new (or deleted) key goes last in the order, a live one keeps its place. */
  set(addr: Addr, v: V): this {
    let b = this.bucket(addr);
    let i = this.hashSlots[b] - 1;
    if (i < 0) {
      if (2 * (this.keyAt.length + 1) > this.hashKeys.length) {
        this.grow();
        b = this.bucket(addr);
      }
      i = this.keyAt.length;
      this.hashKeys[b] = addr;
      this.hashSlots[b] = i + 1;
      this.keyAt.push(addr);
      this.valueAt.push(undefined);
      this.seqAt.push(0);
    }
    if (this.valueAt[i] === undefined) {
      this.live++;
      this.seqAt[i] = ++this.seq;
    }
    this.valueAt[i] = v;
    return this;
  }

  delete(addr: Addr): boolean {
    const i = this.slotOf(addr);
    if (i < 0 || this.valueAt[i] === undefined) return false;
    this.valueAt[i] = undefined;
    this.live--;
    return true;
  }

  /** Live slots in insertion order (reads only: invariants, reports, tests). */
  private order(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.keyAt.length; i++) if (this.valueAt[i] !== undefined) out.push(i);
    return out.sort((a, b) => this.seqAt[a] - this.seqAt[b]);
  }

  *entries(): MapIterator<[Addr, V]> {
    for (const i of this.order()) yield [this.keyAt[i], this.valueAt[i] as V];
  }

  *keys(): MapIterator<Addr> {
    for (const i of this.order()) yield this.keyAt[i];
  }

  *values(): MapIterator<V> {
    for (const i of this.order()) yield this.valueAt[i] as V;
  }

  [Symbol.iterator](): MapIterator<[Addr, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: Addr, map: ReadonlyMap<Addr, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
