/**
 * The kernel page-table tree (init_mm) as the MMU sees it.
 *
 * A table is one page frame; its entries live in a Float64Array keyed by the frame number. An
 * entry is 0 when none, else 1 + the frame it points at (the next table, or the data page for a
 * pte). An entry *pointer* — what C holds as pgd_t* / pmd_t* / pte_t* — is the number
 * `slot * 1024 + index`, the slot being the table frame's place in dense per-table arrays, so
 * `pte++` is `ptr + 1`, no object is made per entry, and a pointer stays a small integer even for
 * the frame numbers above 2^31 that vmx gives tables outside RAM.
 *
 * A leaf entry (pte) also has flag bits: the x86 pte bits 0..11 (P RW US PWT PCD A D PAT G and the
 * three software bits) and NX, bit 63, kept as PTE_FLAG_NX (0x8000) in a Uint16Array parallel to
 * the table's entries, made on the table's first flagged entry (setLeaf). The raw pte is then
 * `frame << 12 | flags` with bit 15 moved to bit 63 (pteValue). Flags of an entry that is none
 * read as 0.
 *
 * A non-leaf entry may instead be a large leaf (a PSE pmd: 4 MiB on i386, 2 MiB on PAE and
 * x86_64): it is kept as -(1 + frame), frame being the large page's first frame, with its flag
 * word (_PAGE_PSE 0x80 among the bits) in the table's flag words like a pte's. `translate` maps an
 * address under it to frame + its page offset within the large page; the walks for final-state
 * accounting visit it neither as a table nor as a leaf.
 */
import { PAGE_SIZE, type ArchProfile, type PageTableLevel } from './arch.js';
import type { Addr } from './addr.js';

export type EntryPtr = number;
export const PTR_STRIDE = 1024;
const PTR_SHIFT = 10;
/** Slots an entry pointer can name while it stays a small integer (slot * 1024 < 2^30). */
const MAX_SLOTS = 1 << 20;

/** Where a leaf entry's flag word keeps the pte's NX bit (bit 63 of the real pte). */
export const PTE_FLAG_NX = 0x8000;
/** The pte bits a flag word keeps besides NX: bits 0..11. */
export const PTE_FLAG_LOW = 0xfff;

/** _PAGE_PSE: the flag bit of a large leaf entry (bit 7, the pte's PAT bit). */
export const PAGE_PSE = 0x80;

/** Names of the x86 pte bits a flag word may hold, lowest first (bits 9..11 are software bits). */
export const PTE_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [0x001, 'P'],
  [0x002, 'RW'],
  [0x004, 'US'],
  [0x008, 'PWT'],
  [0x010, 'PCD'],
  [0x020, 'A'],
  [0x040, 'D'],
  [0x080, 'PAT'],
  [0x100, 'G'],
  [0x200, 'SW9'],
  [0x400, 'SW10'],
  [0x800, 'SW11'],
  [PTE_FLAG_NX, 'NX'],
];

/** "P RW A D G NX": the names of the bits set in a flag word. */
export function pteFlagNames(flags: number): string {
  const out: string[] = [];
  for (const [bit, name] of PTE_FLAG_NAMES) if (flags & bit) out.push(name);
  return out.join(' ');
}

/** The error for a table access to a frame that is not a table (apart: the callers are hot and stay small). */
function notATable(pfn: number): Error {
  return new Error(`simulator: frame ${pfn} is not a page table`);
}

const TCHUNK_SHIFT = 12;
const TCHUNK = 1 << TCHUNK_SHIFT;
/** Chunk numbers below this (frames below 2^24, RAM up to 64 GiB) index ChunkDir's array. */
const NEAR_CHUNKS = 1 << 12;

/**
 * Chunks by chunk number, kept out of V8's dictionary mode: a plain array indexed by chunk number
 * turns into a hash table once a far number is stored in it (the frame numbers vmx gives tables
 * outside RAM are 2^31 and up), and every lookup then hashes. RAM's chunks are in a preallocated
 * array, the far ones in a Map.
 */
class ChunkDir<T> {
  private readonly near = new Array<T | undefined>(NEAR_CHUNKS);
  private readonly far = new Map<number, T>();

  get(c: number): T | undefined {
    return c < NEAR_CHUNKS ? this.near[c] : this.far.get(c);
  }

