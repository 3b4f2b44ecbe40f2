/**
 * A compact list of validated steps for long runs (issue 20: a 200,000-step scenario held as
 * parsed objects costs about 16 MB of heap, and V8 sizes its old generation from what is live).
 *
 * A plain step (every value a number or a string) is stored as a shape — its keys in document
 * order and which of them are strings — and its values in one Float64Array, strings as indices
 * into an interned table. Anything else (an "expect" object, an array field) keeps its object.
 * `get(i)` makes the step object afresh, with the same keys in the same order and the same
 * values as the parsed document had: a run over the tape is the run over the array.
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

interface Shape {
  keys: string[];
  /** Per key: true when its value is a string (stored as an index into StepTape.strings). */
  isString: boolean[];
}

/** Shape id of a step kept as its own object. */
const OBJECT_SHAPE = 0xffff;

export class StepTape implements StepSource {
  length = 0;
  private shapeOf: Uint16Array = new Uint16Array(1024);
  private start: Uint32Array = new Uint32Array(1024);
  private values: Float64Array = new Float64Array(4096);
  private used = 0;
  private readonly shapes: Shape[] = [];
  private readonly shapeIds = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /** Steps that are not plain, by index. */
  private readonly objects = new Map<number, Step>();

  push(step: Step): void {
    const i = this.length;
    if (i === this.shapeOf.length) {
      this.shapeOf = grow16(this.shapeOf);
      this.start = grow32(this.start);
    }
    this.length++;
    const rec = step as unknown as Record<string, unknown>;
    const keys = Object.keys(rec);
    let sig = '';
    for (let j = 0; j < keys.length; j++) {
      const v = rec[keys[j]];
      const t = typeof v;
      if (t !== 'number' && t !== 'string') {
        this.shapeOf[i] = OBJECT_SHAPE;
        this.objects.set(i, step);
        return;
      }
      sig += (t === 'string' ? '\u0001' : '\u0002') + keys[j];
    }
    let id = this.shapeIds.get(sig);
    if (id === undefined) {
      id = this.shapes.length;
      // OBJECT_SHAPE is reserved: a document with that many shapes keeps the rest as objects.
      if (id === OBJECT_SHAPE) {
        this.shapeOf[i] = OBJECT_SHAPE;
        this.objects.set(i, step);
        return;
      }
      this.shapes.push({ keys, isString: keys.map((k) => typeof rec[k] === 'string') });
      this.shapeIds.set(sig, id);
    }
    this.shapeOf[i] = id;
    this.start[i] = this.used;
    if (this.used + keys.length > this.values.length) this.values = growF64(this.values, this.used + keys.length);
    for (let j = 0; j < keys.length; j++) {
      const v = rec[keys[j]];
      this.values[this.used++] = typeof v === 'string' ? this.intern(v) : (v as number);
    }
  }

  get(i: number): Step {
    const id = this.shapeOf[i];
    if (id === OBJECT_SHAPE) return this.objects.get(i)!;
    const { keys, isString } = this.shapes[id];
    const out: Record<string, unknown> = {};
    let p = this.start[i];
    for (let j = 0; j < keys.length; j++, p++) out[keys[j]] = isString[j] ? this.strings[this.values[p]] : this.values[p];
    return out as unknown as Step;
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

function grow16(a: Uint16Array): Uint16Array {
  const b = new Uint16Array(a.length * 2);
  b.set(a);
  return b;
}

function grow32(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

function growF64(a: Float64Array, need: number): Float64Array {
  const b = new Float64Array(Math.max(a.length * 2, need));
  b.set(a);
  return b;
}
