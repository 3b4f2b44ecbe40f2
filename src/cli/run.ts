/**
 * vmx run <scenario> [--json [fields] | --summary | --format F] [--versions a,b] [--trace]
 * Runs a scenario on every version it names and prints a side-by-side table (or, with --format,
 * the step table as markdown, csv or json), or with --json the contract's result document
 * (streamed) with the machine and the steps' inputs beside it, or with --summary one line per
 * version with a digest of every step's outcome (nothing per step is kept in memory).
 */
import { finalState, pagesMapped, pageTablePages } from '../harness/final.js';
import { bootVersion, runScenario, runStep, versionsFor, type RunOptions, type VersionRun, type VersionRunResult } from '../harness/runner.js';
import type { Scenario, Step } from '../harness/scenario.js';
import type { KernelVersion } from '../contract/version.js';
import { VERSIONS } from '../registry.js';
import { formatTrace } from '../kernel/trace.js';
import { pteFlagNames } from '../hw/pagetable.js';
import { JSON_FIELDS, type JsonField } from './commands.js';
import { loadScenario, loadScenarioSteps, parseCommand, progress, UsageError, writeOut } from './io.js';
import { stepsOf, type StepSource } from '../harness/step-tape.js';
import { StepDigest } from './step-digest.js';
import { holdYoungGeneration } from './young-generation.js';
import { raiseInliningBudget } from '../jit-tuning.js';

