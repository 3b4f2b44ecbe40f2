/**
 * CLI plumbing shared by the commands: argument parsing, loading scenarios from files or the
 * built-in library, and the exit-code convention (0 ran, 1 failed check or internal error,
 * 2 bad input: usage or scenario).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BUILTIN_SCENARIOS_DIR } from '../paths.js';
import { parseScenario, ScenarioError, type Scenario } from '../harness/scenario.js';
import { VERSION_IDS } from '../registry.js';

export class UsageError extends Error {}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** --flag, --flag=value and --flag value (for flags listed in `withValue`). */
export function parseArgs(argv: readonly string[], withValue: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (withValue.includes(a.slice(2))) {
        if (i + 1 >= argv.length) throw new UsageError(`option ${a} needs a value`);
        flags.set(a.slice(2), argv[++i]);
      } else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

export function checkFlags(args: ParsedArgs, allowed: readonly string[]): void {
  for (const f of args.flags.keys()) if (!allowed.includes(f)) throw new UsageError(`unknown option --${f} (allowed: ${allowed.map((a) => '--' + a).join(', ') || 'none'})`);
}

/** A scenario file path, or the name of a built-in scenario. */
export function resolveScenarioPath(arg: string): string {
  if (existsSync(arg)) return arg;
  const builtin = join(BUILTIN_SCENARIOS_DIR, arg.endsWith('.json') ? arg : `${arg}.json`);
  if (existsSync(builtin)) return builtin;
  throw new ScenarioError(`${arg}: no such file, and no built-in scenario of that name (see 'vmx list')`);
}

export function loadScenario(arg: string, restrictVersions?: string): Scenario {
  const path = resolveScenarioPath(arg);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${path}: cannot read (${(e as Error).message})`);
  }
  const s = parseScenario(text, VERSION_IDS, basename(path) === path ? path : path);
  if (restrictVersions) {
    const ids = restrictVersions.split(',').map((x) => x.trim()).filter(Boolean);
    for (const id of ids) if (!VERSION_IDS.includes(id)) throw new UsageError(`--versions: ${id} is not a registered version (registered: ${VERSION_IDS.join(', ')})`);
    s.versions = ids;
  }
  return s;
}

/** Write to stdout and resolve once flushed (large JSON must not be cut by process.exit). */
let epipeHandled = false;

/** A reader that closed the pipe early (`vmx run … | head`) ends the command quietly. */
function handleEpipe(): void {
  if (epipeHandled) return;
  epipeHandled = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

export function writeOut(text: string): Promise<void> {
  handleEpipe();
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

/** Progress on a terminal only: silent when stderr is not a TTY or output is machine-readable. */
export function progress(enabled: boolean): (msg: string) => void {
  if (!enabled || !process.stderr.isTTY) return () => {};
  return (msg) => process.stderr.write(`\r\x1b[K${msg}`);
}
