/**
 * The difference engine: lines up the per-step results of every version that ran a scenario and
 * classifies each step and the final state, between consecutive versions and overall, linking
 * each difference to the entries of the versions' hand-written change catalogues
 * (KernelVersion.changes) that can cause it.
 *
 * Classes (DiffClass), checked independently, so one step can carry several:
 * - outcome: the step's result differs: ok vs an error (ENOMEM, BUG, OOPS, unsupported,
 *   bad-address, nonexistent, fault), or a returned count / data (vread, vwrite, peek).
 * - address: both versions succeeded and returned different addresses.
 * - log: the printk lines, or the op's output text (vmallocinfo, kmemleak report), differ.
 * - cost: the step's counter deltas differ (pages, page-table pages, kmalloc calls and bytes,
 *   ptes, TLB and cache flushes, list or tree nodes visited, purges); printk_lines is left to
 *   `log`.
 * - layout: (final state only) live areas, ptes present, page-table pages or kmemleak objects
 *   differ (kmemleak only between versions that have its hooks).
 *
 * Linking: a pair (A, B) of consecutive versions in release order is explained by the changes
 * whose `since` release lies after A, up to and including B (contract/release.ts). A change is eligible for a finding
 * when it lists the finding's class in `affects` and its `ops` (if given) include the step's
 * op. Evidence, scored:
 * - 4: one of its `functions` is on a trace line that differs between A and B in this step;
 * - 2: one of its functions ran in this step on A or B, or is named in their log lines (an op
 *   one side does not support counts as its function having been seen);
 * - 1: (outcome, address only: state carries over) one of its functions was on a differing
 *   trace line in an earlier step, or it names VMALLOC_START / VMALLOC_END and the two
 *   versions' windows differ;
 * - 3: (address only) one of its functions was on a differing trace line of the earlier step
 *   that last touched, on one version, the range where the other version placed its area
 *   (an allocation or free there: "state left by step j", reported in `via`);
 * - 2: its `ops` name the step's op explicitly.
 * A cost or log difference nothing explains takes the explanations of the same step's outcome
 * or address difference (the step took another path). When one version lacks the op ("unsupported") and the other has it, every class of difference
 * at that step is put down to the changes naming the op among their functions or ops (the
 * function appeared or went away), if there are any.
 * Changes with function evidence are listed best first ("step" or "earlier" match). Without
 * any, changes that name the op explicitly are listed ("op" match, weaker). A finding with no
 * eligible change is reported as unexplained. For the final layout every step counts as "this
 * step" and every op of the scenario as its op.
 */
import { COUNTERS, type CounterKey } from '../kernel/counters.js';
import { formatTrace, type TraceNode } from '../kernel/trace.js';
import type { FinalState, StepResult } from '../contract/result.js';
import type { VersionRunResult } from '../harness/runner.js';
import type { Scenario, Step } from '../harness/scenario.js';
import type { DiffClass, KernelVersion, VersionChange } from '../contract/version.js';
import { diffArrays } from 'diff';
import { parseAddr } from '../hw/addr.js';
import { isFreeOp, opsCovering } from '../contract/ops.js';
import { changesBetween } from '../contract/release.js';

export { changesBetween } from '../contract/release.js';
export { isFreeOp } from '../contract/ops.js';
import type { ArchProfile } from '../hw/arch.js';

export const DIFF_CLASSES: readonly DiffClass[] = ['outcome', 'address', 'log', 'cost', 'layout'];

/** Human names of the classes, as the reports print them. */
export const CLASS_LABEL: Readonly<Record<DiffClass, string>> = {
  outcome: 'different outcome',
  address: 'different address',
  log: 'different log',
  cost: 'different cost',
  layout: 'different final layout',
};

/** A catalogued change that can explain a finding. */
export interface Explanation {
  /** The version whose catalogue holds the change. */
  version: string;
  change: VersionChange;
  /**
   * "step": a catalogued function ran in the step; "state": it ran in the earlier step that
   * last touched the range in question (see `via`); "earlier": in some earlier step; "op": only
   * the op matched.
   */
  match: 'step' | 'state' | 'earlier' | 'op';
  /** Earlier steps whose state explains the finding (address differences). */
  via: number[];
  /** The catalogued functions seen (this step first). */
  functions: string[];
  /** Evidence score (see the file comment). */
  score: number;
  /** Depth of the deepest differing trace line among the evidence functions (deeper = closer to the divergence). */
  depth: number;
  /**
   * Position of the first differing trace line among the evidence functions in the aligned traces
   * (smaller = earlier: the divergence everything after it follows from); Infinity when none.
   */
  first: number;
  /**
   * Declared evidence (outcome and cost): for an outcome, 1 when the change declares the later
   * version's outcome (VersionChange.outcomes), -1 when it declares only others; otherwise, when
   * one of its functions ran differently in the step, how many of the counters it declares
   * (VersionChange.counters) differ in the step's totals, -1 when none does; 0 when it declares
   * nothing.
   */
  counter: number;
  /** Share of its catalogued functions on differing trace lines (of this step, or of the state's step). */
  coverage: number;
  /**
   * Taken over from an earlier step: a HANG from the step that died holding the lock (`lock`); an
   * injected failure that fired here on one version only from the first step since it was armed
   * whose calls at that site differ (`fault`); a cost of using an object that step placed at
   * different addresses (`placed`); otherwise any difference of a step using an object that step
   * failed to make on one of the versions.
   */
  inherited?: { step: number; lock?: string; fault?: { site: string; armed: number }; placed?: boolean };
}

/** Versions sharing one value. */
export interface ValueGroup {
  value: string;
  versions: string[];
}

