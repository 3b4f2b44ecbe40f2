/**
 * `npm run bench -- --instructions` (src/bench/instructions.ts): reading cachegrind's summary and
 * the docs/perf.md section. Counting itself needs valgrind, which CI does not install; the
 * figures are measurements and are not pinned.
 * Run: npx vitest run test/bench-instructions.test.ts
 */
import { describe, expect, it } from 'vitest';
import { INSTRUCTIONS_BEGIN, INSTRUCTIONS_END, parseIrefs, renderInstructions, withInstructions } from '../src/bench/instructions.js';
import { ALLOC_BEGIN, renderAllocs, withAllocs } from '../src/bench/alloc.js';

describe('bench --instructions', () => {
  it("reads the total from cachegrind's summary, and nothing from output without one", () => {
    const stderr = '==24890== Cachegrind, a high-precision tracing profiler\n==24890== \n==24890== I   refs:      5,064,538,821\n';
    expect(parseIrefs(stderr)).toBe(5_064_538_821);
    expect(parseIrefs('valgrind: the program exited early\n')).toBeUndefined();
  });

  it('renders one table a workload and keeps its own section beside the allocation section', () => {
    const rows = [
      { workload: 'fix-size-x50000', version: '2.4.19', steps: 40000, instructionsPerStep: 5000.4 },
      { workload: 'fix-size-x50000', version: '2.6.39', steps: 40000, instructionsPerStep: 9905.6 },
      { workload: 'random-size-x20000', version: '2.4.19', steps: 40000, instructionsPerStep: 12345 },
    ];
    const section = renderInstructions(rows, 'now');
    expect(section.startsWith(INSTRUCTIONS_BEGIN) && section.endsWith(INSTRUCTIONS_END)).toBe(true);
    expect(section).toContain('### fix-size-x50000');
    expect(section).toContain('| 2.6.39 | 9,906 | 40,000 |');
    expect(section.indexOf('### random-size-x20000')).toBeGreaterThan(section.indexOf('| 2.6.39 |'));
    const allocs = renderAllocs([{ workload: 'w', version: '2.4.19', steps: 1, bytesPerStep: 1, places: { port: 1, kernel: 0, hardware: 0, harness: 0, other: 0 }, top: [] }], 'now');
    const doc = withInstructions(withAllocs('# Perf\n\n## What bounds the targets that are missed\n\ntext\n', allocs), section);
    expect(doc.indexOf(section)).toBeGreaterThan(doc.indexOf(ALLOC_BEGIN));
    expect(doc.indexOf(section)).toBeLessThan(doc.indexOf('## What bounds'));
    const again = withInstructions(doc, renderInstructions([{ ...rows[0], instructionsPerStep: 4000 }], 'later'));
    expect(again).toContain('| 2.4.19 | 4,000 | 40,000 |');
    expect(again).not.toContain('9,906');
    expect(again.split(INSTRUCTIONS_BEGIN).length).toBe(2);
  });
});
