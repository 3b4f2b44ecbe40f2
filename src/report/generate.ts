/**
 * The generated reports (docs/reports/): one markdown file per built-in scenario, its SVG
 * pictures and HTML rendering, and an index saying which versions differ where. Generation is
 * pure and in memory (name → content), so a test can regenerate and compare; the output carries
 * no timestamps or machine paths, so one commit always generates the same bytes. Reading the
 * built-in files and writing docs/reports/ is node-only and lives in src/cli/report-files.ts.
 */
import type { Scenario } from '../harness/scenario.js';
import type { KernelVersion } from '../contract/version.js';
import type { DiffClass } from '../contract/version.js';
import { collect, type CollectedRun } from './collect.js';
import { compareMarkdown, mdText, table, type MarkdownOptions } from './markdown.js';
import { renderHtml } from './html.js';
import { commitUrl } from './links.js';
import { timeline, type Timeline } from '../diff/timeline.js';

/** The command that regenerates docs/reports/ (printed by the staleness test and --check). */
export const REGENERATE_COMMAND = 'npm run build && node bin/vmx.js report';

export interface NamedScenario {
  /** File-safe name the report files take (the scenario file's base name). */
  slug: string;
  scenario: Scenario;
}

/** Only these characters reach a report file name. */
export function slugOf(name: string): string {
  return name.replace(/\.json$/, '').replace(/\//g, '--').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Markdown, SVG files and HTML for one collected scenario, added to `files`. */
export function scenarioFiles(slug: string, c: CollectedRun, files: Map<string, string>, opts: Partial<MarkdownOptions> = {}): string {
  const svgs = new Map<string, string>();
  const md = compareMarkdown(c, {
    ...opts,
    picture: (name, alt, svg) => {
      const file = `${slug}.${name}.svg`;
      svgs.set(file, svg());
      return `![${mdText(alt)}](${file})`;
    },
  });
  files.set(`${slug}.md`, md);
  for (const [f, s] of svgs) files.set(f, s);
  files.set(`${slug}.html`, renderHtml(md, { title: `vmx: ${c.scenario.name}`, svgs, indexLink: true }));
  return md;
}

export interface GenerateOptions {
  registry: readonly KernelVersion[];
  scenarios: readonly NamedScenario[];
  /** Built-in files that did not validate (listed in the index). */
  invalid?: readonly { slug: string; message: string }[];
  onProgress?: (msg: string) => void;
}

function classCounts(steps: Record<DiffClass, number[]>, finalLayout: boolean): string {
  const parts = (['outcome', 'address', 'log', 'cost'] as const).filter((k) => steps[k].length).map((k) => `${k} ${steps[k].length}`);
  if (finalLayout) parts.push('final layout');
  return parts.join(', ') || 'same';
}

/** Every report file, name → content, sorted by name. */
export function generateReports(opts: GenerateOptions): Map<string, string> {
  const files = new Map<string, string>();
  const rows: string[][] = [];
  const linkedBy = new Map<string, string[]>();
  const evolution: { slug: string; t: Timeline }[] = [];
  opts.scenarios.forEach(({ slug, scenario }, k) => {
    opts.onProgress?.(`report ${k + 1}/${opts.scenarios.length}: ${slug}`);
    const c = collect(scenario, { registry: opts.registry });
    scenarioFiles(slug, c, files);
    const cmp = c.comparison;
    evolution.push({ slug, t: timeline(c.runs, cmp) });
    const pairs = cmp.pairs.map((p) => `${p.label}: ${classCounts(p.steps, p.finalLayout)}`).join('; ');
    const differing = cmp.steps.filter((st) => st.classes.length).length;
    rows.push([
      `[${mdText(slug)}](${slug}.md)`,
      String(scenario.steps.length),
      cmp.versions.join(', '),
      cmp.versions.length < 2 ? 'one version only' : `${differing} step${differing === 1 ? '' : 's'}${cmp.final.classes.length ? ' + final layout' : ''}`,
      mdText(pairs || '–'),
      cmp.overall.unexplained ? String(cmp.overall.unexplained) : '–',
    ]);
    for (const id of cmp.overall.changes) linkedBy.set(id, [...(linkedBy.get(id) ?? []), slug]);
  });

  const out: string[] = ['# vmx comparison reports', ''];
  out.push(
    'Each built-in scenario run on every registered version it supports, on one simulated machine. Differences are classified per step (outcome, address, log, cost) and for the final layout, and linked to the versions\' catalogues of changes.',
    '',
    `Regenerate with \`${REGENERATE_COMMAND}\`.`,
    '',
  );
  out.push('## Versions', '');
  out.push(
    table(
      ['version', 'model', 'source', 'catalogued changes'],
      opts.registry.map((v) => [v.id, mdText(v.title), mdText(v.source), String(v.changes.length)]),
    ),
    '',
  );
  out.push('## Where the versions differ', '');
  out.push(table(['scenario', 'steps', 'versions', 'differing', 'between consecutive versions (steps per class)', 'unexplained findings'], rows), '');
  out.push(`How each scenario changed from release to release, and which scenarios show each catalogued change: [evolution](evolution.md).`, '');
  out.push('## Scenarios', '');
  for (const { slug, scenario } of opts.scenarios) out.push(`- [${mdText(slug)}](${slug}.md)${scenario.description ? ': ' + mdText(scenario.description) : ''}`);
  out.push('');
  if (opts.invalid?.length) {
    out.push('## Not reported', '', 'These built-in files do not validate, so they have no report:', '');
    for (const { slug, message } of opts.invalid) out.push(`- ${mdText(slug)}: ${mdText(message)}`);
    out.push('');
  }
  const catalogued = opts.registry.flatMap((v) => v.changes.map((ch) => ({ v, ch })));
  if (catalogued.length) {
    out.push('## Catalogued changes and the scenarios that show them', '');
    out.push(
      table(
        ['version', 'change', 'since', 'summary', 'shown by'],
        catalogued.map(({ v, ch }) => [
          v.id,
          '`' + ch.id.replace(/`/g, "'") + '`',
          mdText(ch.since),
          mdText(ch.summary),
          (linkedBy.get(ch.id) ?? []).map((s) => `[${mdText(s)}](${s}.md)`).join(', ') || '–',
        ]),
      ),
      '',
    );
  }
  out.push(...HOW_TO_READ, '');
  const md = out.join('\n').trimEnd() + '\n';
  files.set('index.md', md);
  const evo = evolutionMarkdown(opts.registry, evolution);
  files.set('evolution.md', evo);
  files.set('evolution.html', renderHtml(evo, { title: 'vmx: evolution', svgs: new Map(), indexLink: true }));
  files.set('index.html', renderHtml(md, { title: 'vmx comparison reports', svgs: new Map() }));
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The evolution page: per scenario the releases where it changed, per catalogued change the scenarios whose flips it causes. */
function evolutionMarkdown(registry: readonly KernelVersion[], evolution: readonly { slug: string; t: Timeline }[]): string {
  const out = ['# Evolution', '', `Versions in release order: ${registry.map((v) => v.id).join(', ')}. A flip is a step whose behaviour (outcome, address, log) differs between two consecutive versions that ran it; each scenario's report has its full timeline.`, ''];
  out.push('## Where each scenario changed', '');
  const rows = evolution.map(({ slug, t }) => {
    const changed = t.changedBetween.filter((p) => p.steps.length);
    return [`[${mdText(slug)}](${slug}.md)`, changed.length ? changed.map((p) => `${p.from} → ${p.to} (${p.steps.length} step${p.steps.length === 1 ? '' : 's'})`).join('; ') : 'same on every version'];
  });
  out.push(table(['scenario', 'releases where it changed'], rows), '');
  const shownBy = new Map<string, Set<string>>();
  let unexplained = 0;
  for (const { slug, t } of evolution)
    for (const r of t.rows)
      for (const f of r.flips) {
        if (!f.cause) unexplained++;
        else shownBy.set(f.cause.id, (shownBy.get(f.cause.id) ?? new Set()).add(slug));
      }
  out.push('## Catalogued changes and the scenarios whose flips they cause', '');
  const changes = registry.flatMap((v) => v.changes.map((ch) => ({ v, ch })));
  out.push(
    table(
      ['change', 'since', 'commits', 'catalogued in', 'causes flips in'],
      changes.map(({ v, ch }) => [
        '`' + ch.id.replace(/`/g, "'") + '`',
        mdText(ch.since),
        (ch.commits ?? []).map((id) => `[${id}](${commitUrl(ch, id)})`).join(', ') || '–',
        v.id,
        [...(shownBy.get(ch.id) ?? [])].map((x) => `[${mdText(x)}](${x}.md)`).join(', ') || '–',
      ]),
    ),
    '',
  );
  out.push(`${unexplained} flip${unexplained === 1 ? '' : 's'} across the built-in scenarios have no cause with evidence (unexplained).`, '');
  return out.join('\n');
}

/** The classification and linking rules, as the index explains them (src/diff/classify.ts has the details). */
const HOW_TO_READ = [
  '## How to read these reports',
  '',
  'Each step is compared between consecutive versions and across all of them; a step can show several classes at once:',
  '',
  '- **outcome**: ok versus an error (ENOMEM, BUG, OOPS, unsupported, bad-address, nonexistent), or a different count or data returned (vread, vwrite, peek);',
  '- **address**: both succeeded at different addresses;',
  '- **log**: different printk lines, or different output text (vmallocinfo, kmemleak reports);',
  '- **cost**: different counter changes in the step (data pages, page-table pages, kmalloc calls and bytes, ptes written and cleared, TLB and cache flushes, list or tree nodes visited, purges);',
  '- **final layout**: after the last step, different live areas, ptes present, page-table pages or kmemleak objects.',
  '',
  'A difference between two versions is put down to the catalogued changes whose release lies between them (on the newer one\'s line of history) and that list its class and its op, by evidence: a catalogued function on a trace line that differs in this step, or, for an address, in the earlier step that last allocated or freed where the other version put its area ("the state left by step N"). The cause shown is the change with the strongest evidence (for an address the state an earlier step left comes first, then the deepest divergence in the call chain); changes whose evidence ties with it are listed beside it, weaker ones by id. A change that only names the op is no evidence: such a difference is "unexplained" (a gap in a catalogue, or a knock-on effect of an earlier step). An op that one version lacks is put down to the changes naming it.',
  '',
  'Maps draw the vmalloc window of every version to scale (full window on top, the occupied span zoomed below, the same zoom for every version): areas with their guard page hatched, and below them the allocator\'s own ranges where a version reports them (vmap_areas, lazily freed ranges, vmap blocks). Long scenarios list the first steps, the first steps of every kind of difference and the last step; the step details describe one step per kind of difference.',
];
