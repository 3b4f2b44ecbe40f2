/**
 * Building the oracle binaries: each version's kernel files (already found and blob-checked by
 * sources.ts) are written under BUILD/src/<version>/ and compiled with gcc against the stub headers
 * in tools/oracle/c/stubs, one binary per version and arch: BUILD/bin/<version>-<arch>. A binary is
 * rebuilt only when its inputs change (the C of tools/oracle/c, the kernel blobs, the flags, gcc).
 */
import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { ResolvedSource } from './sources.js';
import { hasIoremap, ptLevels, type OracleArch, type OracleVersion } from './versions.js';

const run = promisify(execFile);

/** tools/oracle/c: the driver, the stub machine, the stub headers (all ours, no kernel source). */
export const C_DIR = existsSync(join(import.meta.dirname, 'c', 'driver.c'))
  ? join(import.meta.dirname, 'c') // run from the sources (vitest)
  : join(import.meta.dirname, '..', '..', '..', 'tools', 'oracle', 'c'); // run from dist/tools/oracle
export const DEFAULT_BUILD_DIR = join(tmpdir(), 'vmx-oracle');

export class BuildError extends Error {}

/** Per-unit flags (in the cache key: a change rebuilds). */
const UNIT_FLAGS = { driver: ['-fno-optimize-sibling-calls'], ioremap: ['-fno-optimize-sibling-calls'] };
const CFLAGS = ['-O2', '-g', '-w', '-fno-strict-aliasing', '-fno-delete-null-pointer-checks', '-fwrapv'];

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out.sort();
}

/** The C directory's contents as one digest (any edit to the stub machine rebuilds every binary). */
function toolDigest(): string {
  const h = createHash('sha256');
  for (const p of filesUnder(C_DIR)) h.update(relative(C_DIR, p)).update('\0').update(readFileSync(p)).update('\0');
  return h.digest('hex');
}

