/**
 * Physical memory: page frames grouped in zones, struct-page state and sparse page contents.
 *
 * State is kept in typed arrays allocated in chunks on first touch, and page contents only for
 * pages that were written, so a 64 GiB machine costs what the scenario touches, not 64 GiB.
 * The allocator hands out frames from a per-zone LIFO stack of freed frames, then from a bump
 * pointer: deterministic, O(1), and close to the hot-page behaviour of the real per-CPU lists.
 */
import { PAGE_SIZE } from './arch.js';

export type ZoneName = 'DMA' | 'DMA32' | 'NORMAL' | 'HIGHMEM';

/** Who owns an allocated frame; lets the invariant checker account for every frame. */
export const enum Owner {
  Free = 0,
  Data = 1,
  PageTable = 2,
  Slab = 3,
  Harness = 4,
  Boot = 5,
}

export const OWNER_NAMES = ['free', 'data', 'page-table', 'slab', 'harness', 'boot'] as const;

export interface Zone {
  readonly name: ZoneName;
  readonly startPfn: number;
  readonly endPfn: number;
  /** Next never-used frame. */
  bump: number;
  /** Stack of freed frames. */
  free: Int32Array;
  freeTop: number;
  nrFree: number;
}

const CHUNK_SHIFT = 16;
const CHUNK = 1 << CHUNK_SHIFT;
const MiB = 1024 * 1024;

export interface ZoneLayout {
  ramBytes: number;
  /** Top of the DMA zone (16 MiB on x86). */
  dmaLimit: number;
  /** Top of DMA32 (4 GiB), or 0 when the arch has no DMA32 zone. */
  dma32Limit: number;
  /** Top of directly mapped memory; above it is HIGHMEM, or Infinity for none. */
  highmemFrom: number;
}

export class PhysicalMemory {
  readonly maxPfn: number;
  readonly zones: Zone[] = [];
  private readonly refChunks: (Int32Array | undefined)[] = [];
  private readonly ownerChunks: (Uint8Array | undefined)[] = [];
  private readonly contents = new Map<number, Uint8Array>();
  /** Frames in use by each owner, kept as the allocator runs. */
  readonly inUse = new Float64Array(OWNER_NAMES.length);

  constructor(layout: ZoneLayout) {
    this.maxPfn = Math.floor(layout.ramBytes / PAGE_SIZE);
    const bounds: [ZoneName, number][] = [['DMA', layout.dmaLimit]];
    if (layout.dma32Limit) bounds.push(['DMA32', layout.dma32Limit]);
    if (Number.isFinite(layout.highmemFrom)) {
      bounds.push(['NORMAL', layout.highmemFrom]);
      bounds.push(['HIGHMEM', Infinity]);
    } else {
      bounds.push(['NORMAL', Infinity]);
    }
    let start = 0;
    for (const [name, limit] of bounds) {
      const end = Math.min(this.maxPfn, Math.floor(Math.min(limit, layout.ramBytes) / PAGE_SIZE));
      const endPfn = Math.max(start, end);
      this.zones.push({ name, startPfn: start, endPfn, bump: start, free: new Int32Array(64), freeTop: 0, nrFree: endPfn - start });
      start = endPfn;
    }
    this.inUse[Owner.Free] = this.maxPfn;
  }

  zone(name: ZoneName): Zone | undefined {
    return this.zones.find((z) => z.name === name);
  }

  zoneOf(pfn: number): Zone | undefined {
    // Consecutive frees mostly hit one zone: try the last one found first.
    const last = this.lastZone;
    if (last !== undefined && pfn >= last.startPfn && pfn < last.endPfn) return last;
    const zs = this.zones;
    for (let i = 0; i < zs.length; i++) {
      if (pfn >= zs[i].startPfn && pfn < zs[i].endPfn) {
        this.lastZone = zs[i];
        return zs[i];
      }
    }
    return undefined;
  }
  private lastZone: Zone | undefined;

  /** VALID_PAGE / pfn_valid: the frame is RAM with a struct page. */
  valid(pfn: number): boolean {
    return pfn >= 0 && pfn < this.maxPfn;
  }

  private refChunk(pfn: number): Int32Array {
    const c = pfn >>> CHUNK_SHIFT;
    let a = this.refChunks[c];
    if (!a) {
      a = new Int32Array(CHUNK);
      this.refChunks[c] = a;
      this.ownerChunks[c] = new Uint8Array(CHUNK);
    }
    return a;
  }

  refcount(pfn: number): number {
    const a = this.refChunks[pfn >>> CHUNK_SHIFT];
    return a ? a[pfn & (CHUNK - 1)] : 0;
  }

  setRefcount(pfn: number, v: number): void {
    this.refChunk(pfn)[pfn & (CHUNK - 1)] = v;
  }

  owner(pfn: number): Owner {
    const a = this.ownerChunks[pfn >>> CHUNK_SHIFT];
    return a ? (a[pfn & (CHUNK - 1)] as Owner) : Owner.Free;
  }

  private setOwner(pfn: number, o: Owner): void {
    this.refChunk(pfn);
    const a = this.ownerChunks[pfn >>> CHUNK_SHIFT]!;
    const i = pfn & (CHUNK - 1);
    this.inUse[a[i]]--;
    this.inUse[o]++;
    a[i] = o;
  }

