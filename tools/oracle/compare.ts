/**
 * Field-by-field comparison of vmx's result for one version with the oracle's: every field of every
 * step (op, ok, error, held, addr, count, data, the vmallocinfo text, lookup_pte's prot, the printk log) and of the final
 * state (areas, pagesMapped, pageTablePages, kmemleak). The first difference is named by its step
 * index and field, with both values.
 */

export interface Difference {
  /** Step index, or "final" / "steps" (a different number of steps). */
  where: number | 'final' | 'steps';
  op?: string;
  field: string;
  oracle: unknown;
  vmx: unknown;
  /** The same step's other differing fields, in order (context for the first). */
  also?: { field: string; oracle: unknown; vmx: unknown }[];
}

const STEP_ORDER = ['op', 'ok', 'error', 'held', 'addr', 'count', 'data', 'text', 'pte', 'prot', 'log'];
const FINAL_ORDER = ['areas', 'pagesMapped', 'pageTablePages', 'kmemleak'];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function orderedKeys(a: object, b: object, order: readonly string[]): string[] {
  const rest = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !order.includes(k)).sort();
  return [...order, ...rest];
}

/** First differing field of two objects, descending into arrays of objects (final.areas[2].size). */
function firstField(a: unknown, b: unknown, path: string, order: readonly string[] = []): { field: string; oracle: unknown; vmx: unknown } | undefined {
  if (same(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b) && a.every((x) => typeof x === 'object') && b.every((x) => typeof x === 'object')) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstField(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return { field: `${path}.length`, oracle: a.length, vmx: b.length };
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of orderedKeys(a, b, order)) {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (!same(x, y)) return firstField(x, y, path ? `${path}.${k}` : k) ?? { field: path ? `${path}.${k}` : k, oracle: x, vmx: y };
    }
    return undefined;
  }
  return { field: path, oracle: a, vmx: b };
}

export interface VersionLike {
  steps: readonly unknown[];
  final: unknown;
}

/** The first difference between the oracle's and vmx's result for one version, or undefined. */
export function firstDifference(oracle: VersionLike, vmx: VersionLike): Difference | undefined {
  const n = Math.min(oracle.steps.length, vmx.steps.length);
  for (let i = 0; i < n; i++) {
    const o = oracle.steps[i] as Record<string, unknown>;
    let v = vmx.steps[i] as Record<string, unknown>;
    // lookup_pte: the oracle gives the flag names (`prot`), not the raw pte, whose frame half is each
    // machine's own numbering (the stub's frames are not vmx's): vmx's `pte` is not compared.
    if (o.op === 'lookup_pte' && !('pte' in o) && 'pte' in v) {
      const { pte: _pte, ...rest } = v;
      v = rest;
    }
    if (same(o, v)) continue;
    // Fields in the result document's order first, so "addr" is named before the "log" it explains.
    const diffs = orderedKeys(o, v, STEP_ORDER).filter((k) => !same(o[k], v[k]));
    if (diffs.length) {
      const [k, ...rest] = diffs;
      const d: Difference = { where: i, op: String(o.op), field: k, oracle: o[k], vmx: v[k] };
      if (rest.length) d.also = rest.map((f) => ({ field: f, oracle: o[f], vmx: v[f] }));
      return d;
    }
  }
  if (oracle.steps.length !== vmx.steps.length) return { where: 'steps', field: 'length', oracle: oracle.steps.length, vmx: vmx.steps.length };
  const d = firstField(oracle.final, vmx.final, '', FINAL_ORDER);
  return d && { where: 'final', ...d };
}

/** A value as printed in a difference line (JSON, long ones cut). */
export function show(v: unknown, max = 160): string {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > max ? s.slice(0, max) + '…' : s;
}

export function formatDifference(d: Difference): string {
  const where = typeof d.where === 'number' ? `step ${d.where} (${d.op}) ${d.field}` : d.where === 'steps' ? 'number of steps' : `final ${d.field}`;
  const more = (d.also ?? []).map((a) => `; ${a.field}: oracle ${show(a.oracle, 80)}, vmx ${show(a.vmx, 80)}`).join('');
  return `${where}: oracle ${show(d.oracle)}, vmx ${show(d.vmx)}${more}`;
}
