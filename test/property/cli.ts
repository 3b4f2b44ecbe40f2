/**
 * Running the built CLI from tests, as a user would: `node bin/vmx.js …` after a build.
 *
 * The build goes to a private copy, dist/.test-<vitest pid>/, with bin/vmx.js beside it (the same
 * file, importing that copy), because dist/ itself may be rebuilt by someone else while the tests
 * run (a shared working tree) and a half-written dist/ would fail the tests for no fault of the
 * code. Vitest runs test files in parallel workers: the first one builds under a lock, the others
 * find the stamp. Copies left by earlier runs whose vitest process is gone are removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const RUN_ID = String(process.ppid);
const OUT = join(ROOT, 'dist', `.test-${RUN_ID}`);
const LOCK = `${OUT}.lock`;
const STAMP = join(OUT, '.built');
const ENTRY = join(OUT, 'bin', 'vmx.js');

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function removeStaleCopies(): void {
  for (const name of readdirSync(join(ROOT, 'dist'))) {
    const m = /^\.test-(\d+)$/.exec(name);
    if (m && m[1] !== RUN_ID && !alive(Number(m[1]))) rmSync(join(ROOT, 'dist', name), { recursive: true, force: true });
  }
}

/** Build once per vitest run (type errors in work in progress elsewhere do not stop tsc's emit). */
export function buildOnce(): void {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    if (existsSync(STAMP)) return;
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (waited > 300_000) throw new Error(`timed out waiting for another worker to build ${OUT}`);
      sleep(200);
    }
  }
  try {
    if (existsSync(STAMP)) return;
    removeStaleCopies();
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json'), '--outDir', OUT], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(join(OUT, 'src', 'cli.js'))) throw new Error(`tsc did not produce ${join(OUT, 'src', 'cli.js')}`);
    mkdirSync(join(OUT, 'bin'), { recursive: true });
    const entry = readFileSync(join(ROOT, 'bin', 'vmx.js'), 'utf8');
    if (!entry.includes('../dist/src/cli.js')) throw new Error('bin/vmx.js no longer imports ../dist/src/cli.js; update test/property/cli.ts');
    writeFileSync(ENTRY, entry.replace('../dist/src/cli.js', '../src/cli.js'));
    writeFileSync(STAMP, RUN_ID);
  } finally {
    rmdirSync(LOCK);
  }
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

/** The private build's bin/vmx.js (for tests that run it some other way, e.g. under script(1) for a terminal). */
export const VMX_ENTRY = ENTRY;
/** The private build's root (its src/ and versions/ as compiled JavaScript). */
export const BUILT = OUT;

/** Run `node bin/vmx.js args…` (the private build) with a time limit: a hang is a failure, not a stuck test. */
export function vmx(args: readonly string[], timeoutMs = 60_000, env?: NodeJS.ProcessEnv): CliResult {
  const r = spawnSync(process.execPath, [ENTRY, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 30, env: env ?? process.env });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', signal: r.signal };
}
