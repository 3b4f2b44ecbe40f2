/**
 * The fault-injection sweep (src/harness/faultsweep.ts, `vmx faults`): it tells a version that
 * cleans up after an allocation failure from one that does not (a toy version with switchable
 * bugs is the control), it runs on every registered version over the built-in scenarios without
 * a simulator inconsistency, and its report is deterministic. The verdicts for the real versions
 * are in docs/faults.md (regenerate: npx vmx faults --all --max-per-site 24 > docs/faults.md).
 * Run: npx vitest run test/faults.test.ts
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { drain, formatSweepMarkdown, sweepScenario, sweepVersion, type ScenarioSweep } from '../src/harness/faultsweep.js';
import { bootVersion, runStep } from '../src/harness/runner.js';
import { validateScenario, type Scenario } from '../src/harness/scenario.js';
import { VERSIONS, VERSION_IDS } from '../src/registry.js';
import { toyVersion } from './property/toy.js';
import { buildOnce, vmx } from './property/cli.js';

// Two 3-page vmallocs, free the first, one more: 6 data pages, 1 pte page, 3 descriptors.
const toyScenario: Scenario = validateScenario(
  {
    name: 'toy-sweep',
    machine: { arch: 'i386', ramMiB: 64 },
    steps: [
      { op: 'vmalloc', size: 12288, as: 'a' },
      { op: 'vmalloc', size: 12288, as: 'b' },
      { op: 'vfree', ref: 'a' },
      { op: 'vmalloc', size: 4096, as: 'c' },
    ],
  },
  ['toy'],
);

describe('drain: what a run leaves once every area is freed', () => {
  // 2.6.27 and later map the first 2/4 MiB of lowmem with 4 KiB ptes at boot (init_memory_mapping,
  // "Don't use a large page for the first 2/4MB of memory"): those ptes are the kernel's own and
  // never count as left behind.
  it('does not count the linear map\'s boot ptes (2.6.27, 2.6.32, 2.6.39 map the first pmd with 4 KiB ptes)', () => {
    const s = validateScenario(
      { name: 'drain', machine: { arch: 'i386', ramMiB: 64, cpus: 1 }, steps: [{ op: 'vmalloc', size: 8192, as: 'a' }, { op: 'vfree', ref: 'a' }] },
      VERSION_IDS,
      'drain',
    );
    for (const id of ['2.4.19', '2.6.27', '2.6.32', '2.6.39']) {
      const run = bootVersion(s, VERSIONS.find((v) => v.id === id)!, { detail: false });
      let linear = 0;
      run.kernel.machine.pt.forEachPresent(run.kernel.arch.pageOffset, run.kernel.high_memory, () => linear++);
      expect(linear, id).toBe(id === '2.4.19' ? 0 : 1024);
      for (const st of s.steps) runStep(run, st, { detail: false });
      expect(drain(run), id).toEqual({ dataPages: 0, slabObjects: 0, presentPtes: 0, areas: 0, ranges: 0 });
    }
  });
});

describe('the sweep on a toy version', () => {
  it('counts the calls per site and finds nothing on a version that cleans up', () => {
    const sw = sweepVersion(toyScenario, toyVersion('toy'));
    expect(sw.calls).toEqual({ alloc_page: 7, pte_alloc: 1, kmalloc: 3 });
    expect(sw.injections).toHaveLength(11);
    expect(sw.injections.filter((i) => i.classes.length)).toEqual([]);
    expect(sw.cleanLeftovers).toEqual({ dataPages: 0, slabObjects: 0, presentPtes: 0, areas: 0, ranges: 0 });
    // alloc_page call 5 is the second page of b (step 1): b fails, the rest runs.
    const i5 = sw.injections.find((i) => i.site === 'alloc_page' && i.nth === 5)!;
    expect(i5).toMatchObject({ step: 1, op: 'vmalloc', outcome: 'ENOMEM', cleanOutcome: 'ok', classes: [] });
  });

  it('blames a version that leaks on its failure path: pages, slab objects and ptes, at the failing call', () => {
    const sw = sweepVersion(toyScenario, toyVersion('leaky', { leakOnFailure: true }));
    const i5 = sw.injections.find((i) => i.site === 'alloc_page' && i.nth === 5)!;
    expect(i5.classes.sort()).toEqual(['pages', 'ptes', 'slab']);
    // The pte stays set until c reuses the address at step 3 (the toy's bump did not move), so
    // the stale pte is a finding at step 1 and not a leftover after the drain.
    expect(i5.extra).toEqual({ dataPages: 1, slabObjects: 1, presentPtes: 0, areas: 0, ranges: 0 });
    expect(i5.findings.map((f) => f.kind).sort()).toEqual(['leaked-pages', 'leaked-slab', 'stale-pte']);
    // The first page of an area failing leaks only the descriptor (no page yet, no pte set).
    const i1 = sw.injections.find((i) => i.site === 'alloc_page' && i.nth === 1)!;
    expect(i1.classes).toEqual(['slab']);
    // A failed kmalloc happens before anything is taken: clean even in the leaky toy.
    expect(sw.injections.filter((i) => i.site === 'kmalloc').every((i) => i.classes.length === 0)).toBe(true);
  });

  it('a leak that does not depend on a failure shows in the clean run, not against each injection', () => {
    const sw = sweepVersion(toyScenario, toyVersion('leaky-vfree', { leakDescriptor: true }));
    expect(sw.cleanLeftovers.slabObjects).toBe(3);
    expect(sw.injections.filter((i) => i.classes.length)).toEqual([]);
  });

  it('drain frees what the scenario still holds and reports what stays', () => {
    const run = bootVersion(toyScenario, toyVersion('toy', { keepPtes: true }));
    for (const s of toyScenario.steps) runStep(run, s);
    // keepPtes: every vfree leaves its ptes, so after freeing b and c, all 7 pages' ptes remain.
    expect(drain(run)).toEqual({ dataPages: 0, slabObjects: 0, presentPtes: 7, areas: 0, ranges: 0 });
  });

  it('renders a markdown table per scenario', () => {
    const sweeps: ScenarioSweep[] = [{ scenario: 'toy-sweep', arch: 'i386', versions: [sweepVersion(toyScenario, toyVersion('toy')), sweepVersion(toyScenario, toyVersion('leaky', { leakOnFailure: true }))] }];
    const md = formatSweepMarkdown(sweeps, ['toy', 'leaky']);
    expect(md).toContain('| toy | 11 | 11 | 0 | 0 | 0 | 0 | 0 | 0 |');
    expect(md).toContain('| leaky | 11 | 3 | 4 | 8 | 4 | 0 | 0 | 0 |');
    expect(md).toContain('| alloc_page | 7 calls: all clean | 7 calls: 7 not clean: leaked slab objects (call 1, 2, 3, 4, …);');
    expect(md).toContain('- alloc_page call 5 fails: step 1 (vmalloc) ENOMEM (clean run: ok); ');
  });
});

describe('the sweep on the registered versions', () => {
  const s = validateScenario(
    {
      name: 'sweep-small',
      machine: { arch: 'i386', ramMiB: 64 },
      steps: [
        { op: 'vmalloc', size: 20480, as: 'a' },
        { op: 'vmalloc', size: 4096, as: 'b' },
        { op: 'vwrite', ref: 'a', data: '0102' },
        { op: 'vfree', ref: 'a' },
        { op: 'vmalloc', size: 8192, as: 'c' },
        { op: 'vfree', ref: 'b' },
      ],
    },
    VERSION_IDS,
  );

  it('runs every injection on every version without a simulator inconsistency, deterministically', () => {
    const one = sweepScenario(s, VERSIONS);
    expect(one.versions.map((v) => v.version)).toEqual(VERSIONS.filter((v) => v.arches.includes('i386')).map((v) => v.id));
    for (const v of one.versions) {
      expect(v.calls.alloc_page).toBeGreaterThanOrEqual(8);
      expect(v.injections.filter((i) => i.classes.includes('vmx'))).toEqual([]);
    }
    expect(JSON.stringify(sweepScenario(s, VERSIONS))).toBe(JSON.stringify(one));
  });
});

describe('vmx faults', () => {
  beforeAll(() => buildOnce());

  it('prints the markdown report, and --json for machines', () => {
    const md = vmx(['faults', 'vmalloc-zero']);
    expect(md.status).toBe(0);
    expect(md.stdout).toContain('# Fault-injection sweep: which versions clean up after themselves');
    expect(md.stdout).toContain('## vmalloc-zero (i386)');
    for (const v of VERSIONS.filter((x) => x.arches.includes('i386'))) expect(md.stdout).toMatch(new RegExp(`\\| ${v.id.replace(/\./g, '\\.')} \\| \\d+ \\| \\d+ \\|`));
    const js = vmx(['faults', 'vmalloc-zero', '--json', '--sites', 'kmalloc']);
    expect(js.status).toBe(0);
    const doc = JSON.parse(js.stdout);
    expect(doc.scenarios[0].scenario).toBe('vmalloc-zero');
    expect(doc.scenarios[0].versions[0].injections.every((i: { site: string }) => i.site === 'kmalloc')).toBe(true);
  });
});
