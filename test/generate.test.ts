/**
 * Generated steps (src/harness/generate.ts): repeat/let/uniform/pick/shuffle expansion is
 * deterministic (same seed, same steps), plain step lists pass through unchanged, and mistakes
 * are named by JSON path and field. Run: npx vitest run test/generate.test.ts
 */
import { describe, expect, it } from 'vitest';
import { evaluate, expandDocument, Mulberry32 } from '../src/harness/generate.js';
import { ScenarioError, validateScenario } from '../src/harness/scenario.js';

const machine = { arch: 'i386', ramMiB: 128 };
const known = ['2.4.19', '2.4.22', '2.6.32'];

const randomDoc = (seed?: number) => ({
  name: 'gen',
  machine,
  ...(seed === undefined ? {} : { seed }),
  steps: [
    { repeat: 20, let: { n: { uniform: [1, 100] } }, steps: [{ op: 'vmalloc', size: '${n * PAGE_SIZE}', as: 'p${i}' }] },
    { repeat: 20, order: 'shuffle', steps: [{ op: 'vfree', ref: 'p${i}' }] },
    { op: 'vmalloc', size: { pick: [4096, 8192] } },
  ],
});

describe('mulberry32', () => {
  it('produces the published sequence for seed 1 (Math.imul form) and stays within bounds', () => {
    const r = new Mulberry32(1);
    // Written out from the reference implementation, not from vmx.
    const ref = (() => {
      let a = 1;
      return () => {
        let t = (a += 0x6d2b79f5);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return (t ^ (t >>> 14)) >>> 0;
      };
    })();
    for (let i = 0; i < 5; i++) expect(r.next()).toBe(ref());
    const b = new Mulberry32(42);
    for (let i = 0; i < 1000; i++) {
      const x = b.between(3, 9);
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThanOrEqual(9);
    }
  });
});

describe('expandDocument', () => {
  it('leaves a plain step list unchanged', () => {
    const doc = { name: 'plain', machine, steps: [{ op: 'vmalloc', size: 4096, as: 'a' }, { op: 'vfree', ref: 'a' }] };
    const e = expandDocument(doc);
    expect(e.generated).toBe(false);
    expect(e.doc).toBe(doc);
    expect(e.origins).toEqual(['steps[0]', 'steps[1]']);
  });

  it('expands loops with ${i} substitution in names and expressions in sizes', () => {
    const e = expandDocument({
      name: 'loop',
      machine,
      steps: [{ repeat: 3, steps: [{ op: 'vmalloc', size: '${(i + 1) * PAGE_SIZE}', as: 'q${i}' }] }, { repeat: 3, order: 'reverse', var: 'j', steps: [{ op: 'vfree', ref: 'q${j}' }] }],
    });
    expect(e.doc.steps).toEqual([
      { op: 'vmalloc', size: 4096, as: 'q0' },
      { op: 'vmalloc', size: 8192, as: 'q1' },
      { op: 'vmalloc', size: 12288, as: 'q2' },
      { op: 'vfree', ref: 'q2' },
      { op: 'vfree', ref: 'q1' },
      { op: 'vfree', ref: 'q0' },
    ]);
    expect(e.origins[4]).toBe('steps[1].steps[0]');
    expect(e.bindings[4]).toBe('j=1');
  });

  it('is deterministic: the same seed gives the same steps, another seed other steps', () => {
    const a = expandDocument(randomDoc(5));
    const b = expandDocument(randomDoc(5));
    const c = expandDocument(randomDoc(6));
    expect(a.doc.steps).toEqual(b.doc.steps);
    expect(a.doc.steps).not.toEqual(c.doc.steps);
    expect(a.seed).toBe(5);
    expect(expandDocument(randomDoc()).seed).toBe(1);
    const steps = a.doc.steps as { op: string; size?: number; ref?: string }[];
    // uniform sizes stay in range, in pages
    for (const s of steps.slice(0, 20)) {
      expect(s.size! % 4096).toBe(0);
      expect(s.size!).toBeGreaterThanOrEqual(4096);
      expect(s.size!).toBeLessThanOrEqual(100 * 4096);
    }
    // the shuffled frees are a permutation of the allocations
    const frees = steps.slice(20, 40).map((s) => s.ref);
    expect([...frees].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`).sort());
    expect(frees).not.toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`));
    expect([4096, 8192]).toContain(steps[40].size);
  });

  it('evaluates let afresh per iteration and lets later names use earlier ones', () => {
    const e = expandDocument({
      name: 'let',
      machine,
      seed: 3,
      steps: [{ repeat: 50, let: { rnd: { uniform: [0, 255] }, pages: '${rnd % 10 + 1}' }, steps: [{ op: '__vmalloc_node', size: '${pages * PAGE_SIZE}', align: '${1 << (rnd % 23)}' }] }],
    });
    const steps = e.doc.steps as { size: number; align: number }[];
    expect(new Set(steps.map((s) => s.size)).size).toBeGreaterThan(3);
    for (const s of steps) expect(Math.log2(s.align) % 1).toBe(0);
  });

  it('names the JSON path and field of a mistake', () => {
    const bad = (steps: unknown[]) => () => validateScenario({ name: 'bad', machine, steps }, known);
    expect(bad([{ repeat: 2, steps: [{ op: 'vmalloc', size: { uniform: [5, 2] } }] }])).toThrow(/steps\[0\]\.steps\[0\]\.size\.uniform: lo 5 is above hi 2/);
    expect(bad([{ repeat: 2, steps: [{ op: 'vmalloc', size: '${n * 2}' }] }])).toThrow(/steps\[0\]\.steps\[0\]\.size: unknown name "n".*with i=0/);
    expect(bad([{ repeat: 2, order: 'sideways', steps: [] }])).toThrow(/steps\[0\]\.order: must be "forward", "reverse" or "shuffle"/);
    expect(bad([{ repeat: 2, steps: [{ repeat: 2, steps: [] }] }])).toThrow(/steps\[0\]\.steps\[0\]\.var: "i" is already bound/);
    expect(bad([{ repeat: 2, times: 3, steps: [] }])).toThrow(/steps\[0\]: unknown generator field "times"/);
    expect(bad([{ op: 'vmalloc', repeat: 2, steps: [] }])).toThrow(/steps\[0\]: a step has either "op"/);
    // a contract error in an expanded step names the template and the bindings
    expect(bad([{ repeat: 3, steps: [{ op: 'vfree', ref: 'x${i}' }] }])).toThrow(ScenarioError);
    expect(bad([{ repeat: 3, steps: [{ op: 'vfree', ref: 'x${i}' }] }])).toThrow(/step 0 \(steps\[0\]\.steps\[0\] with i=0\) \(vfree\): field "ref"/);
  });

  it('evaluates expressions with C integer semantics', () => {
    const none = () => undefined;
    expect(evaluate('7 / 2', none)).toBe(3n);
    expect(evaluate('1 << 31', none)).toBe(2147483648n);
    expect(evaluate('hex(PAGE_SIZE << 4)', none)).toBe('0x10000');
    expect(evaluate('max(3, 9, 4) - min(2, 1)', none)).toBe(8n);
    expect(evaluate('q1.addr - q0.addr', (n) => (n === 'q1.addr' ? '0xc8811000' : '0xc8800000'))).toBe(0x11000n);
  });
});
