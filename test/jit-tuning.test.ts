/**
 * src/jit-tuning.ts: the V8 flags it sets are flags this Node knows (setFlagsFromString ignores a
 * name it does not know, so a typo would silently do nothing), and `vmx run` and the bench raise
 * the budget before they boot a kernel.
 * Run: npx vitest run test/jit-tuning.test.ts
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JIT_FLAGS } from '../src/jit-tuning.js';

const ROOT = resolve(__dirname, '..');
const nodeAccepts = (flag: string) => spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' }).status === 0;

describe('jit-tuning', () => {
  it('sets flags that node accepts on its command line (and node refuses a made-up one)', () => {
    expect(JIT_FLAGS.length).toBeGreaterThan(0);
    for (const f of JIT_FLAGS) expect({ f, accepted: nodeAccepts(f) }).toEqual({ f, accepted: true });
    expect(nodeAccepts('--max-inlined-bytecode-size-cumulativ=4000')).toBe(false);
  });

  it('is raised by vmx run before its first boot, and by the bench before it does anything', () => {
    const run = readFileSync(join(ROOT, 'src/cli/run.ts'), 'utf8');
    const cmdRun = run.slice(run.indexOf('export async function cmdRun'));
    expect(cmdRun.indexOf('raiseInliningBudget()')).toBeGreaterThan(0);
    expect(cmdRun.indexOf('raiseInliningBudget()')).toBeLessThan(cmdRun.search(/loadScenario|bootVersion|runScenario/));
    const bench = readFileSync(join(ROOT, 'src/bench/main.ts'), 'utf8');
    const entry = bench.slice(bench.lastIndexOf('if (process.argv[1]'));
    expect(entry.indexOf('raiseInliningBudget()')).toBeGreaterThan(0);
    expect(entry.indexOf('raiseInliningBudget()')).toBeLessThan(entry.indexOf('mainBench('));
  });
});