/** One class of difference at one step (or in the final state). */
export interface Finding {
  class: DiffClass;
  /** What differs, e.g. "address: 2.4.19, 2.4.22: 0xc8811000 · 2.6.32: 0xc8812000". */
  detail: string;
  /** The versions grouped by the value compared (one group per distinct value). */
  groups: ValueGroup[];
  explanations: Explanation[];
}

/** Findings between two consecutive versions. */
export interface PairDiff {
  from: string;
  to: string;
  findings: Finding[];
}

export interface StepComparison {
  index: number;
  op: string;
  /** DiffClasses found overall ([] = same on every version). */
  classes: DiffClass[];
  /** All versions together. */
  overall: Finding[];
  /** Consecutive versions in run order. */
  pairs: PairDiff[];
}

export interface FinalComparison {
  classes: DiffClass[];
  overall: Finding[];
  pairs: PairDiff[];
}

/** Per pair (or "overall"), the steps showing each class. */
export interface DiffSummary {
  label: string;
  from?: string;
  to?: string;
  steps: Record<DiffClass, number[]>;
  /** Layout differs in the final state. */
  finalLayout: boolean;
  /** Ids of the changes that are a cause (causesOf) of some finding. */
  changes: string[];
  /** Findings no catalogued change explains with evidence. */
  unexplained: number;
}

export interface Comparison {
  scenario: string;
  versions: string[];
  steps: StepComparison[];
  final: FinalComparison;
  pairs: DiffSummary[];
  overall: DiffSummary;
}

export interface CompareOptions {
  /** The registry in release order (for catalogues of versions between two compared ones). */
  registry?: readonly KernelVersion[];
}

// ---- what is compared -------------------------------------------------------------------

/** A step's outcome as one comparable string: "ok", "ok count 6 data 0102…", or the error. */
export function outcomeOf(st: StepResult): string {
  // A hang names the lock it spins on and the step that died holding it.
  if (!st.ok) return st.error === 'HANG' && st.held ? `HANG on ${st.held}` : (st.error ?? 'failed');
  let s = 'ok';
  if (st.count !== undefined) s += ` count ${st.count}`;
  if (st.data !== undefined) s += ` data ${st.data.length > 32 ? st.data.slice(0, 32) + '…' : st.data}`;
  // lookup_pte: compared by its flag bits; the frame half is the page allocator's order (which
  // vmalloc_to_page's count shows), so two versions mapping the same prot do not differ here.
  if (st.prot !== undefined) s += ` prot ${st.prot || '(none)'}`;
  return s;
}

function addressOf(st: StepResult): string | undefined {
  if (!st.ok) return undefined;
  if (typeof st.addr === 'string') return st.addr;
  return st.addrs ? st.addrs.join(' ') : undefined; /* pcpu_get_vm_areas: every area */
}

function logOf(st: StepResult): string {
  const parts = [...st.log];
  if (st.text) parts.push(`[output] ${st.text}`);
  if (st.leaks) parts.push(`[leaks] ${st.leaks.map((l) => `${l.ptr}/${l.size}`).join(' ')}`);
  return parts.join('\n');
}

/** Counters the cost class compares (printk_lines is the log class's business). */
export const COST_KEYS: readonly CounterKey[] = COUNTERS.map((c) => c.key).filter((k) => k !== 'printk_lines');

function costOf(cost: Partial<Record<CounterKey, number>>): string {
  return COST_KEYS.filter((k) => cost[k]).map((k) => `${k} ${cost[k]}`).join(', ') || 'nothing';
}

function layoutParts(f: FinalState): Record<string, string | undefined> {
  return {
    areas: f.areas.map((a) => `${a.addr}+0x${a.size.toString(16)} ${a.flags.join('|')}`).join('; ') || 'none',
    'ptes present': String(f.pagesMapped),
    'page-table pages': String(f.pageTablePages),
    // Compared only between versions that call the kmemleak hooks.
    kmemleak: f.kmemleak === null ? undefined : f.kmemleak.map((o) => `${o.ptr}/${o.size}`).join(' ') || 'none',
  };
}

// ---- functions seen in a step ------------------------------------------------------------

export function traceFunctions(nodes: readonly TraceNode[] | undefined, into = new Set<string>()): Set<string> {
  if (!nodes) return into;
  for (const n of nodes) {
    into.add(n.fn);
    traceFunctions(n.children, into);
  }
  return into;
}

const IDENT_RE = /[A-Za-z_][A-Za-z0-9_]*/g;

function logWords(lines: readonly string[], into: Set<string>): Set<string> {
  for (const l of lines) for (const m of l.matchAll(IDENT_RE)) into.add(m[0]);
  return into;
}

/** A range of the vmalloc window a step allocated or freed (biased addresses). */
interface Touch {
  step: number;
  start: number;
  end: number;
  /** An allocation (not a free) that no later step of the scenario freed yet. */
  live?: boolean;
}

const PAGE = 4096;
/** How far back the search for the step that last touched a range goes. */
const TOUCH_LOOKBACK = 4096;

/** Bytes an address-returning step reserves, guard page included (an estimate for ranges). */
function stepSpan(step: Step): number {
  const bytes = step.pages !== undefined ? step.pages * PAGE : (step.size ?? 0);
  return Math.ceil(bytes / PAGE) * PAGE + PAGE;
}

/** Records, step by step, where one version's steps allocated or freed. */
class TouchLog {
  readonly touches: Touch[] = [];
  private readonly bound = new Map<string, Touch>();
  constructor(private readonly arch: ArchProfile) {}

  addr(hex: string): number | undefined {
    const a = parseAddr(this.arch, hex);
    return typeof a === 'number' ? a : undefined;
  }

