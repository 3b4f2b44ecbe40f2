/**
 * Small helpers for the 2.4 version tests: build a validated scenario, boot one registered
 * version on a fresh machine, run steps one at a time, and read the machine the way the tests
 * want to talk about it (pages mapped, page refcounts, counters).
 */
import { validateScenario, type Scenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, runVersion, type VersionRun, type VersionRunResult } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import { finalState } from '../../src/harness/final.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';
import type { KernelVersion } from '../../src/contract/version.js';

export interface MachineOpts {
  ramMiB?: number;
  vmallocStart?: string;
  vmallocEnd?: string;
  arch?: 'i386' | 'i386-pae';
}

/** A scenario in the contract's form, validated (defaults filled) like a file would be. */
export function scenario(name: string, steps: Partial<Step>[], m: MachineOpts = {}): Scenario {
  const machine: Record<string, unknown> = { arch: m.arch ?? 'i386', ramMiB: m.ramMiB ?? 128, cpus: 1 };
  if (m.vmallocStart) {
    machine.vmallocStart = m.vmallocStart;
    machine.vmallocEnd = m.vmallocEnd;
  }
  return validateScenario({ name, machine, steps }, VERSION_IDS, name);
}

export function version(id: string): KernelVersion {
  const v = findVersion(id);
  if (!v) throw new Error(`version ${id} is not registered`);
  return v;
}

/** Boot a version for step-by-step driving (and direct calls into run.api). */
export function boot(id: string, m: MachineOpts = {}): VersionRun {
  return bootVersion(scenario('boot', [], m), version(id));
}

/** Run one step (ops as the contract has them); BUG/oops become outcomes. */
export function step(run: VersionRun, s: Partial<Step>): StepResult {
  return runStep(run, s as Step).result;
}

/** Run one step and also return the counters it changed. */
export function stepWithCost(run: VersionRun, s: Partial<Step>) {
  return runStep(run, s as Step);
}

export function run(id: string, name: string, steps: Partial<Step>[], m: MachineOpts = {}): VersionRunResult {
  return runVersion(scenario(name, steps, m), version(id));
}

export function final(run: VersionRun) {
  return finalState(run);
}

/** The address a scenario binding holds. */
export function bound(run: VersionRun, name: string): number {
  return run.bindings.get(name) ?? 0;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const PAGE = 4096;
