/**
 * Correctness of the bench code (issue 8), not its speed: the generated workloads have the shapes
 * of the shared reference files (identical where the file is fully determined), every generated
 * scenario validates, the cost curve counts what the real code walks, and regenerating
 * docs/perf.md keeps the hand-written text. Run: npx vitest run test/bench-workloads.test.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../src/harness/scenario.js';
import { VERSION_IDS, findVersion } from '../src/registry.js';
import { fixSize, fullFit, longBusyList, longBusyListSetup, randomMix, randomSize, SHARED_BENCH_DIR, workloads } from '../src/bench/workloads.js';
import { costCurve, curvesSvg } from '../src/bench/curves.js';
import { BEGIN, END, renderReport, type BenchResults } from '../src/bench/report.js';
import { onX86_64 } from '../src/bench/main.js';
import { measureLinearity } from '../src/bench/measure.js';

const shared = (f: string) => join(SHARED_BENCH_DIR, f);

describe('generated workloads', () => {
  it.skipIf(!existsSync(shared('long-busy-list-15000x20000.json')))('long_busy_list equals the shared files step for step', () => {
    const file = JSON.parse(readFileSync(shared('long-busy-list-15000x20000.json'), 'utf8'));
    expect(longBusyList(15000, 20000).steps).toEqual(file.steps);
    const setup = JSON.parse(readFileSync(shared('long-busy-list-setup-15000.json'), 'utf8'));
    expect(longBusyListSetup(15000).steps).toEqual(setup.steps);
    expect(longBusyList(15000, 20000).machine).toEqual({ ...file.machine, nodes: 1 });
  });

  it('the random mix has the shape of random-mix-200k.json', () => {
    const s = randomMix({ calls: 20000 });
    expect(s.steps.length).toBe(20000);
    expect(s.machine).toEqual({ arch: 'i386', ramMiB: 512, cpus: 1, nodes: 1, vmallocStart: '0xc8800000', vmallocEnd: '0xff7fe000' });
    const live = new Set<string>();
    let maxLive = 0;
    const problems: string[] = [];
    s.steps.forEach((st, i) => {
      if (st.op === 'vmalloc') {
        const pages = st.size! / 4096;
        if (live.has(st.as!) || !Number.isInteger(pages) || pages < 1 || pages > 16) problems.push(`step ${i}: ${JSON.stringify(st)}`);
        live.add(st.as!);
      } else if (st.op !== 'vfree' || !live.delete(st.ref!)) problems.push(`step ${i}: ${JSON.stringify(st)}`);
      maxLive = Math.max(maxLive, live.size);
    });
    expect(problems).toEqual([]);
    expect(maxLive).toBe(200);
    // Seeded: the same seed gives the same calls, and a longer mix starts with the shorter one.
    expect(randomMix({ calls: 20000 })).toEqual(s);
    expect(randomMix({ calls: 30000 }).steps.slice(0, 20000)).toEqual(s.steps);
  });

  it('every workload and variant validates against the contract', () => {
    for (const doc of [randomMix({ calls: 1000 }), fixSize(10), randomSize(10), fullFit(16, 10), longBusyList(10, 10), onX86_64(randomMix({ calls: 100 }) as unknown as Record<string, unknown>)]) {
      expect(() => validateScenario(doc, VERSION_IDS)).not.toThrow();
    }
    for (const w of workloads()) expect(w.source).toMatch(/^(file \.\.\/shared\/bench\/|generated: )/);
  });

  it('full_fit leaves a one-page hole (plus guard) before each survivor', () => {
    const s = fullFit(3, 1);
    expect(s.steps.map((x) => `${x.op} ${x.as ?? x.ref}`)).toEqual(['vmalloc k0', 'vmalloc j0', 'vmalloc k1', 'vmalloc j1', 'vmalloc k2', 'vmalloc j2', 'vfree j0', 'vfree j1', 'vfree j2', 'vmalloc p', 'vfree p']);
  });
});

describe('cost curves', () => {
  it('2.4.19 walks every live vm_struct: a probe at the end visits n entries, its vfree n + 1', () => {
    const v = findVersion('2.4.19')!;
    const c = costCurve(v, 40, VERSION_IDS);
    expect(c.points[0]).toEqual({ live: 10, alloc: 10, free: 11, purges: 0 });
    expect(c.points[30]).toEqual({ live: 40, alloc: 40, free: 41, purges: 0 });
    const svg = curvesSvg([c]);
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('2.4.19');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});

describe('docs/perf.md regeneration', () => {
  const empty: BenchResults = {
    machine: { cpu: 'test cpu', cores: 2, memGiB: 4, node: 'v20' },
    calibrationNs: [{ wall: 1, cpu: 1 }],
    versions: [],
    workloads: [],
    measurements: {},
    whole: {},
    linearity: {},
    x86: {},
    curves: [],
    reps: 1,
    bigReps: 1,
  };
  it('replaces only the text between the markers', () => {
    const prev = `# Perf\n\nhand-written intro\n\n${BEGIN}\nold numbers\n${END}\n\n## Analysis\nkept\n`;
    const next = renderReport(empty, prev);
    expect(next.startsWith('# Perf\n\nhand-written intro\n\n' + BEGIN)).toBe(true);
    expect(next).not.toContain('old numbers');
    expect(next).toContain('test cpu, 2 cores');
    expect(next.endsWith(`${END}\n\n## Analysis\nkept\n`)).toBe(true);
    expect(renderReport(empty, next)).toBe(next);
  });
});

describe('measureLinearity', () => {
  it('times a scenario and its first half alternately in one process, each on a fresh boot', () => {
    const whole = validateScenario(randomMix({ calls: 4000 }), VERSION_IDS, 'mix');
    const half = validateScenario(randomMix({ calls: 2000 }), VERSION_IDS, 'mix');
    const v = findVersion('2.4.19')!;
    const { half: h, full: f } = measureLinearity(half, whole, v, 3);
    expect([h.steps, f.steps]).toEqual([2000, 4000]);
    expect([h.cpuMs.length, f.cpuMs.length, h.wallMs.length, f.wallMs.length]).toEqual([3, 3, 3, 3]);
    // The half is the whole's first half: its calls are a prefix, so it does less of the same work.
    expect(h.counters.kmalloc_calls).toBeGreaterThan(0);
    expect(f.counters.kmalloc_calls).toBeGreaterThan(h.counters.kmalloc_calls);
    // Each run boots afresh: counters are one run's, not a sum over the three.
    expect(measureLinearity(half, whole, v, 1).full.counters).toEqual(f.counters);
  });
});
