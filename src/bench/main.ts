/**
 * `npm run bench` (issue 8): time every registered version on every workload, draw the cost
 * curves, and regenerate docs/perf.md and docs/perf-curves.svg.
 *
 * Each (version, workload) pair runs in its own child process, so its peak RSS and JIT state are
 * its own; whole-process figures time the real CLI (`node bin/vmx.js run … --summary`). Machines
 * shared with other work are noisy: every figure is the median of several runs, and the report
 * gives CPU time beside wall time and a calibration loop that shows how busy the machine was.
 *
 * Usage: node dist/src/bench/main.js [--quick] [--no-write] [--reps N (3)] [--big-reps N (1, for lbl-15000x20000)]
 *          [--native DIR]… [--oracle-build-dir DIR] [--versions a,b] [--only w1,w2] [--steps N]
 * --native DIR (a kernel git directory, repeatable, as tools/oracle's --kernel-git): build or find
 * the native -fast binaries through tools/oracle (native-run.ts) and time them in the same run as
 * vmx, pair by pair (vmx, native, vmx, native…), for the ratios in docs/perf.md. A short run for
 * checking the plumbing: --only keeps some workloads, --steps N cuts each to its first N steps;
 * either makes it a short run, which times only the per-call pairs, prints the report section on
 * stdout and never writes docs/perf.md.
 * --profile: instead of timing, profile each version on each workload (profile.ts; --only and
 * --versions pick) and write docs/perf.md's profile section (with --no-write, print it).
 * --alloc: the same pairs under V8's sampling heap profiler (alloc.ts): bytes allocated per step,
 * docs/perf.md's allocation section.
 * --instructions: machine instructions per step under valgrind (instructions.ts), the per-call
 * workloads unless --only says, docs/perf.md's instructions section; needs valgrind.
 * Internal: --child-measure <workload> <version> <reps> [variant]   --child-cli <vmx args…>
 *           --child-linearity <version> <reps>
 *           --child-profile <workload> <version>   --child-alloc <workload> <version>
 *           --child-instructions <workload> <version> <steps>
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS_DIR, PACKAGE_ROOT } from '../paths.js';
import { raiseInliningBudget } from '../jit-tuning.js';
import { validateScenario, type Scenario } from '../harness/scenario.js';
import type { KernelVersion } from '../contract/version.js';
import { VERSIONS, VERSION_IDS } from '../registry.js';
import { costCurve, curvesSvg, type Curve } from './curves.js';
import { measure, measureLinearity, median, type Measurement } from './measure.js';
import { randomMix, workloads, type Workload } from './workloads.js';
import { renderNative, renderReport, type BenchResults, type NativePair, type WholeProcess } from './report.js';
import { fastSameAsNormal, prepareNative, runNative, type NativeTarget } from './native-run.js';
import { profileRun, renderProfiles, withProfiles, type ProfileSummary } from './profile.js';
import { allocRun, renderAllocs, withAllocs, type AllocSummary } from './alloc.js';
import { countPair, INSTRUCTION_STEPS, INSTRUCTION_WORKLOADS, instructionsRun, renderInstructions, withInstructions, type InstructionCount } from './instructions.js';

const SELF = fileURLToPath(import.meta.url);
const VMX = join(PACKAGE_ROOT, 'bin', 'vmx.js');

/** Variants of a workload the targets need: the x86_64 64 GiB machine, or a shorter random mix. */
export type Variant = 'as-is' | 'x86_64-64GiB' | 'half';

/** Rewrite the machine block: x86_64 with 64 GiB, the version's own vmalloc window. */
export function onX86_64(doc: Record<string, unknown>): Record<string, unknown> {
  return { ...doc, name: `${doc.name}-x86_64-64GiB`, machine: { arch: 'x86_64', ramMiB: 65536, cpus: 1 } };
}

function variantDoc(w: Workload, variant: Variant): unknown {
  if (variant === 'half') return randomMix({ calls: 100_000 });
  if (variant === 'x86_64-64GiB') return onX86_64(w.doc() as Record<string, unknown>);
  return cut(w.doc());
}

/** A short run (--steps N, passed to the children as VMX_BENCH_STEPS): the workload's first N steps. */
function cut(doc: unknown): unknown {
  const n = Number(process.env.VMX_BENCH_STEPS ?? '');
  if (!n) return doc;
  const d = doc as { steps: unknown[] };
  return { ...d, steps: d.steps.slice(0, n) };
}

/** --versions: the bench measures only these. */
let onlyVersions: readonly string[] | undefined;

