/**
 * vmx compare <scenario.json | built-in name> [--json | --timeline] [--versions a,b] [--out DIR] [--map-step N,M]
 * Runs a scenario on every version it names and prints a side-by-side markdown comparison: the
 * steps × versions table, the classified differences with the catalogued changes explaining
 * them, the traces where they differ, and text maps of the vmalloc window (after the last step,
 * the steps chosen automatically and any --map-step). --out also writes
 * the markdown with its SVG pictures and a self-contained HTML page into DIR; --json prints the
 * classification; --timeline prints only the timeline (a row per step, a column per version in
 * release order, runs of identical behaviour and the cause of each flip).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS } from '../registry.js';
import { comparisonJson } from '../diff/classify.js';
import { collect } from '../report/collect.js';
import { compareMarkdown, mdText, stepLabel } from '../report/markdown.js';
import { timeline } from '../diff/timeline.js';
import { timelineMarkdown } from '../report/timeline.js';
import { scenarioFiles, slugOf } from '../report/generate.js';
import { loadScenario, parseCommand, prepareOutDir, progress, UsageError, writeOut } from './io.js';

export async function cmdCompare(argv: string[]): Promise<number> {
  const args = parseCommand('compare', argv);
  const out = prepareOutDir(args.values.out);
  const s = loadScenario(args.positionals[0], args.values.versions);
  const json = !!args.values.json;
  if (json && args.values.timeline) throw new UsageError('--json and --timeline are alternatives; give one');
  const say = progress(!json);
  const n = s.steps.length;
  const mapArg = args.values['map-step'] as string | undefined;
  const mapSteps = mapArg !== undefined ? mapArg.split(',').map((x) => (x.trim() === '' ? NaN : Number(x.trim()))) : [];
  for (const m of mapSteps) if (!Number.isInteger(m) || m < 0 || m >= n) throw new UsageError(`--map-step: want step numbers from 0 to ${n - 1} (got ${mapArg === '' ? 'nothing' : mapArg})`);
  const c = collect(s, {
    registry: VERSIONS,
    mapSteps,
    onStep: n > 20000 ? (i, run) => i % 10000 === 0 && say(`${run.version.id}: step ${i}/${n}`) : undefined,
  });
  say('');
  if (out) {
    const files = new Map<string, string>();
    scenarioFiles(slugOf(args.positionals[0].replace(/^.*[\\/]/, '')), c, files);
    for (const [name, content] of files) writeFileSync(join(out, name), content);
    if (!json) process.stderr.write(`vmx compare: wrote ${[...files.keys()].join(', ')} to ${out}\n`);
  }
  if (json) {
    await writeOut(JSON.stringify(comparisonJson(c.comparison), null, 1) + '\n');
    return 0;
  }
  if (args.values.timeline) {
    const lines = timelineMarkdown(timeline(c.runs, c.comparison), s.steps, stepLabel, mdText);
    await writeOut((lines.length ? lines.join('\n') : `Only ${c.runs.map((r) => r.version).join('') || 'no version'} ran this scenario: no timeline.`) + '\n');
    return 0;
  }
  await writeOut(
    compareMarkdown(c, {
      picture: (_name, alt, _svg, text) => `${alt}:\n\n${text()}`,
    }),
  );
  return 0;
}
