/**
 * The difference engine (src/diff/): classification of steps and final state, links to the
 * versions' change catalogues, and the trace views. Expectations are written out for the
 * versions that exist; a test about a version that is not registered yet is skipped.
 * Run: npx vitest run test/diff.test.ts
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type Scenario } from '../src/harness/scenario.js';
import { runScenario, runVersion } from '../src/harness/runner.js';
import type { KernelVersion, VersionChange } from '../src/contract/version.js';
import { formatTrace, type TraceNode } from '../src/kernel/trace.js';
import { VERSIONS, VERSION_IDS, findVersion } from '../src/registry.js';
import { changedFunctions, changesBetween, compareRuns, comparisonJson, explain, outcomeOf } from '../src/diff/classify.js';
import { sideBySideRows, sideBySideText, unifiedTraceDiff } from '../src/diff/traces.js';

const has = (...ids: string[]) => ids.every((id) => VERSION_IDS.includes(id));

function scenario(doc: Record<string, unknown>): Scenario {
  return validateScenario({ machine: { arch: 'i386', ramMiB: 128, cpus: 1 }, ...doc }, VERSION_IDS);
}

function compare(s: Scenario, ids?: string[]) {
  const registry = ids ? VERSIONS.filter((v) => ids.includes(v.id)) : VERSIONS;
  const runs = runScenario(ids ? { ...s, versions: ids } : s, VERSIONS, { trace: true });
  // With ids, only those versions' catalogues explain the differences (the expectations below
  // were written for them; a version registered in between brings its own catalogue).
  return { runs, cmp: compareRuns(s, runs, { registry }), registry };
}

const ZERO = scenario({
  name: 'zero',
  steps: [
    { op: 'vmalloc', size: 0 },
    { op: 'vmalloc', size: 4096, as: 'ok' },
  ],
});

/** Three 64 KiB areas, free the middle one, allocate again (built-in reuse-freed-space, written out). */
const REUSE = scenario({
  name: 'reuse',
  steps: [
    { op: 'vmalloc', size: 65536, as: 'a' },
    { op: 'vmalloc', size: 65536, as: 'b' },
    { op: 'vmalloc', size: 65536, as: 'c' },
    { op: 'vfree', ref: 'b' },
    { op: 'vmalloc', size: 65536, as: 'd' },
  ],
});

