/**
 * `npm run bench -- --profile` (src/bench/profile.ts): the bookkeeping around V8's profile — where
 * a function lives, the names of the ports' anonymous functions, the shares, and the docs/perf.md
 * section. The profiles themselves are measurements and are not asserted.
 * Run: npx vitest run test/bench-profile.test.ts
 */
import { describe, expect, it } from 'vitest';
import { nameFromSource, placeOf, PROFILE_BEGIN, PROFILE_END, renderProfiles, summariseProfile, withProfiles } from '../src/bench/profile.js';

const root = 'file:///w/vmx/dist';

describe('bench --profile', () => {
  it('puts each compiled file in its place', () => {
    expect(placeOf(`${root}/versions/2.6.32/mm/vmalloc.js`, 'f')).toBe('port');
    expect(placeOf(`${root}/versions/2.4.0/arch/i386/mm/ioremap.js`, 'f')).toBe('port');
    expect(placeOf(`${root}/src/kernel/locks.js`, 'acquire')).toBe('kernel');
    expect(placeOf(`${root}/src/hw/pagetable.js`, 'get')).toBe('hardware');
    expect(placeOf(`${root}/src/harness/runner.js`, 'runStep')).toBe('harness');
    expect(placeOf('', '(garbage collector)')).toBe('gc');
    expect(placeOf('node:internal/fs/utils', 'x')).toBe('other');
    expect(placeOf('', '(program)')).toBe('other');
  });

  it("names the ports' anonymous functions from their declaration", () => {
    expect(nameFromSource("    const alloc_vmap_area = k.traced('alloc_vmap_area', (size, align) => {")).toBe('alloc_vmap_area');
    expect(nameFromSource('    const vunmap_pte_range = (pmd, addr, end) => {')).toBe('vunmap_pte_range');
    expect(nameFromSource('    return x;')).toBeUndefined();
  });

  it('sums self time by place and by function', () => {
    const node = (id: number, functionName: string, url: string, lineNumber = 0) => ({ id, callFrame: { functionName, url, lineNumber } });
    const profile = {
      nodes: [node(1, '(root)', ''), node(2, '', `${root}/versions/2.4.19/mm/vmalloc.js`, 9), node(3, 'runStep', `${root}/src/harness/runner.js`), node(4, '(garbage collector)', '')],
      samples: [2, 2, 2, 2, 2, 3, 3, 4, 1, 1],
    };
    const source = (url: string, line: number) => (url.endsWith('vmalloc.js') && line === 9 ? "const get_vm_area = k.traced('get_vm_area', (size) => {" : '');
    const r = summariseProfile(profile, 6, source);
    expect(r.places).toEqual({ port: 0.5, kernel: 0, hardware: 0, harness: 0.2, gc: 0.1, other: 0.2 });
    expect(r.top).toEqual([
      { fn: 'get_vm_area (versions/2.4.19/mm/vmalloc.ts)', share: 0.5 },
      { fn: 'runStep (src/harness/runner.ts)', share: 0.2 },
    ]);
  });

  it('replaces its own section of docs/perf.md and nothing else, or inserts it before the analysis', () => {
    const row = { workload: 'w', version: '2.4.19', steps: 10, cpuNsPerStep: 1234.4, places: { port: 0.5, kernel: 0.25, hardware: 0, harness: 0.25, gc: 0, other: 0 }, top: [{ fn: 'f (src/x.ts)', share: 0.5 }] };
    const section = renderProfiles([row], 'now');
    expect(section.startsWith(PROFILE_BEGIN) && section.endsWith(PROFILE_END)).toBe(true);
    expect(section).toContain('| 2.4.19 | 1234 | 50% | 25% | 0% | 25% | 0% | 0% | f (src/x.ts) 50% |');
    const doc = '# Perf\n\nresults\n\n## What bounds the targets that are missed\n\ntext\n';
    const once = withProfiles(doc, section);
    expect(once).toBe(`# Perf\n\nresults\n\n${section}\n\n## What bounds the targets that are missed\n\ntext\n`);
    const again = withProfiles(once, renderProfiles([{ ...row, version: '2.6.32' }], 'later'));
    expect(again).not.toContain('| 2.4.19 |');
    expect(again).toContain('| 2.6.32 |');
    expect(again.replace(/<!-- profile:begin[\s\S]*<!-- profile:end -->/, '')).toBe(once.replace(/<!-- profile:begin[\s\S]*<!-- profile:end -->/, ''));
  });
});