  set(c: number, v: T): void {
    if (c < NEAR_CHUNKS) this.near[c] = v;
    else this.far.set(c, v);
  }
}

export class PageTables {
  /**
   * Table frame -> its slot + 1 (0: none yet), in chunks of 4096 frames. A slot is a frame's place
   * in the dense arrays below, given the first time a pointer into the frame is made; an entry
   * pointer is `slot * PTR_STRIDE + index`, so the hot accessors index arrays with int32 shifts
   * and masks rather than dividing a frame number that may exceed 2^31.
   */
  private readonly slotChunks = new ChunkDir<Int32Array>();
  /** Per slot: the frame; its entries (undefined while the frame is not a table); its leaf flag
   * words (see the file comment; undefined until the table's first flagged entry). */
  private readonly slotPfns: number[] = [];
  private readonly slotTables: (Float64Array | undefined)[] = [];
  private readonly slotFlags: (Uint16Array | undefined)[] = [];
  /** Level index (0 = pgd) of each table frame, -1 for none, chunked by frame. */
  private readonly levelChunks = new ChunkDir<Int8Array>();
  readonly levels: readonly PageTableLevel[];
  /** 2^shift and entries of each level, for index(). */
  private readonly span: Float64Array;
  private readonly entries: Float64Array;
  pgdPfn = -1;
  /**
   * Tables the boot image links under more than one entry (PAE 2.4's empty_zero_page under the
   * user pgd slots): walkRange visits each of them once, at its first link.
   */
  private readonly shared = new Set<number>();
  /** Single-entry cache of the walks by frame (consecutive levels of one walk repeat frames). */
  private lastPfn = -1;
  private lastTable: Float64Array | undefined;

  constructor(readonly arch: ArchProfile) {
    this.levels = arch.levels;
    this.span = Float64Array.from(arch.levels, (l) => 2 ** l.shift);
    this.entries = Float64Array.from(arch.levels, (l) => l.entries);
  }

  /** The slot of frame `pfn`, given it now when it has none. */
  private slotOf(pfn: number): number {
    const c = pfn >>> TCHUNK_SHIFT;
    let sc = this.slotChunks.get(c);
    if (sc === undefined) {
      sc = new Int32Array(TCHUNK);
      this.slotChunks.set(c, sc);
    }
    let s = sc[pfn & (TCHUNK - 1)] - 1;
    if (s < 0) {
      s = this.slotPfns.length;
      if (s >= MAX_SLOTS) throw new Error(`simulator: more than ${MAX_SLOTS} page-table frames`);
      this.slotPfns.push(pfn);
      this.slotTables.push(undefined);
      this.slotFlags.push(undefined);
      sc[pfn & (TCHUNK - 1)] = s + 1;
    }
    return s;
  }

  /** The slot of frame `pfn`, or -1 when no pointer into it was ever made. */
  private slotIfAny(pfn: number): number {
    const sc = this.slotChunks.get(pfn >>> TCHUNK_SHIFT);
    return sc === undefined ? -1 : sc[pfn & (TCHUNK - 1)] - 1;
  }

  /** Make `pfn` a zeroed table of the given level. */
  install(pfn: number, level: number): void {
    const s = this.slotOf(pfn);
    const t = new Float64Array(this.levels[level].entries);
    this.slotTables[s] = t;
    this.slotFlags[s] = undefined;
    const c = pfn >>> TCHUNK_SHIFT;
    let lv = this.levelChunks.get(c);
    if (lv === undefined) {
      lv = new Int8Array(TCHUNK);
      lv.fill(-1);
      this.levelChunks.set(c, lv);
    }
    lv[pfn & (TCHUNK - 1)] = level;
    if (pfn === this.lastPfn) this.lastTable = t;
  }

  private lookup(pfn: number): Float64Array | undefined {
    const s = this.slotIfAny(pfn);
    return s < 0 ? undefined : this.slotTables[s];
  }

  /** Mark a table as linked more than once by design (see `shared`). */
  markShared(pfn: number): void {
    this.shared.add(pfn);
  }

  isTable(pfn: number): boolean {
    return this.lookup(pfn) !== undefined;
  }

  tableLevel(pfn: number): number {
    const c = this.levelChunks.get(pfn >>> TCHUNK_SHIFT);
    return c === undefined ? -1 : c[pfn & (TCHUNK - 1)];
  }

