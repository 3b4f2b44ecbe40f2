/**
 * Bisecting a behaviour to its release: with every version run in release order, each step's
 * outcome, address, log and cost (and the final layout) is a sequence of values, one per version;
 * a flip is a place where two consecutive versions differ. Each flip is put down to the catalogued
 * changes of that release interval that the difference engine (classify.ts) found evidence for:
 * a catalogued function on a differing trace line of the step, or of the earlier step whose state
 * the step used. Changes matched by the op alone are no evidence: such a flip is "unexplained",
 * with the candidates named.
 */
import type { DiffClass, VersionChange } from '../contract/version.js';
import { causesOf, type Comparison, type Explanation, type Finding, type PairDiff } from './classify.js';

export type BisectField = DiffClass | 'final';

export const BISECT_FIELDS: readonly BisectField[] = ['outcome', 'address', 'log', 'cost', 'final'];

export interface Cause {
  /** The version whose catalogue lists the change. */
  version: string;
  change: VersionChange;
  /** The evidence in words. */
  evidence: string;
}

export interface Flip {
  /** Step index, or null for the final state. */
  step: number | null;
  field: BisectField;
  from: { version: string; value: string };
  to: { version: string; value: string };
  /** The cause with the strongest evidence, and any that tie with it. */
  causes: Cause[];
  /** Changes of the interval matched by op only (no evidence), when nothing else explains the flip. */
  candidates: Cause[];
}

export interface Bisection {
  scenario: string;
  versions: string[];
  flips: Flip[];
}

function valueOf(f: Finding, version: string): string {
  return f.groups.find((g) => g.versions.includes(version))?.value ?? '';
}

function evidenceText(e: Explanation, pair: PairDiff, stepOf: (j: number) => string): string {
  const fns = e.functions.join(', ');
  const differ = `${fns} differ${e.functions.length === 1 ? 's' : ''} between ${pair.from} and ${pair.to}`;
  if (e.inherited?.lock) return `the task that died in ${stepOf(e.inherited.step)} left ${e.inherited.lock} held; it died there because ${differ}`;
  if (e.inherited?.fault) return `the ${e.inherited.fault.site} failure armed in ${stepOf(e.inherited.fault.armed)} fired here on one version only: the ${e.inherited.fault.site} calls first differ in ${stepOf(e.inherited.step)}, where ${differ}`;
  if (e.inherited?.placed) return `it uses what ${stepOf(e.inherited.step)} placed at different addresses on the two versions, because ${differ}`;
  if (e.inherited) return `what ${stepOf(e.inherited.step)} made on one version only decides it; that step's outcome differs because ${differ}`;
  if (e.match === 'state') return `${fns} differ${e.functions.length === 1 ? 's' : ''} between ${pair.from} and ${pair.to} in the state left by ${e.via.map(stepOf).join(', ')}`;
  if (e.match === 'step') return `${fns} ran differently here on ${pair.from} and ${pair.to}${e.via.length ? `; also the state left by ${e.via.map(stepOf).join(', ')}` : ''}`;
  if (e.match === 'earlier') return `${fns} differed in an earlier step`;
  return `names the op ${pair.to} runs here, nothing more`;
}

function flipOf(step: number | null, field: BisectField, pair: PairDiff, f: Finding, stepOf: (j: number) => string): Flip {
  const cause = (e: Explanation): Cause => ({ version: e.version, change: e.change, evidence: evidenceText(e, pair, stepOf) });
  const causes = causesOf(f).map(cause);
  return {
    step,
    field,
    from: { version: pair.from, value: valueOf(f, pair.from) },
    to: { version: pair.to, value: valueOf(f, pair.to) },
    causes,
    candidates: causes.length ? [] : f.explanations.map(cause),
  };
}

/** The flips of a comparison of versions in release order, optionally for one step and one field. */
export function bisect(cmp: Comparison, describeStep: (j: number) => string, opts: { step?: number; field?: BisectField } = {}): Bisection {
  const flips: Flip[] = [];
  const fields = (opts.field ? [opts.field] : BISECT_FIELDS).filter((f) => f !== 'final');
  for (const st of cmp.steps) {
    if (opts.step !== undefined && st.index !== opts.step) continue;
    for (const pair of st.pairs) {
      for (const f of pair.findings) if ((fields as string[]).includes(f.class)) flips.push(flipOf(st.index, f.class, pair, f, describeStep));
    }
  }
  if (opts.step === undefined && (opts.field === undefined || opts.field === 'final')) {
    for (const pair of cmp.final.pairs) for (const f of pair.findings) flips.push(flipOf(null, 'final', pair, f, describeStep));
  }
  // Per step, per field, in release order.
  const order = (x: Flip) => (x.step === null ? Number.MAX_SAFE_INTEGER : x.step);
  flips.sort((a, b) => order(a) - order(b) || BISECT_FIELDS.indexOf(a.field) - BISECT_FIELDS.indexOf(b.field));
  return { scenario: cmp.scenario, versions: cmp.versions, flips };
}
