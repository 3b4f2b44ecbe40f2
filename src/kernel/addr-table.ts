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
 * bounded by the addresses ever used, which the slab's pages bound (the address-to-slot index is
 * addr-index.ts).
 */
import type { Addr } from '../hw/addr.js';
import { AddrIndex } from './addr-index.js';

export class AddrTable<V> implements ReadonlyMap<Addr, V> {
  private readonly index = new AddrIndex();
  private readonly keyAt: Addr[] = [];
  private readonly valueAt: (V | undefined)[] = [];
  /** When each live slot was (last) inserted: the Map's iteration order. */
  private readonly seqAt: number[] = [];
  private seq = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  /** The slot of `addr`, or -1 when it was never set. */
  private slotOf(addr: Addr): number {
    return this.index.slotOf(addr);
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
    let i = this.index.slotOf(addr);
    if (i < 0) {
      i = this.keyAt.length;
      this.index.add(addr, i);
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
