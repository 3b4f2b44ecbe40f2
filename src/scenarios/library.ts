/**
 * The built-in scenario library (src/scenarios/builtin/*.json) and loading scenario files or
 * folders for `vmx check`, `vmx pin` and `vmx list`. A loaded scenario keeps its source document
 * (generators unexpanded) so that pinning can write expectations back into it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_SCENARIOS_DIR } from '../paths.js';
import { checkVersionArches, parseJsonText, ScenarioError, validateScenario, type Scenario } from '../harness/scenario.js';

export interface LoadedScenario {
  path: string;
  /** The document as written (generators unexpanded). */
  source: Record<string, unknown>;
  /** The validated scenario (steps expanded). */
  scenario: Scenario;
}

/** JSON files under a folder, sorted, recursively. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.name.endsWith('.json') && !e.name.endsWith('.expected.json')) out.push(p);
  }
  return out;
}

export function builtinPaths(): string[] {
  return jsonFiles(BUILTIN_SCENARIOS_DIR);
}

/** Files and folders (folders: every *.json below them, result documents *.expected.json excluded) → file paths. */
export function collectPaths(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      const builtin = join(BUILTIN_SCENARIOS_DIR, a.endsWith('.json') ? a : `${a}.json`);
      try {
        statSync(builtin);
      } catch {
        throw new ScenarioError(`${a}: no such file or folder, and no built-in scenario of that name (see 'vmx list')`);
      }
      out.push(builtin);
      continue;
    }
    if (st.isDirectory()) out.push(...jsonFiles(a));
    else out.push(a);
  }
  return out;
}

/**
 * Read, parse and validate one scenario file; ScenarioError on any problem. With `registry`, a
 * version the scenario names that does not model its arch is a problem too.
 */
export function loadFile(path: string, known: readonly string[], registry?: readonly { id: string; arches: readonly string[] }[]): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${path}: cannot read (${(e as Error).message})`);
  }
  const doc = parseJsonText(text, path);
  const scenario = validateScenario(doc, known, path);
  if (registry) checkVersionArches(scenario, registry, path);
  return { path, source: doc as Record<string, unknown>, scenario };
}

/** The first sentence of a description (for one-line listings). */
export function firstSentence(text: string | undefined): string {
  if (!text) return '';
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return (m ? m[1] : text).trim();
}
