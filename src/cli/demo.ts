/**
 * vmx demo: the main job of `npm start`. Runs the built-in default scenarios on every version
 * and prints each side-by-side table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_SCENARIOS_DIR } from '../paths.js';
import { parseScenario } from '../harness/scenario.js';
import { runScenario } from '../harness/runner.js';
import { VERSIONS, VERSION_IDS } from '../registry.js';
import { formatRunTable } from './run.js';
import { parseCommand, writeOut } from './io.js';

/** The built-in scenarios the demo shows, in order (the rest are listed by `vmx list`). */
export const DEMO_SCENARIOS = ['scullv-quanta-i386', 'reuse-freed-space', 'vmalloc-zero', 'vread-holes'];

export async function cmdDemo(argv: string[]): Promise<number> {
  parseCommand('demo', argv);
  const available = new Set(readdirSync(BUILTIN_SCENARIOS_DIR).map((f) => f.replace(/\.json$/, '')));
  for (const name of DEMO_SCENARIOS.filter((n) => available.has(n))) {
    const path = join(BUILTIN_SCENARIOS_DIR, `${name}.json`);
    const s = parseScenario(readFileSync(path, 'utf8'), VERSION_IDS, path);
    await writeOut(formatRunTable(s, runScenario(s, VERSIONS)) + '\n');
  }
  return 0;
}