  record(i: number, step: Step, res: StepResult): void {
    if (typeof res.addr === 'string' && res.ok) {
      const start = this.addr(res.addr);
      if (start === undefined) return;
      const t: Touch = { step: i, start, end: start + stepSpan(step), live: true };
      this.touches.push(t);
      if (step.as) this.bound.set(step.as, t);
    } else if (isFreeOp(step.op)) {
      let t: Touch | undefined;
      if (step.ref !== undefined) t = this.bound.get(step.ref);
      else if (step.addr !== undefined) {
        const a = this.addr(step.addr);
        if (a !== undefined) t = this.liveAt(a) ?? { step: i, start: a, end: a + PAGE };
      }
      if (t) {
        t.live = false;
        this.touches.push({ step: i, start: t.start, end: t.end });
      }
    }
  }

  /** The latest recorded step that touched the range of a step's `ref` (or its `addr`). */
  lastOf(step: Step): number | undefined {
    let t: { start: number; end: number } | undefined;
    if (step.ref !== undefined) t = this.bound.get(step.ref);
    else if (step.addr !== undefined) {
      const a = this.addr(step.addr);
      if (a !== undefined) t = { start: a, end: a + PAGE };
    }
    return t && this.last(t.start, t.end);
  }

  /** The live allocation starting at `a`, if any. */
  private liveAt(a: number): Touch | undefined {
    const ts = this.touches;
    for (let k = ts.length - 1, n = 0; k >= 0 && n < TOUCH_LOOKBACK; k--, n++) if (ts[k].live && ts[k].start === a) return ts[k];
    return undefined;
  }

  /**
   * The step whose state decides [start, end): the one that made an area still live there (it
   * blocks the range), else the latest that touched it (a free that opened it, or kept it).
   */
  last(start: number, end: number): number | undefined {
    const ts = this.touches;
    for (let k = ts.length - 1, n = 0; k >= 0 && n < TOUCH_LOOKBACK; k--, n++) if (ts[k].live && ts[k].start < end && start < ts[k].end) return ts[k].step;
    for (let k = ts.length - 1, n = 0; k >= 0 && n < TOUCH_LOOKBACK; k--, n++) if (ts[k].start < end && start < ts[k].end) return ts[k].step;
    return undefined;
  }
}

/** A different vmalloc window counts as VMALLOC_START / VMALLOC_END being "seen" (they are macros, never traced). */
function windowNames(a: VersionRunResult, b: VersionRunResult): Set<string> {
  const seen = new Set<string>();
  if (a.window.start !== b.window.start) seen.add('VMALLOC_START');
  if (a.window.end !== b.window.end) seen.add('VMALLOC_END');
  return seen;
}

// ---- grouping and linking ------------------------------------------------------------------