function versionsFor(s: Scenario): KernelVersion[] {
  return VERSIONS.filter((v) => v.arches.includes(s.machine.arch) && (!onlyVersions || onlyVersions.includes(v.id)));
}

// ---- child processes ------------------------------------------------------------------------

/** The generated random mix (the linearity check's, and its half: src/bench/workloads.ts randomMix). */
const GENERATED_MIX: Workload = { id: 'random-mix-generated', source: 'generated', doc: () => randomMix() };

async function childMeasure(args: string[]): Promise<void> {
  const [wid, vid, repsText, variant = 'as-is'] = args;
  const w = wid === GENERATED_MIX.id ? GENERATED_MIX : workloads().find((x) => x.id === wid);
  if (!w) throw new Error(`bench: no workload ${wid}`);
  const s = validateScenario(variantDoc(w, variant as Variant), VERSION_IDS, wid);
  const v = VERSIONS.find((x) => x.id === vid)!;
  const m = measure(s, v, Number(repsText));
  process.stdout.write(JSON.stringify(m) + '\n');
}

/** The fewest half/whole pairs the linearity check times (sub-second runs: two are too few for a median). */
const LINEARITY_PAIRS = 5;

/** --child-linearity <version> <reps>: the generated mix and its first half, alternately in this process. */
async function childLinearity(args: string[]): Promise<void> {
  const [vid, repsText] = args;
  const half = validateScenario(variantDoc(GENERATED_MIX, 'half'), VERSION_IDS, GENERATED_MIX.id);
  const whole = validateScenario(variantDoc(GENERATED_MIX, 'as-is'), VERSION_IDS, GENERATED_MIX.id);
  process.stdout.write(JSON.stringify(measureLinearity(half, whole, VERSIONS.find((x) => x.id === vid)!, Number(repsText))) + '\n');
}

/** The scenario a --child-profile / --child-alloc child runs: the workload as the bench times it. */
function childScenario(wid: string): Scenario {
  const w = workloads().find((x) => x.id === wid);
  if (!w) throw new Error(`bench: no workload ${wid}`);
  return validateScenario(variantDoc(w, 'as-is'), VERSION_IDS, wid);
}

async function childProfile(args: string[]): Promise<void> {
  const [wid, vid] = args;
  process.stdout.write(JSON.stringify(await profileRun(childScenario(wid), VERSIONS.find((x) => x.id === vid)!, wid)) + '\n');
}

async function childAlloc(args: string[]): Promise<void> {
  const [wid, vid] = args;
  process.stdout.write(JSON.stringify(await allocRun(childScenario(wid), VERSIONS.find((x) => x.id === vid)!, wid)) + '\n');
}

function childInstructions(args: string[]): void {
  const [wid, vid, steps] = args;
  instructionsRun(childScenario(wid), VERSIONS.find((x) => x.id === vid)!, Number(steps));
}

/** A generated section of docs/perf.md made of one child per (workload, version) pair. */
interface PairSection<T> {
  childFlag: string;
  doing: string;
  render: (rows: readonly T[], when: string) => string;
  splice: (previous: string, section: string) => string;
  wrote: string;
  /** How one pair is measured (its children given childFlag), when not by one child printing its row. */
  run?: (childFlag: string, s: Scenario, workload: string, version: string) => Promise<T>;
  /** The workloads it runs when --only does not say. */
  workloads?: readonly string[];
}

const PROFILE_SECTION: PairSection<ProfileSummary> = { childFlag: '--child-profile', doing: 'profiling', render: renderProfiles, splice: withProfiles, wrote: 'the profile section' };
const ALLOC_SECTION: PairSection<AllocSummary> = { childFlag: '--child-alloc', doing: 'sampling allocations of', render: renderAllocs, splice: withAllocs, wrote: 'the allocation section' };
const INSTRUCTIONS_SECTION: PairSection<InstructionCount> = {
  childFlag: '--child-instructions',
  doing: 'counting instructions of',
  render: renderInstructions,
  splice: withInstructions,
  wrote: 'the instructions section',
  run: (childFlag, s, wid, vid) => countPair(SELF, childFlag, wid, vid, Math.min(INSTRUCTION_STEPS, s.steps.length)),
  workloads: INSTRUCTION_WORKLOADS,
};

