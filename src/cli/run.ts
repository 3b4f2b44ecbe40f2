/**
 * vmx run <scenario> [--json | --summary] [--versions a,b] [--trace]
 * Runs a scenario on every version it names and prints a side-by-side table, or with --json
 * exactly the contract's result document (streamed), or with --summary one line per version
 * with a digest of every step's outcome (nothing per step is kept in memory).
 */
import { createHash } from 'node:crypto';
import { finalState, pagesMapped, pageTablePages } from '../harness/final.js';
import { bootVersion, runScenario, runStep, versionsFor, type RunOptions, type VersionRunResult } from '../harness/runner.js';
import type { Scenario, Step } from '../harness/scenario.js';
import type { KernelVersion } from '../contract/version.js';
import { VERSIONS } from '../registry.js';
import { formatTrace } from '../kernel/trace.js';
import { checkFlags, loadScenario, parseArgs, progress, UsageError, writeOut } from './io.js';

export async function cmdRun(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['versions']);
  checkFlags(args, ['json', 'versions', 'trace', 'summary']);
  if (args.positional.length !== 1) throw new UsageError('usage: vmx run <scenario.json | built-in name> [--json] [--summary] [--versions a,b] [--trace]');
  const s = loadScenario(args.positional[0], args.flags.get('versions') as string | undefined);
  const json = args.flags.has('json');
  const summary = args.flags.has('summary');
  if (json && summary) throw new UsageError('--json and --summary are alternatives; give one');
  if (summary && args.flags.has('trace')) throw new UsageError('--trace shows per-step traces; it does not go with --summary');
  const say = progress(!json);
  const onStep = s.steps.length > 20000 ? (i: number) => i % 10000 === 0 && say(`step ${i}/${s.steps.length}`) : undefined;
  if (summary) {
    for (const v of versionsFor(s, VERSIONS)) {
      const line = formatSummary(summariseVersion(s, v, { onStep }));
      say('');
      await writeOut(line + '\n');
    }
    return 0;
  }
  if (json) {
    // Streamed, one version at a time: no version's steps are kept in memory.
    await streamResultDocument(s, versionsFor(s, VERSIONS), writeOut, { onStep });
    say('');
    return 0;
  }
  const runs = runScenario(s, VERSIONS, { trace: args.flags.has('trace'), detail: true, onStep });
  say('');
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
  if (s.origins) out.push(`steps generated from the scenario's generators: ${s.steps.length} steps, random seed ${s.seed}`);
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

// ---- --summary and streamed --json (issue 8): one step at a time, nothing kept per step ----------

/** One version's run in brief: what `vmx run --summary` prints. */
export interface RunSummary {
  version: string;
  steps: number;
  /** Steps whose result has ok: false (ENOMEM, BUG, OOPS, unsupported, rejected frees…). */
  failures: number;
  /** Live areas at the end (the final state's areas). */
  areas: number;
  pagesMapped: number;
  pageTablePages: number;
  /**
   * sha256 over every step's outcome, in order: for step i the line
   * `i <ok|error> <addr or -> <log lines joined by \u001f>\n`. Equal digests mean the same
   * outcomes, addresses and printk lines, so versions and builds compare at a glance.
   */
  digest: string;
}

/** The text one step contributes to the summary digest (see RunSummary.digest). */
export function stepDigestLine(i: number, r: { ok: boolean; error?: string; addr?: string | null; log: readonly string[] }): string {
  return `${i} ${r.ok ? 'ok' : r.error ?? 'failed'} ${r.addr ?? '-'} ${r.log.join('\u001f')}\n`;
}

/** Run a scenario on one version, step by step with detail off, folding results into a digest. */
export function summariseVersion(s: Scenario, v: KernelVersion, opts: Pick<RunOptions, 'onStep'> = {}): RunSummary {
  const stepOpts: RunOptions = { detail: false };
  const run = bootVersion(s, v, stepOpts);
  const hash = createHash('sha256');
  let failures = 0;
  let pending = '';
  for (let i = 0; i < s.steps.length; i++) {
    const { result } = runStep(run, s.steps[i], stepOpts);
    if (!result.ok) failures++;
    pending += stepDigestLine(i, result);
    if (pending.length > 65536) {
      hash.update(pending);
      pending = '';
    }
    opts.onStep?.(i, run);
  }
  hash.update(pending);
  return {
    version: v.id,
    steps: s.steps.length,
    failures,
    areas: run.api.areas().length,
    pagesMapped: pagesMapped(run),
    pageTablePages: pageTablePages(run),
    digest: hash.digest('hex'),
  };
}

export function formatSummary(r: RunSummary): string {
  return `${r.version}: ${r.steps} steps, ${r.failures} failed, ${r.areas} areas, ${r.pagesMapped} pages mapped, ${r.pageTablePages} page-table pages, sha256 ${r.digest}`;
}

/** Indent every line after the first of a JSON.stringify(…, null, 1) text by `pad`. */
function reindent(text: string, pad: string): string {
  return text.indexOf('\n') < 0 ? text : text.replace(/\n/g, '\n' + pad);
}

/**
 * Write the contract's result document for `versions` through `write`, one version at a time and
 * each step as it completes, byte for byte what `JSON.stringify(doc, null, 1) + "\n"` gives for the
 * whole document. Output is buffered into chunks of about 1 MiB; `write` may apply backpressure.
 */
export async function streamResultDocument(
  s: Scenario,
  versions: readonly KernelVersion[],
  write: (chunk: string) => Promise<void> | void,
  opts: Pick<RunOptions, 'onStep'> = {},
): Promise<void> {
  let buf = `{\n "scenario": ${JSON.stringify(s.name)},\n "results": [`;
  const flush = async (): Promise<void> => {
    if (buf) await write(buf);
    buf = '';
  };
  const stepOpts: RunOptions = { detail: false };
  for (let vi = 0; vi < versions.length; vi++) {
    const v = versions[vi];
    buf += `${vi ? ',' : ''}\n  {\n   "version": ${JSON.stringify(v.id)},\n   "steps": [`;
    const run = bootVersion(s, v, stepOpts);
    for (let i = 0; i < s.steps.length; i++) {
      const { result } = runStep(run, s.steps[i], stepOpts);
      buf += (i ? ',\n    ' : '\n    ') + reindent(JSON.stringify(result, null, 1), '    ');
      if (buf.length > 1 << 20) await flush();
      opts.onStep?.(i, run);
    }
    buf += s.steps.length ? '\n   ],' : '],';
    buf += `\n   "final": ${reindent(JSON.stringify(finalState(run), null, 1), '   ')}\n  }`;
  }
  buf += versions.length ? '\n ]\n}\n' : ']\n}\n';
  await flush();
}
