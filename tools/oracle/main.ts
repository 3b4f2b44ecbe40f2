/**
 * npm run oracle -- --kernel-git DIR [--kernel-git DIR2 ...] [--versions a,b] [--arch A]
 *                   [--build-dir DIR] [--write-expected OUT] SCENARIO.json ...
 *
 * Builds each requested version's real mm/vmalloc.c from the kernel directories given (cached in
 * the build directory), runs every scenario on it and on vmx, and prints per scenario and version
 * "identical" or the first difference. Exit 0 all compared results identical, 1 a difference,
 * 2 bad usage (one line on stderr, nothing on stdout), 3 the oracle could not be built or run.
 * See tools/oracle/README.md.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAll, BuildError, C_DIR, DEFAULT_BUILD_DIR, gccCanBuild, wordFlag, type BuildTarget } from './build.js';
import { firstDifference, formatDifference } from './compare.js';
import { driverInput, limitations, OracleRunError, runOracle, type OracleScenario, type OracleVersionResult } from './run.js';
import { openKernelDir, resolveVersion, SourceError, type KernelDir, type ResolvedSource } from './sources.js';
import { ORACLE_ARCHES, ORACLE_VERSIONS, hasIoremap, oracleVersion, type OracleArch } from './versions.js';
import { isScenarioError, loadVmxScenario, runVmx, vmxArches, vmxVersionIds, type Scenario } from './vmx.js';

export const USAGE = `usage: npm run oracle -- --kernel-git DIR [--kernel-git DIR ...] [options] SCENARIO.json ...
  --kernel-git DIR      a kernel git directory (bare, or a work tree's top); repeat for several
  --kernel-src DIR      a plain kernel source tree (repeatable); each version is looked up in every
                        directory given, in order, by its refs and recorded blob ids (VERSIONS.md)
  --versions a,b        versions to run (default: the scenario's "versions", else every version vmx
                        registers that has the scenario's arch)
  --arch A              run on this arch instead of the scenario's machine.arch (i386, i386-pae, x86_64)
  --build-dir DIR       where kernel files and binaries are cached (default ${DEFAULT_BUILD_DIR})
  --write-expected OUT  write the oracle's result document: a file for one scenario, a directory
                        (NAME.expected.json each) for several
  --jobs N              gcc builds at a time (default 2)
  --timing DIR          for the bench (npm run bench -- --native): also build the -fast timing
                        binaries, write each scenario's driver input per version into DIR, and print
                        one JSON line per scenario, version and arch (binary, fastBinary, input)
                        instead of comparing
exit: 0 identical, 1 a difference, 2 bad usage, 3 the oracle could not be built or run
`;

class Usage extends Error {}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

interface Job {
  file: string;
  /** NAME of NAME.scenario.json (or of NAME.json). */
  stem: string;
  scenario: Scenario;
  versions: string[];
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'kernel-git': { type: 'string', multiple: true },
        'kernel-src': { type: 'string', multiple: true },
        versions: { type: 'string' },
        arch: { type: 'string' },
        'build-dir': { type: 'string' },
        'write-expected': { type: 'string' },
        jobs: { type: 'string' },
        timing: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new Usage((e as Error).message.split('\n')[0]);
  }
}

const stemOf = (file: string): string => basename(file).replace(/\.scenario\.json$/, '').replace(/\.json$/, '');

