/**
 * `npm run bench -- --native DIR` (issue 20): the real C of each version, built by tools/oracle as
 * its `-fast` timing binary (-DORACLE_FAST, as ../shared/oracle/build.sh ORACLE_FAST=1), timed in
 * the same run as vmx. tools/oracle is a separate program (it imports vmx, not the other way), so
 * the bench compiles it and runs `dist/tools/oracle/cli.js --timing DIR`, which builds (or finds
 * in its cache) the binaries, writes each workload's driver input per version, and prints one JSON
 * line per workload and version. Each native run is `ORACLE_QUIET=1 ORACLE_TIMES=1 binary input`:
 * its last stderr line gives the kernel calls and the seconds spent inside them (CLOCK_MONOTONIC
 * around each call, tools/oracle/c/driver.c), the figure ../shared/bench/README.md reports.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';

export interface NativeTarget {
  /** The workload id (the scenario file's stem). */
  scenario: string;
  version: string;
  arch: string;
  binary: string;
  fastBinary: string;
  input: string;
}

export interface NativeRun {
  calls: number;
  /** Seconds inside the kernel calls. */
  callSeconds: number;
  /** Wall seconds of the whole native process, as the parent saw it. */
  processSeconds: number;
}

/**
 * Build (or find) the timing binaries for these scenario files and write their driver inputs into
 * `inputDir`. `kernelDirs` are kernel git directories (tools/oracle --kernel-git); `versions`
 * restricts the versions (default: tools/oracle's, every registered version with the arch).
 */
export function prepareNative(kernelDirs: readonly string[], files: readonly string[], inputDir: string, opts: { versions?: readonly string[]; buildDir?: string; say?: (m: string) => void } = {}): NativeTarget[] {
  const tsc = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PACKAGE_ROOT, 'tools', 'oracle', 'tsconfig.json')], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`bench --native: compiling tools/oracle failed: ${(tsc.stdout + tsc.stderr).trim().split('\n').slice(0, 5).join(' | ')}`);
  const args = [join(PACKAGE_ROOT, 'dist', 'tools', 'oracle', 'cli.js'), ...kernelDirs.flatMap((d) => ['--kernel-git', d]), '--timing', inputDir];
  if (opts.versions) args.push('--versions', opts.versions.join(','));
  if (opts.buildDir) args.push('--build-dir', opts.buildDir);
  const r = spawnSync(process.execPath, [...args, ...files], { cwd: PACKAGE_ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench --native: tools/oracle exit ${r.status}: ${r.stderr.trim() || r.stdout.trim().split('\n').slice(-3).join(' | ')}`);
  const targets: NativeTarget[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('{')) targets.push(JSON.parse(line) as NativeTarget);
    else if (/^(built|cached|note:)/.test(line)) opts.say?.(`bench: oracle ${line}`);
  }
  return targets;
}

const ENV = { ...process.env, ORACLE_QUIET: '1', ORACLE_TIMES: '1' };

/** One timed run of the -fast binary. */
export function runNative(t: NativeTarget): NativeRun {
  const t0 = performance.now();
  const p = spawnSync(t.fastBinary, [t.input], { encoding: 'utf8', env: ENV, maxBuffer: 1 << 28 });
  const processSeconds = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`bench --native: ${t.fastBinary} ${t.input}: exit ${p.status ?? p.signal}: ${(p.stderr ?? '').trim().slice(0, 300)}`);
  const d = JSON.parse((p.stderr ?? '').trim().split('\n').pop()!) as { calls: number; callSeconds: number };
  return { calls: d.calls, callSeconds: d.callSeconds, processSeconds };
}

/** Whether the timing build prints what the normal build prints on this input, every step and the final state (../shared/oracle/bench.py checks the same). */
export function fastSameAsNormal(t: NativeTarget): boolean {
  const out = (bin: string) => spawnSync(bin, [t.input], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  return out(t.binary) === out(t.fastBinary);
}
