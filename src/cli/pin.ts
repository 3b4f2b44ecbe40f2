/**
 * vmx pin <scenario or folder…> [--write]
 * Runs a scenario on every registered version it runs on and turns the results into
 * expectations in the scenario itself ("expect" per step or generator template, "expectFinal",
 * "pinned"). Prints the pinned scenario, or with --write rewrites the file(s) in place.
 * Re-pinning the built-in library after a reviewed change:
 *   npx tsc -p tsconfig.json && node bin/vmx.js pin --write src/scenarios/builtin
 */
import { writeFileSync } from 'node:fs';
import { pinDocument } from '../harness/expect.js';
import { runScenario } from '../harness/runner.js';
import { VERSIONS, VERSION_IDS } from '../registry.js';
import { collectPaths, loadFile } from '../scenarios/library.js';
import { checkFlags, parseArgs, UsageError, writeOut } from './io.js';

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

/** One-line JSON with a space after ':' and ',' and inside braces: { "op": "vmalloc", "size": 4096 }. */
function flatJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map(flatJson).join(', ') + ']';
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return '{ ' + entries.map(([k, v]) => `${JSON.stringify(k)}: ${flatJson(v)}`).join(', ') + ' }';
}

export async function cmdPin(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  checkFlags(args, ['write']);
  if (args.positional.length === 0) throw new UsageError('usage: vmx pin <scenario file, built-in name or folder…> [--write]');
  const write = args.flags.has('write');
  const paths = collectPaths(args.positional);
  if (!write && paths.length > 1) throw new UsageError('pin prints one scenario; give --write to pin several files in place');
  for (const path of paths) {
    const loaded = loadFile(path, VERSION_IDS);
    const runs = runScenario(loaded.scenario, VERSIONS, { detail: false });
    const text = formatJson(pinDocument(loaded.source, loaded.scenario, runs)) + '\n';
    if (write) {
      writeFileSync(path, text);
      const seed = loaded.scenario.origins ? ` (generated, seed ${loaded.scenario.seed})` : '';
      process.stderr.write(`pinned ${loaded.scenario.name}${seed} for ${runs.map((r) => r.version).join(', ') || 'no version'} -> ${path}\n`);
    } else await writeOut(text);
  }
  return 0;
}
