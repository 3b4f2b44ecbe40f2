/**
 * The file side of `vmx report` (node-only): reading the built-in scenario files and writing or
 * checking docs/reports/. Generation itself is pure (src/report/generate.ts), so the browser
 * bundle can use it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_SCENARIOS_DIR } from '../paths.js';
import { parseScenario, ScenarioError } from '../harness/scenario.js';
import type { KernelVersion } from '../contract/version.js';
import { slugOf, type NamedScenario } from '../report/generate.js';

/** JSON scenario files below `dir` (relative paths, sorted; result documents excluded). */
function scenarioFilesBelow(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...scenarioFilesBelow(dir, r));
    else if (e.name.endsWith('.json') && !e.name.endsWith('.expected.json')) out.push(r);
  }
  return out;
}

export interface BuiltinSet {
  scenarios: NamedScenario[];
  /** Files that do not validate: reported in the index instead of failing the whole run. */
  invalid: { slug: string; message: string }[];
}

/** The built-in scenarios, sorted by file name. */
export function builtinScenarios(registry: readonly KernelVersion[], dir = BUILTIN_SCENARIOS_DIR): BuiltinSet {
  const ids = registry.map((v) => v.id);
  const out: BuiltinSet = { scenarios: [], invalid: [] };
  for (const f of scenarioFilesBelow(dir)) {
    const slug = slugOf(f);
    try {
      out.scenarios.push({ slug, scenario: parseScenario(readFileSync(join(dir, f), 'utf8'), ids, `builtin/${f}`) });
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      out.invalid.push({ slug, message: e.message });
    }
  }
  return out;
}

const GENERATED_RE = /\.(md|html|svg)$/;

/** Files in `dir` that differ from, are missing from, or are not part of the generated set. */
export function staleFiles(dir: string, files: ReadonlyMap<string, string>): string[] {
  const stale: string[] = [];
  for (const [name, content] of files) {
    const p = join(dir, name);
    if (!existsSync(p) || readFileSync(p, 'utf8') !== content) stale.push(name);
  }
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (GENERATED_RE.test(f) && !files.has(f)) stale.push(f);
  return stale.sort();
}

/** Write the generated files and remove generated-looking files that are no longer produced. */
export function writeReports(dir: string, files: ReadonlyMap<string, string>): { written: number; removed: number } {
  mkdirSync(dir, { recursive: true });
  let removed = 0;
  for (const f of readdirSync(dir))
    if (GENERATED_RE.test(f) && !files.has(f)) {
      rmSync(join(dir, f));
      removed++;
    }
  let written = 0;
  for (const [name, content] of files) {
    const p = join(dir, name);
    if (existsSync(p) && readFileSync(p, 'utf8') === content) continue;
    writeFileSync(p, content);
    written++;
  }
  return { written, removed };
}