  /** Allocate one frame from the first zone of `zonelist` that has one; -1 when all are empty. */
  alloc(zonelist: readonly Zone[], owner: Owner): number {
    for (let zi = 0; zi < zonelist.length; zi++) {
      const z = zonelist[zi];
      let pfn: number;
      if (z.freeTop > 0) pfn = z.free[--z.freeTop];
      else if (z.bump < z.endPfn) pfn = z.bump++;
      else continue;
      z.nrFree--;
      // One chunk lookup for refcount and owner (the hot path of every vmalloc'ed page).
      const refs = this.refChunk(pfn);
      const owners = this.ownerChunks[pfn >>> CHUNK_SHIFT]!;
      const i = pfn & (CHUNK - 1);
      refs[i] = 1;
      this.inUse[owners[i]]--;
      this.inUse[owner]++;
      owners[i] = owner;
      // Freshly allocated pages read as zero.
      if (this.contents.size !== 0) this.contents.delete(pfn);
      return pfn;
    }
    return -1;
  }

  /**
   * Allocate `n` physically contiguous frames (a slab of a multi-page kmalloc class, as the
   * buddy allocator gives a high-order block) from the never-used frames of the first zone of
   * `zonelist` with room; the first frame, or -1. SIMPLIFIED: freed frames are not coalesced
   * into blocks, so a zone whose never-used frames ran out has no block to give.
   */
  allocContig(zonelist: readonly Zone[], owner: Owner, n: number): number {
    for (let zi = 0; zi < zonelist.length; zi++) {
      const z = zonelist[zi];
      if (z.endPfn - z.bump < n) continue;
      const first = z.bump;
      z.bump += n;
      z.nrFree -= n;
      for (let pfn = first; pfn < first + n; pfn++) {
        this.setRefcount(pfn, 1);
        this.setOwner(pfn, owner);
        if (this.contents.size !== 0) this.contents.delete(pfn);
      }
      return first;
    }
    return -1;
  }

  /**
   * Drop one reference (put_page_testzero); a frame whose count reaches 0 returns to its zone
   * (release). The count after the drop. A count already at 0 goes to -1 and frees nothing.
   */
  put(pfn: number): number {
    const refs = this.refChunks[pfn >>> CHUNK_SHIFT];
    const n = (refs === undefined ? 0 : refs[pfn & (CHUNK - 1)]) - 1;
    if (n !== 0) {
      this.setRefcount(pfn, n);
      return n;
    }
    this.release(pfn);
    return 0;
  }

  /** Return a frame to its zone. Contents are kept: a stale mapping still reads them. */
  release(pfn: number): void {
    const z = this.zoneOf(pfn);
    if (!z) throw releaseError(pfn, 'outside RAM');
    const c = pfn >>> CHUNK_SHIFT;
    const owners = this.ownerChunks[c];
    const i = pfn & (CHUNK - 1);
    if (!owners || owners[i] === Owner.Free) throw releaseError(pfn, 'twice');
    this.refChunks[c]![i] = 0;
    this.inUse[owners[i]]--;
    this.inUse[Owner.Free]++;
    owners[i] = Owner.Free;
    if (z.freeTop === z.free.length) {
      const bigger = new Int32Array(z.free.length * 2);
      bigger.set(z.free);
      z.free = bigger;
    }
    z.free[z.freeTop++] = pfn;
    z.nrFree++;
  }

  /** Mark a frame reserved (PageReserved) for the boot image; it never returns to a zone. */
  reserveBoot(zonelist: readonly Zone[]): number {
    const pfn = this.alloc(zonelist, Owner.Boot);
    return pfn;
  }

  /** Page contents for reading: undefined means all zeroes. */
  peekPage(pfn: number): Uint8Array | undefined {
    return this.contents.get(pfn);
  }

  /** Page contents for writing, created on first write. */
  pageForWrite(pfn: number): Uint8Array {
    let p = this.contents.get(pfn);
    if (!p) {
      p = new Uint8Array(PAGE_SIZE);
      this.contents.set(pfn, p);
    }
    return p;
  }

  readByte(pfn: number, off: number): number {
    const p = this.contents.get(pfn);
    return p ? p[off] : 0;
  }

  writeByte(pfn: number, off: number, v: number): void {
    this.pageForWrite(pfn)[off] = v;
  }

  /** Frames with materialised contents (for memory accounting in benchmarks). */
  get materialisedPages(): number {
    return this.contents.size;
  }
}

/** The simulator error of a bad release (apart from release, which is hot and stays small). */
function releaseError(pfn: number, why: 'outside RAM' | 'twice'): Error {
  return new Error(why === 'twice' ? `simulator: frame ${pfn} released twice` : `simulator: release of frame ${pfn} outside RAM`);
}

export function zoneLayoutFor(arch: 'i386' | 'i386-pae' | 'x86_64', ramBytes: number, lowmemLimit: number): ZoneLayout {
  if (arch === 'x86_64') return { ramBytes, dmaLimit: 16 * MiB, dma32Limit: 4096 * MiB, highmemFrom: Infinity };
  return { ramBytes, dmaLimit: 16 * MiB, dma32Limit: 0, highmemFrom: ramBytes > lowmemLimit ? lowmemLimit : Infinity };
}
