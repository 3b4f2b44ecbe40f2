/**
 * What each command takes: its synopsis, options and positional arguments, in one table. The
 * argument parser (io.ts parseCommand), `vmx help <command>`, `-h/--help` and the shell
 * completion scripts (completion.ts) are all derived from it, so they cannot disagree.
 */
import { DEFAULT_MAX_PER_SITE } from '../harness/faultsweep.js';

export interface OptionSpec {
  name: string;
  /** boolean: a switch; string: takes a value (`--x v` or `--x=v`); list: run's `--json [fields]`. */
  type: 'boolean' | 'string' | 'list';
  /** Placeholder for the value in the help text. */
  value?: string;
  /** Values the shell completion offers (a fixed list, or "versions" / "scenarios" / "dirs" / "files"). */
  complete?: readonly string[] | 'versions' | 'scenarios' | 'dirs' | 'files';
  help: string;
}

export interface CommandSpec {
  name: string;
  /** The arguments after `vmx <name>`, as the usage line shows them. */
  synopsis: string;
  summary: string;
  /** Positional arguments allowed (max Infinity for lists). */
  positionals: { min: number; max: number; complete?: 'scenarios' | 'files' | readonly string[] };
  options: readonly OptionSpec[];
  /** Further lines for `vmx help <command>` (examples, exit codes). */
  details?: readonly string[];
}

const VERSIONS_OPT: OptionSpec = { name: 'versions', type: 'string', value: 'a,b', complete: 'versions', help: 'run only these registered versions (comma-separated)' };

/** Fields `vmx run --json LIST` can keep (scenario and each result's version are always there). */
export const JSON_FIELDS = ['machine', 'inputs', 'steps', 'final'] as const;
export type JsonField = (typeof JSON_FIELDS)[number];

