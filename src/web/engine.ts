/**
 * The explorer's engine: what the Web Worker (or, without workers, the page itself) does with a
 * scenario. It validates the text as the CLI does, runs every named version through the report
 * collector (src/report/collect.ts), keeps the collected run for later questions (one step's map,
 * traces and findings; exports), and answers with plain, structured-cloneable data. No DOM here.
 */
import { ARCHES } from '../hw/arch.js';
import type { StepResult, FinalState } from '../contract/result.js';
import { resultDocument } from '../harness/document.js';
import { parseScenario, ScenarioError, type Scenario } from '../harness/scenario.js';
import type { TraceNode } from '../kernel/trace.js';
import type { CounterKey } from '../kernel/counters.js';
import type { DiffClass } from '../contract/version.js';
import type { DiffSummary, FinalComparison, StepComparison } from '../diff/classify.js';
import { collect, replayTo, snapshot, type CollectedRun, type MapSnapshot, type Series } from '../report/collect.js';
import { compareMarkdown, stepLabel } from '../report/markdown.js';
import { versionsFor } from '../harness/runner.js';
import { VERSIONS, VERSION_IDS } from '../registry.js';

/** Keep a map snapshot of every step up to this many steps (later ones are replayed on demand). */
export const SNAPSHOT_LIMIT = 2000;

export interface VersionInfo {
  id: string;
  title: string;
  source: string;
  windowStart: string;
  windowEnd: string;
}

/** The answer to a run: everything the table, the plot and the summary need. */
export interface RunSummary {
  name: string;
  question?: string;
  description?: string;
  machine: Scenario['machine'];
  seed?: number;
  /** Step labels (as the reports print them). */
  labels: string[];
  versions: VersionInfo[];
  /** Per version, every step's result exactly as the contract's JSON gives it. */
  steps: StepResult[][];
  final: FinalState[];
  /** Per step, the classes of difference ([] = the same everywhere). */
  classes: DiffClass[][];
  finalComparison: FinalComparison;
  overall: DiffSummary;
  series: Series[];
  traced: boolean;
  /** Milliseconds the run and the comparison took (in the worker). */
  ms: number;
}

/** One step in detail: the map after it, the traces and costs per version, the findings. */
export interface StepView {
  index: number;
  snapshots: MapSnapshot[];
  traces: (TraceNode[] | undefined)[];
  costs: Partial<Record<CounterKey, number>>[];
  comparison: StepComparison | undefined;
}

export type Request =
  | { kind: 'run'; id: number; text: string; where: string }
  | { kind: 'step'; id: number; index: number }
  | { kind: 'markdown'; id: number; step?: number }
  | { kind: 'json'; id: number };

/** A request without its id (the id is the sender's business). */
export type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

export type Reply =
  | { kind: 'progress'; id: number; done: number; total: number }
  | { kind: 'invalid'; id: number; message: string }
  | { kind: 'ran'; id: number; summary: RunSummary }
  | { kind: 'step'; id: number; view: StepView }
  | { kind: 'text'; id: number; text: string }
  | { kind: 'failed'; id: number; message: string };

/** Validate like `vmx run` does: the message names the step index and field. */
export function validate(text: string, where: string): { scenario: Scenario } | { message: string } {
  try {
    return { scenario: parseScenario(text, VERSION_IDS, where) };
  } catch (e) {
    if (e instanceof ScenarioError) return { message: e.message };
    throw e;
  }
}

export class Engine {
  private last: CollectedRun | undefined;

  constructor(private readonly post: (r: Reply) => void) {}

  handle(req: Request): void {
    try {
      if (req.kind === 'run') this.run(req.id, req.text, req.where);
      else if (!this.last) this.post({ kind: 'failed', id: req.id, message: 'nothing has run yet' });
      else if (req.kind === 'step') this.post({ kind: 'step', id: req.id, view: this.stepView(this.last, req.index) });
      else if (req.kind === 'markdown') this.post({ kind: 'text', id: req.id, text: this.markdown(this.last, req.step) });
      else this.post({ kind: 'text', id: req.id, text: JSON.stringify(resultDocument(this.last.scenario, this.last.runs), null, 1) + '\n' });
    } catch (e) {
      this.post({ kind: 'failed', id: req.id, message: `internal error (a vmx defect, not a kernel outcome): ${(e as Error).stack ?? e}` });
    }
  }

