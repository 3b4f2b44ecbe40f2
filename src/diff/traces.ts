/**
 * Two versions' function_graph traces of one step, side by side and as a unified diff. Both
 * work on formatTrace() text, the serialisation tests and reports share.
 */
import { createTwoFilesPatch, diffArrays } from 'diff';
import { formatTrace, type TraceNode } from '../kernel/trace.js';

export interface TraceSide {
  /** Column / file label, e.g. "2.4.19". */
  label: string;
  trace: readonly TraceNode[] | undefined;
}

export function traceText(trace: readonly TraceNode[] | undefined): string {
  return trace && trace.length ? formatTrace(trace) : '';
}

/** A unified diff (`---`/`+++`/`@@` hunks) of two traces; '' when they are identical. */
export function unifiedTraceDiff(a: TraceSide, b: TraceSide, context = 3): string {
  const ta = traceText(a.trace);
  const tb = traceText(b.trace);
  if (ta === tb) return '';
  const patch = createTwoFilesPatch(a.label, b.label, ta ? ta + '\n' : '', tb ? tb + '\n' : '', undefined, undefined, { context });
  // Drop the "====" banner line jsdiff starts with; keep ---/+++ and the hunks.
  return patch
    .split('\n')
    .filter((l) => !/^=+$/.test(l) && !l.startsWith('\\ No newline'))
    .join('\n')
    .trimEnd();
}

export interface SideBySideRow {
  left: string;
  right: string;
  /** ' ' same, '|' changed, '<' only left, '>' only right (diff -y's markers). */
  mark: ' ' | '|' | '<' | '>';
}

/** Align two traces line by line (LCS on whole lines), pairing removed and added runs. */
export function sideBySideRows(a: readonly TraceNode[] | undefined, b: readonly TraceNode[] | undefined): SideBySideRow[] {
  const la = traceText(a) ? traceText(a).split('\n') : [];
  const lb = traceText(b) ? traceText(b).split('\n') : [];
  const rows: SideBySideRow[] = [];
  const changes = diffArrays(la, lb);
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    if (!c.added && !c.removed) {
      for (const l of c.value) rows.push({ left: l, right: l, mark: ' ' });
      continue;
    }
    if (c.removed && changes[i + 1]?.added) {
      const rem = c.value;
      const add = changes[i + 1].value;
      const n = Math.max(rem.length, add.length);
      for (let k = 0; k < n; k++) {
        const left = rem[k];
        const right = add[k];
        rows.push({ left: left ?? '', right: right ?? '', mark: left === undefined ? '>' : right === undefined ? '<' : '|' });
      }
      i++;
      continue;
    }
    for (const l of c.value) rows.push(c.removed ? { left: l, right: '', mark: '<' } : { left: '', right: l, mark: '>' });
  }
  return rows;
}

function fit(s: string, w: number): string {
  return s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w);
}

/** diff -y style text: two columns of at most `width` characters each. */
export function sideBySideText(a: TraceSide, b: TraceSide, width = 64): string {
  const rows = sideBySideRows(a.trace, b.trace);
  const w = Math.min(width, Math.max(a.label.length, b.label.length, ...rows.map((r) => Math.max(r.left.length, r.right.length)), 8));
  const out = [`${fit(a.label, w)}   ${b.label}`, `${'-'.repeat(w)}   ${'-'.repeat(w)}`];
  for (const r of rows) out.push(`${fit(r.left, w)} ${r.mark} ${r.right.length > w ? r.right.slice(0, w - 1) + '…' : r.right}`.trimEnd());
  return out.join('\n');
}
