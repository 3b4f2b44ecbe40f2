/**
 * The kernel page-table tree (init_mm) as the MMU sees it.
 *
 * A table is one page frame; its entries live in a Float64Array keyed by the frame number. An
 * entry is 0 when none, else 1 + the frame it points at (the next table, or the data page for a
 * pte). An entry *pointer* — what C holds as pgd_t* / pmd_t* / pte_t* — is the number
 * `tablePfn * 1024 + index`, so `pte++` is `ptr + 1` and no object is made per entry.
 */
import type { ArchProfile, PageTableLevel } from './arch.js';
import type { Addr } from './addr.js';

export type EntryPtr = number;
export const PTR_STRIDE = 1024;

export class PageTables {
  private readonly tables = new Map<number, Float64Array>();
  /** Level index (0 = pgd) of each table frame. */
  private readonly levelOf = new Map<number, number>();
  readonly levels: readonly PageTableLevel[];
  pgdPfn = -1;
  /** Single-entry cache for the hot path (consecutive ptes of one table). */
  private lastPfn = -1;
  private lastTable: Float64Array | undefined;

  constructor(readonly arch: ArchProfile) {
    this.levels = arch.levels;
  }

  /** Make `pfn` a zeroed table of the given level. */
  install(pfn: number, level: number): void {
    this.tables.set(pfn, new Float64Array(this.levels[level].entries));
    this.levelOf.set(pfn, level);
  }

  isTable(pfn: number): boolean {
    return this.tables.has(pfn);
  }

  tableLevel(pfn: number): number {
    return this.levelOf.get(pfn) ?? -1;
  }

  private table(pfn: number): Float64Array {
    if (pfn === this.lastPfn) return this.lastTable!;
    const t = this.tables.get(pfn);
    if (!t) throw new Error(`simulator: frame ${pfn} is not a page table`);
    this.lastPfn = pfn;
    this.lastTable = t;
    return t;
  }

  /** Index of `addr` in a table of level `level`. */
  index(level: number, addr: Addr): number {
    const l = this.levels[level];
    return Math.floor(addr / 2 ** l.shift) % l.entries;
  }

  ptr(tablePfn: number, idx: number): EntryPtr {
    return tablePfn * PTR_STRIDE + idx;
  }

  get(p: EntryPtr): number {
    return this.table(Math.floor(p / PTR_STRIDE))[p % PTR_STRIDE];
  }

  set(p: EntryPtr, v: number): void {
    this.table(Math.floor(p / PTR_STRIDE))[p % PTR_STRIDE] = v;
  }

  /** Hardware walk: the data frame mapped at `addr`, or -1 (not present at some level). */
  translate(addr: Addr): number {
    let t = this.pgdPfn;
    for (let level = 0; level < this.levels.length; level++) {
      const e = this.table(t)[this.index(level, addr)];
      if (e === 0) return -1;
      t = e - 1;
    }
    return t;
  }

  /**
   * Visit every present leaf entry whose address lies in [start, end). Used for final-state
   * accounting (pagesMapped) and invariants, never on a kernel hot path.
   */
  forEachPresent(start: Addr, end: Addr, fn: (addr: Addr, pfn: number) => void): void {
    const walk = (tablePfn: number, level: number, base: Addr): void => {
      const l = this.levels[level];
      const span = 2 ** l.shift;
      const t = this.table(tablePfn);
      for (let i = 0; i < l.entries; i++) {
        const e = t[i];
        if (e === 0) continue;
        const lo = base + i * span;
        if (lo + span <= start || lo >= end) continue;
        if (level === this.levels.length - 1) fn(lo, e - 1);
        else walk(e - 1, level + 1, lo);
      }
    };
    walk(this.pgdPfn, 0, this.topBase());
  }

  /**
   * Frames of the tables below the pgd that cover [start, end) (table pages, any level), and
   * the top-level slots they hang from.
   */
  tablesCovering(start: Addr, end: Addr): number[] {
    const out: number[] = [];
    const walk = (tablePfn: number, level: number, base: Addr): void => {
      const l = this.levels[level];
      const span = 2 ** l.shift;
      const t = this.table(tablePfn);
      for (let i = 0; i < l.entries; i++) {
        const e = t[i];
        if (e === 0) continue;
        const lo = base + i * span;
        if (lo + span <= start || lo >= end) continue;
        if (level < this.levels.length - 1) {
          out.push(e - 1);
          walk(e - 1, level + 1, lo);
        }
      }
    };
    walk(this.pgdPfn, 0, this.topBase());
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
