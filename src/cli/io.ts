/**
 * CLI plumbing shared by the commands: argument parsing, loading scenarios from files or the
 * built-in library, and the exit-code convention (0 ran, 1 failed check or internal error,
 * 2 bad input: usage or scenario).
 */
import { accessSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs as utilParseArgs } from 'node:util';
import { findCommand } from './commands.js';
import { BUILTIN_SCENARIOS_DIR } from '../paths.js';
import { archProblem, checkVersionArches, parseScenario, ScenarioError, type Scenario } from '../harness/scenario.js';
import { parseScenarioStreamed } from '../harness/scenario-stream.js';
import { stepsOf, type StepSource } from '../harness/step-tape.js';
import { VERSIONS, VERSION_IDS } from '../registry.js';

export class UsageError extends Error {}

export interface Parsed {
  /** Option values by name: true for a switch given, the string for a value ('' for a bare --json list). */
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Whether argv asks for help (-h or --help before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '-h' || a === '--help') return true;
  }
  return false;
}

/**
 * Parse a command's arguments against its spec (commands.ts) with node:util parseArgs: unknown
 * options, a value missing or given to a switch, and too few or too many positional arguments
 * are UsageErrors naming the usage line.
 */
export function parseCommand(name: string, argv: readonly string[]): Parsed {
  const spec = findCommand(name);
  if (!spec) throw new Error(`no command spec for ${name}`);
  const usage = `usage: vmx ${spec.name}${spec.synopsis ? ' ' + spec.synopsis : ''}`;
  const options: Record<string, { type: 'boolean' | 'string' }> = {};
  const lists = new Set<string>();
  for (const o of spec.options) {
    options[o.name] = { type: o.type === 'boolean' ? 'boolean' : 'string' };
    if (o.type === 'list') lists.add(o.name);
  }
  // A list option (run's --json) takes its value only as --json=LIST or when the next argument
  // is a comma-separated list of its known fields; a bare --json means all of them ('').
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const list = a.startsWith('--') ? spec.options.find((o) => o.type === 'list' && a === `--${o.name}`) : undefined;
    if (list) {
      const next = argv[i + 1];
      const known = list.complete as readonly string[];
      if (next !== undefined && /^[a-z]+(,[a-z]+)*$/.test(next) && next.split(',').every((f) => known.includes(f))) {
        args.push(`${a}=${next}`);
        i++;
      } else args.push(`${a}=`);
    } else args.push(a);
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = utilParseArgs({ args, options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const opt = /'(-{1,2}[^' =]+)/.exec(err.message)?.[1] ?? '';
    const allowed = spec.options.map((o) => '--' + o.name).join(', ') || 'none';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${opt} (allowed: ${allowed}; ${usage})`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw new UsageError(
        /does not take an argument/.test(err.message)
          ? `option ${opt} takes no value`
          : /ambiguous/.test(err.message)
            ? `option ${opt} needs a value (a value starting with "-" goes as ${opt}=VALUE)`
            : `option ${opt} needs a value`,
      );
    throw new UsageError(`${err.message.split('\n')[0]} (${usage})`);
  }
  for (const l of lists) {
    const v = parsed.values[l];
    if (typeof v === 'string' && v !== '') {
      const known = spec.options.find((o) => o.name === l)!.complete as readonly string[];
      for (const f of v.split(',')) if (!known.includes(f)) throw new UsageError(`--${l}: unknown field "${f}" (fields: ${known.join(', ')})`);
    }
  }
  const n = parsed.positionals.length;
  if (n < spec.positionals.min || n > spec.positionals.max) {
    const extra = n > spec.positionals.max ? `unexpected argument${n - spec.positionals.max > 1 ? 's' : ''} ${parsed.positionals.slice(spec.positionals.max).map((p) => JSON.stringify(p)).join(' ')}; ` : '';
    throw new UsageError(`${extra}${usage}`);
  }
  return parsed;
}

/** A --versions value: registered ids, at least one, none twice. */
export function versionList(value: string | boolean | undefined, flag = '--versions'): string[] | undefined {
  if (value === undefined || value === false) return undefined;
  const ids = String(value).split(',').map((x) => x.trim());
  if (ids.every((x) => x === '')) throw new UsageError(`${flag}: give at least one version (registered: ${VERSION_IDS.join(', ')})`);
  for (const id of ids) {
    if (id === '') throw new UsageError(`${flag}: an empty version id in "${value}"`);
    if (!VERSION_IDS.includes(id)) throw new UsageError(`${flag}: ${id} is not a registered version (registered: ${VERSION_IDS.join(', ')})`);
  }
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new UsageError(`${flag}: ${dup} is listed twice`);
  return ids;
}

/**
 * An output directory, checked before any work: under /proc or /sys, an existing path that is
 * not a directory, or a place the user cannot write is a UsageError (one line). Creates it.
 */
export function prepareOutDir(value: string | boolean | undefined): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === '') throw new UsageError('option --out needs a directory');
  const dir = resolve(value);
  // The nearest part of the path that exists, resolved through symlinks.
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch (e) {
    throw new UsageError(`--out ${value}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const full = join(real, relative(existing, dir));
  for (const pseudo of ['/proc', '/sys']) if (full === pseudo || full.startsWith(pseudo + '/')) throw new UsageError(`--out ${value}: ${pseudo} is a kernel pseudo-filesystem, not a place for reports`);
  let st;
  try {
    st = statSync(real);
  } catch (e) {
    throw new UsageError(`--out ${value}: cannot stat ${real} (${(e as NodeJS.ErrnoException).code})`);
  }
  if (!st.isDirectory()) throw new UsageError(existing === dir ? `--out ${value}: exists and is not a directory` : `--out ${value}: ${existing} is not a directory`);
  try {
    accessSync(real, fsConstants.W_OK | fsConstants.X_OK);
  } catch {
    throw new UsageError(`--out ${value}: ${existing === dir ? 'the directory' : existing} is not writable`);
  }
  if (existing !== dir) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new UsageError(`--out ${value}: cannot create it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return value;
}

/** A scenario file path, or the name of a built-in scenario. */
export function resolveScenarioPath(arg: string): string {
  if (existsSync(arg)) return arg;
  const builtin = join(BUILTIN_SCENARIOS_DIR, arg.endsWith('.json') ? arg : `${arg}.json`);
  if (existsSync(builtin)) return builtin;
  throw new ScenarioError(`${arg}: no such file, and no built-in scenario of that name (see 'vmx list')`);
}

/**
 * Load a scenario (file or built-in name); `restrict` is a --versions value. A version that does
 * not model the scenario's arch is refused, whether the scenario or --versions names it.
 */
export function loadScenario(arg: string, restrict?: string | boolean): Scenario {
  const path = resolveScenarioPath(arg);
  return restrictVersions(parseScenario(readScenarioBytes(path).toString('utf8'), VERSION_IDS, path), path, restrict);
}

/**
 * loadScenario for the commands that run the steps once, in order (`vmx run --summary`, `--json`):
 * the steps come as a compact StepSource, parsed and checked a chunk at a time
 * (harness/scenario-stream.ts), and the returned scenario's own `steps` is empty. The same
 * scenario, steps and messages as loadScenario.
 */
export function loadScenarioSteps(arg: string, restrict?: string | boolean): { s: Scenario; steps: StepSource } {
  const path = resolveScenarioPath(arg);
  const bytes = readScenarioBytes(path);
  const streamed = parseScenarioStreamed(bytes, VERSION_IDS, path);
  if (streamed) return { s: restrictVersions(streamed.scenario, path, restrict), steps: streamed.steps };
  const s = restrictVersions(parseScenario(bytes.toString('utf8'), VERSION_IDS, path), path, restrict);
  const steps = stepsOf(s.steps);
  s.steps = [];
  return { s, steps };
}

/** The scenario file's bytes; a file that cannot be read is a ScenarioError naming it. */
function readScenarioBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ScenarioError(`${path}: cannot read (${(e as Error).message})`);
  }
}

function restrictVersions(s: Scenario, path: string, restrict?: string | boolean): Scenario {
  const ids = versionList(restrict);
  checkVersionArches(s, VERSIONS, path);
  if (ids) {
    for (const id of ids) {
      const problem = archProblem(s.machine.arch, VERSIONS.find((v) => v.id === id)!);
      if (problem) throw new UsageError(`--versions: ${problem}`);
    }
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
