/**
 * The streamed loader (src/harness/scenario-stream.ts) and the compact step list
 * (src/harness/step-tape.ts) that `vmx run --summary` / `--json` use (issue 20): for every
 * document it either gives exactly what parseScenario gives — the same header and, step by step,
 * the same objects with their keys in the same order — or declines (null), and the CLI then
 * loads the ordinary way, so results and messages cannot differ. Correctness only; the memory
 * it saves is measured by `npm run bench` (docs/perf.md).
 * Run: npx vitest run test/scenario-stream.test.ts
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario, type Scenario } from '../src/harness/scenario.js';
import { parseScenarioStreamed } from '../src/harness/scenario-stream.js';
import { StepTape } from '../src/harness/step-tape.js';
import type { Step } from '../src/contract/scenario.js';
import { VERSION_IDS } from '../src/registry.js';
import { buildOnce, vmx } from './property/cli.js';

const vectors = join(import.meta.dirname, 'vectors');
const builtin = join(import.meta.dirname, '..', 'src', 'scenarios', 'builtin');
const files = [
  ...readdirSync(vectors).filter((f) => f.endsWith('.scenario.json')).map((f) => join(vectors, f)),
  ...readdirSync(builtin).filter((f) => f.endsWith('.json')).map((f) => join(builtin, f)),
];

const bytes = (text: string) => new TextEncoder().encode(text);

/** The streamed result as parseScenario's shape (steps materialised), as JSON text: key order counts. */
function streamedText(text: string): string | null {
  const r = parseScenarioStreamed(bytes(text), VERSION_IDS, 'doc');
  if (r === null) return null;
  expect(r.scenario.steps).toEqual([]);
  const steps: Step[] = [];
  for (let i = 0; i < r.steps.length; i++) steps.push(r.steps.get(i));
  return JSON.stringify({ ...r.scenario, steps });
}

function ordinaryText(text: string): string {
  return JSON.stringify(parseScenario(text, VERSION_IDS, 'doc'));
}

function scenario(steps: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name: 'stream', machine: { arch: 'i386', ramMiB: 64 }, ...extra, steps });
}

describe('the streamed loader gives what parseScenario gives, or declines', () => {
  it('every vector and built-in scenario: equal, or declined only where the document has generators', () => {
    let streamedCount = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const doc = JSON.parse(text) as { steps: Record<string, unknown>[]; versions?: string[] };
      // Scenarios naming versions not registered here are skipped (as bench-cli.test.ts does).
      if (doc.versions?.some((v) => !VERSION_IDS.includes(v))) continue;
      const got = streamedText(text);
      const generated = doc.steps.some((s) => s.op === undefined || s.repeat !== undefined || Object.values(s).some((v) => typeof v === 'object' || (typeof v === 'string' && v.includes('${'))));
      if (got === null) {
        expect(generated, `${f} declined without generators`).toBe(true);
        continue;
      }
      streamedCount++;
      expect(got, f).toBe(ordinaryText(text));
    }
    expect(streamedCount).toBeGreaterThan(50);
  });

  it('keeps key order, escapes, brackets inside strings, non-ASCII text and numbers exactly', () => {
    const text =
      '{ "steps" : [\n {"size":4097, "op":"vmalloc","as":"a","comment":"a \\"quoted\\" [x] {y} \\\\ é 😀"},\r\n' +
      '\t{"op":"vfree","ref":"a"} ,{"op":"vmalloc","size":0.5e4,"as":"b"}],\n "machine": {"arch":"i386","ramMiB":64}, "name":"order" }';
    expect(streamedText(text)).toBe(ordinaryText(text));
    const s = JSON.parse(streamedText(text)!) as Scenario;
    expect(Object.keys(s.steps[0])).toEqual(['size', 'op', 'as', 'comment']);
    expect(s.steps[0].comment).toBe('a "quoted" [x] {y} \\ é 😀');
    expect(s.steps[2].size).toBe(5000);
  });

  it('steps with object or array values (expect, offsets) keep their objects', () => {
    const text = scenario([
      { op: 'vmalloc', size: 4096, as: 'a', expect: { '*': { ok: true } } },
      { op: 'vfree', ref: 'a', expect: { '*': { ok: true, log: [] } } },
    ]);
    expect(streamedText(text)).toBe(ordinaryText(text));
  });

  it('more steps than one chunk (256), names bound in an earlier chunk', () => {
    const steps: unknown[] = [{ op: 'vmalloc', size: 4096, as: 'first' }];
    for (let i = 0; i < 5000; i++) steps.push(i % 2 ? { op: 'vfree', ref: `p${i - 1}` } : { op: 'vmalloc', size: 4096 * (1 + (i % 7)), as: `p${i}` });
    steps.push({ op: 'vfree', ref: 'first' });
    const text = scenario(steps);
    expect(streamedText(text)).toBe(ordinaryText(text));
  });

  it('an empty steps array', () => {
    const text = scenario([]);
    expect(streamedText(text)).toBe(ordinaryText(text));
  });

  it('declines what it does not decide: errors anywhere, duplicate keys, generators, no steps', () => {
    const cases = [
      scenario([{ op: 'vmalloc', size: -1 }]), // a bad field
      scenario([{ op: 'vfree', ref: 'nobody' }]), // a ref bound nowhere
      scenario([{ op: 'vmalloc', size: 4096 }], { seed: -1 }), // a header field checked after the steps
      '{"name":"x","machine":{"arch":"i386","ramMiB":64},"steps":[{"op":"vmalloc","size":4096}],"steps":[]}',
      scenario([{ repeat: 2, steps: [{ op: 'vmalloc', size: 4096 }] }]),
      scenario([{ op: 'vmalloc', size: '${4096}' }]),
      '{"name":"x","machine":{"arch":"i386","ramMiB":64}}',
      '{"name":"x","machine":{"arch":"i386","ramMiB":64},"steps":[{"op":"vmalloc","size":4096},]}',
      '{"name":"x","machine":{"arch":"i386","ramMiB":64},"steps":[{"op":"vmalloc","size":4096}]} trailing',
      '[]',
      '{"name":"x","machine":{"arch":"i386","ramMiB":64},"__proto__":{"x":1},"steps":[]}',
    ];
    for (const c of cases) expect(parseScenarioStreamed(bytes(c), VERSION_IDS, 'doc'), c).toBeNull();
    // Invalid UTF-8 inside a string: declined (the ordinary loader decodes it its own way).
    const raw = bytes(scenario([{ op: 'vmalloc', size: 4096, comment: 'XX' }]));
    const at = raw.indexOf(0x58);
    raw[at] = 0xff;
    expect(parseScenarioStreamed(raw, VERSION_IDS, 'doc')).toBeNull();
  });
});

