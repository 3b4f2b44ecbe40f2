/**
 * vmx: the command line. Each command lives in src/cli/<command>.ts and its arguments are
 * described in src/cli/commands.ts; this file only dispatches, answers --version and help, and
 * applies the exit-code convention (0 ran, 1 check failed or internal error, 2 bad input, with
 * stdout left empty).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioError } from './harness/scenario.js';
import { PACKAGE_ROOT } from './paths.js';
import { commandHelp, findCommand, mainUsage } from './cli/commands.js';
import { UsageError, wantsHelp, writeOut } from './cli/io.js';

/**
 * The commands, each loaded when it runs: `vmx run` does not load the report generator, the web
 * server or markdown (about 5 MB of resident memory and their start-up time).
 */
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: async (a) => (await import('./cli/run.js')).cmdRun(a),
  faults: async (a) => (await import('./cli/faults.js')).cmdFaults(a),
  demo: async (a) => (await import('./cli/demo.js')).cmdDemo(a),
  compare: async (a) => (await import('./cli/compare.js')).cmdCompare(a),
  bisect: async (a) => (await import('./cli/bisect.js')).cmdBisect(a),
  report: async (a) => (await import('./cli/report.js')).cmdReport(a),
  check: async (a) => (await import('./cli/check.js')).cmdCheck(a),
  pin: async (a) => (await import('./cli/pin.js')).cmdPin(a),
  serve: async (a) => (await import('./cli/serve.js')).cmdServe(a),
  list: async (a) => (await import('./cli/list.js')).cmdList(a),
  completion: async (a) => (await import('./cli/completion.js')).cmdCompletion(a),
  help: cmdHelp,
};

/** The package version (package.json). */
export function vmxVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

async function cmdHelp(argv: string[]): Promise<number> {
  if (argv.length > 1) throw new UsageError(`unexpected arguments ${argv.slice(1).map((a) => JSON.stringify(a)).join(' ')}; usage: vmx help [command]`);
  if (argv[0] === '-h' || argv[0] === '--help') argv = ['help'];
  if (!argv.length) {
    await writeOut(mainUsage());
    return 0;
  }
  const spec = findCommand(argv[0]);
  if (!spec) throw new UsageError(`unknown command "${argv[0]}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  await writeOut(commandHelp(spec));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(mainUsage());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    await writeOut(mainUsage());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    await writeOut(`vmx ${vmxVersion()}\n`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`vmx: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}"\n${mainUsage()}`);
    return 2;
  }
  try {
    if (wantsHelp(rest)) {
      await writeOut(commandHelp(findCommand(name)!));
      return 0;
    }
    return await cmd(rest);
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof UsageError) {
      process.stderr.write(`vmx ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`vmx ${name}: internal error (a vmx defect, not a kernel outcome): ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
