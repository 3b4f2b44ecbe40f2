/**
 * src/jit-tuning.ts: the V8 flags it sets are flags this Node knows (setFlagsFromString ignores a
 * name it does not know, so a typo would silently do nothing), and both Node entry points import
 * it before anything else, so that no hot function is compiled under the default budget.
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

  it('is the first import of the CLI and of the bench', () => {
    for (const [file, spec] of [
      ['src/cli.ts', './jit-tuning.js'],
      ['src/bench/main.ts', '../jit-tuning.js'],
    ]) {
      const firstImport = readFileSync(join(ROOT, file), 'utf8').match(/^import\s[^;]*;/m)?.[0];
      expect({ file, firstImport }).toEqual({ file, firstImport: `import '${spec}';` });
    }
  });
});
