/**
 * `npm run bench -- --alloc` (src/bench/alloc.ts): the bookkeeping around V8's sampling heap
 * profile — bytes per step by place and by function, the docs/perf.md section beside the profile
 * section — and one short live run. The figures themselves are measurements and are not pinned.
 * Run: npx vitest run test/bench-alloc.test.ts
 */
import { describe, expect, it } from 'vitest';
import { ALLOC_BEGIN, ALLOC_END, allocRun, renderAllocs, summariseHeapProfile, withAllocs, type HeapProfileNode } from '../src/bench/alloc.js';
import { renderProfiles, withProfiles } from '../src/bench/profile.js';
import { fixSize } from '../src/bench/workloads.js';
import { VERSIONS } from '../src/registry.js';

const root = 'file:///w/vmx/dist';

function node(functionName: string, url: string, selfSize: number, children: HeapProfileNode[] = [], lineNumber = 0): HeapProfileNode {
  return { callFrame: { functionName, url, lineNumber }, selfSize, children };
}

describe('bench --alloc', () => {
  it('sums the sampled bytes per step by place and by function, a function over all its stacks', () => {
    const port = `${root}/versions/2.6.32/mm/vmalloc.js`;
    const head = node('(root)', '', 0, [
      node('runStep', `${root}/src/harness/runner.js`, 800, [
        node('', port, 1600, [node('alloc', `${root}/src/kernel/slab.js`, 400)], 9),
        node('', port, 400, [], 9), // the same function reached by another path
      ]),
      node('parse', 'node:internal/x', 200),
    ]);
    const source = (url: string, line: number) => (url === port && line === 9 ? "    const __vunmap = k.traced('__vunmap', (addr) => {" : '');
    const r = summariseHeapProfile(head, 100, source);
    expect(r.bytesPerStep).toBe(34);
    expect(r.places).toEqual({ port: 20, kernel: 4, hardware: 0, harness: 8, other: 2 });
    expect(r.top).toEqual([
      { fn: '__vunmap (versions/2.6.32/mm/vmalloc.ts)', bytesPerStep: 20 },
      { fn: 'runStep (src/harness/runner.ts)', bytesPerStep: 8 },
      { fn: 'alloc (src/kernel/slab.ts)', bytesPerStep: 4 },
    ]);
  });

  it('keeps its own section of docs/perf.md beside the profile section, each replaced alone', () => {
    const row = { workload: 'w', version: '2.4.19', steps: 10, bytesPerStep: 247.4, places: { port: 48, kernel: 11, hardware: 3, harness: 183, other: 0 }, top: [{ fn: 'runStep (src/harness/runner.ts)', bytesPerStep: 80.2 }] };
    const section = renderAllocs([row], 'now');
    expect(section.startsWith(ALLOC_BEGIN) && section.endsWith(ALLOC_END)).toBe(true);
    expect(section).toContain('| 2.4.19 | 247 | 48 | 11 | 3 | 183 | 0 | runStep (src/harness/runner.ts) 80 |');
    const profiles = renderProfiles([{ workload: 'w', version: '2.4.19', steps: 10, cpuNsPerStep: 1, places: { port: 1, kernel: 0, hardware: 0, harness: 0, gc: 0, other: 0 }, top: [] }], 'now');
    const doc = withAllocs(withProfiles('# Perf\n\n## What bounds the targets that are missed\n\ntext\n', profiles), section);
    expect(doc.indexOf(profiles)).toBeGreaterThan(0);
    expect(doc.indexOf(section)).toBeGreaterThan(doc.indexOf(profiles));
    expect(doc.indexOf(section)).toBeLessThan(doc.indexOf('## What bounds'));
    const again = withAllocs(doc, renderAllocs([{ ...row, version: '2.6.39' }], 'later'));
    expect(again).toContain('| 2.6.39 | 247 |');
    expect(again).not.toContain('| 2.4.19 | 247 |');
    expect(again).toContain(profiles);
  });

  it('samples a live run: every step allocates its result in the harness, and the places add up', async () => {
    const v = VERSIONS.find((x) => x.id === '2.4.19')!;
    const r = await allocRun(fixSize(3000), v, 'fix-size-x3000');
    expect(r.steps).toBe(6000);
    // A step's result object alone is more than 16 bytes: a harness figure under that means the
    // sampler missed what the scavenges had already freed.
    expect(r.places.harness).toBeGreaterThan(16);
    const sum = Object.values(r.places).reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - r.bytesPerStep)).toBeLessThan(1e-6 * r.bytesPerStep + 1e-9);
    expect(r.top.length).toBeGreaterThan(0);
  }, 60_000);
});
