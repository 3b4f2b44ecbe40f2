/**
 * A compact list of validated steps for long runs (issue 20: a 200,000-step scenario held as
 * parsed objects costs about 16 MB of heap, and V8 sizes its old generation from what is live).
 *
 * A plain step (every value a number or a string) is stored as a shape — its keys in document
 * order and the kind of each value — and its values as 32-bit slots: a string as an index into
 * an interned table, an int32 as itself, any other number as an index into a list of doubles.
 * The slots live in fixed-size chunks, so the tape grows without copying (a doubling array
 * holds up to three times its contents while it grows, and the peak is what RSS counts).
 * Anything else (an "expect" object, an array field) keeps its object. `get(i)` makes the step
 * object afresh, with the same keys in the same order and the same values as the parsed
 * document had: a run over the tape is the run over the array.
 */
import type { Step } from '../contract/scenario.js';

/** What the runners need of a step list: its length and step i. An array qualifies through `stepsOf`. */
export interface StepSource {
  readonly length: number;
  get(i: number): Step;
}

/** A step array as a StepSource. */
export function stepsOf(steps: readonly Step[]): StepSource {
  return { length: steps.length, get: (i) => steps[i] };
}

/** How a value is held in its slot. */
const STRING = 0;
const INT32 = 1;
const DOUBLE = 2;

interface Shape {
  keys: string[];
  kinds: Uint8Array;
}

/** Shape id of a step kept as its own object. */
const OBJECT_SHAPE = 0xffff;

/** Slots per chunk (256 KiB of Int32); a step's slots never straddle two chunks. */
const CHUNK_SHIFT = 16;
const CHUNK = 1 << CHUNK_SHIFT;

/** Steps per chunk of the step index. */
const INDEX_SHIFT = 14;
const INDEX = 1 << INDEX_SHIFT;

function kindOf(v: unknown): number {
  if (typeof v === 'string') return STRING;
  if (typeof v !== 'number') return -1;
  // -0 is an int32 by `|`, but the slot would give back +0.
  return (v | 0) === v && !(v === 0 && 1 / v < 0) ? INT32 : DOUBLE;
}

export class StepTape implements StepSource {
  length = 0;
  /** Per step, in chunks of INDEX: its shape id, and where its slots start. */
  private readonly shapeOf: Uint16Array[] = [];
  private readonly start: Uint32Array[] = [];
  private readonly slots: Int32Array[] = [];
  /** Slots used in the last chunk. */
  private used = CHUNK;
  private readonly doubles: number[] = [];
  private readonly shapes: Shape[] = [];
  private readonly shapeIds = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /** Steps that are not plain, by index. */
  private readonly objects = new Map<number, Step>();

  push(step: Step): void {
    const i = this.length++;
    if ((i & (INDEX - 1)) === 0) {
      this.shapeOf.push(new Uint16Array(INDEX));
      this.start.push(new Uint32Array(INDEX));
    }
    const rec = step as unknown as Record<string, unknown>;
    const keys = Object.keys(rec);
    const id = keys.length > CHUNK ? OBJECT_SHAPE : this.shapeFor(rec, keys);
    this.shapeOf[i >>> INDEX_SHIFT][i & (INDEX - 1)] = id;
    if (id === OBJECT_SHAPE) {
      this.objects.set(i, step);
      return;
    }
    if (this.used + keys.length > CHUNK) {
      this.slots.push(new Int32Array(CHUNK));
      this.used = 0;
    }
    const chunk = this.slots[this.slots.length - 1];
    this.start[i >>> INDEX_SHIFT][i & (INDEX - 1)] = (this.slots.length - 1) * CHUNK + this.used;
    const { kinds } = this.shapes[id];
    for (let j = 0; j < keys.length; j++) {
      const v = rec[keys[j]];
      const kind = kinds[j];
      if (kind === INT32) chunk[this.used++] = v as number;
      else if (kind === STRING) chunk[this.used++] = this.intern(v as string);
      else {
        chunk[this.used++] = this.doubles.length;
        this.doubles.push(v as number);
      }
    }
  }

  get(i: number): Step {
    const id = this.shapeOf[i >>> INDEX_SHIFT][i & (INDEX - 1)];
    if (id === OBJECT_SHAPE) return this.objects.get(i)!;
    const { keys, kinds } = this.shapes[id];
    const p = this.start[i >>> INDEX_SHIFT][i & (INDEX - 1)];
    const chunk = this.slots[p >>> CHUNK_SHIFT];
    let q = p & (CHUNK - 1);
    const out: Record<string, unknown> = {};
    for (let j = 0; j < keys.length; j++, q++) {
      const kind = kinds[j];
      out[keys[j]] = kind === INT32 ? chunk[q] : kind === STRING ? this.strings[chunk[q]] : this.doubles[chunk[q]];
    }
    return out as unknown as Step;
  }

  /** The step's shape id: its keys and value kinds, or OBJECT_SHAPE when it is not plain. */
  private shapeFor(rec: Record<string, unknown>, keys: string[]): number {
    let sig = '';
    for (let j = 0; j < keys.length; j++) {
      const kind = kindOf(rec[keys[j]]);
      if (kind < 0) return OBJECT_SHAPE;
      sig += String.fromCharCode(kind + 1) + keys[j];
    }
    let id = this.shapeIds.get(sig);
    if (id === undefined) {
      id = this.shapes.length;
      // OBJECT_SHAPE is reserved: a document with that many shapes keeps the rest as objects.
      if (id === OBJECT_SHAPE) return OBJECT_SHAPE;
      this.shapes.push({ keys, kinds: Uint8Array.from(keys, (k) => kindOf(rec[k])) });
      this.shapeIds.set(sig, id);
    }
    return id;
  }

  private intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }
}
