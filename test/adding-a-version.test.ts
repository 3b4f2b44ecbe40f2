/**
 * docs/adding-a-version.md, followed for a deliberately tiny fake version: the toy of
 * test/property/toy.ts under a release id (2.6.33, between two real ones). A registry with one
 * more entry is all it takes: validation, the runner, the difference engine, the op table and the
 * reports carry it, in release order.
 */
import { describe, expect, it } from 'vitest';
import { byRelease, changesBetween, compareReleases } from '../src/contract/release.js';
import { compareRuns } from '../src/diff/classify.js';
import { runScenario } from '../src/harness/runner.js';
import { validateScenario } from '../src/harness/scenario.js';
import { VERSIONS } from '../src/registry.js';
import { generateReports } from '../src/report/generate.js';
import { opTableMarkdown } from '../src/report/op-table.js';
import { toyVersion } from './property/toy.js';

const FAKE = { ...toyVersion('2.6.33'), changes: [{ id: 'toy-bump', since: '2.6.33', commitNote: 'a fake version', summary: 'a bump allocator', functions: ['toy_vmalloc'], affects: ['address' as const] }] };
const REGISTRY = byRelease([FAKE, ...VERSIONS]);

describe('adding a version (docs/adding-a-version.md)', () => {
  it('the registry entry alone puts it in release order', () => {
    const ids = REGISTRY.map((v) => v.id);
    const i = ids.indexOf('2.6.33');
    expect(ids.slice(0, i).every((id) => compareReleases(id, '2.6.33') < 0)).toBe(true);
    expect(ids.slice(i + 1).every((id) => compareReleases(id, '2.6.33') > 0)).toBe(true);
    expect(ids).toContain('2.6.32');
  });

  it('validation, runs, comparisons, the op table and the reports carry it', () => {
    const s = validateScenario(
      { name: 'fake', machine: { arch: 'i386', ramMiB: 64 }, steps: [{ op: 'vmalloc', size: 8192, as: 'a' }, { op: 'vfree', ref: 'a' }] },
      REGISTRY.map((v) => v.id),
    );
    const runs = runScenario(s, REGISTRY);
    expect(runs.map((r) => r.version)).toEqual(REGISTRY.filter((v) => v.arches.includes('i386')).map((v) => v.id));
    expect(runs.find((r) => r.version === '2.6.33')!.steps[0]).toMatchObject({ ok: true, addr: '0xd0000000' });

    const cmp = compareRuns(s, runs, { registry: REGISTRY });
    const label = cmp.pairs.map((p) => p.label).find((l) => l.endsWith('→ 2.6.33'));
    expect(label).toBeDefined();
    // Its catalogue entry is linked by release, from whichever version precedes it.
    const prev = label!.split(' → ')[0];
    expect(changesBetween(REGISTRY, prev, '2.6.33').map((c) => c.change.id)).toContain('toy-bump');

    expect(opTableMarkdown(REGISTRY)).toMatch(/\| vmalloc \| size, as\? \| vmalloc\(size\) \| all \|/);
    const reports = generateReports({ registry: REGISTRY, scenarios: [{ slug: 'fake', scenario: s }] });
    expect(reports.get('fake.md')).toContain('2.6.33');
  });
});