function group(values: readonly (string | undefined)[], versions: readonly string[]): ValueGroup[] {
  const groups: ValueGroup[] = [];
  values.forEach((v, i) => {
    if (v === undefined) return;
    const g = groups.find((x) => x.value === v);
    if (g) g.versions.push(versions[i]);
    else groups.push({ value: v, versions: [versions[i]] });
  });
  return groups;
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function describeGroups(groups: readonly ValueGroup[]): string {
  return groups.map((g) => `${g.versions.join(', ')}: ${g.value}`).join(' · ');
}

/** What a pair of versions showed, for matching catalogue entries. */
export interface Evidence {
  /** Functions on trace lines that differ between the two versions in this step. */
  changed: ReadonlySet<string>;
  /** The same functions with the depth of their deepest differing line (0 = the op's own function). */
  depths?: ReadonlyMap<string, number>;
  /** Functions that ran in this step on either version, and words of their log lines. */
  now: ReadonlySet<string>;
  /** Functions on differing trace lines of earlier steps; VMALLOC_START/END when the windows differ. */
  before: ReadonlySet<string>;
  /** Earlier steps that last touched the ranges in question, with the functions on their differing trace lines. */
  state?: readonly { step: number; functions: ReadonlyMap<string, number> }[];
  /** The op, when one of the two versions does not have it. */
  unsupportedOp?: string;
  /** First differing position of each function's trace lines in the aligned traces. */
  first?: ReadonlyMap<string, number>;
  /** The counters whose step totals differ (a cost finding's subject). */
  costKeys?: ReadonlySet<string>;
  /** The later version's outcome, first word ("ok", "ENOMEM", …), for VersionChange.outcomes. */
  outcomeTo?: string;
}

const CARRIES_STATE: ReadonlySet<DiffClass> = new Set(['outcome', 'address']);
/** Classes explained by the state an earlier step left (the range or object the step uses). */
const USES_STATE: ReadonlySet<DiffClass> = new Set(['outcome', 'address']);
/** Classes whose evidence is where the call chains first diverge and which counters moved there. */
const BY_DIVERGENCE: ReadonlySet<DiffClass> = new Set(['outcome', 'cost']);

/**
 * Counter evidence of a change for a finding (see Explanation.counter): how many of the costs it
 * declares differ in the step's totals, when one of its functions ran differently here.
 */
function counterEvidence(change: VersionChange, cls: DiffClass, ev: Evidence): number {
  if (cls === 'outcome' && change.outcomes?.length && ev.outcomeTo !== undefined) return change.outcomes.includes(ev.outcomeTo) ? 1 : -1;
  if (!change.counters?.length || !ev.costKeys || !BY_DIVERGENCE.has(cls)) return 0;
  if (!change.functions.some((f) => ev.changed.has(f))) return 0;
  const moved = change.counters.filter((k) => ev.costKeys!.has(k)).length;
  return moved ? moved : -1;
}

/** Match catalogue entries against a finding's class, op(s) and the evidence (see the file comment). */
export function explain(
  catalogue: readonly { version: string; change: VersionChange }[],
  cls: DiffClass,
  ops: ReadonlySet<string>,
  ev: Evidence,
): Explanation[] {
  // An op one version lacks: whatever differs comes from the function appearing or going away.
  const op = ev.unsupportedOp;
  if (op) {
    // The change that has the op as a function and names it as an op made it appear (or go);
    // one that only has it as a function changed it; one that only names it, less still.
    const rank = (c: VersionChange) => (c.functions.includes(op) ? 10 : 8) + (c.functions.includes(op) && c.ops?.includes(op) ? 2 : 0);
    let avail = catalogue.filter(({ change }) => change.functions.includes(op) || change.ops?.includes(op));
    if (avail.some(({ change }) => change.affects.includes(cls))) avail = avail.filter(({ change }) => change.affects.includes(cls));
    if (avail.length)
      return avail
        .map(({ version, change }) => ({ version, change, match: 'step' as const, via: [], functions: [op], score: rank(change), depth: 0, first: 0, counter: 0, coverage: 1 }))
        .sort((a, b) => b.score - a.score);
  }
  // A change whose ops exclude this step's op can still have left the state the step uses.
  const eligible = catalogue.filter(({ change }) => change.affects.includes(cls));
  const withFns: Explanation[] = [];
  const opOnly: Explanation[] = [];
  for (const { version, change } of eligible) {
    const explicitOp = !!change.ops?.length;
    const nowFns = change.functions.filter((f) => ev.now.has(f) || ev.changed.has(f));
    const beforeFns = CARRIES_STATE.has(cls) ? change.functions.filter((f) => ev.before.has(f) && !nowFns.includes(f)) : [];
    const via: number[] = [];
    const stateFns: string[] = [];
    let stateDepth = -1;
    if (USES_STATE.has(cls))
      for (const st of ev.state ?? []) {
        const hit = change.functions.filter((f) => st.functions.has(f));
        if (!hit.length) continue;
        if (!via.includes(st.step)) via.push(st.step);
        for (const f of hit) {
          stateDepth = Math.max(stateDepth, st.functions.get(f) ?? 0);
          if (!stateFns.includes(f) && !nowFns.includes(f)) stateFns.push(f);
        }
      }
    let stepDepth = -1;
    let first = Infinity;
    for (const f of change.functions)
      if (ev.changed.has(f)) {
        stepDepth = Math.max(stepDepth, ev.depths?.get(f) ?? 0);
        first = Math.min(first, ev.first?.get(f) ?? Infinity);
      }
    const counter = counterEvidence(change, cls, ev);
    const differing = change.functions.filter((f) => ev.changed.has(f) || stateFns.includes(f)).length;
    const coverage = differing / Math.max(1, change.functions.length);
    let score = explicitOp ? 2 : 0;
    if (change.functions.some((f) => ev.changed.has(f))) score += 4;
    if (nowFns.length) score += 2;
    if (via.length) score += 3;
    if (beforeFns.length) score += 1;
    const fns = [...nowFns, ...stateFns, ...beforeFns.filter((f) => !stateFns.includes(f))];
    // An address that differs because of what an earlier step left there is explained by the
    // divergence in that step; otherwise by the divergence in this one.
    const depth = Math.max(0, via.length ? stateDepth : stepDepth);
    const e = { version, change, via, functions: fns, score, depth, first, counter, coverage };
    if (change.ops && !change.ops.some((o) => ops.has(o))) {
      if (via.length) withFns.push({ ...e, match: 'state', functions: stateFns, score: 3, depth: Math.max(0, stateDepth), first: Infinity, counter: 0 });
      continue;
    }
    if (nowFns.length) withFns.push({ ...e, match: 'step' });
    else if (via.length) withFns.push({ ...e, match: 'state' });
    else if (beforeFns.length) withFns.push({ ...e, match: 'earlier' });
    else if (explicitOp) opOnly.push({ ...e, match: 'op', functions: [], depth: 0, first: Infinity, counter: 0 });
  }
  const list = withFns.length ? withFns : opOnly;
  // Stable: strongest evidence first (evidenceOrder); among equals the more specific claim (fewer
  // catalogued functions) first, then catalogue order.
  return list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => evidenceOrder(cls, a.e, b.e) || a.e.change.functions.length - b.e.change.functions.length || a.i - b.i)
    .map(({ e }) => e);
}

/**
 * Which of two explanations has the stronger evidence (negative: a). For an address, the state an
 * earlier step left where the other version placed its area comes first (the range was taken or
 * free because of that step). For an outcome or a cost, the counters the change declares that
 * differ, then the earliest divergence of the call chains (what follows it, a failure path or a
 * different unwind, is its consequence), then a function of its having run in the step over the
 * state an earlier step left. Then the deepest divergence in the call chain; then the score; then
 * the share of the change's catalogued functions that ran differently (all of a one-function
 * change's against part of a broad one's).
 */
export function evidenceOrder(cls: DiffClass, a: Explanation, b: Explanation): number {
  if (cls === 'address') {
    const sa = a.via.length ? 1 : 0;
    const sb = b.via.length ? 1 : 0;
    if (sa !== sb) return sb - sa;
  }
  if (BY_DIVERGENCE.has(cls)) {
    if (a.counter !== b.counter) return b.counter - a.counter;
    if (a.first !== b.first) return a.first < b.first ? -1 : 1;
    // What ran in the step itself before the state an earlier step left.
    if (a.match !== b.match) return MATCH_RANK[b.match] - MATCH_RANK[a.match];
  }
  // Then the deepest divergence, the score, and the change more of whose functions differ.
  return b.depth - a.depth || b.score - a.score || b.coverage - a.coverage;
}

