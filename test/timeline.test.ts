/**
 * The timeline (src/diff/timeline.ts, src/report/timeline.ts, vmx compare --timeline): cells in
 * classes of identical behaviour per row, flips between consecutive releases with their cause.
 * vmalloc-zero: 2.4.19 BUG()s at vmalloc.c:236 for size 0 (and sizes that wrap or exceed
 * num_physpages); 2.4.21's __vmalloc returns NULL instead (vmalloc-bad-size-null), as 2.6 does.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../src/diff/classify.js';
import { timeline } from '../src/diff/timeline.js';
import { runScenario } from '../src/harness/runner.js';
import { VERSIONS } from '../src/registry.js';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../src/harness/scenario.js';
import { BUILTIN_SCENARIOS_DIR } from '../src/paths.js';

const loadBuiltin = (name: string, versions: string[]) =>
  parseScenario(JSON.stringify({ ...JSON.parse(readFileSync(join(BUILTIN_SCENARIOS_DIR, `${name}.json`), 'utf8')), versions }), VERSIONS.map((v) => v.id));

describe('timeline', () => {
  it('groups identical behaviour and annotates each flip with its cause', () => {
    const s = loadBuiltin('vmalloc-zero', ['2.4.19', '2.4.22']);
    const runs = runScenario(s, VERSIONS, { trace: true });
    const t = timeline(runs, compareRuns(s, runs, { registry: VERSIONS }));
    expect(t.versions).toEqual(['2.4.19', '2.4.22']);
    expect(t.rows[0].cells.map((c) => [c.value, c.cls])).toEqual([
      ['BUG', 0],
      ['ENOMEM', 1],
    ]);
    expect(t.rows[0].flips).toEqual([{ at: 1, cause: expect.objectContaining({ id: 'vmalloc-bad-size-null', since: '2.4.21' }) }]);
    const ok = t.rows.find((r) => r.cells[0].value.startsWith('0x'))!;
    expect(ok.flips).toEqual([]);
    expect(t.changedBetween).toEqual([{ from: '2.4.19', to: '2.4.22', steps: t.rows.filter((r) => r.flips.length).map((r) => r.step) }]);
  });

  it('vmx compare --timeline prints the table with class letters and causes', () => {
    const out = execFileSync('node', [join(import.meta.dirname, '..', 'bin', 'vmx.js'), 'compare', 'vmalloc-zero', '--timeline', '--versions', '2.4.19,2.4.22'], { encoding: 'utf8' });
    expect(out).toContain('| 0 | vmalloc size=0 → zero | A▸ BUG | B▸ ENOMEM ◀ `vmalloc-bad-size-null` (2.4.21) |');
    expect(out).toContain('Releases where the behaviour changed: 2.4.19 → 2.4.22');
  });
});
