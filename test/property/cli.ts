/**
 * Running the built CLI from tests: `node bin/vmx.js …` as a user would, after one build per
 * test run (vitest runs test files in parallel workers, so the build takes a lock and leaves a
 * stamp naming the vitest process; later workers of the same run skip it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const LOCK = join(ROOT, 'dist', '.test-build.lock');
const STAMP = join(ROOT, 'dist', '.test-build.stamp');

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Build dist/ once per vitest run (type errors in work in progress elsewhere do not stop the emit). */
export function buildOnce(): void {
  const runId = String(process.ppid);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === runId) return;
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (waited > 180_000) throw new Error('timed out waiting for another worker to build dist/');
      sleep(200);
    }
  }
  try {
    if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === runId) return;
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) throw new Error('tsc did not produce dist/src/cli.js');
    writeFileSync(STAMP, runId);
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

/** Run `node bin/vmx.js args…` with a time limit (a hang is a failure, not a stuck test). */
export function vmx(args: readonly string[], timeoutMs = 60_000): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'vmx.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', signal: r.signal };
}