  private table(pfn: number): Float64Array {
    if (pfn === this.lastPfn) return this.lastTable!;
    const t = this.lookup(pfn);
    if (t === undefined) throw notATable(pfn);
    this.lastPfn = pfn;
    this.lastTable = t;
    return t;
  }

  /** The entries of the table an entry pointer points into. */
  private tableAt(p: EntryPtr): Float64Array {
    const t = this.slotTables[p >>> PTR_SHIFT];
    if (t === undefined) throw notATable(this.ptrFrame(p));
    return t;
  }

  /** The frame of the table an entry pointer points into (-1 for a pointer vmx never made). */
  ptrFrame(p: EntryPtr): number {
    const pfn = p >= 0 ? this.slotPfns[p >>> PTR_SHIFT] : undefined;
    return pfn === undefined ? -1 : pfn;
  }

  /** The index of an entry pointer's entry in its table. */
  ptrIndex(p: EntryPtr): number {
    return p & (PTR_STRIDE - 1);
  }

  /** Index of `addr` in a table of level `level`. */
  index(level: number, addr: Addr): number {
    const q = Math.floor(addr / this.span[level]);
    const n = this.entries[level];
    // q mod n without a floating-point remainder (fmod is slow); negative q keeps % semantics.
    return q >= 0 ? q - Math.floor(q / n) * n : q % n;
  }

  ptr(tablePfn: number, idx: number): EntryPtr {
    return this.slotOf(tablePfn) * PTR_STRIDE + idx;
  }

  get(p: EntryPtr): number {
    return this.tableAt(p)[p & (PTR_STRIDE - 1)];
  }

  set(p: EntryPtr, v: number): void {
    this.tableAt(p)[p & (PTR_STRIDE - 1)] = v;
  }

  /** The entry at `p`, which then reads as none (an exchange with 0: one table lookup). */
  getAndClear(p: EntryPtr): number {
    const t = this.tableAt(p);
    const i = p & (PTR_STRIDE - 1);
    const v = t[i];
    if (v !== 0) t[i] = 0;
    return v;
  }

  /** The flag words of the table in slot `slot`, made when `make` (all zero) and not there yet; else undefined. */
  private flagsOf(slot: number, make: boolean): Uint16Array | undefined {
    let f = this.slotFlags[slot];
    if (f === undefined && make) {
      const t = this.slotTables[slot];
      if (t === undefined) throw notATable(this.slotPfns[slot] ?? -1);
      f = new Uint16Array(t.length);
      this.slotFlags[slot] = f;
    }
    return f;
  }

  /** Write a leaf entry (0 none, else 1 + frame) with its flag word (bits 0..11, PTE_FLAG_NX). */
  setLeaf(p: EntryPtr, v: number, flags: number): void {
    const i = p & (PTR_STRIDE - 1);
    this.tableAt(p)[i] = v;
    const f = this.slotFlags[p >>> PTR_SHIFT];
    if (f !== undefined) f[i] = flags;
    else if (flags !== 0) this.flagsOf(p >>> PTR_SHIFT, true)![i] = flags;
  }

  /** Write a large leaf entry at a non-leaf level: the large page's first frame and its flag word (PAGE_PSE set). */
  setLarge(p: EntryPtr, frame: number, flags: number): void {
    this.setLeaf(p, -(frame + 1), flags);
  }

  /** The entry at `p` is a large leaf (setLarge). */
  isLarge(p: EntryPtr): boolean {
    return this.get(p) < 0;
  }

  /** The flag word of a leaf entry; 0 for an entry that is none. */
  flags(p: EntryPtr): number {
    const i = p & (PTR_STRIDE - 1);
    if (this.tableAt(p)[i] === 0) return 0;
    const f = this.slotFlags[p >>> PTR_SHIFT];
    return f === undefined ? 0 : f[i];
  }

  /** The raw pte at `p` as the hardware holds it, 64-bit exact: frame << 12 | bits 0..11 | NX << 63. */
  pteValue(p: EntryPtr): bigint {
    let e = this.get(p);
    if (e === 0) return 0n;
    if (e < 0) e = -e; // a large leaf: its frame is the large page's first
    const f = this.flags(p);
    return (BigInt(e - 1) << 12n) | BigInt(f & PTE_FLAG_LOW) | (f & PTE_FLAG_NX ? 1n << 63n : 0n);
  }