describe('classification', () => {
  it('one version alone: every step and the final state are the same', () => {
    const { cmp } = compare(REUSE, ['2.4.19']);
    expect(cmp.versions).toEqual(['2.4.19']);
    expect(cmp.steps.map((st) => st.classes)).toEqual([[], [], [], [], []]);
    expect(cmp.final.classes).toEqual([]);
    expect(cmp.pairs).toEqual([]);
  });

  it('a version compared with itself shows no difference', () => {
    const v = findVersion('2.4.19')!;
    const runs = [runVersion(REUSE, v, { trace: true }), runVersion(REUSE, v, { trace: true })];
    const cmp = compareRuns(REUSE, runs, { registry: VERSIONS });
    expect(cmp.steps.every((st) => st.classes.length === 0)).toBe(true);
    expect(cmp.pairs[0].steps).toEqual({ outcome: [], address: [], log: [], cost: [], layout: [] });
  });

  it.skipIf(!has('2.4.19', '2.4.22'))('vmalloc(0): 2.4.19 BUG() vs 2.4.22 NULL is an outcome and a log difference, explained by vmalloc-bad-size-null', () => {
    const { runs, cmp } = compare(ZERO, ['2.4.19', '2.4.22']);
    expect(outcomeOf(runs[0].steps[0])).toBe('BUG');
    expect(runs[0].steps[0].log).toEqual(['kernel BUG at vmalloc.c:236!']);
    expect(outcomeOf(runs[1].steps[0])).toBe('ENOMEM');
    const st = cmp.steps[0];
    expect(st.classes).toEqual(expect.arrayContaining(['outcome', 'log']));
    const outcome = st.pairs[0].findings.find((f) => f.class === 'outcome')!;
    expect(outcome.groups).toEqual([
      { value: 'BUG', versions: ['2.4.19'] },
      { value: 'ENOMEM', versions: ['2.4.22'] },
    ]);
    expect(outcome.explanations[0].change.id).toBe('vmalloc-bad-size-null');
    expect(outcome.explanations[0].version).toBe('2.4.22');
    expect(outcome.explanations[0].match).toBe('step');
    expect(outcome.explanations[0].functions).toContain('__vmalloc');
    const log = st.pairs[0].findings.find((f) => f.class === 'log')!;
    expect(log.explanations.map((e) => e.change.id)).toContain('vmalloc-bad-size-null');
    // The next allocation lands at the same place on both.
    expect(cmp.steps[1].classes).not.toContain('address');
    expect(runs.map((r) => r.steps[1].addr)).toEqual(['0xc8800000', '0xc8800000']);
  });

  it.skipIf(!has('2.4.19', '2.4.22', '2.6.32'))('vmalloc(0) on all three: 2.4.19 stands alone; 2.4.22 and 2.6.32 agree on the outcome', () => {
    const { cmp } = compare(ZERO, ['2.4.19', '2.4.22', '2.6.32']);
    const overall = cmp.steps[0].overall.find((f) => f.class === 'outcome')!;
    expect(overall.groups).toEqual([
      { value: 'BUG', versions: ['2.4.19'] },
      { value: 'ENOMEM', versions: ['2.4.22', '2.6.32'] },
    ]);
    expect(cmp.steps[0].pairs.map((p) => [p.from, p.to, p.findings.some((f) => f.class === 'outcome')])).toEqual([
      ['2.4.19', '2.4.22', true],
      ['2.4.22', '2.6.32', false],
    ]);
  });

  it.skipIf(!has('2.4.22', '2.6.32'))('64 KiB areas: 2.4 steps by 0x11000, 2.6.32 by 0x12000 (gap page); the reuse after vfree differs (lazy free)', () => {
    const { runs, cmp } = compare(REUSE, ['2.4.22', '2.6.32']);
    expect(runs[0].steps.map((st) => st.addr ?? null)).toEqual(['0xc8800000', '0xc8811000', '0xc8822000', null, '0xc8811000']);
    expect(runs[1].steps.map((st) => st.addr ?? null)).toEqual(['0xc8800000', '0xc8812000', '0xc8824000', null, '0xc8836000']);
    expect(cmp.steps.map((st) => st.classes.includes('address'))).toEqual([false, true, true, false, true]);
    const addr1 = cmp.steps[1].pairs[0].findings.find((f) => f.class === 'address')!;
    expect(addr1.detail).toBe('address: 2.4.22: 0xc8811000 · 2.6.32: 0xc8812000');
    expect(addr1.explanations.map((e) => e.change.id)).toEqual(expect.arrayContaining(['gap-page-after-area', 'vmap-area-rbtree']));
    // Step 4: 2.4.22 reuses b's hole; 2.6.32 still holds it lazily. The engine points at step 3.
    const addr4 = cmp.steps[4].pairs[0].findings.find((f) => f.class === 'address')!;
    const lazy = addr4.explanations.find((e) => e.change.id === 'lazy-free');
    expect(lazy).toBeDefined();
    expect(lazy!.via).toEqual([3]);
    expect(lazy!.functions).toContain('free_unmap_vmap_area');
    // The vfree itself costs differently: 2.4 clears ptes and flushes the TLB at once, 2.6.32 does not.
    const cost3 = cmp.steps[3].pairs[0].findings.find((f) => f.class === 'cost')!;
    expect(cost3.detail).toContain('ptes_cleared 16 vs 0');
    expect(cost3.detail).toContain('tlb_flush_all 1 vs 0');
    // With 2.6.27 registered the pair spans the 2.6 vmlist era too (pages-array ties); lazy-free is among the causes.
    expect(cost3.explanations.map((e) => e.change.id)).toContain('lazy-free');
    // Final layout: same count, different places; 2.6.32 still maps b's 16 pages (lazily freed).
    // kmemleak is compared only between versions with its hooks.
    const layout = cmp.final.overall.find((f) => f.class === 'layout')!;
    expect(layout.detail).toBe(
      'areas: 2.4.22, 2.6.32: 3 areas; first difference at area #1: 2.4.22: 0xc8811000+0x11000 VM_ALLOC · 2.6.32: 0xc8824000+0x11000 VM_ALLOC; ' +
        'ptes present: 2.4.22: 48 · 2.6.32: 64',
    );
  });

  it.skipIf(!has('2.4.19', '2.4.22', '2.6.32'))('summaries per consecutive pair and overall, and a JSON form', () => {
    const { cmp } = compare(REUSE, ['2.4.19', '2.4.22', '2.6.32']);
    expect(cmp.pairs.map((p) => p.label)).toEqual(['2.4.19 → 2.4.22', '2.4.22 → 2.6.32']);
    expect(cmp.pairs[0].steps.address).toEqual([]);
    expect(cmp.pairs[1].steps.address).toEqual([1, 2, 4]);
    expect(cmp.overall.steps.address).toEqual([1, 2, 4]);
    expect(cmp.pairs[1].finalLayout).toBe(true);
    const json = comparisonJson(cmp) as { steps: { classes: string[] }[] };
    expect(json.steps[0].classes).not.toContain('address');
    expect(json.steps[1].classes).toContain('address');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('linking to the catalogue', () => {
  const ch = (id: string, functions: string[], affects: VersionChange['affects'], ops?: string[]): { version: string; change: VersionChange } => ({
    version: 'v2',
    change: { id, since: '9.9', summary: id, functions, affects, ...(ops ? { ops } : {}) },
  });
  const catalogue = [
    ch('a-fn-in-step', ['get_vm_area'], ['address']),
    ch('b-fn-elsewhere', ['vfree'], ['address'], ['vmalloc']),
    ch('c-wrong-class', ['get_vm_area'], ['log']),
    ch('d-wrong-op', ['get_vm_area'], ['address'], ['vmap']),
  ];
  const ev = (now: string[], changed: string[] = [], before: string[] = []) => ({ now: new Set(now), changed: new Set(changed), before: new Set(before) });

  it('matches by class, op and the functions that ran', () => {
    const r = explain(catalogue, 'address', new Set(['vmalloc']), ev(['__vmalloc', 'get_vm_area'], ['get_vm_area']));
    expect(r.map((e) => [e.change.id, e.match])).toEqual([['a-fn-in-step', 'step']]);
  });

  it('functions from earlier steps count for address differences, not for cost', () => {
    const r = explain(catalogue, 'address', new Set(['vmalloc']), ev(['__vmalloc'], [], ['vfree']));
    expect(r.map((e) => [e.change.id, e.match])).toEqual([['b-fn-elsewhere', 'earlier']]);
    const c = explain([ch('e', ['vfree'], ['cost'])], 'cost', new Set(['vmalloc']), ev(['__vmalloc'], [], ['vfree']));
    expect(c).toEqual([]);
  });

  it('falls back to changes that name the op, and says so', () => {
    const r = explain(catalogue, 'address', new Set(['vmalloc']), ev(['__vmalloc']));
    expect(r.map((e) => [e.change.id, e.match])).toEqual([['b-fn-elsewhere', 'op']]);
  });

  it('the state an earlier step left (via) ranks a change and names the step', () => {
    const r = explain(catalogue, 'address', new Set(['vmalloc']), { ...ev(['__vmalloc', 'get_vm_area']), state: [{ step: 3, functions: new Map([['vfree', 0]]) }] });
    expect(r.map((e) => [e.change.id, e.match, e.via])).toEqual([
      ['b-fn-elsewhere', 'state', [3]],
      ['a-fn-in-step', 'step', []],
    ]);
  });

  it('a change is found between non-consecutive versions too (catalogues of the versions in between)', () => {
    const mk = (id: string, changes: VersionChange[]) => ({ ...findVersion('2.4.19')!, id, changes }) as KernelVersion;
    const v1 = mk('9.0.1', []);
    const v2 = mk('9.0.2', [{ id: 'x', since: '9.0.2', summary: 's', functions: ['__vmalloc'], affects: ['cost'] }]);
    const v3 = mk('9.0.3', []);
    expect(changesBetween([v1, v2, v3], '9.0.1', '9.0.3').map((x) => [x.version, x.change.id])).toEqual([['9.0.2', 'x']]);
    expect(changesBetween([v1, v2, v3], '9.0.2', '9.0.3')).toEqual([]);
    const runs = [runVersion(ZERO, v1, { trace: true }), runVersion(ZERO, v3, { trace: true })];
    // Same code under two names: nothing differs, nothing to link.
    const cmp = compareRuns(ZERO, runs, { registry: [v1, v2, v3] });
    expect(cmp.pairs[0].label).toBe('9.0.1 → 9.0.3');
    expect(cmp.pairs[0].changes).toEqual([]);
  });

  it('leaves out entries released no later than the older version (already in both)', () => {
    const mk = (id: string, changes: VersionChange[]) => ({ ...findVersion('2.4.19')!, id, changes }) as KernelVersion;
    const c = (id: string, since: string): VersionChange => ({ id, since, summary: id, functions: [], affects: ['cost'] });
    const reg = [mk('2.4.22', []), mk('2.6.9', [c('a', '2.5.32')]), mk('2.6.32', [c('old', '2.6.0'), c('new', '2.6.28'), c('same', '2.6.9')])];
    expect(changesBetween(reg, '2.6.9', '2.6.32').map((x) => x.change.id)).toEqual(['new']);
    expect(changesBetween(reg, '2.4.22', '2.6.32').map((x) => x.change.id)).toEqual(['a', 'old', 'new', 'same']);
  });
});

describe('traces', () => {
  it('2.4.19 vmalloc: __vmalloc → get_vm_area → kmalloc, vmalloc_area_pages → alloc_area_pmd → pte_alloc_one, alloc_area_pte → alloc_page', () => {
    const r = runVersion(REUSE, findVersion('2.4.19')!, { trace: true });
    expect(formatTrace(r.details[0].trace!)).toBe(
      [
        '__vmalloc() {',
        '  get_vm_area() {',
        '    kmalloc();  /* kmalloc_calls+1 kmalloc_bytes+16 */',
        '  }  /* kmalloc_calls+1 kmalloc_bytes+16 */',
        '  vmalloc_area_pages() {',
        '    alloc_area_pmd() {',
        '      pte_alloc_one();  /* pt_pages+1 */',
        '      alloc_area_pte() {',
        '        alloc_page(); x16  /* pages_alloc+16 */',
        '      }  /* pages_alloc+16 ptes_set+16 */',
        '    }  /* pages_alloc+16 pt_pages+1 ptes_set+16 */',
        '    flush_cache_all();  /* cache_flush+1 */',
        '  }  /* pages_alloc+16 pt_pages+1 ptes_set+16 cache_flush+1 */',
        '}  /* pages_alloc+16 pt_pages+1 kmalloc_calls+1 kmalloc_bytes+16 ptes_set+16 cache_flush+1 */',
      ].join('\n'),
    );
  });

  const leaf = (fn: string, delta: Record<string, number> = {}, repeat = 1): TraceNode => ({ fn, repeat, children: [], delta });
  const call = (fn: string, children: TraceNode[]): TraceNode => ({ fn, repeat: 1, children, delta: {} });
  const A = [call('__vmalloc', [call('get_vm_area', [leaf('kmalloc')]), call('vmalloc_area_pages', [leaf('alloc_page', {}, 16)])])];
  const B = [call('__vmalloc', [call('get_vm_area', [leaf('kmalloc')]), call('__vmalloc_area_pages', [leaf('alloc_page', {}, 16)]), leaf('flush_tlb_all')])];

  it('side by side rows pair changed lines and mark one-sided ones', () => {
    const rows = sideBySideRows(A, B);
    expect(rows.map((r) => r.mark).join('')).toBe('    |  > ');
    expect(rows[4]).toEqual({ left: '  vmalloc_area_pages() {', right: '  __vmalloc_area_pages() {', mark: '|' });
    expect(rows[7]).toEqual({ left: '', right: '  flush_tlb_all();', mark: '>' });
    expect(sideBySideText({ label: 'old', trace: A }, { label: 'new', trace: B }).split('\n')[0]).toMatch(/^old\s+new$/);
  });

  it('unified diff of formatTrace text', () => {
    expect(unifiedTraceDiff({ label: 'old', trace: A }, { label: 'old', trace: A })).toBe('');
    expect(unifiedTraceDiff({ label: 'old', trace: A }, { label: 'new', trace: B })).toBe(
      [
        '--- old',
        '+++ new',
        '@@ -2,7 +2,8 @@',
        '   get_vm_area() {',
        '     kmalloc();',
        '   }',
        '-  vmalloc_area_pages() {',
        '+  __vmalloc_area_pages() {',
        '     alloc_page(); x16',
        '   }',
        '+  flush_tlb_all();',
        ' }',
      ].join('\n'),
    );
  });

  it('changedFunctions names the functions on differing lines (closing lines map to their call)', () => {
    expect([...changedFunctions(A, B)].sort()).toEqual(['__vmalloc_area_pages', 'flush_tlb_all', 'vmalloc_area_pages']);
    expect([...changedFunctions(A, A)]).toEqual([]);
  });

  it.skipIf(!has('2.4.19', '2.4.22'))('2.4.19 vs 2.4.22 vmalloc traces differ only in the renamed __vmalloc_area_pages', () => {
    const [a, b] = ['2.4.19', '2.4.22'].map((id) => runVersion(REUSE, findVersion(id)!, { trace: true }));
    const d = unifiedTraceDiff({ label: '2.4.19', trace: a.details[0].trace }, { label: '2.4.22', trace: b.details[0].trace });
    const changed = d.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changed).toEqual(['-  vmalloc_area_pages() {', '+  __vmalloc_area_pages() {']);
  });
});
