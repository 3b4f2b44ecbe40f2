/**
 * Runs a scenario for a report: every version it names, with traces (for scenarios short enough
 * to keep them), sampling the state pictures need through the runner's onStep callback.
 */
import { ARCHES, type ArchName } from '../hw/arch.js';
import { hexAddr, type Addr } from '../hw/addr.js';
import { COUNTER_INDEX } from '../kernel/counters.js';
import { pagesMapped, pageTablePages } from '../harness/final.js';
import { bootVersion, runScenario, runStep, type VersionRun, type VersionRunResult } from '../harness/runner.js';
import type { Scenario, Step } from '../harness/scenario.js';
import type { AreaView, KernelVersion, RangeView, VmallocWindow } from '../contract/version.js';
import { compareRuns, isFreeOp, type Comparison } from '../diff/classify.js';

/** The vmalloc window of one version after one step, as the map draws it. */
export interface MapSnapshot {
  version: string;
  /** Step index the state follows (-1: after boot). */
  step: number;
  arch: ArchName;
  window: VmallocWindow;
  areas: AreaView[];
  ranges: RangeView[];
  summary: Record<string, number | string>;
  /** The scenario's names ("as") bound to an address at that point, by address (for map labels). */
  names?: { addr: Addr; name: string }[];
}

/** Counters and state of one version sampled after some steps. */
export interface Series {
  version: string;
  steps: number[];
  pageTablePages: number[];
  liveAreas: number[];
  /** Cumulative flush_tlb_all + flush_tlb_kernel_range calls. */
  tlbFlushes: number[];
  /** Present ptes in the vmalloc window (stale ptes of lazily freed areas included). */
  ptesPresent: number[];
}

export interface CollectOptions {
  registry: readonly KernelVersion[];
  /** Record traces when the scenario has at most this many steps (default 2000). */
  traceLimit?: number;
  /** Keep a map snapshot of every step up to this many steps, else of sampled steps (default 400). */
  snapshotLimit?: number;
  /** At most this many samples per series (default 300). */
  maxSamples?: number;
  onStep?: (index: number, run: VersionRun) => void;
  /** Steps to draw maps of besides the ones chosen automatically (replayed when not kept). */
  mapSteps?: readonly number[];
}

export interface CollectedRun {
  scenario: Scenario;
  runs: VersionRunResult[];
  comparison: Comparison;
  /** Per version, snapshots in step order (sparse for long scenarios). */
  snapshots: Map<string, MapSnapshot[]>;
  series: Series[];
  traced: boolean;
  /** Steps (besides the last) whose maps the report draws, each with a snapshot of every version. */
  mapSteps: number[];
}

/**
 * Steps whose maps are worth drawing: the first whose outcome or address differs, and the first
 * address difference explained by what an earlier free left behind (a reused hole, a range kept
 * lazily).
 */
export function interestingSteps(cmp: Comparison, steps: readonly Step[]): number[] {
  const first = cmp.steps.find((st) => st.classes.includes('address') || st.classes.includes('outcome'))?.index;
  const state = cmp.steps.find((st) => st.overall.some((f) => f.class === 'address' && f.explanations.some((e) => e.via.some((j) => isFreeOp(steps[j].op)))))?.index;
  return [first, state].filter((x, k, a): x is number => x !== undefined && a.indexOf(x) === k);
}

/** The steps a scenario asks pictures after ("pictures": "as" names or "#index"). */
export function pictureSteps(s: Scenario): number[] {
  const out: number[] = [];
  for (const p of s.pictures ?? []) {
    const m = /^#(\d+)$/.exec(p);
    const i = m ? Number(m[1]) : s.steps.findIndex((st) => st.as === p);
    if (i >= 0 && i < s.steps.length && !out.includes(i)) out.push(i);
  }
  return out;
}

/** Replay a version to just after `step` (for a picture of a step the run did not keep). */
export function replayTo(s: Scenario, version: KernelVersion, step: number): VersionRun {
  const run = bootVersion(s, version, {});
  for (let i = 0; i <= step; i++) runStep(run, s.steps[i], { detail: false });
  return run;
}

export function snapshot(run: VersionRun, step: number): MapSnapshot {
  return {
    version: run.version.id,
    step,
    arch: run.kernel.arch.name,
    window: run.window,
    areas: run.api.areas(),
    ranges: run.api.ranges?.() ?? [],
    summary: run.api.stateSummary?.() ?? {},
    names: [...run.bindings].filter(([, a]) => a !== 0).map(([name, addr]) => ({ addr, name })),
  };
}

/** The snapshot at `step` (or the latest before it) of one version. */
export function snapshotAt(list: readonly MapSnapshot[] | undefined, step: number): MapSnapshot | undefined {
  if (!list) return undefined;
  let best: MapSnapshot | undefined;
  for (const s of list) if (s.step <= step) best = s;
  return best;
}

export function collect(s: Scenario, opts: CollectOptions): CollectedRun {
  const n = s.steps.length;
  const traced = n <= (opts.traceLimit ?? 2000);
  const everyStep = n <= (opts.snapshotLimit ?? 400);
  const stride = Math.max(1, Math.ceil(n / (opts.maxSamples ?? 300)));
  const snapshots = new Map<string, MapSnapshot[]>();
  const series = new Map<string, Series>();
  const sample = (i: number, run: VersionRun) => {
    const id = run.version.id;
    let se = series.get(id);
    if (!se) series.set(id, (se = { version: id, steps: [], pageTablePages: [], liveAreas: [], tlbFlushes: [], ptesPresent: [] }));
    const c = run.kernel.counters;
    se.steps.push(i);
    se.pageTablePages.push(pageTablePages(run));
    se.liveAreas.push(run.api.areas().length);
    se.tlbFlushes.push(c[COUNTER_INDEX.tlb_flush_all] + c[COUNTER_INDEX.tlb_flush_range]);
    se.ptesPresent.push(pagesMapped(run));
  };
  const runs = runScenario(s, opts.registry, {
    trace: traced,
    onStep: (i, run) => {
      const last = i === n - 1;
      if (i % stride === 0 || last) sample(i, run);
      if (everyStep || i % stride === 0 || last) {
        let list = snapshots.get(run.version.id);
        if (!list) snapshots.set(run.version.id, (list = []));
        list.push(snapshot(run, i));
      }
      opts.onStep?.(i, run);
    },
  });
  // Scenarios without steps still get a picture of the empty window.
  for (const r of runs) if (!snapshots.has(r.version)) snapshots.set(r.version, [snapshot(r.run, -1)]);
  const comparison = compareRuns(s, runs, { registry: opts.registry });
  const auto = runs.length > 1 ? interestingSteps(comparison, s.steps) : [];
  const mapSteps = [...new Set([...auto, ...pictureSteps(s), ...(opts.mapSteps ?? [])])].filter((i) => i >= 0 && i < n - 1).sort((a, b) => a - b);
  for (const at of mapSteps)
    for (const r of runs) {
      const list = snapshots.get(r.version)!;
      if (list.some((x) => x.step === at)) continue;
      list.push(snapshot(replayTo(s, r.run.version, at), at));
      list.sort((a, b) => a.step - b.step);
    }
  return { scenario: s, runs, comparison, snapshots, series: runs.map((r) => series.get(r.version)).filter((x): x is Series => !!x), traced, mapSteps };
}

/** The real address text of a biased address on an arch. */
export function hexOf(arch: ArchName, a: Addr): string {
  return hexAddr(ARCHES[arch], a);
}
