/**
 * The runner: every version gets a fresh machine from the same profile and runs the same steps.
 * Kernel BUG()s and oopses are step outcomes; anything else thrown is a simulator defect and
 * propagates as such.
 */
import { ARCHES } from '../hw/arch.js';
import { parseAddr, type Addr } from '../hw/addr.js';
import { Kernel, KernelBug, KernelHang, KernelOops } from '../kernel/kernel.js';
import { countersToObject, NR_COUNTERS } from '../kernel/counters.js';
import type { Scenario, Step } from '../contract/scenario.js';
import { returnsAddress, returnsAreas } from '../contract/ops.js';
import type { VersionRun } from './version-run.js';
import type { FinalState, StepDetail, StepResult, VersionResult } from '../contract/result.js';
import type { KernelVersion, VersionApi, VmallocWindow } from '../contract/version.js';
import { apiMethods, runOp } from './ops.js';
import { finalState } from './final.js';
import { InvariantChecker, invariantsByDefault, type Finding } from './invariants.js';

export type { VersionRun } from './version-run.js';

export interface VersionRunResult extends VersionResult {
  details: StepDetail[];
  window: VmallocWindow;
  run: VersionRun;
  /** Kernel findings of the invariant checker, when it ran. */
  findings?: Finding[];
}
export { returnsAddress } from '../contract/ops.js';

export interface RunOptions {
  /** Record function_graph traces per step. */
  trace?: boolean;
  /** Record per-step counter changes (on by default; off for speed). */
  detail?: boolean;
  /** Called after each step (progress, invariants, pictures), with the step's result where the caller has it. */
  onStep?: (index: number, ctx: VersionRun, result?: StepResult) => void;
  /**
   * Machine invariants (invariants.ts): a checker, true for the light one (accounting after
   * every step, whole machine at the end), false for none. Default: on under vitest or with
   * VMX_INVARIANTS=1. Simulator inconsistencies throw; kernel findings land in `findings`.
   */
  invariants?: boolean | InvariantChecker;
}

/** The versions a scenario runs on, in registry (release) order: its list, or every registered one that supports the arch. */
export function versionsFor(s: Scenario, registry: readonly KernelVersion[]): KernelVersion[] {
  if (s.versions) return registry.filter((v) => s.versions!.includes(v.id));
  return registry.filter((v) => v.arches.includes(s.machine.arch));
}

/** Boot one version on a fresh machine for the scenario. */
export function bootVersion(s: Scenario, version: KernelVersion, opts: RunOptions = {}): VersionRun {
  const kernel = new Kernel(
    { arch: s.machine.arch, ramMiB: s.machine.ramMiB, cpus: s.machine.cpus, nodes: s.machine.nodes, zones: s.machine.zones, vmallocReserveMiB: s.machine.vmallocReserveMiB, pge: s.machine.pge, nx: s.machine.nx, pse: s.machine.pse, profile: s.machine.profile },
    version.kernelConfig,
  );
  kernel.trace.enabled = !!opts.trace;
  const arch = ARCHES[s.machine.arch];
  const window: VmallocWindow =
    s.machine.vmallocStart !== undefined
      ? { start: parseAddr(arch, s.machine.vmallocStart) as Addr, end: parseAddr(arch, s.machine.vmallocEnd!) as Addr }
      : version.defaultWindow(kernel);
  const api = version.boot(kernel, window);
  return { version, kernel, api, window, bindings: new Map(), stepNo: 0, methods: apiMethods(api) };
}

/** The detail of a step run with detail and trace off: one frozen object for every such step. */
const NO_DETAIL: StepDetail = Object.freeze({ cost: Object.freeze({}) }) as StepDetail;

/** Run one step on a booted version, turning BUG()/oops into outcomes. */
export function runStep(run: VersionRun, step: Step, opts: RunOptions = {}): { result: StepResult; detail: StepDetail } {
  const k = run.kernel;
  const before = opts.detail === false ? undefined : k.counters.slice();
  const firedBefore = k.faults.fired.length;
  let result: StepResult;
  k.locks.step = run.stepNo;
  try {
    result = runOp(run, step);
    k.locks.stepEnd(false);
  } catch (e) {
    if (e instanceof KernelBug || e instanceof KernelOops || e instanceof KernelHang) {
      // The task died (or spins) inside whatever it had locked: those locks stay held.
      k.locks.stepEnd(true);
      const error = e instanceof KernelBug ? 'BUG' : e instanceof KernelOops ? 'OOPS' : 'HANG';
      // Field order as the contract prints it: op, ok, error, held (HANG), addr (address ops), log.
      const r: Partial<StepResult> = { op: step.op, ok: false, error };
      if (e instanceof KernelHang) r.held = e.held;
      if (returnsAddress(step.op)) r.addr = null;
      if (returnsAreas(step.op)) r.addrs = null;
      r.log = [];
      result = r as StepResult;
      if (step.as) {
        run.bindings.set(step.as, 0);
        if (step.offsets) for (let j = 0; j < step.offsets.length; j++) run.bindings.set(`${step.as}.${j}`, 0);
      }
    } else {
      throw e;
    }
  }
  run.stepNo++;
  result.log = k.console.take();
  if (!before && !opts.trace) return { result, detail: NO_DETAIL };
  const detail: StepDetail = { cost: {} };
  if (before) {
    const d = new Float64Array(NR_COUNTERS);
    for (let i = 0; i < NR_COUNTERS; i++) d[i] = k.counters[i] - before[i];
    detail.cost = countersToObject(d, true);
    if (k.faults.fired.length > firedBefore) detail.faults = k.faults.fired.slice(firedBefore).map((f) => f.site);
  }
  if (opts.trace) detail.trace = k.trace.take();
  return { result, detail };
}

/** Run a whole scenario on one version. */
export function runVersion(s: Scenario, version: KernelVersion, opts: RunOptions = {}): VersionRunResult {
  const run = bootVersion(s, version, opts);
  const steps: StepResult[] = [];
  const details: StepDetail[] = [];
  const inv = opts.invariants ?? invariantsByDefault();
  const checker = inv instanceof InvariantChecker ? inv : inv ? new InvariantChecker() : undefined;
  for (let i = 0; i < s.steps.length; i++) {
    checker?.before(run);
    const { result, detail } = runStep(run, s.steps[i], opts);
    steps.push(result);
    details.push(detail);
    checker?.after(i, run, result);
    opts.onStep?.(i, run, result);
  }
  const final: FinalState = finalState(run);
  const findings = checker?.finish(s.steps.length, run);
  return { version: version.id, steps, final, details, window: run.window, run, findings };
}

/** Run a scenario on every version it names (or all that support its arch). */
export function runScenario(s: Scenario, registry: readonly KernelVersion[], opts: RunOptions = {}): VersionRunResult[] {
  return versionsFor(s, registry).map((v) => runVersion(s, v, opts));
}

