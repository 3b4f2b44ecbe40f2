/**
 * vmx check [files or folders] [--strict] [--quiet]   (default: the built-in library)
 * Runs each scenario on the versions it runs on and compares the expectations written in it
 * ("expect" on steps, "expectFinal") with the results. Lists every mismatch with scenario,
 * step, version, expected and actual value. Exit 0 when all match, 1 on mismatches (or, with
 * --strict, a version the scenario runs on that was never pinned), 2 on a bad scenario.
 */
import { runScenario, type VersionRunResult } from '../harness/runner.js';
import { ScenarioError } from '../harness/scenario.js';
import { checkRuns, showValue, type CheckOutcome } from '../harness/expect.js';
import type { KernelVersion } from '../contract/version.js';
import { isDeepStrictEqual } from 'node:util';
import { VERSIONS, VERSION_IDS } from '../registry.js';
import { collectPaths, loadFile, type LoadedScenario } from '../scenarios/library.js';
import { describeStep } from './run.js';
import { BUILTIN_SCENARIOS_DIR } from '../paths.js';
import { parseCommand, writeOut } from './io.js';

export interface ScenarioCheck {
  path: string;
  loaded?: LoadedScenario;
  /** Set when the scenario could not be loaded (exit 2). */
  error?: string;
  runs?: VersionRunResult[];
  outcome?: CheckOutcome;
}

export interface CheckReport {
  checks: readonly ScenarioCheck[];
  text: string;
  code: 0 | 1 | 2;
}

/** Run and check one loaded scenario. */
export function checkLoaded(loaded: LoadedScenario, registry: readonly KernelVersion[] = VERSIONS, runs?: VersionRunResult[]): ScenarioCheck {
  const s = loaded.scenario;
  const r = runs ?? runScenario(s, registry, { detail: false });
  const outcome = checkRuns(s, r, registry.map((v) => v.id), (i) => {
    const origin = s.origins ? `; from ${s.origins[i]}${s.bindings?.[i] ? ' with ' + s.bindings[i] : ''}` : '';
    return describeStep(s.steps[i]) + origin;
  });
  return { path: loaded.path, loaded, runs: r, outcome };
}

/** A value in full, for the element that differs. */
function full(v: unknown): string {
  return v === undefined ? 'absent' : JSON.stringify(v);
}

/**
 * One mismatch: short values as they are; for lists (log lines, areas, leaks) and multi-line
 * text (vmallocinfo, kmemleak reports) the first element or line that differs, in full, with
 * its index, so a long value never hides the difference behind "…".
 */
export function mismatchText(field: string, expected: unknown, actual: unknown): string {
  const short = `${field} expected ${showValue(expected)}, actual ${showValue(actual)}`;
  if (!short.includes('…')) return short;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    let i = 0;
    while (i < expected.length && i < actual.length && isDeepStrictEqual(expected[i], actual[i])) i++;
    const lengths = expected.length === actual.length ? `both ${expected.length} long` : `${expected.length} expected, ${actual.length} actual`;
    return `${field}[${i}] expected ${full(expected[i])}, actual ${full(actual[i])} (first difference; ${lengths})`;
  }
  if (typeof expected === 'string' && typeof actual === 'string') {
    const e = expected.split('\n');
    const a = actual.split('\n');
    let i = 0;
    while (i < e.length && i < a.length && e[i] === a[i]) i++;
    if (e.length > 1 || a.length > 1) return `${field} line ${i + 1} expected ${full(e[i])}, actual ${full(a[i])} (first difference; ${e.length} lines expected, ${a.length} actual)`;
    let c = 0;
    while (c < expected.length && expected[c] === actual[c]) c++;
    return `${field} differs from character ${c}: expected ${full(expected)}, actual ${full(actual)}`;
  }
  return `${field} expected ${full(expected)}, actual ${full(actual)}`;
}

/** Format the results of checking scenarios, and the exit code. */
export function formatChecks(checks: readonly ScenarioCheck[], strict: boolean, quiet = false): CheckReport {
  const lines: string[] = [];
  let bad = 0;
  let failed = 0;
  let mismatches = 0;
  for (const c of checks) {
    if (c.error) {
      bad++;
      lines.push(`BAD  ${c.path}`, `  ${c.error}`);
      continue;
    }
    const s = c.loaded!.scenario;
    const o = c.outcome!;
    const unpinnedFail = strict && o.unpinned.length > 0;
    const ok = o.mismatches.length === 0 && !unpinnedFail;
    if (!ok) failed++;
    mismatches += o.mismatches.length;
    const seed = s.origins ? `, seed ${s.seed}` : '';
    const versions = c.runs!.map((r) => r.version).join(', ') || 'no version';
    if (ok && quiet && o.notes.length === 0) continue;
    lines.push(`${ok ? 'ok  ' : 'FAIL'} ${s.name} (${c.path}): ${s.steps.length} steps on ${versions}${seed}, ${o.compared} expectations compared`);
    for (const m of o.mismatches) lines.push(`  ${s.name}: ${m.where}, ${m.version}: ${mismatchText(m.field, m.expected, m.actual)}`);
    for (const n of o.notes) lines.push(`  ${unpinnedFail && n.startsWith('not pinned') ? 'error' : 'note'}: ${n}`);
  }
  const total = checks.length;
  lines.push(
    '',
    `${total} scenario(s): ${total - failed - bad} passed, ${failed} failed${mismatches ? ` (${mismatches} mismatch(es))` : ''}${bad ? `, ${bad} not valid` : ''}; versions registered: ${VERSION_IDS.join(', ')}`,
  );
  return { checks, text: lines.join('\n') + '\n', code: bad ? 2 : failed ? 1 : 0 };
}

/** Check every scenario file under the given paths. */
export function checkPaths(args: readonly string[], opts: { strict?: boolean; quiet?: boolean; registry?: readonly KernelVersion[] } = {}): CheckReport {
  const registry = opts.registry ?? VERSIONS;
  const checks: ScenarioCheck[] = [];
  for (const path of collectPaths(args)) {
    let loaded: LoadedScenario;
    try {
      loaded = loadFile(path, registry.map((v) => v.id), registry);
    } catch (e) {
      if (e instanceof ScenarioError) {
        checks.push({ path, error: e.message });
        continue;
      }
      throw e;
    }
    checks.push(checkLoaded(loaded, registry));
  }
  return formatChecks(checks, !!opts.strict, !!opts.quiet);
}

export async function cmdCheck(argv: string[]): Promise<number> {
  const args = parseCommand('check', argv);
  const targets = args.positionals.length ? args.positionals : [BUILTIN_SCENARIOS_DIR];
  const report = checkPaths(targets, { strict: !!args.values.strict, quiet: !!args.values.quiet });
  // Exit 2 (a scenario that is not valid) leaves stdout empty, as every exit 2 does: the report goes to stderr.
  if (report.code === 2) process.stderr.write(report.text);
  else await writeOut(report.text);
  return report.code;
}