/** --profile / --alloc / --instructions: every (workload, version) pair in its own child(ren), then that section of docs/perf.md. */
async function sectionAll<T>(kind: PairSection<T>, write: boolean, only?: readonly string[]): Promise<void> {
  const rows: T[] = [];
  const chosen = only ?? kind.workloads;
  for (const w of workloads().filter((x) => !chosen || chosen.includes(x.id))) {
    const s = validateScenario(variantDoc(w, 'as-is'), VERSION_IDS, w.id);
    for (const v of versionsFor(s)) {
      process.stderr.write(`bench: ${kind.doing} ${w.id} on ${v.id}\n`);
      if (kind.run) {
        rows.push(await kind.run(kind.childFlag, s, w.id, v.id));
        continue;
      }
      const r = spawnSync(process.execPath, [SELF, kind.childFlag, w.id, v.id], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`bench child ${kind.childFlag} ${w.id} ${v.id} failed: ${r.stderr}`);
      rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as T);
    }
  }
  const when = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, Node ${process.versions.node}`;
  const section = kind.render(rows, when);
  const path = join(DOCS_DIR, 'perf.md');
  if (write && existsSync(path)) {
    writeFileSync(path, kind.splice(readFileSync(path, 'utf8'), section));
    process.stderr.write(`bench: wrote ${kind.wrote} of docs/perf.md\n`);
  } else process.stdout.write(section + '\n');
}

async function childCli(args: string[]): Promise<void> {
  const { main } = await import('../cli.js');
  const code = await main(args);
  process.stderr.write(`\nVMX_BENCH_MAXRSS ${process.resourceUsage().maxRSS}\n`);
  process.exitCode = code;
}

function runChild<T = Measurement>(args: string[]): T {
  const r = spawnSync(process.execPath, [SELF, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

/** Wall time of `node bin/vmx.js <args>` with stdout to /dev/null, and (from a twin run) its peak RSS. */
function wholeProcess(args: string[], reps: number): WholeProcess {
  const devnull = openSync('/dev/null', 'w');
  const wall: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [VMX, ...args], { stdio: ['ignore', devnull, 'pipe'] });
      wall.push((performance.now() - t0) / 1000);
      if (r.status !== 0) throw new Error(`vmx ${args.join(' ')} failed: ${r.stderr}`);
    }
    const r = spawnSync(process.execPath, [SELF, '--child-cli', ...args], { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' });
    const rss = /VMX_BENCH_MAXRSS (\d+)/.exec(r.stderr ?? '');
    return { args: args.join(' '), wallS: wall, maxRssKiB: rss ? Number(rss[1]) : NaN };
  } finally {
    closeSync(devnull);
  }
}

/**
 * ns per iteration of a tight typed-array loop, wall and CPU: how busy the machine was. CPU time
 * stays near what an idle core does; wall time above it is time spent waiting for a core.
 */
function calibrate(): { wall: number; cpu: number } {
  const a = new Float64Array(1024);
  const n = 20_000_000;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) a[i & 1023] += i;
    const c = process.cpuUsage(c0);
    wall.push(((performance.now() - t0) * 1e6) / n);
    cpu.push(((c.user + c.system) * 1e3) / n);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

// ---- orchestration --------------------------------------------------------------------------

interface BenchOptions {
  /** Kernel git directories for the native builds (none: no native figures). */
  native: string[];
  oracleBuildDir?: string;
  versions?: string[];
  only?: string[];
  /** --only or --steps: time the per-call pairs only, print, write nothing. */
  short: boolean;
}

async function bench(quick: boolean, write: boolean, reps: number, bigReps: number, o: BenchOptions): Promise<void> {
  const say = (m: string) => process.stderr.write(m + '\n');
  if (quick) reps = bigReps = 1;
  onlyVersions = o.versions;
  const calibrationBefore = calibrate();
  const results: BenchResults = {
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    calibrationNs: [calibrationBefore],
    versions: VERSIONS.map((v) => v.id).filter((id) => !o.versions || o.versions.includes(id)),
    workloads: [],
    measurements: {},
    whole: {},
    linearity: {},
    x86: {},
    curves: [],
    reps,
    bigReps,
  };
  const ws = workloads().filter((w) => !o.only || o.only.includes(w.id));
  const tmp = mkdtempSync(join(tmpdir(), 'vmx-bench-'));
  try {
    // The native binaries and their inputs, for every workload at once (one tools/oracle run).
    let native: NativeTarget[] = [];
    if (o.native.length) {
      const files = ws.map((w) => {
        const f = join(tmp, `${w.id}.json`);
        writeFileSync(f, JSON.stringify(cut(w.doc())));
        return f;
      });
      native = prepareNative(o.native, files, join(tmp, 'native'), { versions: o.versions, buildDir: o.oracleBuildDir, say });
      results.native = { kernelDirs: o.native, pairs: {} };
    }
    for (const w of ws) {
      const s = validateScenario(cut(w.doc()), VERSION_IDS, w.id);
      results.workloads.push({ id: w.id, source: w.source + (process.env.VMX_BENCH_STEPS ? ` (first ${s.steps.length} steps only: a short run)` : ''), steps: s.steps.length, description: s.description ?? '', arch: s.machine.arch, ramMiB: s.machine.ramMiB });
      for (const v of versionsFor(s)) {
        const r = w.id === 'lbl-15000x20000' ? bigReps : reps;
        const t = native.find((x) => x.scenario === w.id && x.version === v.id);
        if (!t) {
          say(`bench: ${w.id} on ${v.id} (${r} runs)`);
          (results.measurements[w.id] ??= {})[v.id] = runChild(['--child-measure', w.id, v.id, String(r)]);
          continue;
        }
        // Pair by pair: a fresh vmx child (one timed run after its warm-up), then the native binary.
        say(`bench: ${w.id} on ${v.id}, vmx and native, ${r} pairs`);
        const pair: NativePair = { arch: t.arch, binary: t.fastBinary, fastSameAsNormal: fastSameAsNormal(t), vmx: [], native: [] };
        for (let i = 0; i < r; i++) {
          pair.vmx.push(runChild(['--child-measure', w.id, v.id, '1']));
          pair.native.push(runNative(t));
        }
        results.native!.pairs[w.id] ??= {};
        results.native!.pairs[w.id][v.id] = pair;
        const m = pair.vmx[0];
        (results.measurements[w.id] ??= {})[v.id] = { ...m, wallMs: pair.vmx.flatMap((x) => x.wallMs), cpuMs: pair.vmx.flatMap((x) => x.cpuMs), maxRssKiB: Math.max(...pair.vmx.map((x) => x.maxRssKiB)) };
      }
    }
    if (o.short) {
      results.calibrationNs.push(calibrate());
      process.stdout.write(renderNative(results) + '\n');
      writeFileSync(join(tmpdir(), 'vmx-bench-results.json'), JSON.stringify(results, null, 1));
      say(`bench: a short run (${o.only ? `workloads ${o.only.join(', ')}` : 'all workloads'}${process.env.VMX_BENCH_STEPS ? `, first ${process.env.VMX_BENCH_STEPS} steps` : ''}): docs/perf.md not written; results in ${join(tmpdir(), 'vmx-bench-results.json')}`);
      return;
    }

    // Whole process, --summary per version and --json over all versions, on the random mix file.
    const rm = ws.find((w) => w.id === 'random-mix-200k')!;
    let file = rm.file;
    if (!file) {
      file = join(tmp, 'random-mix-200k.json');
      writeFileSync(file, JSON.stringify(rm.doc(), null, 1));
    }
    const rmScenario = validateScenario(rm.doc(), VERSION_IDS, rm.id);
    for (const v of versionsFor(rmScenario)) {
      say(`bench: whole process --summary on ${v.id}`);
      results.whole[`summary ${v.id}`] = wholeProcess(['run', file, '--versions', v.id, '--summary'], reps);
    }
    say('bench: whole process --summary and --json, all versions');
    results.whole['summary all'] = wholeProcess(['run', file, '--summary'], reps);
    results.whole['json all'] = wholeProcess(['run', file, '--json'], reps);

    // Linearity: the generated random mix at 100k and 200k calls (the first 100k are the same
    // calls), alternately in one child per version (measureLinearity says why one), at least
    // LINEARITY_PAIRS pairs: a ratio of two medians of sub-second runs needs more than two.
    for (const v of versionsFor(rmScenario)) {
      say(`bench: linearity on ${v.id}`);
      results.linearity[v.id] = runChild<{ half: Measurement; full: Measurement }>(['--child-linearity', v.id, String(Math.max(reps, LINEARITY_PAIRS))]);
    }

    // x86_64 with 64 GiB: the random mix with its machine block rewritten.
    const x86doc = onX86_64(rm.doc() as Record<string, unknown>);
    const x86 = validateScenario(x86doc, VERSION_IDS, 'x86_64');
    const x86file = join(tmp, 'random-mix-200k-x86_64.json');
    writeFileSync(x86file, JSON.stringify(x86doc));
    for (const v of versionsFor(x86)) {
      say(`bench: x86_64 64 GiB on ${v.id}`);
      results.x86[v.id] = {
        run: runChild(['--child-measure', 'random-mix-200k', v.id, '1', 'x86_64-64GiB']),
        whole: wholeProcess(['run', x86file, '--versions', v.id, '--summary'], 1),
      };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // Cost curves (counts only, deterministic).
  const curves: Curve[] = [];
  for (const v of VERSIONS.filter((x) => x.arches.includes('i386') && (!onlyVersions || onlyVersions.includes(x.id)))) {
    say(`bench: cost curve of ${v.id}`);
    curves.push(costCurve(v, undefined, VERSION_IDS));
  }
  results.curves = curves.map((c) => ({ version: c.version, samples: sampleCurve(c) }));
  results.calibrationNs.push(calibrate());

  const svg = curvesSvg(curves);
  const md = renderReport(results, existsSync(join(DOCS_DIR, 'perf.md')) ? readFileSync(join(DOCS_DIR, 'perf.md'), 'utf8') : undefined);
  if (write) {
    writeFileSync(join(DOCS_DIR, 'perf-curves.svg'), svg);
    writeFileSync(join(DOCS_DIR, 'perf.md'), md);
    say('bench: wrote docs/perf.md and docs/perf-curves.svg');
  } else {
    process.stdout.write(md);
  }
  writeFileSync(join(tmpdir(), 'vmx-bench-results.json'), JSON.stringify(results, null, 1));
}

/** Curve values at a few populations, for the report's table. */
function sampleCurve(c: Curve): { live: number; alloc: number; free: number; maxAllocUpTo: number; purgesUpTo: number }[] {
  const at = [10, 100, 1000, 5000, 10000, 15000, 20000];
  const out = [];
  let max = 0;
  let purges = 0;
  let k = 0;
  for (const p of c.points) {
    max = Math.max(max, p.alloc);
    purges += p.purges;
    if (p.live === at[k]) {
      out.push({ live: p.live, alloc: p.alloc, free: p.free, maxAllocUpTo: max, purgesUpTo: purges });
      k++;
    }
  }
  return out;
}

async function mainBench(argv: string[]): Promise<void> {
  if (argv[0] === '--child-measure') return childMeasure(argv.slice(1));
  if (argv[0] === '--child-cli') return childCli(argv.slice(1));
  if (argv[0] === '--child-profile') return childProfile(argv.slice(1));
  if (argv[0] === '--child-alloc') return childAlloc(argv.slice(1));
  if (argv[0] === '--child-instructions') return childInstructions(argv.slice(1));
  if (argv[0] === '--child-linearity') return childLinearity(argv.slice(1));
  const num = (flag: string, dflt: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) throw new Error(`${flag} needs a value`);
    return argv[i + 1];
  };
  const native = argv.flatMap((a, i) => (a === '--native' ? [argv[i + 1]] : []));
  if (native.some((d) => d === undefined || d.startsWith('--'))) throw new Error('--native needs a kernel git directory');
  const list = (flag: string) => value(flag)?.split(',').map((x) => x.trim()).filter(Boolean);
  const only = list('--only');
  const known = workloads().map((w) => w.id);
  for (const id of only ?? []) if (!known.includes(id)) throw new Error(`--only: no workload ${id} (workloads: ${known.join(', ')})`);
  const versions = list('--versions');
  for (const id of versions ?? []) if (!VERSION_IDS.includes(id)) throw new Error(`--versions: ${id} is not registered (${VERSION_IDS.join(', ')})`);
  const steps = value('--steps');
  if (steps !== undefined) {
    if (!/^[1-9]\d*$/.test(steps)) throw new Error('--steps must be a positive integer');
    process.env.VMX_BENCH_STEPS = steps; // the children inherit it
  }
  const section = argv.includes('--profile') ? PROFILE_SECTION : argv.includes('--alloc') ? ALLOC_SECTION : argv.includes('--instructions') ? INSTRUCTIONS_SECTION : undefined;
  if (section) {
    onlyVersions = versions;
    return sectionAll(section as PairSection<unknown>, !argv.includes('--no-write'), only);
  }
  await bench(argv.includes('--quick'), !argv.includes('--no-write'), num('--reps', 3), num('--big-reps', 1), {
    native,
    oracleBuildDir: value('--oracle-build-dir'),
    versions,
    only,
    short: only !== undefined || steps !== undefined,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  raiseInliningBudget(); // the budget `vmx run` replays with, in the bench and in all its children
  mainBench(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
