/**
 * The side-by-side comparison of one scenario as markdown: the steps × versions table, the
 * classified differences with the catalogued changes explaining them, traces where they differ,
 * the final state, the maps and the counter plots. Scenario-provided text is escaped (HTML
 * entities and markdown punctuation), so neither the .md nor its HTML rendering can be steered
 * by a scenario.
 */
import type { StepResult } from '../contract/result.js';
import type { KernelVersion, VersionChange } from '../contract/version.js';
import { commitUrl, functionUrl, logLineUrl } from './links.js';
import { timeline } from '../diff/timeline.js';
import { timelineMarkdown } from './timeline.js';
import { compareReleases } from '../contract/release.js';
import type { VersionRunResult } from '../harness/runner.js';
import type { Step } from '../harness/scenario.js';
import { causesOf, CLASS_LABEL, isFreeOp, type Comparison, type Explanation, type Finding, type PairDiff, type StepComparison } from '../diff/classify.js';
import { sideBySideText, unifiedTraceDiff, traceText } from '../diff/traces.js';
import { COUNTERS } from '../kernel/counters.js';
import { pictureSteps, snapshotAt, type CollectedRun, type MapSnapshot } from './collect.js';
import { humanSize, renderAreaMap, renderCounterPlots, textMap } from './svg.js';

// ---- escaping ---------------------------------------------------------------------------------

/**
 * Text for markdown prose and table cells: markdown punctuation backslash-escaped, & < >
 * as entities, line breaks folded, so the text shows literally and never becomes markup.
 */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => '\\' + c)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** mdText for the start of a block (after "> "): a leading list, heading or rule marker is escaped too. */