const FN_LINE_RE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\(\)/;

/** Each formatted trace line keyed by the function it belongs to (closing lines map to their call). */
function keyedLines(trace: readonly TraceNode[] | undefined): string[] {
  if (!trace || !trace.length) return [];
  const stack: string[] = [];
  return formatTrace(trace)
    .split('\n')
    .map((l) => {
      const m = FN_LINE_RE.exec(l);
      if (m) {
        if (/\{( x\d+)?$/.test(l.trimEnd())) stack.push(m[1]);
        return `${m[1]}\u0000${l}`;
      }
      return `${stack.pop() ?? ''}\u0000${l}`;
    });
}

/**
 * Functions on the trace lines that differ between two traces: lines (with their depth and
 * counters) are compared as multisets, so the cost stays linear however different the traces.
 */
export function changedFunctions(a: readonly TraceNode[] | undefined, b: readonly TraceNode[] | undefined, into = new Set<string>()): Set<string> {
  return changedFromLines(keyedLines(a), keyedLines(b), into);
}

function changedFromLines(la: readonly string[], lb: readonly string[], into = new Set<string>()): Set<string> {
  for (const fn of changedDepths(la, lb).keys()) into.add(fn);
  return into;
}

/**
 * Functions on the differing trace lines with the depth of the deepest such line (0 = the op's
 * own function): where the two versions' call chains diverge furthest down.
 */
function changedDepths(la: readonly string[], lb: readonly string[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const l of la) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of lb) count.set(l, (count.get(l) ?? 0) - 1);
  const out = new Map<string, number>();
  for (const [l, n] of count) if (n !== 0) {
    const cut = l.indexOf('\u0000');
    const fn = l.slice(0, cut);
    if (!fn) continue;
    // formatTrace indents two spaces per level under a two-space margin.
    const depth = Math.max(0, Math.floor((l.length - cut - 1 - l.slice(cut + 1).trimStart().length) / 2) - 1);
    out.set(fn, Math.max(out.get(fn) ?? 0, depth));
  }
  return out;
}

/**
 * For each function on a differing trace line, the position of its first such line in the two
 * traces aligned line by line (a longest-common-subsequence diff): where the call chains part.
 */
export function firstDivergence(la: readonly string[], lb: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  let pos = 0;
  for (const part of diffArrays(la as string[], lb as string[])) {
    if (part.added || part.removed)
      for (const l of part.value) {
        const fn = l.slice(0, l.indexOf('\u0000'));
        if (fn && !out.has(fn)) out.set(fn, pos);
        pos++;
      }
    else pos += part.value.length;
  }
  return out;
}

// ---- the engine ------------------------------------------------------------------------------

interface Probe {
  cls: DiffClass;
  label: string;
  values: (string | undefined)[];
  /** A shorter description of the difference among the versions at these indexes. */
  describe?: (idx: readonly number[]) => string;
}

function stepProbes(runs: readonly VersionRunResult[], i: number): Probe[] {
  const probes: Probe[] = [
    { cls: 'outcome', label: 'outcome', values: runs.map((r) => outcomeOf(r.steps[i])) },
    { cls: 'address', label: 'address', values: runs.map((r) => addressOf(r.steps[i])) },
    { cls: 'log', label: 'log', values: runs.map((r) => logOf(r.steps[i])) },
  ];
  if (runs.every((r) => r.details[i]))
    probes.push({
      cls: 'cost',
      label: 'cost',
      values: runs.map((r) => costOf(r.details[i].cost)),
      describe: (idx) => costDifference(idx.map((j) => runs[j].version), idx.map((j) => runs[j].details[i].cost)),
    });
  return probes;
}

/** "pt_pages 1 vs 0, nodes_visited 2 vs 3" (two versions) or "pt_pages: 2.4.19 1 · 2.6.32 0" (more). */
export function costDifference(versions: readonly string[], costs: readonly Partial<Record<CounterKey, number>>[]): string {
  const parts: string[] = [];
  for (const k of COST_KEYS) {
    const vals = costs.map((c) => c[k] ?? 0);
    if (vals.every((v) => v === vals[0])) continue;
    parts.push(versions.length === 2 ? `${k} ${vals[0]} vs ${vals[1]}` : `${k}: ${describeGroups(group(vals.map(String), versions))}`);
  }
  return `cost: ${parts.join(', ')}`;
}

/** Areas as "addr+size flags" entries, for the layout class. */
function areaEntries(f: FinalState): string[] {
  return f.areas.map((a) => `${a.addr}+0x${a.size.toString(16)} ${a.flags.join('|')}`);
}

/** "2.4.19, 2.4.22: 3 areas · 2.6.32: 3 areas; first difference at area #1: …" (stays short for thousands of areas). */
function areasDifference(versions: readonly string[], lists: readonly string[][]): string {
  const counts = describeGroups(group(lists.map((l) => `${l.length} area${l.length === 1 ? '' : 's'}`), versions));
  let k = 0;
  while (lists.every((l) => k < l.length) && lists.every((l) => l[k] === lists[0][k])) k++;
  const at = describeGroups(group(lists.map((l) => l[k] ?? 'none'), versions));
  return `areas: ${counts}; first difference at area #${k}: ${at}`;
}

function finalProbes(runs: readonly VersionRunResult[]): Probe[] {
  const parts = runs.map((r) => layoutParts(r.final));
  const areas = runs.map((r) => areaEntries(r.final));
  return Object.keys(parts[0] ?? {}).map((key) => {
    const probe: Probe = { cls: 'layout' as const, label: key, values: parts.map((p) => p[key]) };
    if (key === 'areas') probe.describe = (idx) => areasDifference(idx.map((j) => runs[j].version), idx.map((j) => areas[j]));
    if (key === 'kmemleak')
      probe.describe = (idx) =>
        `kmemleak: ${describeGroups(group(idx.map((j) => (runs[j].final.kmemleak === null ? undefined : `${runs[j].final.kmemleak!.length} objects`)), idx.map((j) => runs[j].version)))}`;
    return probe;
  });
}

