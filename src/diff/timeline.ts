/**
 * The timeline of a scenario: one row per step, one column per version in release order, each
 * cell put in an equivalence class of identical behaviour (outcome, address, log and output
 * text), and every flip between consecutive versions annotated with the cause bisect.ts names.
 */
import type { StepResult } from '../contract/result.js';
import { bisect, type Flip } from './bisect.js';
import { outcomeOf, type Comparison } from './classify.js';

export interface TimelineCell {
  /** What the cell shows: the address, or the outcome. */
  value: string;
  /** Equivalence class within the row: 0 for the first behaviour seen, 1 for the next, … */
  cls: number;
}

export interface TimelineFlip {
  /** Index (into versions) of the later version of the flipping pair. */
  at: number;
  /** The change the evidence points at, or undefined when unexplained. */
  cause?: { id: string; since: string; commits: string[] };
}

export interface TimelineRow {
  step: number;
  cells: TimelineCell[];
  flips: TimelineFlip[];
}

export interface Timeline {
  versions: string[];
  rows: TimelineRow[];
  /** Per consecutive pair (from, to): the steps whose behaviour flips there. */
  changedBetween: { from: string; to: string; steps: number[] }[];
}

function behaviour(st: StepResult): string {
  return [outcomeOf(st), st.addr ?? st.addrs?.join(' ') ?? '', st.log.join('\n'), st.text ?? ''].join('\u0000');
}

function shown(st: StepResult): string {
  if (!st.ok) return st.error ?? 'failed';
  return st.addr ?? st.addrs?.join(' ') ?? outcomeOf(st);
}

/** The timeline from each version's step results (release order) and their comparison. */
export function timeline(results: readonly { version: string; steps: readonly StepResult[] }[], cmp: Comparison): Timeline {
  const versions = results.map((r) => r.version);
  const flips = bisect(cmp, () => '', { field: undefined }).flips.filter((f) => f.step !== null && f.field !== 'cost');
  const byStep = new Map<number, Flip[]>();
  for (const f of flips) byStep.set(f.step!, [...(byStep.get(f.step!) ?? []), f]);
  const rows: TimelineRow[] = [];
  const n = results[0]?.steps.length ?? 0;
  for (let i = 0; i < n; i++) {
    const keys: string[] = [];
    const cells = results.map((r) => {
      const k = behaviour(r.steps[i]);
      let cls = keys.indexOf(k);
      if (cls < 0) cls = keys.push(k) - 1;
      return { value: shown(r.steps[i]), cls };
    });
    const rowFlips: TimelineFlip[] = [];
    for (let at = 1; at < versions.length; at++) {
      if (cells[at].cls === cells[at - 1].cls) continue;
      // The strongest cause over the classes that flipped here (outcome before address before log).
      const here = (byStep.get(i) ?? []).filter((f) => f.to.version === versions[at]);
      const c = here.find((f) => f.causes.length)?.causes[0];
      rowFlips.push({ at, cause: c && { id: c.change.id, since: c.change.since, commits: c.change.commits ?? [] } });
    }
    rows.push({ step: i, cells, flips: rowFlips });
  }
  const changedBetween = versions.slice(1).map((to, j) => ({ from: versions[j], to, steps: rows.filter((r) => r.flips.some((f) => f.at === j + 1)).map((r) => r.step) }));
  return { versions, rows, changedBetween };
}