export function mdBlock(s: string): string {
  return mdText(s).replace(/^(\s*)([#+=-]|\d+[.)])/, (_m, sp: string, mark: string) => sp + mark.slice(0, -1) + '\\' + mark.slice(-1));
}

/**
 * A fenced code block whose fence is longer than any backtick run inside. The info string starts
 * with a language every markdown host knows (text by default, diff), so the block renders anywhere;
 * a second word (`text side-by-side`) tells our own HTML renderer how to colour it.
 */
export function fence(body: string, info = 'text'): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${info}\n${body}\n${f}`;
}

/** Inline code from generated (not scenario) text. */
function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---- helpers ----------------------------------------------------------------------------------

/** One-line description of a step's arguments (scenario text: escape before use in markdown). */
export function stepLabel(step: Step): string {
  const parts: string[] = [step.op];
  for (const k of ['size', 'pages', 'node', 'flags', 'ref', 'addr', 'offset', 'count', 'data', 'site', 'nth', 'phys', 'cpu', 'offsets', 'sizes'] as const) {
    const v = step[k];
    if (v === undefined) continue;
    const shown = k === 'size' && typeof v === 'number' && v >= 1024 ? `${v} (${humanSize(v)})` : String(v);
    parts.push(`${k}=${k === 'data' && typeof v === 'string' && v.length > 16 ? v.slice(0, 16) + '…' : shown}`);
  }
  if (step.offsets && step.align !== undefined) parts.push(`align=${step.align}`); /* pcpu_get_vm_areas */
  if (step.as) parts.push(`→ ${step.as}`);
  return parts.join(' ');
}

export function cellText(st: StepResult): string {
  if (!st.ok) return st.error === 'HANG' && st.held ? `HANG: ${st.held}` : (st.error ?? 'failed');
  if (st.addr) return st.addr;
  if (st.addrs) return st.addrs.join(' ');
  if (st.data !== undefined) return `${st.count} bytes${st.data ? ' ' + (st.data.length > 16 ? st.data.slice(0, 16) + '…' : st.data) : ''}`;
  if (st.pte !== undefined) return `${st.count !== undefined ? `count ${st.count} ` : ''}pte ${st.pte}${st.prot ? ` ${st.prot}` : ''}`;
  if (st.count !== undefined) return `count ${st.count}`;
  return 'ok';
}

/**
 * Change summaries already printed in this document (later mentions give the id only), and the
 * versions of the run, for source links.
 */
interface Seen {
  printed: Set<string>;
  versions: ReadonlyMap<string, KernelVersion>;
}

function newSeen(c: CollectedRun): Seen {
  return { printed: new Set(), versions: new Map(c.runs.map((r) => [r.version, r.run.version])) };
}

/** `name` linked to its definition in the version's source when the line table has it. */
function fnLink(v: KernelVersion | undefined, fn: string): string {
  const url = v && functionUrl(v, fn);
  return url ? `[${code(fn)}](${url})` : code(fn);
}

/** A printk line, linked to the source line it names when it is a BUG or WARN line. */
function logLine(v: KernelVersion, line: string): string {
  const url = logLineUrl(v, line);
  return url ? `[${mdText(line)}](${url})` : mdText(line);
}

/** The commits a change cites, linked. */
function commitLinks(ch: VersionChange): string {
  return (ch.commits ?? []).map((id) => `[${id}](${commitUrl(ch, id)})`).join(', ');
}

/**
 * The release that introduced a kernel function, as far as the registered versions' catalogues
 * say (the earliest `since` of a change naming the function or the op), or undefined.
 */
export function introducedIn(op: string, registry: readonly KernelVersion[]): string | undefined {
  let best: string | undefined;
  for (const v of registry)
    for (const ch of v.changes)
      if (ch.functions.includes(op) || (ch.ops?.length === 1 && ch.ops[0] === op)) if (best === undefined || compareReleases(ch.since, best) < 0) best = ch.since;
  return best;
}

/**
 * An "unsupported" cell: the function is absent from that version, which is not an error. A link
 * to #absent whose title says what is known: the HTML renderer turns it into a grey, un-linked
 * label with that tooltip; other markdown hosts show the title on hover.
 */
export function absentCell(op: string, version: string, registry: readonly KernelVersion[] = []): string {
  const since = introducedIn(op, registry);
  const why = since && compareReleases(version, since) < 0 ? `${op} is not in ${version} (the change catalogue dates it to ${since})` : `${op} is not in this version`;
  return `[unsupported](#absent "${why.replace(/["\\]/g, '')}")`;
}

function explanationText(e: Explanation, steps: readonly Step[], seen: Seen): string {
  const v = seen.versions.get(e.version);
  const fns = e.functions.map((f) => fnLink(v, f)).join(', ');
  const via = e.via.map((j) => `step ${j} (${mdText(stepLabel(steps[j]))})`).join(', ');
  const how =
    e.inherited?.lock
      ? `${mdText(e.inherited.lock)} left held by ${via}, which died because of: ${fns}`
      : e.inherited?.fault
      ? `the ${e.inherited.fault.site} failure armed in step ${e.inherited.fault.armed} fired here on one version only; the ${e.inherited.fault.site} calls first differ in ${via}: ${fns}`
      : e.inherited?.placed
      ? `uses what ${via} placed at different addresses, because of: ${fns}`
      : e.inherited
      ? `decided by what ${via} made on one version only, whose outcome differs because of: ${fns}`
      : e.match === 'step'
      ? `ran here: ${fns}${via ? `; also the state left by ${via}` : ''}`
      : e.match === 'state'
        ? `the state left by ${via}: ${fns}`
        : e.match === 'earlier'
          ? `ran in an earlier step: ${fns}`
          : 'matched by op only';
  const key = `${e.version} ${e.change.id}`;
  const first = !seen.printed.has(key);
  seen.printed.add(key);
  const commits = commitLinks(e.change);
  return `${e.version} ${code(e.change.id)}${first ? ` (since ${mdText(e.change.since)}${commits ? `, ${commits}` : ''}): ${mdText(e.change.summary)}` : ''} (${how})`;
}

/** Explanations shown in full per finding (plus any that point at an earlier step's state); the rest are listed by id. */
const SHOWN_EXPLANATIONS = 3;

/** The cause of one pair's finding: the change with the strongest evidence, ties beside it, weaker ones by id. */
function causeLines(f: Finding, steps: readonly Step[], seen: Seen, indent: string): string[] {
  const out: string[] = [];
  const causes = causesOf(f);
  if (!causes.length) {
    const named = f.explanations.map((e) => `${e.version} ${code(e.change.id)}`);
    out.push(`${indent}- unexplained: no catalogued change has evidence for this difference${named.length ? ` (catalogued for this op: ${named.join(', ')})` : ''}`);
    return out;
  }
  out.push(`${indent}- caused by ${explanationText(causes[0], steps, seen)}`);
  for (const e of causes.slice(1, SHOWN_EXPLANATIONS)) out.push(`${indent}- also in this interval, with the same evidence: ${explanationText(e, steps, seen)}`);
  const rest = f.explanations.filter((e) => !causes.includes(e) && e.match !== 'op');
  if (causes.length > SHOWN_EXPLANATIONS || rest.length)
    out.push(`${indent}- weaker evidence: ${[...causes.slice(SHOWN_EXPLANATIONS), ...rest].map((e) => `${e.version} ${code(e.change.id)}`).join(', ')}`);
  return out;
}

/**
 * A difference across all versions, then, per consecutive pair in release order where it flips,
 * its cause (causesOf): a change is named only with evidence, and only for the release interval
 * where the behaviour changed.
 */
function findingLines(f: Finding, pairs: readonly PairDiff[], steps: readonly Step[], seen: Seen): string[] {
  const out = [`- **${CLASS_LABEL[f.class]}**: ${mdText(f.detail)}`];
  const flips = pairs.map((p) => ({ p, pf: p.findings.find((x) => x.class === f.class) })).filter((x) => x.pf);
  if (flips.length === 1 && pairs.length === 1) return [...out, ...causeLines(flips[0].pf!, steps, seen, '  ')];
  for (const { p, pf } of flips) {
    out.push(`  - ${p.from} → ${p.to}:`);
    out.push(...causeLines(pf!, steps, seen, '    '));
  }
  return out;
}

export interface MarkdownOptions {
  /** Markdown that shows a picture (an image link to a file, or a text rendition). */
  picture: (name: string, alt: string, svg: () => string, text: () => string) => string;
  /** Show every step when there are at most this many (default 60). */
  fullTableSteps?: number;
  /** Otherwise the first this many steps plus the differing ones (default 20). */
  headSteps?: number;
  /** At most this many table rows in all (default 120). */
  maxRows?: number;
  /** Describe at most this many differing steps in full (default 30). */
  maxDetailSteps?: number;
  /** Show traces for at most this many differing steps (default 5). */
  maxTraceSteps?: number;
}

function stepsTable(c: CollectedRun, opts: MarkdownOptions): string[] {
  const { scenario: s, runs, comparison: cmp } = c;
  const n = s.steps.length;
  const full = opts.fullTableSteps ?? 60;
  const head = opts.headSteps ?? 20;
  const maxRows = opts.maxRows ?? 120;
  let shown: number[];
  let note = '';
  if (n <= full) shown = cmp.steps.map((st) => st.index);
  else {
    // The first steps, the first few of every kind of difference, the mapped steps and the last.
    const set = new Set<number>();
    for (let i = 0; i < Math.min(head, n); i++) set.add(i);
    for (const g of groupSteps(cmp)) for (const i of g.steps.slice(0, 3)) if (set.size < maxRows) set.add(i);
    for (const i of c.mapSteps) set.add(i);
    set.add(n - 1);
    shown = [...set].sort((a, b) => a - b);
    const differing = cmp.steps.filter((st) => st.classes.length).length;
    note = `${n} steps, ${differing} of them differing: showing the first ${Math.min(head, n)}, the first steps of each kind of difference, the steps whose maps are drawn and the last one (${n - shown.length} steps not shown).`;
  }
  const rows: string[][] = [];
  let prev = -1;
  for (const i of shown) {
    if (i > prev + 1) rows.push(['…', `${i - prev - 1} steps`, ...runs.map(() => ''), '']);
    const st = cmp.steps[i];
    rows.push([
      String(i),
      mdText(stepLabel(s.steps[i])),
      ...runs.map((r) => {
        const t = mdText(cellText(r.steps[i]));
        if (r.steps[i].error === 'unsupported') return absentCell(s.steps[i].op, r.version, runs.map((x) => x.run.version));
        return r.steps[i].ok ? t : `**${t}**`;
      }),
      runs.length < 2 ? '–' : st.classes.length ? st.classes.join(', ') : 'same',
    ]);
    prev = i;
  }
  const out = [table(['#', 'step', ...runs.map((r) => r.version), 'differences'], rows)];
  if (note) out.push('', mdText(note));
  return out;
}

/** Differing steps grouped by kind: same op, same classes, same linked changes. */
export function groupSteps(cmp: Comparison): { key: string; steps: number[] }[] {
  const groups = new Map<string, number[]>();
  for (const st of cmp.steps) {
    if (!st.classes.length) continue;
    const ids = st.overall.flatMap((f) => f.explanations.map((e) => e.change.id));
    const key = `${st.op}|${st.classes.join(',')}|${[...new Set(ids)].join(',')}`;
    const g = groups.get(key);
    if (g) g.push(st.index);
    else groups.set(key, [st.index]);
  }
  return [...groups].map(([key, steps]) => ({ key, steps }));
}

function countCell(steps: readonly number[]): string {
  if (!steps.length) return '–';
  const list = steps.slice(0, 6).join(', ') + (steps.length > 6 ? ', …' : '');
  return `${steps.length} (${list})`;
}

function summaryTable(cmp: Comparison): string {
  const rows = [...cmp.pairs, ...(cmp.versions.length > 2 ? [cmp.overall] : [])].map((sum) => [
    mdText(sum.label),
    countCell(sum.steps.outcome),
    countCell(sum.steps.address),
    countCell(sum.steps.log),
    countCell(sum.steps.cost),
    sum.finalLayout ? 'yes' : '–',
    sum.changes.map(code).join(', ') || '–',
    String(sum.unexplained),
  ]);
  return table(['between', 'outcome (steps)', 'address', 'log', 'cost', 'final layout', 'linked changes', 'unexplained'], rows);
}

function pairLine(st: { pairs: { from: string; to: string; findings: Finding[] }[] }): string {
  return st.pairs.map((p) => `${p.from} → ${p.to}: ${p.findings.length ? p.findings.map((f) => f.class).join(', ') : 'same'}`).join('; ');
}

function stepDetail(c: CollectedRun, st: StepComparison, withTraces: boolean, seen: Seen, alike = ''): string[] {
  const { scenario: s, runs } = c;
  const out: string[] = [`### Step ${st.index}: ${mdText(stepLabel(s.steps[st.index]))}`, ''];
  if (alike) out.push(alike, '');
  const comment = s.steps[st.index].comment;
  if (comment) out.push(`> ${mdBlock(comment)}`, '');
  for (const f of st.overall) out.push(...findingLines(f, st.pairs, s.steps, seen));
  if (runs.length > 2) out.push('', `Between consecutive versions: ${mdText(pairLine(st))}.`);
  if (st.classes.includes('log')) {
    out.push('', table(['version', 'log'], runs.map((r) => [r.version, r.steps[st.index].log.map((l) => logLine(r.run.version, l)).join(' · ') || '(nothing)'])));
  }
  if (withTraces) {
    for (let j = 0; j + 1 < runs.length; j++) {
      const a = { label: runs[j].version, trace: runs[j].details[st.index]?.trace };
      const b = { label: runs[j + 1].version, trace: runs[j + 1].details[st.index]?.trace };
      const udiff = unifiedTraceDiff(a, b);
      if (!udiff) continue;
      out.push('', `#### Traces, ${a.label} and ${b.label}`, '', 'Side by side (`|` changed, `<` only left, `>` only right):', '', fence(sideBySideText(a, b), 'text side-by-side'), '', 'Unified diff:', '', fence(udiff, 'diff'));
    }
  }
  out.push('');
  return out;
}

function totals(runs: readonly VersionRunResult[]): string {
  const rows: string[][] = [];
  for (const c of COUNTERS) {
    const vals = runs.map((r) => r.details.reduce((s, d) => s + (d.cost[c.key] ?? 0), 0));
    if (vals.every((v) => v === 0)) continue;
    const differs = vals.some((v) => v !== vals[0]);
    rows.push([`${mdText(c.label)} (${code(c.key)})`, ...vals.map((v) => (differs ? `**${v}**` : String(v)))]);
  }
  return rows.length ? table(['counter', ...runs.map((r) => r.version)], rows) : 'No counter moved.';
}

function finalSection(c: CollectedRun, seen: Seen): string[] {
  const { runs, comparison: cmp } = c;
  const out: string[] = [];
  out.push(
    table(
      ['version', 'live areas', 'ptes present', 'page-table pages', 'kmemleak objects'],
      runs.map((r) => [r.version, String(r.final.areas.length), String(r.final.pagesMapped), String(r.final.pageTablePages), r.final.kmemleak === null ? 'n/a' : String(r.final.kmemleak.length)]),
    ),
    '',
  );
  if (!cmp.final.overall.length) out.push('The final state is the same on every version.');
  else for (const f of cmp.final.overall) out.push(...findingLines(f, cmp.final.pairs, c.scenario.steps, seen));
  const rows: string[][] = [];
  const cap = 16;
  for (const r of runs) {
    r.final.areas.slice(0, cap).forEach((a) => rows.push([r.version, a.addr, `${a.size} (0x${a.size.toString(16)})`, mdText(a.flags.join('|'))]));
    if (r.final.areas.length > cap) rows.push([r.version, `… ${r.final.areas.length - cap} more`, '', '']);
  }
  if (rows.length) out.push('', table(['version', 'area', 'size (with guard page)', 'flags'], rows));
  return out;
}

function catalogueSection(c: CollectedRun): string[] {
  const linked = new Set(c.comparison.overall.changes);
  for (const p of c.comparison.pairs) for (const id of p.changes) linked.add(id);
  const out: string[] = [];
  for (const r of c.runs.slice(1)) {
    const v = r.run.version;
    if (!v.changes.length) continue;
    const here = v.changes.filter((ch) => linked.has(ch.id));
    const rest = v.changes.filter((ch) => !linked.has(ch.id));
    out.push(`- **${v.id}** (${mdText(v.title)})`);
    for (const ch of here)
      out.push(
        `  - ${code(ch.id)} since ${mdText(ch.since)}${ch.commits?.length ? ` (${commitLinks(ch)})` : ''}: ${mdText(ch.summary)} (affects ${ch.affects.join(', ')}; ${ch.functions.map((f) => fnLink(v, f)).join(', ')}${ch.ops?.length ? '; ops ' + ch.ops.join(', ') : ''})`,
      );
    if (rest.length) out.push(`  - not linked in this scenario: ${rest.map((ch) => code(ch.id)).join(', ')}`);
  }
  return out.length ? ['The changes the differences above link to, per version (the whole catalogues are listed in the index):', '', ...out] : ['No registered version after the first has catalogued changes yet.'];
}

function mapSnaps(c: CollectedRun, step: number): MapSnapshot[] {
  return c.runs.map((r) => snapshotAt(c.snapshots.get(r.version), step)).filter((x): x is MapSnapshot => !!x);
}

/** The whole comparison document for one scenario. */
export function compareMarkdown(c: CollectedRun, opts: MarkdownOptions): string {
  const { scenario: s, runs, comparison: cmp } = c;
  const seen = newSeen(c);
  const out: string[] = [];
  out.push(`# Scenario ${mdText(s.name)}`, '');
  if (s.question) out.push(`**Question:** ${mdText(s.question)}`, '');
  if (s.description) out.push(`> ${mdBlock(s.description)}`, '');
  const m = s.machine;
  out.push(
    `Machine: ${m.arch}, ${m.ramMiB} MiB RAM, ${m.cpus} CPU${m.cpus === 1 ? '' : 's'}${m.nodes > 1 ? `, ${m.nodes} nodes` : ''}; ${s.steps.length} step${s.steps.length === 1 ? '' : 's'}${s.seed !== undefined ? `; random seed ${s.seed}` : ''}.`,
    '',
  );
  out.push(
    table(
      ['version', 'model', 'vmalloc window'],
      runs.map((r) => [r.version, mdText(r.run.version.title), `${r.run.kernel.hex(r.window.start)} - ${r.run.kernel.hex(r.window.end)}`]),
    ),
    '',
  );
  out.push('## Summary', '');
  if (runs.length < 2) out.push(`Only ${runs.map((r) => r.version).join('') || 'no version'} ran this scenario: nothing to compare yet.`, '');
  else {
    const nd = cmp.steps.filter((st) => st.classes.length).length;
    out.push(
      nd === 0 && !cmp.final.classes.length
        ? 'All versions agree on every step and on the final state.'
        : `${nd} of ${s.steps.length} steps differ between versions${cmp.final.classes.length ? ', and so does the final layout' : ''}. Steps differing per class:`,
      '',
      summaryTable(cmp),
      '',
    );
  }
  out.push('## Steps', '', ...stepsTable(c, opts), '');
  out.push(...timelineMarkdown(timeline(runs, cmp), s.steps, stepLabel, mdText, (op, v) => absentCell(op, v, runs.map((x) => x.run.version))));

  const differing = cmp.steps.filter((st) => st.classes.length);
  if (differing.length) {
    const maxDetail = opts.maxDetailSteps ?? 30;
    const maxTrace = opts.maxTraceSteps ?? 5;
    out.push('## Differences', '');
    if (!c.traced) out.push('Traces were not recorded: the scenario is too long to keep them for every step.', '');
    let traced = 0;
    // One detailed entry per kind of difference (first occurrence), in step order.
    const groups = groupSteps(cmp).sort((a, b) => a.steps[0] - b.steps[0]);
    for (const g of groups.slice(0, maxDetail)) {
      const st = cmp.steps[g.steps[0]];
      const traceDiffers = c.traced && runs.some((r, j) => j > 0 && traceText(r.details[st.index]?.trace) !== traceText(runs[j - 1].details[st.index]?.trace));
      const more = g.steps.length - 1;
      const alike = more ? `${more} more step${more === 1 ? '' : 's'} differ${more === 1 ? 's' : ''} the same way (same op, classes and linked changes): ${g.steps.slice(1, 13).join(', ')}${more > 12 ? ', …' : ''}.` : '';
      out.push(...stepDetail(c, st, traceDiffers && traced < maxTrace, seen, alike));
      if (traceDiffers && traced < maxTrace) traced++;
    }
    if (groups.length > maxDetail) out.push(`… ${groups.length - maxDetail} more kinds of difference (their steps are marked in the table above).`, '');
    if (traced >= maxTrace) out.push(`Traces are shown for the first ${maxTrace} of these steps whose traces differ.`, '');
  }

  out.push('## Final state', '', ...finalSection(c, seen), '');

  out.push('## Address maps', '');
  const last = s.steps.length - 1;
  out.push(opts.picture(`map-final`, `vmalloc window after the last step, per version`, () => renderAreaMap(mapSnaps(c, last), { title: `${s.name}: after the last step`, id: 'map-final' }), () => fence(textMap(mapSnaps(c, last)))), '');
  const asked = new Set(pictureSteps(s));
  for (const at of c.mapSteps) {
    if (at === last) continue;
    const snaps = mapSnaps(c, at);
    if (!snaps.every((x) => x.step === at)) continue;
    const via = [...new Set(cmp.steps[at].overall.flatMap((f) => f.explanations.flatMap((e) => e.via)))].filter((j) => isFreeOp(s.steps[j].op));
    const why = via.length
      ? `placed differently because of what step ${via.join(', ')} (${via.map((j) => mdText(stepLabel(s.steps[j]))).join(', ')}) left behind`
      : cmp.steps[at].classes.some((k) => k === 'address' || k === 'outcome') && !asked.has(at)
        ? 'the first step whose outcome or address differs'
        : 'as the scenario asks';
    out.push(
      `After step ${at} (${mdText(stepLabel(s.steps[at]))}), ${why}:`,
      '',
      opts.picture(`map-step-${at}`, `vmalloc window after step ${at}, per version`, () => renderAreaMap(snaps, { title: `${s.name}: after step ${at}`, id: `map-step-${at}` }), () => fence(textMap(snaps))),
      '',
    );
  }
  if (c.series.length && s.steps.length > 1) {
    out.push('## Counters over the steps', '');
    out.push(
      opts.picture(
        'counters',
        'page-table pages, live areas, ptes present and TLB flushes per version over the steps',
        () => renderCounterPlots(c.series, { title: `${s.name}: counters over the steps` }),
        () =>
          fence(
            c.series
              .map((se) => `${se.version}: page-table pages ${se.pageTablePages[se.pageTablePages.length - 1]}, live areas ${se.liveAreas[se.liveAreas.length - 1]}, ptes present ${se.ptesPresent[se.ptesPresent.length - 1]}, TLB flushes ${se.tlbFlushes[se.tlbFlushes.length - 1]} (after the last step)`)
              .join('\n'),
          ),
      ),
      '',
    );
  }
  out.push('## Cost totals', '', totals(runs), '');
  out.push('## Catalogued changes', '', ...catalogueSection(c), '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
