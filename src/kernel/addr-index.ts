/**
 * Address → slot, for tables whose objects are freed and allocated again at the same addresses:
 * an open-addressing hash over typed arrays whose keys are never removed (a freed address keeps
 * its slot for when it is handed out again), so linear probing needs no tombstones. Why not a
 * `Map`: i386 addresses above 2^31 are not small integers, so a `Map` keyed by them boxes and
 * hashes a heap number on every lookup (see addr-table.ts for the cost of its deleted entries).
 */
import type { Addr } from '../hw/addr.js';

export class AddrIndex {
  /** Hash index: address ever added → slot + 1 (0 = empty bucket). */
  private keys = new Float64Array(64);
  private slots = new Int32Array(64);
  private mask = 63;
  /** 32 - log2(buckets): a multiplicative hash takes the product's top bits. */
  private shift = 26;
  private count = 0;

  /** The bucket of `addr`: where it is, or the empty bucket where it would go. */
  private bucket(addr: Addr): number {
    // Exact integer halves of the address (biased x86_64 addresses reach 2^48).
    const lo = addr >>> 0;
    const hi = (addr - lo) / 4294967296;
    let b = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
    const mask = this.mask;
    const keys = this.keys;
    const slots = this.slots;
    for (; slots[b] !== 0 && keys[b] !== addr; b = (b + 1) & mask);
    return b;
  }

  /** The slot of `addr`, or -1 when it was never added. */
  slotOf(addr: Addr): number {
    return this.slots[this.bucket(addr)] - 1;
  }

  /** Add an address not yet in the index. */
  add(addr: Addr, slot: number): void {
    if (2 * (this.count + 1) > this.keys.length) this.grow();
    const b = this.bucket(addr);
    this.keys[b] = addr;
    this.slots[b] = slot + 1;
    this.count++;
  }

  private grow(): void {
    const keys = this.keys;
    const slots = this.slots;
    this.keys = new Float64Array(keys.length * 2);
    this.slots = new Int32Array(keys.length * 2);
    this.mask = keys.length * 2 - 1;
    this.shift--;
    for (let j = 0; j < keys.length; j++) {
      if (slots[j] === 0) continue;
      const b = this.bucket(keys[j]);
      this.keys[b] = keys[j];
      this.slots[b] = slots[j];
    }
  }
}