describe('StepTape', () => {
  it('gives back each step with the same keys, order and values', () => {
    const tape = new StepTape();
    const steps = [
      { op: 'vmalloc', size: 2 ** 40 + 1, as: 'a' },
      { op: 'vfree', ref: 'a' },
      { as: 'b', op: 'vmalloc', size: -0 },
      { op: 'fail', site: 'kmalloc', nth: 3 },
      { op: 'vmalloc', size: 8192, as: 'c', expect: { '*': { ok: false } } },
    ] as unknown as Step[];
    for (const s of steps) tape.push(s);
    expect(tape.length).toBe(5);
    for (let i = 0; i < steps.length; i++) {
      expect(JSON.stringify(tape.get(i))).toBe(JSON.stringify(steps[i]));
      expect(Object.is(tape.get(i).size, steps[i].size)).toBe(true);
    }
    expect(tape.get(4)).toBe(steps[4]);
  });

  it('keeps every value exact across its chunks, whatever kind a key holds from step to step', () => {
    // 70,000 steps of up to 4 keys: several slot chunks (65,536 slots) and index chunks (16,384
    // steps); the same key holds int32s, other numbers and strings at different steps.
    const values = [0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 + 7, 0.5, -1e-300, 2 ** 53, 'x', '', '0x10'];
    const steps: Step[] = [];
    for (let i = 0; i < 70_000; i++) {
      const v = values[i % values.length];
      const w = values[(i * 7 + 3) % values.length];
      const step = i % 3 === 0 ? { op: 'vmalloc', size: v, as: `p${i % 1000}` } : { op: 'peek', ref: `p${i % 1000}`, offset: w, count: i };
      steps.push(step as unknown as Step);
    }
    const tape = new StepTape();
    for (const s of steps) tape.push(s);
    expect(tape.length).toBe(steps.length);
    for (let i = 0; i < steps.length; i++) {
      const got = tape.get(i) as unknown as Record<string, unknown>;
      const want = steps[i] as unknown as Record<string, unknown>;
      expect(Object.keys(got)).toEqual(Object.keys(want));
      for (const k of Object.keys(want)) if (!Object.is(got[k], want[k])) expect.fail(`step ${i} key ${k}: ${String(got[k])} for ${String(want[k])}`);
    }
  });
});

describe('vmx run --summary / --json with the streamed loader', () => {
  beforeAll(() => buildOnce(), 300_000);
  it('the same messages for bad input as the ordinary loader (exit 2, nothing on stdout)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmx-stream-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, scenario([{ op: 'vmalloc', size: 4096, as: 'a' }, { op: 'vfree', ref: 'b' }]));
    const table = vmx(['run', bad]);
    for (const mode of ['--summary', '--json']) {
      const r = vmx(['run', bad, mode]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(table.stderr);
    }
    expect(table.stderr).toMatch(/step 1 \(vfree\): field "ref" names nothing bound/);
    const good = join(dir, 'good.json');
    writeFileSync(good, scenario([{ op: 'vmalloc', size: 4096, as: 'a' }, { op: 'vfree', ref: 'a' }], { versions: ['2.4.19', '2.6.32'] }));
    const r = vmx(['run', good, '--summary']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(':')[0])).toEqual(['2.4.19', '2.6.32']);
  });
});