/** The run, from parsed arguments to the exit code. Everything that can be bad usage is checked before any output. */
async function oracle(argv: readonly string[], io: Io): Promise<number> {
  const { values: o, positionals } = parse(argv);
  if (o.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new Usage('no scenario given (npm run oracle -- --help)');
  const dirs: KernelDir[] = [];
  try {
    for (const d of o['kernel-git'] ?? []) dirs.push(openKernelDir(d, 'git'));
    for (const d of o['kernel-src'] ?? []) dirs.push(openKernelDir(d, 'tree'));
  } catch (e) {
    if (e instanceof SourceError) throw new Usage(e.message);
    throw e;
  }
  if (dirs.length === 0) throw new Usage('give the kernel sources with --kernel-git DIR (or --kernel-src DIR)');
  let requested: string[] | undefined;
  if (o.versions !== undefined) {
    requested = [...new Set(o.versions.split(',').map((x) => x.trim()))];
    if (requested.length === 0 || requested.some((x) => !x)) throw new Usage(`--versions "${o.versions}": give version ids separated by commas`);
    for (const id of requested) {
      if (!oracleVersion(id)) throw new Usage(`--versions: the oracle cannot build ${id} (it builds ${ORACLE_VERSIONS.map((v) => v.id).join(', ')})`);
    }
  }
  const arch = o.arch as OracleArch | undefined;
  if (arch !== undefined && !ORACLE_ARCHES.includes(arch)) throw new Usage(`--arch ${o.arch}: one of ${ORACLE_ARCHES.join(', ')}`);
  const jobs = o.jobs === undefined ? 2 : Number(o.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new Usage(`--jobs ${o.jobs}: a whole number from 1 to 64`);
  const buildDir = resolve(o['build-dir'] ?? DEFAULT_BUILD_DIR);
  if (existsSync(buildDir) && !statSync(buildDir).isDirectory()) throw new Usage(`--build-dir ${o['build-dir']}: not a directory`);
  const repo = resolve(C_DIR, '..', '..', '..');
  if (buildDir === repo || buildDir.startsWith(repo + '/')) throw new Usage(`--build-dir ${o['build-dir']}: inside the repository (${repo}); kernel source stays out of it`);
  const timing = o.timing === undefined ? undefined : resolve(o.timing);
  if (timing !== undefined && o['write-expected'] !== undefined) throw new Usage('--timing writes driver inputs, not expected results; give one of them');
  const out = o['write-expected'];
  const outIsDir = out !== undefined && (positionals.length > 1 || out.endsWith('/') || (existsSync(out) && statSync(out).isDirectory()));
  if (out !== undefined && arch !== undefined) throw new Usage('--write-expected records the scenario as written; it does not go with --arch');
  if (out !== undefined && !outIsDir && existsSync(out) && !statSync(out).isFile()) throw new Usage(`--write-expected ${out}: not a file`);
  if (out !== undefined && !outIsDir && !existsSync(dirname(resolve(out)))) throw new Usage(`--write-expected ${out}: no directory ${dirname(out)}`);
  if (out !== undefined && outIsDir && existsSync(out) && !statSync(out).isDirectory()) throw new Usage(`--write-expected ${out}: not a directory (several scenarios write NAME.expected.json each)`);

  // Scenarios: vmx's own validation, which expands generators into plain steps.
  const known = [...new Set([...vmxVersionIds, ...ORACLE_VERSIONS.map((v) => v.id)])];
  const notes: string[] = [];
  const jobsList: Job[] = [];
  for (const file of positionals) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Usage(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let s: Scenario;
    try {
      s = loadVmxScenario(text, known, file);
    } catch (e) {
      if (isScenarioError(e)) throw new Usage(e.message);
      throw e;
    }
    if (arch) s = { ...s, machine: { ...s.machine, arch } };
    const a = s.machine.arch;
    let ids = requested ?? s.versions;
    if (!ids) {
      const mine = vmxVersionIds.filter((id) => (vmxArches(id) ?? []).includes(a));
      for (const id of mine) if (!oracleVersion(id)) notes.push(`${stemOf(file)}: vmx's ${id} is not a version the oracle builds: skipped`);
      ids = mine.filter((id) => oracleVersion(id));
    }
    const kept: string[] = [];
    for (const id of ids) {
      const ov = oracleVersion(id);
      if (!ov) throw new Usage(`${file}: the oracle cannot build ${id} (it builds ${ORACLE_VERSIONS.map((v) => v.id).join(', ')})`);
      if (!ov.arches.includes(a as OracleArch)) {
        notes.push(`${stemOf(file)}: ${id} has no ${a} build (it has ${ov.arches.join(', ')}): skipped`);
        continue;
      }
      kept.push(id);
    }
    if (kept.length === 0) throw new Usage(`${file}: none of ${ids.join(', ')} has a ${a} build`);
    const ioremapless = kept.filter((id) => !hasIoremap(oracleVersion(id)!));
    for (const l of limitations(s as unknown as OracleScenario, ioremapless)) notes.push(`${stemOf(file)}: ${l}`);
    jobsList.push({ file, stem: stemOf(file), scenario: s, versions: kept });
  }
  const stems = jobsList.map((j) => j.stem);
  if (outIsDir && new Set(stems).size !== stems.length) throw new Usage('--write-expected DIR: two scenarios have the same file name');

  // Sources: every needed version in the directories given, blob ids checked.
  const needed = ORACLE_VERSIONS.filter((v) => jobsList.some((j) => j.versions.includes(v.id)));
  const sources = new Map<string, ResolvedSource>();
  for (const v of needed) {
    const refused: string[] = [];
    const r = resolveVersion(v, dirs, refused);
    if (!r) {
      const why = refused.length ? refused.join('; ') : `no ${v.refs.join(' / ')} in ${dirs.map((d) => d.given).join(', ')}`;
      throw new Usage(`${v.id}: not found (mm/vmalloc.c blob ${v.files[0].blob.slice(0, 12)}, from ${v.mirror}): ${why}`);
    }
    sources.set(v.id, r);
  }
  const targets: BuildTarget[] = [];
  for (const v of needed) {
    for (const a of ORACLE_ARCHES) {
      if (jobsList.some((j) => j.versions.includes(v.id) && j.scenario.machine.arch === a)) {
        targets.push({ source: sources.get(v.id)!, arch: a });
        if (timing !== undefined) targets.push({ source: sources.get(v.id)!, arch: a, fast: true });
      }
    }
  }
  for (const m of new Set(targets.map((t) => wordFlag(t.arch)))) {
    if (!gccCanBuild(m)) {
      io.err(`oracle: gcc ${m} cannot build a program here (${m === '-m32' ? 'apt-get install gcc-multilib' : 'apt-get install gcc'})\n`);
      return 3;
    }
  }

  // From here on: output.
  io.out(`oracle: build dir ${buildDir}\n`);
  io.out('BLOBS (version, file, git blob id, where, ref = commit)\n');
  const blobLines: string[] = [];
  for (const v of needed) {
    const r = sources.get(v.id)!;
    const where = r.dir.kind === 'git' ? `${r.dir.path} @ ${r.ref} = ${r.commit}` : `${r.dir.path} (source tree)`;
    for (const f of v.files) blobLines.push(`${v.id} ${f.path} ${f.blob} ${where}`);
  }
  io.out(blobLines.map((l) => `  ${l}\n`).join(''));
  for (const n of notes) io.out(`note: ${n}\n`);
  try {
    mkdirSync(buildDir, { recursive: true });
    const built = await buildAll(buildDir, targets, jobs, (b) => io.out(`${b.cached ? 'cached' : 'built '} ${b.binary}\n`));
    writeFileSync(join(buildDir, 'BLOBS'), blobLines.join('\n') + '\n');
    if (timing !== undefined) {
      mkdirSync(timing, { recursive: true });
      for (const j of jobsList) {
        const a = j.scenario.machine.arch;
        for (const id of j.versions) {
          const input = join(timing, `${j.stem}.${id}-${a}.in`);
          writeFileSync(input, driverInput(j.scenario as unknown as OracleScenario, id));
          io.out(JSON.stringify({ scenario: j.stem, version: id, arch: a, binary: built.get(`${id}-${a}`)!.binary, fastBinary: built.get(`${id}-${a}-fast`)!.binary, input }) + '\n');
        }
      }
      return 0;
    }
    let identical = 0;
    let different = 0;
    let uncompared = 0;
    if (outIsDir) mkdirSync(out!, { recursive: true });
    for (const j of jobsList) {
      const results: OracleVersionResult[] = [];
      const a = j.scenario.machine.arch;
      for (const id of j.versions) {
        const r = runOracle(built.get(`${id}-${a}`)!.binary, j.scenario as unknown as OracleScenario, id);
        results.push(r);
        const label = `${j.stem} ${id} ${a}`;
        if (!(vmxArches(id) ?? []).includes(a)) {
          uncompared++;
          io.out(`${label}: not compared (${vmxArches(id) ? `vmx's ${id} has no ${a}` : `${id} is not registered in vmx`}; oracle result only)\n`);
          continue;
        }
        const d = firstDifference(r, runVmx(j.scenario, id));
        if (d) {
          different++;
          io.out(`${label}: ${formatDifference(d)}\n`);
        } else {
          identical++;
          io.out(`${label}: identical (${r.steps.length} steps)\n`);
        }
      }
      if (out !== undefined) {
        const path = outIsDir ? join(out, `${j.stem}.expected.json`) : out;
        writeFileSync(path, JSON.stringify({ scenario: j.scenario.name, results }, null, 1) + '\n');
        io.out(`wrote ${path}\n`);
      }
    }
    io.out(`${jobsList.length} scenario(s): ${identical} identical, ${different} different, ${uncompared} not compared\n`);
    return different ? 1 : 0;
  } catch (e) {
    if (e instanceof BuildError || e instanceof OracleRunError) {
      io.err(`oracle: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
}

/** The command: bad usage is one line on stderr and exit 2, with nothing on stdout. */
export async function oracleMain(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await oracle(argv, io);
  } catch (e) {
    if (e instanceof Usage) {
      io.err(`oracle: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    throw e;
  }
}
