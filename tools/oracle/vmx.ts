/**
 * The oracle's only view of vmx: its registry (which versions it has, on which arches), its scenario
 * validation (which expands generators, so a generated scenario reaches the oracle as plain steps)
 * and its runner. vmx's src/ knows nothing of the oracle.
 */
import { parseScenario, ScenarioError, type Scenario } from '../../src/harness/scenario.js';
import { runVersion } from '../../src/harness/runner.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';

export type { Scenario };

export const vmxVersionIds: readonly string[] = VERSION_IDS;

/** Arches a registered vmx version runs, or undefined when vmx has no such version. */
export function vmxArches(id: string): readonly string[] | undefined {
  return findVersion(id)?.arches;
}

/** Parse and validate a scenario (generators expanded); `known` = every version id either side knows. */
export function loadVmxScenario(text: string, known: readonly string[], where: string): Scenario {
  return parseScenario(text, known, where);
}

/** vmx's result for one version, as the result document carries it (JSON round trip: no undefined fields). */
export function runVmx(s: Scenario, id: string): { version: string; steps: unknown[]; final: unknown } {
  const v = findVersion(id);
  if (!v) throw new Error(`vmx has no version ${id}`);
  const r = runVersion(s, v, { detail: false, invariants: false });
  return JSON.parse(JSON.stringify({ version: r.version, steps: r.steps, final: r.final }));
}

/** Whether an error is vmx's "this scenario is invalid" (bad input, exit 2) rather than a defect. */
export function isScenarioError(e: unknown): e is Error {
  return e instanceof ScenarioError;
}
