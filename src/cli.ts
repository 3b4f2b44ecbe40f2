/**
 * vmx: the command line. Each command lives in src/cli/<command>.ts; this file only dispatches
 * and applies the exit-code convention (0 ran, 1 check failed or internal error, 2 bad input).
 */
import { ScenarioError } from './harness/scenario.js';
import { UsageError } from './cli/io.js';
import { cmdRun } from './cli/run.js';
import { cmdDemo } from './cli/demo.js';
import { cmdFaults } from './cli/faults.js';
import { cmdCompare } from './cli/compare.js';
import { cmdReport } from './cli/report.js';
import { cmdCheck } from './cli/check.js';
import { cmdPin } from './cli/pin.js';
import { cmdList } from './cli/list.js';
import { cmdBisect } from './cli/bisect.js';
import { cmdServe } from './cli/serve.js';

type Command = { run: (argv: string[]) => Promise<number>; help: string };

const COMMANDS: Record<string, Command> = {
  run: { run: cmdRun, help: 'run <scenario> [--json] [--summary] [--versions a,b] [--trace]   run a scenario on every version' },
  faults: { run: cmdFaults, help: 'faults <scenario…> | --all [--json] [--versions a,b] [--sites s,…] [--max-per-site N]   fail each alloc_page / pte_alloc / kmalloc in turn: which versions leak' },
  demo: { run: cmdDemo, help: 'demo                                   run the built-in default scenarios side by side' },
  compare: { run: cmdCompare, help: 'compare <scenario> [--json] [--versions a,b] [--out DIR] [--map-step N]   side-by-side markdown comparison with classified differences, traces and maps' },
  bisect: { run: cmdBisect, help: 'bisect <scenario> [--step N] [--field outcome|address|log|cost|final] [--json]   the releases where each step\'s behaviour flips, and the change that did it' },
  report: { run: cmdReport, help: 'report [--out DIR] [--check] [--json]   write docs/reports/ (markdown, SVG, HTML) for every built-in scenario' },
  check: { run: cmdCheck, help: 'check [files or folders] [--strict] [--quiet]   compare scenarios\' expectations with a run (default: the built-in library; exit 1 on mismatch)' },
  pin: { run: cmdPin, help: 'pin <scenario or folder> [--write]     turn a run into expectations in the scenario file' },
  serve: { run: cmdServe, help: 'serve [files or folders] [--port N]   the web explorer on http://127.0.0.1:N/ (default 8019) with your scenario files in its picker' },
  list: { run: cmdList, help: 'list [--markdown]                      list the built-in scenarios (--markdown: docs/scenarios.md)' },
};

function usage(): string {
  return ['usage: vmx <command> [options]', '', 'commands:', ...Object.entries(COMMANDS).map(([n, c]) => `  ${c.help.startsWith(n) ? c.help : n + ' ' + c.help}`)].join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`vmx: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof UsageError) {
      process.stderr.write(`vmx ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`vmx ${name}: internal error (a vmx defect, not a kernel outcome): ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