function findingsFor(
  probes: readonly Probe[],
  idx: readonly number[],
  versions: readonly string[],
  catalogue: readonly { version: string; change: VersionChange }[],
  ops: ReadonlySet<string>,
  ev: Evidence,
): Finding[] {
  const out: Finding[] = [];
  for (const p of probes) {
    const groups = group(
      idx.map((j) => p.values[j]),
      idx.map((j) => versions[j]),
    );
    if (groups.length < 2) continue;
    const detail = p.describe
      ? p.describe(idx)
      : `${p.label}: ${describeGroups(groups.map((g) => ({ ...g, value: g.value === '' ? '(nothing)' : clip(g.value.replace(/\n/g, ' | '), 240) })))}`;
    const existing = out.find((f) => f.class === p.cls);
    if (existing) {
      existing.detail += `; ${detail}`;
      continue;
    }
    out.push({ class: p.cls, detail, groups, explanations: explain(catalogue, p.cls, ops, ev) });
  }
  // Knock-on: a step that took another path also costs and logs differently.
  const cause = out.find((f) => (f.class === 'outcome' || f.class === 'address') && causesOf(f).length);
  if (cause) for (const f of out) if ((f.class === 'cost' || f.class === 'log') && !causesOf(f).length) f.explanations = copied(cause.explanations);
  return out;
}

const MATCH_RANK = { step: 3, state: 2, earlier: 1, op: 0 } as const;

function mergeExplanations(lists: readonly Explanation[][]): Explanation[] {
  const out: Explanation[] = [];
  for (const l of lists)
    for (const e of l) {
      const have = out.find((x) => x.version === e.version && x.change.id === e.change.id);
      if (!have) out.push({ ...e, functions: [...e.functions], via: [...e.via] });
      else {
        for (const v of e.via) if (!have.via.includes(v)) have.via.push(v);
        if (MATCH_RANK[e.match] > MATCH_RANK[have.match]) have.match = e.match;
        have.score = Math.max(have.score, e.score);
        have.depth = Math.max(have.depth, e.depth);
        for (const f of e.functions) if (!have.functions.includes(f)) have.functions.push(f);
      }
    }
  return out.sort((a, b) => b.score - a.score);
}

const NO_EVIDENCE: Evidence = { changed: new Set(), now: new Set(), before: new Set() };

function emptySteps(): Record<DiffClass, number[]> {
  return { outcome: [], address: [], log: [], cost: [], layout: [] };
}

/**
 * Classify every step and the final state of a scenario's runs (one per version, in release
 * order). Works for any number of versions; with one version everything is "same".
 */
