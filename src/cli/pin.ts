/**
 * vmx pin <scenario or folder…> [--write] [--result run.json]
 * Runs a scenario on every registered version it runs on (or reads a saved `vmx run --json`
 * result document with --result) and turns the results into
 * expectations in the scenario itself ("expect" per step or generator template, "expectFinal",
 * "pinned"). Prints the pinned scenario, or with --write rewrites the file(s) in place.
 * Re-pinning the built-in library after a reviewed change:
 *   npx tsc -p tsconfig.json && node bin/vmx.js pin --write src/scenarios/builtin
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ResultDocument, VersionResult } from '../contract/result.js';
import type { Scenario } from '../harness/scenario.js';
import { ScenarioError } from '../harness/scenario.js';
import { pinDocument, versionKeys } from '../harness/expect.js';
import { runScenario } from '../harness/runner.js';
import { VERSIONS, VERSION_IDS } from '../registry.js';
import { collectPaths, loadFile } from '../scenarios/library.js';
import { parseCommand, UsageError, writeOut } from './io.js';

const WIDTH = 110;

/**
 * JSON as the scenario files are written: an object or array stays on one line when it fits
 * in the width, otherwise one member per line (so each step is one line).
 */
export function formatJson(value: unknown, indent = 0, prefix = 0): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const flat = flatJson(value);
  if (indent + prefix + flat.length <= WIDTH) return flat;
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[\n' + value.map((v) => pad + formatJson(v, indent + 2)).join(',\n') + '\n' + ' '.repeat(indent) + ']';
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return (
    '{\n' +
    entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${formatJson(v, indent + 2, JSON.stringify(k).length + 2)}`).join(',\n') +
    '\n' +
    ' '.repeat(indent) +
    '}'
  );
}

/** A saved result document for this scenario, checked against it (name, step count). */
function readResult(path: string, s: Scenario): VersionResult[] {
  let doc: ResultDocument;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as ResultDocument;
  } catch (e) {
    throw new ScenarioError(`--result ${path}: cannot read a result document (${(e as Error).message})`);
  }
  if (!doc || !Array.isArray(doc.results)) throw new ScenarioError(`--result ${path}: not a result document (no "results" array)`);
  if (doc.scenario !== s.name) throw new ScenarioError(`--result ${path}: the result is for scenario "${doc.scenario}", not "${s.name}"`);
  for (const r of doc.results) {
    if (!Array.isArray(r.steps) || r.steps.length !== s.steps.length)
      throw new ScenarioError(`--result ${path}: ${r.version} has ${r.steps?.length} step results, the scenario has ${s.steps.length} steps`);
    if (!VERSION_IDS.includes(r.version)) process.stderr.write(`vmx pin: note: the result holds ${r.version}, which is not a registered version; pinned anyway\n`);
  }
  return doc.results;
}

/** One-line JSON with a space after ':' and ',' and inside braces: { "op": "vmalloc", "size": 4096 }. */
function flatJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map(flatJson).join(', ') + ']';
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return '{ ' + entries.map(([k, v]) => `${JSON.stringify(k)}: ${flatJson(v)}`).join(', ') + ' }';
}

export async function cmdPin(argv: string[]): Promise<number> {
  const args = parseCommand('pin', argv);
  const write = !!args.values.write;
  const resultPath = args.values.result as string | undefined;
  if (resultPath === '') throw new UsageError('--result needs a file (a vmx run --json result document)');
  const paths = collectPaths(args.positionals);
  if (!write && paths.length > 1) throw new UsageError('pin prints one scenario; give --write to pin several files in place');
  if (resultPath && paths.length > 1) throw new UsageError('--result pins one scenario');
  for (const path of paths) {
    const loaded = loadFile(path, VERSION_IDS, VERSIONS);
    const runs: readonly VersionResult[] = resultPath
      ? readResult(resultPath, loaded.scenario)
      : runScenario(loaded.scenario, VERSIONS, { detail: false });
    const kept = [...versionKeys(loaded.scenario)].filter((v) => !VERSION_IDS.includes(v));
    if (kept.length) process.stderr.write(`vmx pin: ${loaded.scenario.name}: kept the expectations for ${kept.join(', ')} as written (not registered, so not re-pinned)\n`);
    const text = formatJson(pinDocument(loaded.source, loaded.scenario, runs, VERSION_IDS)) + '\n';
    if (write) {
      writeFileSync(path, text);
      const seed = loaded.scenario.origins ? ` (generated, seed ${loaded.scenario.seed})` : '';
      process.stderr.write(`pinned ${loaded.scenario.name}${seed} for ${runs.map((r) => r.version).join(', ') || 'no version'} -> ${path}\n`);
    } else await writeOut(text);
  }
  return 0;
}