  /** The pte slot the hardware walk of `addr` reaches, or -1 when an upper level is none. */
  leafPtr(addr: Addr): EntryPtr {
    let t = this.pgdPfn;
    const last = this.levels.length - 1;
    for (let level = 0; level < last; level++) {
      const e = this.table(t)[this.index(level, addr)];
      if (e <= 0) return -1; // none, or a large leaf (no pte below it)
      t = e - 1;
    }
    return this.ptr(t, this.index(last, addr));
  }

  /**
   * The entry the last translate() ended at: the pte, or the large pmd, that maps its address
   * (its flag word: flags()), -1 when the walk stopped at a none upper-level entry.
   */
  lastLeaf: EntryPtr = -1;

  /** Hardware walk: the data frame mapped at `addr`, or -1 (not present at some level). Sets lastLeaf. */
  translate(addr: Addr): number {
    let t = this.pgdPfn;
    const n = this.levels.length;
    for (let level = 0; level < n; level++) {
      const i = this.index(level, addr);
      const e = this.table(t)[i];
      if (e === 0) {
        this.lastLeaf = level === n - 1 ? this.ptr(t, i) : -1;
        return -1;
      }
      if (e < 0) {
        // a large leaf: its first frame + the page offset of addr within it
        this.lastLeaf = this.ptr(t, i);
        const span = this.span[level];
        return -e - 1 + Math.floor((addr - Math.floor(addr / span) * span) / PAGE_SIZE);
      }
      if (level === n - 1) this.lastLeaf = this.ptr(t, i);
      t = e - 1;
    }
    return t;
  }

  /** Rewrite the flag word of a present leaf entry (the CPU setting A or D), its frame unchanged. */
  setFlags(p: EntryPtr, flags: number): void {
    this.flagsOf(p >>> PTR_SHIFT, true)![p & (PTR_STRIDE - 1)] = flags;
  }

  /**
   * Visit every non-none entry whose span meets [start, end): `onTable` for each table page
   * below the pgd (any level), `onLeaf` for each present pte. Used for final-state accounting
   * (pagesMapped, pageTablePages) and invariants, never on a kernel hot path.
   */
  private walkRange(start: Addr, end: Addr, onLeaf?: (addr: Addr, pfn: number, flags: number) => void, onTable?: (pfn: number) => void): void {
    const last = this.levels.length - 1;
    const sharedSeen = this.shared.size ? new Set<number>() : undefined;
    const walk = (tablePfn: number, level: number, base: Addr): void => {
      const l = this.levels[level];
      const span = 2 ** l.shift;
      const t = this.table(tablePfn);
      const f = level === last && onLeaf !== undefined ? this.slotFlags[this.slotOf(tablePfn)] : undefined;
      for (let i = 0; i < l.entries; i++) {
        const e = t[i];
        if (e <= 0) continue; // none, or a large leaf (neither a table nor a pte)
        const lo = base + i * span;
        if (lo + span <= start || lo >= end) continue;
        if (level === last) {
          onLeaf?.(lo, e - 1, f === undefined ? 0 : f[i]);
        } else {
          if (sharedSeen !== undefined && this.shared.has(e - 1)) {
            if (sharedSeen.has(e - 1)) continue;
            sharedSeen.add(e - 1);
          }
          onTable?.(e - 1);
          walk(e - 1, level + 1, lo);
        }
      }
    };
    walk(this.pgdPfn, 0, this.topBase());
  }

  /** Visit every present leaf entry whose address lies in [start, end), with its flag word. */
  forEachPresent(start: Addr, end: Addr, fn: (addr: Addr, pfn: number, flags: number) => void): void {
    this.walkRange(start, end, fn);
  }

  /** Frames of the tables below the pgd that cover [start, end) (table pages, any level). */
  tablesCovering(start: Addr, end: Addr): number[] {
    const out: number[] = [];
    this.walkRange(start, end, undefined, (pfn) => out.push(pfn));
    return out;
  }

  /**
   * Biased address of pgd slot 0. On i386 it is 0; on x86_64 the bias 0xffff000000000000 is a
   * multiple of the pgd span times 512, so slot i covers biased [i * 2^39, (i + 1) * 2^39) too.
   */
  private topBase(): Addr {
    return 0;
  }
}
