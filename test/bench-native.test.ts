/**
 * `npm run bench -- --native DIR` (issue 20): the report section that puts vmx beside the native
 * -fast build (src/bench/report.ts renderNative), and, when a kernel git directory is at hand, the
 * plumbing through tools/oracle --timing (src/bench/native-run.ts). No timing is asserted: the
 * figures in the synthetic results are made up to check the arithmetic and the wording.
 * Run: npx vitest run test/bench-native.test.ts
 *      (the plumbing part: VMX_LINUX_2632_GIT=/path/to/linux-2.6.32.y/.git, gcc -m32 needed)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_TARGET, renderNative, renderReport, BEGIN, END, type BenchResults } from '../src/bench/report.js';
import type { Measurement } from '../src/bench/measure.js';
import { fastSameAsNormal, prepareNative, runNative } from '../src/bench/native-run.js';
import { gccCanBuild } from '../tools/oracle/build.js';

function results(native?: BenchResults['native']): BenchResults {
  return {
    machine: { cpu: 'test', cores: 2, memGiB: 1, node: 'v20' },
    calibrationNs: [{ wall: 1, cpu: 1 }],
    versions: ['2.4.22', '2.6.32'],
    workloads: [{ id: 'random-mix-200k', source: 'test', steps: 1000, description: '', arch: 'i386', ramMiB: 512 }],
    measurements: {},
    whole: {},
    linearity: {},
    x86: {},
    curves: [],
    reps: 1,
    bigReps: 1,
    native,
  };
}

const m = (cpuMs: number, wallMs: number): Measurement => ({ version: '2.4.22', steps: 1000, wallMs: [wallMs], cpuMs: [cpuMs], counters: {} as Measurement['counters'], failures: 0, maxRssKiB: 1 });

describe('the native section of docs/perf.md', () => {
  it('says that no native figures were taken without --native, in the generated part too', () => {
    expect(renderNative(results())).toContain('No native figures were taken in this run (`npm run bench -- --native DIR`');
    const md = renderReport(results(), `head\n${BEGIN}\nold\n${END}\ntail\n`);
    expect(md).toContain('No native figures were taken in this run');
    expect(md.startsWith('head\n')).toBe(true);
    expect(md.endsWith(`${END}\ntail\n`)).toBe(true);
  });

  it('gives vmx and native per version and workload, medians over the pairs, with the ratios', () => {
    // vmx: CPU 2, 3, 4 ms over 1000 steps (median 3,000 ns/call), wall 5 ms; native 1 µs per call.
    const native = [1, 2, 3].map((k) => ({ calls: 1000, callSeconds: 0.001 * (k === 2 ? 1 : k === 1 ? 0.9 : 1.1), processSeconds: 0.01 }));
    const md = renderNative(
      results({ kernelDirs: ['/k'], pairs: { 'random-mix-200k': { '2.4.22': { arch: 'i386', binary: '/b/2.4.22-i386-fast', fastSameAsNormal: true, vmx: [m(2, 5), m(3, 5), m(4, 5)], native } } } }),
    );
    // The fastest pair (2 ms, 2,000 ns/call) against native, and the slowest over the fastest (4 / 2).
    expect(md).toContain('| random-mix-200k | 2.4.22 | i386 | 3,000 | 5,000 | 1,000 | 3.00x | 5.00x | **missed**: 2.00 times the limit | 3 | 2.00x | 2.00x | yes |');
    expect(md).toContain(`target ≤ ${NATIVE_TARGET.toFixed(2)}x (CPU)`);
    // A version without pairs has no row.
    expect(md).not.toContain('| random-mix-200k | 2.6.32 |');
  });
});

const git = process.env.VMX_LINUX_2632_GIT;
const why = !git ? 'VMX_LINUX_2632_GIT is not set' : !gccCanBuild('-m32') ? 'gcc -m32 cannot build' : '';

describe.skipIf(why !== '')(`bench --native plumbing through tools/oracle --timing${why ? ` (skipped: ${why})` : ''}`, () => {
  it('builds the -fast binary, writes the driver input, and a timed run counts every call', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmx-bench-native-test-'));
    try {
      const f = join(dir, 'tiny.json');
      const steps = [];
      for (let i = 0; i < 50; i++) steps.push({ op: 'vmalloc', size: 4096 * (1 + (i % 3)), as: 'a' }, { op: 'vfree', ref: 'a' });
      writeFileSync(f, JSON.stringify({ name: 'tiny', machine: { arch: 'i386', ramMiB: 64 }, versions: ['2.6.32'], steps }));
      const [t, ...rest] = prepareNative([git!], [f], join(dir, 'in'), { buildDir: join(dir, 'build') });
      expect(rest).toEqual([]);
      expect(t).toMatchObject({ scenario: 'tiny', version: '2.6.32', arch: 'i386' });
      expect(t.fastBinary).toBe(join(dir, 'build', 'bin', '2.6.32-i386-fast'));
      expect(fastSameAsNormal(t)).toBe(true);
      const r = runNative(t);
      expect(r.calls).toBe(100);
      expect(r.callSeconds).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
