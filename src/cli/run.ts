/**
 * vmx run <scenario> [--json] [--versions a,b] [--trace]
 * Runs a scenario on every version it names and prints a side-by-side table, or with --json
 * exactly the contract's result document.
 */
import { resultDocument } from '../harness/document.js';
import { runScenario, type VersionRunResult } from '../harness/runner.js';
import type { Scenario, Step } from '../harness/scenario.js';
import { VERSIONS } from '../registry.js';
import { formatTrace } from '../kernel/trace.js';
import { checkFlags, loadScenario, parseArgs, progress, UsageError, writeOut } from './io.js';

export async function cmdRun(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['versions']);
  checkFlags(args, ['json', 'versions', 'trace', 'summary']);
  if (args.positional.length !== 1) throw new UsageError('usage: vmx run <scenario.json | built-in name> [--json] [--summary] [--versions a,b] [--trace]');
  const s = loadScenario(args.positional[0], args.flags.get('versions') as string | undefined);
  const json = args.flags.has('json');
  const say = progress(!json);
  const runs = runScenario(s, VERSIONS, {
    trace: args.flags.has('trace'),
    detail: !json,
    onStep: s.steps.length > 20000 ? (i) => i % 10000 === 0 && say(`step ${i}/${s.steps.length}`) : undefined,
  });
  say('');
  if (json) {
    await writeOut(JSON.stringify(resultDocument(s, runs), null, 1) + '\n');
    return 0;
  }
  await writeOut(formatRunTable(s, runs, args.flags.has('trace')));
  return 0;
}

/** One-line description of a step's arguments. */
export function describeStep(step: Step): string {
  const parts: string[] = [step.op];
  for (const k of ['size', 'pages', 'node', 'flags', 'ref', 'addr', 'offset', 'count', 'data', 'site', 'nth', 'phys', 'cpu'] as const) {
    const v = step[k];
    if (v === undefined) continue;
    parts.push(`${k}=${k === 'data' && typeof v === 'string' && v.length > 16 ? v.slice(0, 16) + '…' : v}`);
  }
  if (step.as) parts.push(`-> ${step.as}`);
  return parts.join(' ');
}

/** What a version's step result shows in one table cell. */
export function cellOf(r: VersionRunResult, i: number): string {
  const st = r.steps[i];
  if (!st.ok) return st.error ?? 'failed';
  if (st.addr) return st.addr;
  if (st.data !== undefined) return `${st.count} bytes ${st.data.length > 16 ? st.data.slice(0, 16) + '…' : st.data}`;
  if (st.count !== undefined) return `count ${st.count}`;
  return 'ok';
}

export function formatRunTable(s: Scenario, runs: readonly VersionRunResult[], withTrace = false): string {
  const out: string[] = [];
  out.push(`scenario ${s.name}: ${s.machine.arch}, ${s.machine.ramMiB} MiB, ${s.machine.cpus} CPU(s)`);
  if (s.description) out.push(s.description);
  for (const r of runs) out.push(`  ${r.version}: vmalloc window ${r.run.kernel.hex(r.window.start)}-${r.run.kernel.hex(r.window.end)}`);
  const headers = ['#', 'step', ...runs.map((r) => r.version)];
  const rows: string[][] = [];
  const steps = s.steps.length > 400 ? 400 : s.steps.length;
  for (let i = 0; i < steps; i++) {
    const cells = runs.map((r) => cellOf(r, i));
    const logs = runs.map((r) => r.steps[i].log.join(' | '));
    const differs = new Set(cells).size > 1 || new Set(logs).size > 1;
    rows.push([`${differs ? '*' : ' '}${i}`, describeStep(s.steps[i]), ...cells]);
    runs.forEach((r, j) => {
      for (const line of r.steps[i].log) rows.push(['', `  ${r.version} log`, ...runs.map((_, jj) => (jj === j ? line : ''))]);
    });
  }
  const widths = headers.map((h, c) => Math.min(60, Math.max(h.length, ...rows.map((row) => row[c].length))));
  const fmt = (row: string[]) => row.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd();
  out.push('', fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) out.push(fmt(row));
  if (s.steps.length > steps) out.push(`… ${s.steps.length - steps} more steps (use --json or --summary)`);
  out.push('', '* marks steps where the versions differ (outcome, address or log)', '');
  out.push('final state:');
  for (const r of runs) {
    const f = r.final;
    out.push(`  ${r.version}: ${f.areas.length} areas, ${f.pagesMapped} ptes present, ${f.pageTablePages} page-table pages, kmemleak ${f.kmemleak === null ? 'n/a' : f.kmemleak.length + ' objects'}`);
    for (const a of f.areas.slice(0, 12)) out.push(`    ${a.addr} size ${a.size} (0x${a.size.toString(16)}) ${a.flags.join('|')}`);
    if (f.areas.length > 12) out.push(`    … ${f.areas.length - 12} more areas`);
  }
  if (withTrace) {
    for (const r of runs) {
      out.push('', `traces, ${r.version}:`);
      r.details.forEach((d, i) => {
        if (d.trace && d.trace.length) out.push(`  step ${i} ${describeStep(s.steps[i])}`, formatTrace(d.trace, 2));
      });
    }
  }
  return out.join('\n') + '\n';
}
