/**
 * vmx report [--out DIR] [--check] [--json]
 * Runs every built-in scenario on every registered version and writes docs/reports/: one
 * markdown file per scenario with its SVG pictures and HTML page, and index.md / index.html
 * saying which versions differ where. --check writes nothing and exits 1 when the files on disk
 * are stale. Progress goes to a terminal only (never with --json or when stderr is not a TTY).
 */
import { join } from 'node:path';
import { DOCS_DIR } from '../paths.js';
import { VERSIONS } from '../registry.js';
import { generateReports, REGENERATE_COMMAND } from '../report/generate.js';
import { builtinScenarios, staleFiles, writeReports } from './report-files.js';
import { parseCommand, prepareOutDir, progress, writeOut } from './io.js';

export async function cmdReport(argv: string[]): Promise<number> {
  const args = parseCommand('report', argv);
  // Checked (and created) before anything runs: a bad --out never costs a whole report run.
  const dir = prepareOutDir(args.values.out) ?? join(DOCS_DIR, 'reports');
  const json = !!args.values.json;
  const say = progress(!json);
  const builtin = builtinScenarios(VERSIONS);
  for (const bad of builtin.invalid) if (!json) process.stderr.write(`vmx report: skipping ${bad.message}\n`);
  const files = generateReports({ registry: VERSIONS, scenarios: builtin.scenarios, invalid: builtin.invalid, onProgress: say });
  say('');
  if (args.values.check) {
    const stale = staleFiles(dir, files);
    if (json) await writeOut(JSON.stringify({ stale }, null, 1) + '\n');
    else if (stale.length) process.stderr.write(`vmx report: ${stale.length} stale file(s) in ${dir}: ${stale.join(', ')}\nregenerate with: ${REGENERATE_COMMAND}\n`);
    else await writeOut(`vmx report: ${files.size} files in ${dir} are current\n`);
    return stale.length ? 1 : 0;
  }
  const { written, removed } = writeReports(dir, files);
  if (json) await writeOut(JSON.stringify({ dir, files: [...files.keys()], written, removed }, null, 1) + '\n');
  else await writeOut(`vmx report: ${files.size} files in ${dir} (${written} written, ${removed} removed)\n`);
  return 0;
}