const FORMATS = ['table', 'markdown', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

export async function cmdRun(argv: string[]): Promise<number> {
  const args = parseCommand('run', argv);
  const v = args.values;
  const json = v.json !== undefined;
  const summary = !!v.summary;
  const format = v.format as string | undefined;
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: want one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
  if ([json, summary, format !== undefined].filter(Boolean).length > 1) throw new UsageError('--json, --summary and --format are alternatives; give one');
  if (summary && v.trace) throw new UsageError('--trace shows per-step traces; it does not go with --summary');
  if (json && v.trace) throw new UsageError('--trace shows per-step traces in the table; the result document has none');
  if (format !== undefined && format !== 'table' && v.trace) throw new UsageError('--trace goes with the table, not with --format ' + format);
  const say = progress(!json);
  raiseInliningBudget(); // before the first boot: the long replays' budget (jit-tuning.ts)
  // Every step: the young generation's ceiling (young-generation.ts); long runs show progress.
  const onStepOf = (n: number) => (i: number, run: VersionRun) => {
    holdYoungGeneration();
    if (n > 20000 && i % 10000 === 0) say(`${run.version.id}: step ${i}/${n}`);
  };
  if (summary || json) {
    // One pass over the steps per version, in order: the compact, chunk-parsed step list.
    const { s, steps } = loadScenarioSteps(args.positionals[0], v.versions);
    const onStep = onStepOf(steps.length);
    if (summary) {
      for (const ver of versionsFor(s, VERSIONS)) {
        const line = formatSummary(summariseVersion(s, ver, { onStep, steps }));
        say('');
        await writeOut(line + '\n');
      }
      return 0;
    }
    // Streamed, one version at a time: no version's steps are kept in memory.
    const fields = new Set<JsonField>(v.json ? ((v.json as string).split(',') as JsonField[]) : JSON_FIELDS);
    await streamResultDocument(s, versionsFor(s, VERSIONS), writeOut, { onStep, fields, steps });
    say('');
    return 0;
  }
  const s = loadScenario(args.positionals[0], v.versions);
  const onStep = onStepOf(s.steps.length);
  const runs = runScenario(s, VERSIONS, { trace: !!v.trace, detail: true, onStep });
  say('');
  const f = (format ?? 'table') as Format;
  await writeOut(f === 'table' ? formatRunTable(s, runs, !!v.trace) : formatStepTable(s, runs, f));
  return 0;
}

/** One-line description of a step's arguments. */
export function describeStep(step: Step): string {
  const parts: string[] = [step.op];
  for (const k of ['size', 'pages', 'node', 'flags', 'ref', 'addr', 'offset', 'count', 'data', 'site', 'nth', 'phys', 'cpu', 'offsets', 'sizes'] as const) {
    const v = step[k];
    if (v === undefined) continue;
    parts.push(`${k}=${k === 'data' && typeof v === 'string' && v.length > 16 ? v.slice(0, 16) + '…' : v}`);
  }
  if (step.offsets && step.align !== undefined) parts.push(`align=${step.align}`); /* pcpu_get_vm_areas */
  if (step.as) parts.push(`-> ${step.as}`);
  return parts.join(' ');
}

/** What a version's step result shows in one table cell. */
export function cellOf(r: VersionRunResult, i: number): string {
  const st = r.steps[i];
  if (!st.ok) return st.error ?? 'failed';
  if (st.addr) return st.addr;
  if (st.addrs) return st.addrs.join(' ');
  if (st.data !== undefined) return `${st.count} bytes ${st.data.length > 16 ? st.data.slice(0, 16) + '…' : st.data}`;
  if (st.pte !== undefined) return `${st.count !== undefined ? `count ${st.count} ` : ''}pte ${st.pte}${st.prot ? ` ${st.prot}` : ''}`;
  if (st.count !== undefined) return `count ${st.count}`;
  return 'ok';
}

/** The run table stays within this many columns: log lines that would widen it go below it. */
const TABLE_WIDTH = 150;

/** What an op returned beyond its cell, per version: vmallocinfo text, kmemleak reports, vread data. */
export function outputOf(st: VersionRunResult['steps'][number]): string | undefined {
  if (st.text !== undefined) return st.text.replace(/\n$/, '') || '(empty)';
  if (st.data !== undefined && st.data.length > 16) return hexDump(st.data);
  return undefined;
}

/** Hex bytes, 16 per line, each line with its offset. */
function hexDump(data: string): string {
  const lines: string[] = [];
  for (let o = 0; o < data.length; o += 32) {
    lines.push(`${(o / 2).toString(16).padStart(6, '0')}  ${data.slice(o, o + 32).replace(/(..)(?!$)/g, '$1 ')}`);
    if (lines.length === 64 && o + 32 < data.length) {
      lines.push(`… ${(data.length - o - 32) / 2} more bytes (the whole buffer is in --json)`);
      break;
    }
  }
  return lines.join('\n');
}

export function formatRunTable(s: Scenario, runs: readonly VersionRunResult[], withTrace = false): string {
  const out: string[] = [];
  const several = runs.length > 1;
  const cpuFeatures = [s.machine.pge === false ? 'no PGE' : '', s.machine.nx === false ? 'no NX' : '', s.machine.pse === false ? 'no PSE' : ''].filter(Boolean).join(', ');
  out.push(`scenario ${s.name}: ${s.machine.arch}, ${s.machine.ramMiB} MiB, ${s.machine.cpus} CPU(s)${cpuFeatures ? ` (${cpuFeatures})` : ''}`);
  if (s.description) out.push(s.description);
  if (s.origins) out.push(`steps generated from the scenario's generators: ${s.steps.length} steps, random seed ${s.seed}`);
  for (const r of runs) out.push(`  ${r.version}: vmalloc window ${r.run.kernel.hex(r.window.start)}-${r.run.kernel.hex(r.window.end)}`);
  const headers = ['#', 'step', ...runs.map((r) => r.version)];
  // A row is the step's cells, or a log line spanning the row under its step (never widening a column).
  const rows: (string[] | string)[] = [];
  const steps = s.steps.length > 400 ? 400 : s.steps.length;
  const longLogs: string[] = [];
  const outputs: string[] = [];
  const indent = ' '.repeat(String(steps).length + 3);
  for (let i = 0; i < steps; i++) {
    const cells = runs.map((r) => cellOf(r, i));
    const logs = runs.map((r) => r.steps[i].log.join(' | '));
    const differs = several && (new Set(cells).size > 1 || new Set(logs).size > 1);
    rows.push([several ? `${differs ? '*' : ' '}${i}` : String(i), describeStep(s.steps[i]), ...cells]);
    for (const r of runs)
      for (const line of r.steps[i].log) {
        const span = `${indent}${r.version} log: ${line}`;
        if (span.length <= TABLE_WIDTH) rows.push(span);
        else {
          longLogs.push(`  [${longLogs.length + 1}] step ${i}, ${r.version}: ${line}`);
          rows.push(`${indent}${r.version} log: [${longLogs.length}] below`);
        }
      }
    // Op outputs: one block per distinct output, naming the versions that gave it.
    const byText = new Map<string, string[]>();
    for (const r of runs) {
      const o = outputOf(r.steps[i]);
      if (o === undefined) continue;
      const vs = byText.get(o);
      if (vs) vs.push(r.version);
      else byText.set(o, [r.version]);
    }
    for (const [text, vs] of byText) outputs.push(`step ${i} ${s.steps[i].op}, ${vs.join(', ')}:`, text.replace(/^/gm, '  '));
  }
  const cellRows = rows.filter((r): r is string[] => Array.isArray(r));
  const widths = headers.map((h, c) => Math.min(60, Math.max(h.length, ...cellRows.map((row) => row[c].length))));
  const fmt = (row: string[]) => row.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd();
  out.push('', fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) out.push(typeof row === 'string' ? row : fmt(row));
  if (s.steps.length > steps) out.push(`… ${s.steps.length - steps} more steps (use --json or --summary)`);
  if (several) out.push('', '* marks steps where the versions differ (outcome, address or log)');
  if (longLogs.length) out.push('', 'long log lines:', ...longLogs);
  if (outputs.length) out.push('', 'op outputs (vmallocinfo, kmemleak reports, vread data), by step:', ...outputs);
  out.push('', 'final state:');
  for (const r of runs) {
    const f = r.final;
    out.push(`  ${r.version}: ${f.areas.length} areas, ${f.pagesMapped} ptes present, ${f.pageTablePages} page-table pages, kmemleak ${f.kmemleak === null ? 'n/a' : f.kmemleak.length + ' objects'}`);
    const byProt = ptesByProt(r);
    if (byProt) out.push(`    ptes by protection: ${byProt}`);
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

/** The present ptes of the vmalloc window counted by their flag bits ("12 P RW A D G NX, 1 P RW A D G"), or "" for none. */
function ptesByProt(r: VersionRunResult): string {
  const counts = new Map<number, number>();
  r.run.kernel.machine.pt.forEachPresent(r.window.start, r.window.end, (_a, _pfn, flags) => counts.set(flags, (counts.get(flags) ?? 0) + 1));
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([flags, n]) => `${n} ${pteFlagNames(flags) || '(no flags)'}`)
    .join(', ');
}

/** The step table for --format markdown | csv | json: one row per step, one column per version. */
export function formatStepTable(s: Scenario, runs: readonly VersionRunResult[], format: Exclude<Format, 'table'>): string {
  const versions = runs.map((r) => r.version);
  const several = runs.length > 1;
  const rows = s.steps.map((step, i) => {
    const cells = runs.map((r) => cellOf(r, i));
    const logs = runs.map((r) => r.steps[i].log.join(' | '));
    return { step: i, op: step.op, description: describeStep(step), cells, logs, differs: several && (new Set(cells).size > 1 || new Set(logs).size > 1) };
  });
  if (format === 'json') {
    const doc = {
      scenario: s.name,
      versions,
      rows: rows.map((r) => ({
        step: r.step,
        description: r.description,
        results: Object.fromEntries(versions.map((v, j) => [v, r.cells[j]])),
        log: Object.fromEntries(versions.map((v, j) => [v, runs[j].steps[r.step].log])),
        ...(several ? { differs: r.differs } : {}),
      })),
    };
    return JSON.stringify(doc, null, 1) + '\n';
  }
  if (format === 'csv') {
    const q = (c: string) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const header = ['step', 'description', ...versions, ...versions.map((v) => `${v} log`), ...(several ? ['differs'] : [])];
    const lines = [header, ...rows.map((r) => [String(r.step), r.description, ...r.cells, ...r.logs, ...(several ? [r.differs ? 'yes' : 'no'] : [])])];
    return lines.map((l) => l.map(q).join(',')).join('\r\n') + '\r\n';
  }
  const esc = (c: string) => c.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, '\\`').replace(/[*_[\]<>]/g, (m) => '\\' + m);
  const header = ['#', 'step', ...versions, ...(several ? ['differs'] : [])];
  const out = [`| ${header.join(' | ')} |`, `|${header.map((h, j) => (j === 0 ? '--:' : ':--')).join('|')}|`];
  for (const r of rows) {
    const cells = r.cells.map((c, j) => esc(c) + (r.logs[j] ? `<br>log: ${esc(r.logs[j])}` : ''));
    out.push(`| ${[String(r.step), esc(r.description), ...cells, ...(several ? [r.differs ? 'yes' : ''] : [])].join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}

// ---- --summary and streamed --json (issue 8): one step at a time, nothing kept per step ----------

/** One version's run in brief: what `vmx run --summary` prints. */
export interface RunSummary {
  version: string;
  steps: number;
  /** Steps whose result has ok: false other than "unsupported" (ENOMEM, BUG, OOPS, rejected frees…). */
  failures: number;
  /** Steps whose op the version does not have (error "unsupported"): absent, not failed. */
  unsupported: number;
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

/** Run a scenario on one version, step by step with detail off, folding results into a digest. */
export function summariseVersion(s: Scenario, v: KernelVersion, opts: Pick<RunOptions, 'onStep'> & { steps?: StepSource } = {}): RunSummary {
  const stepOpts: RunOptions = { detail: false };
  const steps = opts.steps ?? stepsOf(s.steps);
  const run = bootVersion(s, v, stepOpts);
  const digest = new StepDigest();
  let failures = 0;
  let unsupported = 0;
  for (let i = 0; i < steps.length; i++) {
    const { result } = runStep(run, steps.get(i), stepOpts);
    if (!result.ok) {
      if (result.error === 'unsupported') unsupported++;
      else failures++;
    }
    digest.add(i, result);
    opts.onStep?.(i, run);
  }
  return {
    version: v.id,
    steps: steps.length,
    failures,
    unsupported,
    areas: run.api.areas().length,
    pagesMapped: pagesMapped(run),
    pageTablePages: pageTablePages(run),
    digest: digest.digest(),
  };
}

export function formatSummary(r: RunSummary): string {
  return `${r.version}: ${r.steps} steps, ${r.failures} failed, ${r.unsupported} unsupported, ${r.areas} areas, ${r.pagesMapped} pages mapped, ${r.pageTablePages} page-table pages, sha256 ${r.digest}`;
}

/** Indent every line after the first of a JSON.stringify(…, null, 1) text by `pad`. */
function reindent(text: string, pad: string): string {
  return text.indexOf('\n') < 0 ? text : text.replace(/\n/g, '\n' + pad);
}

/** A step as the scenario gave it (after generators), without its expectations: the "inputs" of --json. */
export function stepInput(step: Step): Record<string, unknown> {
  const { expect: _expect, ...rest } = step;
  return rest;
}

/**
 * Write the contract's result document for `versions` through `write`, one version at a time and
 * each step as it completes, byte for byte what `JSON.stringify(doc, null, 1) + "\n"` gives for the
 * whole document. Output is buffered into chunks of about 1 MiB; `write` may apply backpressure.
 * `fields` picks what goes in: "machine" and "inputs" (the scenario's machine and steps, new
 * fields beside the contract's, so a saved result reads on its own), "steps" and "final" (each
 * version's); without it, exactly the contract's document (steps and final).
 */
export async function streamResultDocument(
  s: Scenario,
  versions: readonly KernelVersion[],
  write: (chunk: string) => Promise<void> | void,
  opts: Pick<RunOptions, 'onStep'> & { fields?: ReadonlySet<JsonField>; steps?: StepSource } = {},
): Promise<void> {
  const steps = opts.steps ?? stepsOf(s.steps);
  const fields = opts.fields ?? new Set<JsonField>(['steps', 'final']);
  let buf = `{\n "scenario": ${JSON.stringify(s.name)},`;
  if (fields.has('machine')) buf += `\n "machine": ${reindent(JSON.stringify(s.machine, null, 1), ' ')},`;
  if (fields.has('inputs')) {
    buf += '\n "inputs": [';
    for (let i = 0; i < steps.length; i++) buf += (i ? ',\n  ' : '\n  ') + reindent(JSON.stringify(stepInput(steps.get(i)), null, 1), '  ');
    buf += steps.length ? '\n ],' : '],';
  }
  buf += '\n "results": [';
  const flush = async (): Promise<void> => {
    if (buf) await write(buf);
    buf = '';
  };
  const stepOpts: RunOptions = { detail: false };
  const withSteps = fields.has('steps');
  const withFinal = fields.has('final');
  for (let vi = 0; vi < versions.length; vi++) {
    const v = versions[vi];
    buf += `${vi ? ',' : ''}\n  {\n   "version": ${JSON.stringify(v.id)}`;
    if (withSteps) buf += ',\n   "steps": [';
    const run = bootVersion(s, v, stepOpts);
    for (let i = 0; i < steps.length; i++) {
      const { result } = runStep(run, steps.get(i), stepOpts);
      if (withSteps) buf += (i ? ',\n    ' : '\n    ') + reindent(JSON.stringify(result, null, 1), '    ');
      if (buf.length > 1 << 20) await flush();
      opts.onStep?.(i, run);
    }
    if (withSteps) buf += steps.length ? '\n   ]' : ']';
    if (withFinal) buf += `,\n   "final": ${reindent(JSON.stringify(finalState(run), null, 1), '   ')}`;
    buf += '\n  }';
  }
  buf += versions.length ? '\n ]\n}\n' : ']\n}\n';
  await flush();
}
