/**
 * A function_graph-style tracer: nested kernel function names with the counters each call
 * changed. Off by default; versions wrap their functions with `traced()` at boot, which returns
 * the bare function when tracing is off so the hot path pays nothing.
 */
import { COUNTERS, NR_COUNTERS } from './counters.js';

export interface TraceNode {
  fn: string;
  /** Consecutive identical leaf calls are folded into one node with a repeat count. */
  repeat: number;
  children: TraceNode[];
  /** Counter changes inside this call (non-zero only). */
  delta: Record<string, number>;
}

export class Tracer {
  enabled = false;
  private stack: { node: TraceNode; before: Float64Array }[] = [];
  roots: TraceNode[] = [];

  constructor(private readonly counters: Float64Array) {}

  private attach(node: TraceNode): void {
    const parent = this.stack.length ? this.stack[this.stack.length - 1].node.children : this.roots;
    const last = parent[parent.length - 1];
    if (last && node.children.length === 0 && last.children.length === 0 && last.fn === node.fn && sameDelta(last, node)) {
      last.repeat++;
      return;
    }
    parent.push(node);
  }

  enter(fn: string): void {
    const node: TraceNode = { fn, repeat: 1, children: [], delta: {} };
    const parent = this.stack.length ? this.stack[this.stack.length - 1].node.children : this.roots;
    parent.push(node);
    this.stack.push({ node, before: this.counters.slice() });
  }

  leave(): void {
    const top = this.stack.pop();
    if (!top) return;
    top.node.delta = diffCounters(top.before, this.counters);
    // Fold a childless call into its predecessor when it repeats it exactly.
    const parent = this.stack.length ? this.stack[this.stack.length - 1].node.children : this.roots;
    if (top.node.children.length === 0 && parent.length >= 2) {
      const prev = parent[parent.length - 2];
      if (prev.fn === top.node.fn && prev.children.length === 0 && sameDelta(prev, top.node)) {
        parent.pop();
        prev.repeat++;
      }
    }
  }

  /** A leaf call (a kernel service) with the counters it changed. */
  leaf(fn: string, delta: Record<string, number>): void {
    this.attach({ fn, repeat: 1, children: [], delta });
  }

  /** Close frames left open by a BUG()/oops unwinding and hand back the step's trace. */
  take(): TraceNode[] {
    while (this.stack.length) this.leave();
    const r = this.roots;
    this.roots = [];
    return r;
  }
}

function diffCounters(before: Float64Array, after: Float64Array): Record<string, number> {
  const d: Record<string, number> = {};
  for (let i = 0; i < NR_COUNTERS; i++) if (after[i] !== before[i]) d[COUNTERS[i].key] = after[i] - before[i];
  return d;
}

function sameDelta(a: TraceNode, b: TraceNode): boolean {
  const ka = Object.keys(a.delta);
  const kb = Object.keys(b.delta);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => a.delta[k] === b.delta[k]);
}

/** Render a trace in ftrace function_graph style; what tests, golden files and reports use. */
export function formatTrace(nodes: readonly TraceNode[], indent = 0): string {
  const lines: string[] = [];
  const pad = (n: number) => '  '.repeat(n);
  const deltaText = (n: TraceNode) => {
    const parts = Object.entries(n.delta).map(([k, v]) => `${k}${v >= 0 ? '+' : ''}${n.repeat > 1 ? v * n.repeat : v}`);
    return parts.length ? `  /* ${parts.join(' ')} */` : '';
  };
  const walk = (ns: readonly TraceNode[], depth: number) => {
    for (const n of ns) {
      const times = n.repeat > 1 ? ` x${n.repeat}` : '';
      if (n.children.length === 0) {
        lines.push(`${pad(depth)}${n.fn}();${times}${deltaText(n)}`);
      } else {
        lines.push(`${pad(depth)}${n.fn}() {${times}`);
        walk(n.children, depth + 1);
        lines.push(`${pad(depth)}}${deltaText(n)}`);
      }
    }
  };
  walk(nodes, indent);
  return lines.join('\n');
}