export function compareRuns(s: Scenario, runs: readonly VersionRunResult[], opts: CompareOptions = {}): Comparison {
  const versions = runs.map((r) => r.version);
  const registry = opts.registry ?? runs.map((r) => r.run.version);
  const pairIdx = versions.slice(1).map((_, j) => [j, j + 1]);
  // A change that concerns some arches only (VersionChange.arches) explains nothing on the others.
  const arch = s.machine.arch;
  const catalogues = pairIdx.map(([a, b]) => changesBetween(registry, versions[a], versions[b]).filter(({ change }) => !change.arches || change.arches.includes(arch)));
  const allIdx = versions.map((_, j) => j);

  const steps: StepComparison[] = [];
  // Per pair: functions on differing trace lines so far, plus the window macros if windows differ.
  const before = pairIdx.map(([a, b]) => windowNames(runs[a], runs[b]));
  const changedByStep: Map<string, number>[][] = pairIdx.map(() => []);
  // The step that bound each step's `ref` (its `as`), for differences that follow from it.
  const boundAt = new Map<string, number>();
  const binding: (number | undefined)[] = s.steps.map((st, i) => {
    const j = st.ref !== undefined ? boundAt.get(st.ref) : undefined;
    if (st.as !== undefined) boundAt.set(st.as, i);
    return j;
  });
  /**
   * An injected failure that fired in step i on one of the two versions only, and the first step
   * since the latest `fail` at that site armed it whose calls there differ between them (before
   * step i), if any.
   */
  const faultAt = (a: number, b: number, i: number): { j: number; site: string; armed: number } | undefined => {
    const fa = runs[a].details[i]?.faults ?? [];
    const fb = runs[b].details[i]?.faults ?? [];
    const site = fa.find((x) => !fb.includes(x)) ?? fb.find((x) => !fa.includes(x));
    if (site === undefined) return undefined;
    let armed = i - 1;
    while (armed >= 0 && !(s.steps[armed].op === 'fail' && s.steps[armed].site === site)) armed--;
    if (armed < 0) return undefined;
    const key = FAULT_COUNTER[site];
    for (let j = armed + 1; j < i; j++) if ((runs[a].details[j]?.cost[key] ?? 0) !== (runs[b].details[j]?.cost[key] ?? 0)) return { j, site, armed };
    return undefined;
  };
  // Per pair: the explanations of each step's cost difference (an injected failure's provenance).
  const costExplanations = pairIdx.map(() => new Map<number, Explanation[]>());
  // Per pair: the causes of each step's address difference (the cost of using that object later).
  const addressCauses = pairIdx.map(() => new Map<number, Explanation[]>());
  // Per pair: the causes of each step's outcome difference (later steps that follow from it inherit them).
  const outcomeCauses = pairIdx.map(() => new Map<number, Explanation[]>());
  const touches = runs.map((r) => new TouchLog(r.run.kernel.arch));
  // Each run's keyed trace lines for the current step (shared by the two pairs a run is in).
  const lines = (j: number, i: number) => keyedLines(runs[j].details[i]?.trace);
  for (let i = 0; i < s.steps.length; i++) {
    const step: Step = s.steps[i];
    const ops = opsCovering(step.op);
    const probes = stepProbes(runs, i);
    const stepLines = runs.map((_, j) => lines(j, i));
    const pairs: PairDiff[] = pairIdx.map(([a, b], p) => {
      const now = new Set<string>();
      for (const j of [a, b]) {
        traceFunctions(runs[j].details[i]?.trace, now);
        logWords(runs[j].steps[i].log, now);
      }
      // An op one side lacks: the function itself appeared or went away.
      const unsupportedOp = (runs[a].steps[i].error === 'unsupported') !== (runs[b].steps[i].error === 'unsupported') ? step.op : undefined;
      const depths = changedDepths(stepLines[a], stepLines[b]);
      const changed = new Set(depths.keys());
      changedByStep[p].push(depths);
      // Address differences: which earlier step last touched, on one version, where the other put its area?
      const state: { step: number; functions: ReadonlyMap<string, number> }[] = [];
      const ra = runs[a].steps[i];
      const rb = runs[b].steps[i];
      if (ra.ok && rb.ok && typeof ra.addr === 'string' && typeof rb.addr === 'string' && ra.addr !== rb.addr) {
        const span = stepSpan(step);
        for (const [v, other] of [[b, ra.addr], [a, rb.addr]] as const) {
          const at = touches[v].addr(other);
          const j = at === undefined ? undefined : touches[v].last(at, at + span);
          if (j !== undefined && !state.some((x) => x.step === j)) state.push({ step: j, functions: changedByStep[p][j] });
        }
      }
      // A step on an existing object (ref or addr): the earlier step that last touched it.
      if (step.ref !== undefined || step.addr !== undefined)
        for (const v of [a, b]) {
          const j = touches[v].lastOf(step);
          if (j !== undefined && !state.some((x) => x.step === j)) state.push({ step: j, functions: changedByStep[p][j] });
        }
      const ev: Evidence = { changed, depths, now, before: before[p], state, outcomeTo: outcomeOf(rb).split(' ')[0], ...(unsupportedOp ? { unsupportedOp } : {}) };
      if (changed.size) {
        ev.first = firstDivergence(stepLines[a], stepLines[b]);
        const ca = runs[a].details[i]?.cost ?? {};
        const cb = runs[b].details[i]?.cost ?? {};
        ev.costKeys = new Set(COST_KEYS.filter((k) => (ca[k] ?? 0) !== (cb[k] ?? 0)));
      }
      const findings = findingsFor(probes, [a, b], versions, catalogues[p], ops, ev);
      // What this step's differences follow from, strongest first: a HANG spins on a lock a dead
      // step left held (that step's cause); a step using an object an earlier step made on one
      // version only (that step's cause); an injected failure that fired here on one version only
      // (the step where the calls at its site first differ); the step's own outcome.
      const outcome = findings.find((f) => f.class === 'outcome');
      const held = heldBy(ra) ?? heldBy(rb);
      const made = binding[i];
      const fault = outcome ? faultAt(a, b, i) : undefined;
      const from = held ? { step: held.step, lock: held.lock } : made !== undefined && outcomeCauses[p].has(made) ? { step: made } : undefined;
      const heir = from && outcomeCauses[p].get(from.step);
      // A step that failed or took another path costs and logs differently: its outcome's cause.
      const knockOn = (o: Finding) => {
        for (const f of findings) if (f.class === 'cost' || f.class === 'log') f.explanations = copied(o.explanations);
      };
      if (from && heir?.length) {
        for (const f of findings) f.explanations = inheritFrom(heir, from);
      } else if (outcome && fault) {
        const { j, site, armed } = fault;
        const key = FAULT_COUNTER[site];
        const cands = (costExplanations[p].get(j) ?? []).filter((e) => e.match !== 'op');
        const bySite = cands.filter((e) => e.change.counters?.includes(key));
        const top = causesOf({ class: 'cost', detail: '', groups: [], explanations: bySite.length ? bySite : cands });
        if (top.length) {
          outcome.explanations = inheritFrom(top, { step: j, fault: { site, armed } });
          knockOn(outcome);
        }
      } else if (outcome && causesOf(outcome).length) {
        knockOn(outcome);
      }
      // An address decided by an area an earlier step made on one version only: that step's cause.
      const address = findings.find((f) => f.class === 'address');
      const maker = address && state.map((x) => x.step).find((j) => outcomeCauses[p].get(j)?.length);
      if (address && maker !== undefined) address.explanations = inheritFrom(outcomeCauses[p].get(maker)!, { step: maker });
      // A cost nothing else explains, on an object placed differently: that placement's cause.
      const placed = made === undefined ? undefined : addressCauses[p].get(made);
      if (placed?.length)
        for (const f of findings)
          if (f.class === 'cost' && !causesOf(f).length) f.explanations = inheritFrom(placed, { step: made!, placed: true });
      if (outcome) outcomeCauses[p].set(i, causesOf(outcome));
      if (address) addressCauses[p].set(i, causesOf(address));
      const cost = findings.find((f) => f.class === 'cost');
      if (cost) costExplanations[p].set(i, cost.explanations);
      for (const f of changed) before[p].add(f);
      return { from: versions[a], to: versions[b], findings };
    });
    runs.forEach((r, j) => touches[j].record(i, step, r.steps[i]));
    const overall = findingsFor(probes, allIdx, versions, [], ops, NO_EVIDENCE);
    for (const f of overall) f.explanations = mergeExplanations(pairs.map((p) => p.findings.find((x) => x.class === f.class)?.explanations ?? []));
    steps.push({ index: i, op: step.op, classes: overall.map((f) => f.class), overall, pairs });
  }

  // Final state: functions from the whole run, ops from the whole scenario.
  const scenarioOps = new Set(s.steps.map((x) => x.op as string));
  const fprobes = finalProbes(runs);
  const fpairs: PairDiff[] = pairIdx.map(([a, b], p) => {
    const now = new Set<string>();
    const changed = new Set<string>();
    for (let i = 0; i < s.steps.length; i++) {
      for (const j of [a, b]) {
        traceFunctions(runs[j].details[i]?.trace, now);
        logWords(runs[j].steps[i].log, now);
        if (runs[j].steps[i].error === 'unsupported') now.add(s.steps[i].op);
      }
    }
    for (const ch of changedByStep[p]) for (const f of ch.keys()) changed.add(f);
    const ev: Evidence = { changed, now, before: windowNames(runs[a], runs[b]) };
    return { from: versions[a], to: versions[b], findings: findingsFor(fprobes, [a, b], versions, catalogues[p], scenarioOps, ev) };
  });
  const foverall = findingsFor(fprobes, allIdx, versions, [], scenarioOps, NO_EVIDENCE);
  for (const f of foverall) f.explanations = mergeExplanations(fpairs.map((p) => p.findings.find((x) => x.class === f.class)?.explanations ?? []));
  const final: FinalComparison = { classes: foverall.map((f) => f.class), overall: foverall, pairs: fpairs };

  const summarise = (label: string, pick: (st: StepComparison) => Finding[], fin: Finding[], from?: string, to?: string): DiffSummary => {
    const sum: DiffSummary = { label, steps: emptySteps(), finalLayout: fin.length > 0, changes: [], unexplained: 0 };
    if (from) sum.from = from;
    if (to) sum.to = to;
    const note = (f: Finding) => {
      const causes = causesOf(f);
      if (!causes.length) sum.unexplained++;
      for (const e of causes) if (!sum.changes.includes(e.change.id)) sum.changes.push(e.change.id);
    };
    for (const st of steps)
      for (const f of pick(st)) {
        sum.steps[f.class].push(st.index);
        note(f);
      }
    fin.forEach(note);
    return sum;
  };
  const pairs = pairIdx.map(([a, b], p) =>
    summarise(`${versions[a]} → ${versions[b]}`, (st) => st.pairs[p].findings, fpairs[p].findings, versions[a], versions[b]),
  );
  const overall = summarise('all versions', (st) => st.overall, foverall);
  return { scenario: s.name, versions, steps, final, pairs, overall };
}

