/**
 * The young-generation ceiling (src/cli/young-generation.ts, issue 20): in a fresh Node
 * process, a loop whose objects survive scavenges grows V8's young generation to its 32 MiB
 * maximum; with holdYoungGeneration() called once per iteration it stops at the ceiling and
 * stays there. Run in child processes: the flag it sets is process-wide.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT, buildOnce } from './property/cli.js';

function youngGenerationOf(hold: boolean): { atHold: number; max: number; final: number; ceiling: number } {
  const module = join(BUILT, 'src', 'cli', 'young-generation.js');
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { holdYoungGeneration, youngGenerationHeld, YOUNG_GENERATION_CEILING } from ${JSON.stringify(module)};
    const size = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    // Objects that live for 100,000 iterations: they survive scavenges, as kernel objects do.
    const live = new Array(100000);
    let atHold = -1, max = 0;
    for (let i = 0; i < 3000000; i++) {
      live[i % live.length] = { i, next: null, addr: i * 4096 + 0.5 };
      if (${hold}) holdYoungGeneration();
      if (atHold < 0 && youngGenerationHeld()) atHold = size();
      if (i % 1000 === 0) max = Math.max(max, size());
    }
    console.log(JSON.stringify({ atHold, max, final: size(), ceiling: YOUNG_GENERATION_CEILING }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('holdYoungGeneration', () => {
  beforeAll(() => buildOnce(), 300_000);

  it('without it, surviving objects grow the young generation past the ceiling', () => {
    const r = youngGenerationOf(false);
    expect(r.atHold).toBe(-1);
    expect(r.final).toBeGreaterThan(r.ceiling);
  });

  it('with it, the young generation stops at the ceiling and stays there', () => {
    const r = youngGenerationOf(true);
    expect(r.atHold).toBe(r.ceiling);
    expect(r.max).toBe(r.ceiling);
    expect(r.final).toBe(r.ceiling);
  });
});
