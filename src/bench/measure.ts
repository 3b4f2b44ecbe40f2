/**
 * Timing one version on one workload, in the process that calls it (the bench runs each pair in
 * a child process so peak RSS and JIT state belong to that pair alone). Steps run through the
 * harness exactly as `vmx run --summary` runs them (bootVersion/runStep, detail off, no invariant
 * checks), so the figures include the harness's per-step work.
 */
import { bootVersion, runStep } from '../harness/runner.js';
import { holdYoungGeneration } from '../cli/young-generation.js';
import type { Scenario } from '../harness/scenario.js';
import type { KernelVersion } from '../contract/version.js';
import { COUNTERS, type CounterKey } from '../kernel/counters.js';

export interface Measurement {
  version: string;
  steps: number;
  /** Wall-clock ms of each repetition (run phase only: boot and steps, no parse). */
  wallMs: number[];
  /** CPU (user + system) ms of each repetition: less disturbed by other load than wall time. */
  cpuMs: number[];
  /** Counter totals of one run (identical in every repetition: the model is deterministic). */
  counters: Record<CounterKey, number>;
  failures: number;
  /** Peak resident set of the whole measuring process, KiB. */
  maxRssKiB: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Steps of each untimed warm-up pass (JIT tier-up takes the first one or two runs otherwise). */
export const WARMUP_STEPS = 50_000;

/**
 * Untimed warm-up boots before the timed ones. Two, because a version's functions are closures
 * made at boot: V8 specialises its first optimised code to the first boot's closures and throws
 * that code away when a second boot makes the same closures again, so with one warm-up boot the
 * first timed run re-optimises everything and took 2-3 times as long per call as the runs after
 * it (fix_size on 2.4.19: 309 ms, then 149, 143, 136; with two warm-up boots 124, 129, 131, 128).
 */
export const WARMUP_BOOTS = 2;

/** The untimed warm-up: WARMUP_BOOTS throwaway boots, each running the first WARMUP_STEPS steps. */
export function warmUp(s: Scenario, v: KernelVersion): void {
  const opts = { detail: false };
  for (let b = 0; b < WARMUP_BOOTS; b++) {
    const warm = bootVersion(s, v, opts);
    for (let i = 0; i < Math.min(s.steps.length, WARMUP_STEPS); i++) runStep(warm, s.steps[i], opts);
  }
}

/** One timed run: a fresh boot, then every step; its times go onto `into`. */
function timedRun(s: Scenario, v: KernelVersion, into: Measurement): void {
  const opts = { detail: false };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const run = bootVersion(s, v, opts);
  let failed = 0;
  for (let i = 0; i < s.steps.length; i++) {
    holdYoungGeneration(); /* as `vmx run` does every step */
    if (!runStep(run, s.steps[i], opts).result.ok) failed++;
  }
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  into.wallMs.push(t1 - t0);
  into.cpuMs.push((c1.user + c1.system) / 1000);
  into.failures = failed;
  into.counters = Object.fromEntries(COUNTERS.map((c, i) => [c.key, run.kernel.counters[i]])) as Record<CounterKey, number>;
  into.maxRssKiB = process.resourceUsage().maxRSS;
}

function emptyMeasurement(s: Scenario, v: KernelVersion): Measurement {
  return { version: v.id, steps: s.steps.length, wallMs: [], cpuMs: [], counters: {} as Record<CounterKey, number>, failures: 0, maxRssKiB: 0 };
}

export function measure(s: Scenario, v: KernelVersion, reps: number): Measurement {
  // Warm-up (see WARMUP_BOOTS), untimed, so the medians are steady-state figures (a whole-process
  // run pays its warm-up; see the whole-process table).
  warmUp(s, v);
  const m = emptyMeasurement(s, v);
  for (let r = 0; r < reps; r++) timedRun(s, v, m);
  return m;
}

/**
 * The linearity pair: a scenario and its first half, timed alternately in this one process
 * (half, whole, half, whole, …) after the warm-up. Two fresh processes would each settle on their
 * own compiled code, and that difference, up to half again (docs/perf.md, Round 4), is not a cost
 * that grows with the steps; in one process both lengths run the same code.
 */
export function measureLinearity(half: Scenario, whole: Scenario, v: KernelVersion, reps: number): { half: Measurement; full: Measurement } {
  warmUp(whole, v);
  const h = emptyMeasurement(half, v);
  const f = emptyMeasurement(whole, v);
  for (let r = 0; r < reps; r++) {
    timedRun(half, v, h);
    timedRun(whole, v, f);
  }
  return { half: h, full: f };
}
