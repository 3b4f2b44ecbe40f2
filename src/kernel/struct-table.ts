/**
 * A C struct kept as columns ("struct of arrays"). A pointer to the struct is a small integer
 * handle, 0 is NULL, and `vm.addr[p]` is C's `p->addr`; `for (p = head; p; p = vm.next[p])` walks
 * a list as the C does.
 *
 * Why: a walk over JS objects costs 3-40 ns a node depending on where V8 happened to put the
 * objects and their boxed doubles (docs/perf.md, Round 4), against 2-3 ns for parallel typed
 * arrays, which is what the native code's cache sees.
 *
 * SIMPLIFIED: the memory of a struct is the handle's row, and the row belongs to the address
 * kmalloc gave the struct (`handleAt`). A struct kmalloc'ed again at a freed address gets the
 * same row back with its old contents (kmalloc does not clear), so a stale pointer read after
 * kfree sees what the C would see when the slab reuses the address for the same struct type.
 * Reuse of the address by a different type is not modelled (the row keeps its contents).
 */
import type { Addr } from '../hw/addr.js';
import { AddrIndex } from './addr-index.js';

/** A field the walks never read, held as a JS value (a pages array, a caller's symbol). */
export interface Ref<T> {
  readonly ref: T | null;
}

/**
 * How a field is stored: a pointer to another row of the table, a C int (flags, counts), an
 * unsigned long (addresses and sizes: exact integers up to 2^53), or a JS value.
 */
export type FieldKind = 'ptr' | 'int' | 'ulong' | Ref<unknown>;

/** A `Ref<T>` field in a layout: `pages: ref<PagesArray>()`. */
export function ref<T>(): Ref<T> {
  return REF as Ref<T>;
}
const REF: Ref<unknown> = Object.freeze({ ref: null });

/** The column type of a field. */
export type Column<K extends FieldKind> = K extends 'ulong' ? Float64Array : K extends Ref<infer T> ? (T | null)[] : Int32Array;

/** A struct's fields in declaration order. */
export type StructLayout = Readonly<Record<string, FieldKind>>;

export type StructTable<L extends StructLayout> = { readonly [F in keyof L]: Column<L[F]> } & StructRows;

/** The rows themselves: which address each belongs to. */
export interface StructRows {
  /** The kmalloc'ed address of each row's struct (C's pointer value). */
  readonly self: Float64Array;
  /** The row of the struct kmalloc gave at `self`: the row it had before if the address is reused. */
  handleAt(self: Addr): number;
  /** memset(p, 0, sizeof(*p)): every field of row p 0 (a JS value null); `self` stays. */
  memset0(p: number): void;
  /** Rows ever used (bounded by the addresses kmalloc ever gave out). */
  readonly rows: number;
}

const FIRST_ROWS = 64;

type AnyColumn = Float64Array | Int32Array | unknown[];

function column(kind: FieldKind, rows: number): AnyColumn {
  if (kind === 'ulong') return new Float64Array(rows);
  if (typeof kind === 'object') return new Array<unknown>(rows).fill(null);
  return new Int32Array(rows);
}

/** A table for `layout`, one per booted kernel (its rows are that kernel's slab objects). */
export function structTable<L extends StructLayout>(layout: L): StructTable<L> {
  return new Table(layout) as unknown as StructTable<L>;
}

class Table implements StructRows {
  self = new Float64Array(FIRST_ROWS);
  rows = 1; // row 0 is NULL
  private readonly index = new AddrIndex();
  /** Every column, `self` first: what grow() and memset0() go over. */
  private readonly columns: readonly [string, FieldKind][];

  constructor(layout: StructLayout) {
    const fields = Object.entries(layout);
    for (const [name] of fields) if (name in this) throw new Error(`struct field "${name}" collides with StructRows`);
    // The columns are own properties in layout order, so every table of a layout has one shape.
    for (const [name, kind] of fields) (this as unknown as Record<string, unknown>)[name] = column(kind, FIRST_ROWS);
    this.columns = [['self', 'ulong'], ...fields];
    this.byKind();
  }

  /**
   * The field columns (not `self`) sorted by kind, for memset0: a loop over one kind stores
   * into one kind of array, where a loop over all of them looked each column up by name and
   * stored through a megamorphic keyed store (4% of 2.6.39's fix_size, docs/perf.md Round 11).
   */
  private ulongCols!: Float64Array[];
  private intCols!: Int32Array[];
  private refCols!: unknown[][];

  private byKind(): void {
    const cols = this as unknown as Record<string, AnyColumn>;
    this.ulongCols = [];
    this.intCols = [];
    this.refCols = [];
    for (let i = 1; i < this.columns.length; i++) {
      const [name, kind] = this.columns[i];
      const c = cols[name];
      if (kind === 'ulong') this.ulongCols.push(c as Float64Array);
      else if (typeof kind === 'object') this.refCols.push(c as unknown[]);
      else this.intCols.push(c as Int32Array);
    }
  }

  handleAt(self: Addr): number {
    const known = this.index.slotOf(self);
    if (known >= 0) return known;
    if (this.rows === this.self.length) this.grow();
    const p = this.rows++;
    this.index.add(self, p);
    this.self[p] = self;
    return p;
  }

  memset0(p: number): void {
    const u = this.ulongCols;
    for (let i = 0; i < u.length; i++) u[i][p] = 0;
    const n = this.intCols;
    for (let i = 0; i < n.length; i++) n[i][p] = 0;
    const r = this.refCols;
    for (let i = 0; i < r.length; i++) r[i][p] = null;
  }

  private grow(): void {
    const cols = this as unknown as Record<string, AnyColumn>;
    const n = this.self.length * 2;
    for (const [name, kind] of this.columns) {
      const old = cols[name];
      const c = column(kind, n);
      if (Array.isArray(c)) for (let i = 0; i < old.length; i++) c[i] = old[i];
      else c.set(old as ArrayLike<number>);
      cols[name] = c;
    }
    this.byKind();
  }
}
