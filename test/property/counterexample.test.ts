/**
 * The counterexample helper: a failing sequence becomes a scenario file the CLI accepts, and
 * replaying it reproduces the run that failed. Run: npx vitest run test/property/counterexample.test.ts
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseScenario } from '../../src/harness/scenario.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';
import { build, resultText, saveCounterexample, type Built, type Cmd } from './model.js';

it('saves a built sequence as a valid scenario that replays to the same results', () => {
  const v = findVersion('2.4.19')!;
  const cmds: Cmd[] = [
    { k: 'alloc', op: 'vmalloc', size: 5000 },
    { k: 'write', pick: 0, at: 0.5, bytes: [1, 2, 3] },
    { k: 'read', pick: 0, at: 0.5, len: 3 },
    { k: 'free', pick: 0 },
  ];
  const out: Partial<Built> = {};
  const built = build(v, { arch: 'i386', ramMiB: 32, cpus: 1 }, cmds, 'legal', out);
  const path = saveCounterexample(out, 'test of the helper', 4242, VERSION_IDS);
  try {
    expect(path).toMatch(/test\/property\/counterexamples\/property-legal-2\.4\.19-i386-seed-4242\.json$/);
    const s = parseScenario(readFileSync(path, 'utf8'), VERSION_IDS, path);
    expect(s.steps.map((x) => x.op)).toEqual(['vmalloc', 'vwrite', 'vread', 'vfree']);
    expect(s.description).toContain('fast-check seed 4242');
    const results = (sc: typeof s) => JSON.parse(resultText(v, sc)).results;
    expect(results(s)).toEqual(results(built.scenario));
    expect(results(s)[0].steps[2]).toMatchObject({ op: 'vread', ok: true, count: 3, data: '010203' });
  } finally {
    rmSync(path);
  }
  expect(existsSync(path)).toBe(false);
});