function gccVersion(): string {
  try {
    return execFileSync('gcc', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    throw new BuildError('gcc not found (apt-get install gcc-multilib)');
  }
}

/** Whether gcc can link a program for this word size (-m32 needs gcc-multilib). */
export function gccCanBuild(m: '-m32' | '-m64'): boolean {
  const dir = join(tmpdir(), `vmx-oracle-probe-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'p.c'), 'int main(void) { return 0; }\n');
    execFileSync('gcc', [m, join(dir, 'p.c'), '-o', join(dir, 'p')], { stdio: 'ignore' });
    execFileSync(join(dir, 'p'), { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const wordFlag = (arch: OracleArch): '-m32' | '-m64' => (arch === 'x86_64' ? '-m64' : '-m32');

export interface BuildTarget {
  source: ResolvedSource;
  arch: OracleArch;
  /**
   * The timing build (`<version>-<arch>-fast`, -DORACLE_FAST as ../shared/oracle/build.sh
   * ORACLE_FAST=1 makes it): fresh pages are not zeroed, so a run is the kernel code's own cost.
   */
  fast?: boolean;
}

export interface Built {
  name: string;
  binary: string;
  cached: boolean;
}

function defines(v: OracleVersion, arch: OracleArch): string[] {
  return [
    '-D' + v.define,
    '-DORACLE_' + v.family.toUpperCase(),
    '-DORACLE_PT_LEVELS=' + ptLevels(v, arch),
    // BUG()'s __FILE__: 2.4's kbuild compiled inside mm/, 2.6's from the top
    `-DORACLE_VFILE="${v.family === 'v24' ? 'vmalloc.c' : 'mm/vmalloc.c'}"`,
  ];
}

export class ExtractError extends Error {}

/**
 * The definition of function `name` in C source text: from the line that begins its declarator (at
 * column 0, not a prototype) to the first `}` at column 0 after it. Returns the first line's number too.
 */
export function extractFunction(text: string, name: string): { line: number; code: string } {
  // `name@N`: the N-th definition in the file (another #ifdef branch's), 1 by default
  const at = name.indexOf('@');
  let skip = at < 0 ? 0 : Number(name.slice(at + 1)) - 1;
  if (at >= 0) name = name.slice(0, at);
  const lines = text.split('\n');
  const head = new RegExp(`^[A-Za-z_][^;#]*\\b${name.replace(/[$]/g, '\\$&')}\\s*\\(`);
  for (let i = 0; i < lines.length; i++) {
    if (!head.test(lines[i])) continue;
    // A prototype ends in ';' before any '{'; a definition opens its body with a '{' line or line end.
    let j = i;
    while (j < lines.length && !/[;{]\s*$/.test(lines[j]) && lines[j] !== '{') j++;
    if (j >= lines.length || /;\s*$/.test(lines[j])) continue;
    let k = j;
    while (k < lines.length && lines[k] !== '}') k++;
    if (k >= lines.length) break;
    if (skip-- > 0) {
      i = k;
      continue;
    }
    return { line: i + 1, code: lines.slice(i, k + 1).join('\n') };
  }
  throw new ExtractError(`no definition of ${name}()`);
}

/**
 * oracle_memory.c (unit 'memory') or oracle_ioremap.c (unit 'ioremap'): the listed functions of each
 * `extract` file of that unit, unmodified, in the file's order, with #line; files in the version's order.
 */
export function extractedSource(src: ResolvedSource, unit: 'memory' | 'ioremap' = 'memory', arch?: OracleArch): string | undefined {
  const parts: string[] = [];
  for (const file of src.version.files) {
    if (!file.extract || (file.unit ?? 'memory') !== unit) continue;
    if (arch && file.arches && !file.arches.includes(arch)) continue;
    const text = src.contents.get(file.path)!.toString('latin1');
    const fns = file.extract.map((n) => {
      try {
        return extractFunction(text, n);
      } catch (e) {
        throw new BuildError(`${src.version.id}: ${file.path} (blob ${file.blob.slice(0, 12)}): ${(e as Error).message}`);
      }
    });
    fns.sort((a, b) => a.line - b.line);
    parts.push(`/* ${file.path} blob ${file.blob}: ${file.extract.join(', ')} (extracted by tools/oracle/build.ts) */`);
    for (const fn of fns) parts.push(`#line ${fn.line} "${file.path}"\n${fn.code}`);
  }
  return parts.length ? parts.join('\n') + '\n' : undefined;
}

/** Write a version's kernel files under BUILD/src/<version>/ (rewritten only when different). */
function writeSources(buildDir: string, src: ResolvedSource, arch: OracleArch): string {
  const top = join(buildDir, 'src', src.version.id);
  const files = [...src.contents];
  for (const unit of ['memory', 'ioremap'] as const) {
    // per arch where the unit's files differ by arch (oracle_ioremap-<arch>.c)
    const extracted = extractedSource(src, unit, arch);
    if (extracted) files.push([unit === 'ioremap' ? `oracle_ioremap-${arch}.c` : `oracle_${unit}.c`, Buffer.from(extracted, 'latin1')]);
  }
  for (const [path, buf] of files) {
    const p = join(top, path);
    if (existsSync(p) && readFileSync(p).equals(buf)) continue;
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, buf);
  }
  return top;
}

async function buildOne(buildDir: string, t: BuildTarget, tool: string, gcc: string): Promise<Built> {
  const v = t.source.version;
  const name = `${v.id}-${t.arch}${t.fast ? '-fast' : ''}`;
  const bin = join(buildDir, 'bin', name);
  const m = wordFlag(t.arch);
  const ioremap = hasIoremap(v, t.arch);
  const defs = [...defines(v, t.arch), ...(t.fast ? ['-DORACLE_FAST'] : []), ...(ioremap ? ['-DORACLE_IOREMAP', `-DORACLE_IOREMAP_SRC="oracle_ioremap-${t.arch}.c"`] : [])];
  const key = createHash('sha256')
    .update(JSON.stringify({ tool, gcc, m, CFLAGS, defs, blobs: v.files.map((f) => f.blob), units: UNIT_FLAGS }))
    .digest('hex');
  const stamp = bin + '.key';
  const top = writeSources(buildDir, t.source, t.arch);
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return { name, binary: bin, cached: true };
  rmSync(stamp, { force: true });
  const objDir = join(buildDir, 'obj', name);
  mkdirSync(objDir, { recursive: true });
  mkdirSync(join(buildDir, 'bin'), { recursive: true });
  const inc = ['-I' + join(C_DIR, 'stubs', v.family), '-I' + join(C_DIR, 'stubs', 'common'), '-I' + join(top, 'include'), '-I' + top];
  const units: [string, string[]][] = ['kernel_tu.c', 'oracle_rt.c', 'driver.c'].map((c) => [join(C_DIR, c), UNIT_FLAGS.driver]);
  if (t.source.contents.has('lib/rbtree.c')) units.push([join(top, 'lib', 'rbtree.c'), []]);
  if (existsSync(join(top, 'oracle_memory.c'))) units.push([join(C_DIR, 'memory_tu.c'), []]);
  // the caller ioremap_nocache records (__builtin_return_address) must be inside drv_ioremap*, not a tail call's caller
  if (ioremap) units.push([join(C_DIR, 'ioremap_tu.c'), UNIT_FLAGS.ioremap]);
  const objs: string[] = [];
  for (const [c, extra] of units) {
    const o = join(objDir, c.split('/').pop()!.replace(/\.c$/, '.o'));
    try {
      await run('gcc', [m, ...CFLAGS, ...extra, ...inc, ...defs, '-c', c, '-o', o], { maxBuffer: 16 << 20 });
    } catch (e) {
      throw new BuildError(`${name}: gcc ${m} -c ${c} failed: ${String((e as { stderr?: string }).stderr ?? e).trim().split('\n').slice(0, 5).join(' | ')}`);
    }
    objs.push(o);
  }
  try {
    await run('gcc', [m, '-rdynamic', ...objs, '-o', bin, '-ldl'], { maxBuffer: 16 << 20 });
  } catch (e) {
    throw new BuildError(`${name}: link failed: ${String((e as { stderr?: string }).stderr ?? e).trim().split('\n').slice(0, 5).join(' | ')}`);
  }
  writeFileSync(stamp, key);
  return { name, binary: bin, cached: false };
}

/** Build (or reuse) every target, at most `jobs` at a time; reports each as it is done. */
export async function buildAll(buildDir: string, targets: readonly BuildTarget[], jobs: number, onBuilt: (b: Built) => void): Promise<Map<string, Built>> {
  if (existsSync(buildDir) && !statSync(buildDir).isDirectory()) throw new BuildError(`--build-dir ${buildDir}: not a directory`);
  mkdirSync(buildDir, { recursive: true });
  const tool = toolDigest();
  const gcc = gccVersion();
  const out = new Map<string, Built>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const t = targets[next++];
      const b = await buildOne(buildDir, t, tool, gcc);
      out.set(b.name, b);
      onBuilt(b);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, targets.length)) }, worker));
  return out;
}