export const COMMAND_SPECS: readonly CommandSpec[] = [
  {
    name: 'run',
    synopsis: '<scenario> [--json [fields] | --summary | --format F] [--versions a,b] [--trace]',
    summary: 'run a scenario on every version it names and print the side-by-side table',
    positionals: { min: 1, max: 1, complete: 'scenarios' },
    options: [
      { name: 'json', type: 'list', value: 'fields', complete: JSON_FIELDS, help: `the result document (docs/contract.md); optionally only some of ${JSON_FIELDS.join(', ')}, e.g. --json steps,final` },
      { name: 'summary', type: 'boolean', help: 'one line per version: failed and unsupported step counts, final state, sha256 digest of every step' },
      { name: 'format', type: 'string', value: 'F', complete: ['table', 'markdown', 'csv', 'json'], help: 'the step table as table (default), markdown, csv or json' },
      VERSIONS_OPT,
      { name: 'trace', type: 'boolean', help: 'add function_graph-style call traces per step' },
    ],
    details: ['<scenario> is a scenario file or the name of a built-in scenario (vmx list).'],
  },
  {
    name: 'faults',
    synopsis: '<scenario…> | --all  [--json] [--versions a,b] [--sites s,…] [--max-per-site N | --exhaustive] [--jobs N]',
    summary: 'fail each alloc_page / pte_alloc / kmalloc in turn: which versions leak',
    positionals: { min: 0, max: Infinity, complete: 'scenarios' },
    options: [
      { name: 'all', type: 'boolean', help: 'sweep every built-in scenario' },
      { name: 'json', type: 'boolean', help: 'the sweep as JSON instead of markdown' },
      VERSIONS_OPT,
      { name: 'sites', type: 'string', value: 's,…', complete: ['alloc_page', 'pte_alloc', 'kmalloc'], help: 'fault sites to fail (alloc_page, pte_alloc, kmalloc; default all)' },
      { name: 'max-per-site', type: 'string', value: 'N', help: `fail at most N calls per site and version, evenly spread, first and last included (N >= 2; default ${DEFAULT_MAX_PER_SITE})` },
      { name: 'exhaustive', type: 'boolean', help: 'fail every call at every site (no sampling; --all takes many minutes)' },
      { name: 'jobs', type: 'string', value: 'N', help: 'run the (scenario, version) sweeps in N worker threads (default: the cores available; 1: in this process). The output does not depend on N' },
    ],
    details: [`By default at most ${DEFAULT_MAX_PER_SITE} calls per site and version are failed, spread evenly over its calls (the first and the last included); --exhaustive fails every one.`, 'Exit 0 when the sweep ran (kernel findings are results), 1 on a simulator inconsistency (a vmx defect).'],
  },
  {
    name: 'demo',
    synopsis: '',
    summary: 'run the built-in demo scenarios side by side (npm start)',
    positionals: { min: 0, max: 0 },
    options: [],
  },
  {
    name: 'compare',
    synopsis: '<scenario> [--json | --timeline] [--versions a,b] [--out DIR] [--map-step N,M]',
    summary: 'side-by-side markdown comparison with classified differences, traces and maps',
    positionals: { min: 1, max: 1, complete: 'scenarios' },
    options: [
      { name: 'json', type: 'boolean', help: 'the classification as JSON' },
      { name: 'timeline', type: 'boolean', help: 'only the timeline: a row per step, a column per version in release order, the cause of each flip' },
      VERSIONS_OPT,
      { name: 'out', type: 'string', value: 'DIR', complete: 'dirs', help: 'also write the markdown, its SVG pictures and an HTML page into DIR' },
      { name: 'map-step', type: 'string', value: 'N,M', help: 'also draw the address maps after these steps' },
    ],
  },
  {
    name: 'bisect',
    synopsis: '<scenario> [--step N] [--field outcome|address|log|cost|final] [--versions a,b] [--json]',
    summary: "the releases where each step's behaviour flips, and the catalogued change that did it",
    positionals: { min: 1, max: 1, complete: 'scenarios' },
    options: [
      { name: 'step', type: 'string', value: 'N', help: 'only this step' },
      { name: 'field', type: 'string', value: 'F', complete: ['outcome', 'address', 'log', 'cost', 'final'], help: 'only this field: outcome, address, log, cost or final (the final state)' },
      VERSIONS_OPT,
      { name: 'json', type: 'boolean', help: 'the flips as JSON' },
    ],
  },
  {
    name: 'report',
    synopsis: '[--out DIR] [--check] [--json]',
    summary: 'write docs/reports/ (markdown, SVG, HTML) for every built-in scenario',
    positionals: { min: 0, max: 0 },
    options: [
      { name: 'out', type: 'string', value: 'DIR', complete: 'dirs', help: 'write into DIR instead of docs/reports' },
      { name: 'check', type: 'boolean', help: 'write nothing; exit 1 when the files on disk are stale' },
      { name: 'json', type: 'boolean', help: 'say what was written (or is stale) as JSON' },
    ],
  },
  {
    name: 'check',
    synopsis: '[files or folders…] [--strict] [--quiet]',
    summary: "compare scenarios' pinned expectations with a run (default: the built-in library)",
    positionals: { min: 0, max: Infinity, complete: 'scenarios' },
    options: [
      { name: 'strict', type: 'boolean', help: 'also fail on a version the scenario runs on that was never pinned' },
      { name: 'quiet', type: 'boolean', help: 'list only the scenarios that fail or carry notes' },
    ],
    details: ['Exit 0 when every expectation holds, 1 on a mismatch, 2 on a scenario that is not valid.'],
  },
  {
    name: 'pin',
    synopsis: '<scenario or folder…> [--write] [--result run.json]',
    summary: 'turn a run into expectations in the scenario file',
    positionals: { min: 1, max: Infinity, complete: 'scenarios' },
    options: [
      { name: 'write', type: 'boolean', help: 'rewrite the file(s) in place instead of printing' },
      { name: 'result', type: 'string', value: 'run.json', complete: 'files', help: 'pin from a saved `vmx run --json` document instead of a run' },
    ],
  },
  {
    name: 'serve',
    synopsis: '[files or folders…] [--port N]',
    summary: 'the web explorer on http://127.0.0.1:N/ (default 8019) with your scenario files in its picker',
    positionals: { min: 0, max: Infinity, complete: 'files' },
    options: [{ name: 'port', type: 'string', value: 'N', help: 'the port to listen on (0: any free port; default 8019)' }],
  },
  {
    name: 'list',
    synopsis: '[--markdown]',
    summary: 'list the built-in scenarios and the question each asks',
    positionals: { min: 0, max: 0 },
    options: [{ name: 'markdown', type: 'boolean', help: 'the library reference page (docs/scenarios.md)' }],
  },
  {
    name: 'completion',
    synopsis: 'bash | zsh | fish',
    summary: 'print a shell completion script (commands, options, scenario names, versions)',
    positionals: { min: 1, max: 1, complete: ['bash', 'zsh', 'fish'] },
    options: [],
    details: [
      'bash: source <(vmx completion bash)        (or save it in ~/.local/share/bash-completion/completions/vmx)',
      'zsh:  vmx completion zsh > "${fpath[1]}/_vmx" (then restart zsh; or source <(vmx completion zsh) after compinit)',
      'fish: vmx completion fish > ~/.config/fish/completions/vmx.fish',
    ],
  },
  {
    name: 'help',
    synopsis: '[command]',
    summary: "print the usage of vmx or of one command",
    positionals: { min: 0, max: 1, complete: [] },
    options: [],
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMAND_SPECS.find((c) => c.name === name);
}

/** `vmx help <command>` and `vmx <command> --help`. */
export function commandHelp(c: CommandSpec): string {
  const lines = [`usage: vmx ${c.name}${c.synopsis ? ' ' + c.synopsis : ''}`, '', c.summary + '.'];
  if (c.options.length) {
    lines.push('', 'options:');
    const label = (o: OptionSpec) => `--${o.name}${o.type === 'string' ? ' ' + o.value : o.type === 'list' ? ` [${o.value}]` : ''}`;
    const w = Math.max(...c.options.map((o) => label(o).length), '-h, --help'.length);
    for (const o of c.options) lines.push(`  ${label(o).padEnd(w)}  ${o.help}`);
    lines.push(`  ${'-h, --help'.padEnd(w)}  print this help`);
  }
  if (c.details?.length) lines.push('', ...c.details);
  return lines.join('\n') + '\n';
}

/** `vmx`, `vmx help` and `vmx --help`. */
export function mainUsage(): string {
  const w = Math.max(...COMMAND_SPECS.map((c) => c.name.length));
  return [
    'usage: vmx <command> [options]',
    '',
    'commands:',
    ...COMMAND_SPECS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    "vmx help <command> (or vmx <command> --help) shows a command's options; vmx --version the version.",
    'Exit codes: 0 ran, 1 a check failed (or a vmx defect), 2 bad input (usage or scenario).',
  ].join('\n') + '\n';
}