/** Explanations another finding can own (its own via and functions arrays). */
function copied(list: readonly Explanation[]): Explanation[] {
  return list.map((e) => ({ ...e, via: [...e.via], functions: [...e.functions] }));
}

/** An earlier step's causes, as the explanation of a difference that follows from that step. */
function inheritFrom(causes: readonly Explanation[], from: NonNullable<Explanation['inherited']>): Explanation[] {
  return causes.map((e) => ({ ...e, match: 'state', via: [from.step], functions: [...e.functions], inherited: from }));
}

/** The counter that counts the calls at each fault-injection site. */
const FAULT_COUNTER: Readonly<Record<string, CounterKey>> = { kmalloc: 'kmalloc_calls', alloc_page: 'pages_alloc', pte_alloc: 'pt_pages' };

/** The step that left the lock a HANG spins on held, from `held: "vmlist_lock (held since step 3)"`. */
function heldBy(st: StepResult): { step: number; lock: string } | undefined {
  if (st.error !== 'HANG' || !st.held) return undefined;
  const m = /^(.*) \(held since step (\d+)\)$/.exec(st.held);
  return m ? { step: Number(m[2]), lock: m[1] } : undefined;
}

/**
 * The causes of a finding: its best-evidenced explanation and those tying with it. A change
 * matched by its op alone is no evidence, so such a finding has no cause (it is unexplained).
 */
export function causesOf(f: Finding): Explanation[] {
  const withEvidence = f.explanations.filter((e) => e.match !== 'op');
  const top = withEvidence[0];
  return top ? withEvidence.filter((e) => e.match === top.match && evidenceOrder(f.class, e, top) === 0) : [];
}

/** True when nothing differs anywhere. */
export function allSame(c: Comparison): boolean {
  return c.final.classes.length === 0 && c.steps.every((st) => st.classes.length === 0);
}

/** The comparison as plain JSON (changes by id, for --json). */
export function comparisonJson(c: Comparison): unknown {
  const fj = (f: Finding) => ({
    class: f.class,
    detail: f.detail,
    groups: f.groups,
    explanations: f.explanations.map((e) => ({ version: e.version, change: e.change.id, since: e.change.since, summary: e.change.summary, match: e.match, score: e.score, functions: e.functions, via: e.via })),
  });
  const pj = (p: PairDiff) => ({ from: p.from, to: p.to, findings: p.findings.map(fj) });
  return {
    scenario: c.scenario,
    versions: c.versions,
    summary: { overall: c.overall, pairs: c.pairs },
    steps: c.steps.map((st) => ({ index: st.index, op: st.op, classes: st.classes.length ? st.classes : ['same'], overall: st.overall.map(fj), pairs: st.pairs.map(pj) })),
    final: { classes: c.final.classes.length ? c.final.classes : ['same'], overall: c.final.overall.map(fj), pairs: c.final.pairs.map(pj) },
  };
}