  private run(id: number, text: string, where: string): void {
    const v = validate(text, where);
    if ('message' in v) {
      this.post({ kind: 'invalid', id, message: v.message });
      return;
    }
    const s = v.scenario;
    const t0 = now();
    const order = versionsFor(s, VERSIONS).map((ver) => ver.id);
    const total = Math.max(1, s.steps.length * order.length);
    let last = 0;
    this.post({ kind: 'progress', id, done: 0, total });
    const c = collect(s, {
      registry: VERSIONS,
      snapshotLimit: SNAPSHOT_LIMIT,
      onStep: (i, run) => {
        const t = now();
        if (t - last < 50) return;
        last = t;
        const vi = order.indexOf(run.version.id);
        this.post({ kind: 'progress', id, done: vi * s.steps.length + i + 1, total });
      },
    });
    this.last = c;
    const summary: RunSummary = {
      name: s.name,
      machine: s.machine,
      labels: s.steps.map(stepLabel),
      versions: c.runs.map((r) => ({ id: r.version, title: r.run.version.title, source: r.run.version.source, windowStart: r.run.kernel.hex(r.window.start), windowEnd: r.run.kernel.hex(r.window.end) })),
      steps: c.runs.map((r) => r.steps),
      final: c.runs.map((r) => r.final),
      classes: c.comparison.steps.map((st) => st.classes),
      finalComparison: c.comparison.final,
      overall: c.comparison.overall,
      series: c.series,
      traced: c.traced,
      ms: Math.round(now() - t0),
    };
    if (s.question !== undefined) summary.question = s.question;
    if (s.description !== undefined) summary.description = s.description;
    if (s.seed !== undefined) summary.seed = s.seed;
    this.post({ kind: 'ran', id, summary });
  }

  /** Snapshots of every version after `index` (kept by the run, else replayed); -1 = after boot. */
  private snapshotsAt(c: CollectedRun, index: number): MapSnapshot[] {
    return c.runs.map((r) => {
      const kept = c.snapshots.get(r.version)?.find((x) => x.step === index);
      if (kept) return kept;
      if (index < 0) return snapshot(replayTo(c.scenario, r.run.version, -1), -1);
      const snap = snapshot(replayTo(c.scenario, r.run.version, index), index);
      const list = c.snapshots.get(r.version)!;
      list.push(snap);
      list.sort((a, b) => a.step - b.step);
      return snap;
    });
  }

  private stepView(c: CollectedRun, index: number): StepView {
    const n = c.scenario.steps.length;
    const i = Math.max(-1, Math.min(n - 1, Math.floor(index)));
    return {
      index: i,
      snapshots: this.snapshotsAt(c, i),
      traces: c.runs.map((r) => (i >= 0 ? r.details[i]?.trace : undefined)),
      costs: c.runs.map((r) => (i >= 0 ? (r.details[i]?.cost ?? {}) : {})),
      comparison: i >= 0 ? c.comparison.steps[i] : undefined,
    };
  }

  /** The comparison document `vmx compare` writes, pictures as text, with the map after `step` too. */
  private markdown(c: CollectedRun, step?: number): string {
    const n = c.scenario.steps.length;
    let run = c;
    if (step !== undefined && step >= 0 && step < n - 1 && !c.mapSteps.includes(step)) {
      this.snapshotsAt(c, step);
      run = { ...c, mapSteps: [...c.mapSteps, step].sort((a, b) => a - b) };
    }
    return compareMarkdown(run, { picture: (_name, _alt, _svg, text) => text() });
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** The arches a machine can have, for the settings form. */
export const ARCH_NAMES = Object.keys(ARCHES);
