/**
 * Expectations in scenario files (src/harness/expect.ts, vmx check / vmx pin): a wrong
 * expectation fails with a message naming scenario, step, version, field, expected and actual;
 * exit codes 0 / 1 / 2; unregistered versions are reported, not ignored; pin → check round trip.
 * Run: npx vitest run test/expect.test.ts
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPaths } from '../src/cli/check.js';
import { formatJson } from '../src/cli/pin.js';
import { pinDocument } from '../src/harness/expect.js';
import { runScenario } from '../src/harness/runner.js';
import { validateScenario } from '../src/harness/scenario.js';
import { VERSIONS, VERSION_IDS } from '../src/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'vmx-expect-'));
function file(name: string, doc: unknown): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return p;
}

// Written out from the 2.4.19 source (get_vm_area first fit with the guard page), not from vmx:
// the first area at VMALLOC_START 0xc8800000 on a 128 MiB i386 machine, the next 0x11000 later.
const quanta = (secondAddr: string) => ({
  name: 'two-quanta',
  machine: { arch: 'i386', ramMiB: 128 },
  steps: [
    { op: 'vmalloc', size: 65536, as: 'q0', expect: { '*': { ok: true, addr: '0xc8800000', log: [] } } },
    { op: 'vmalloc', size: 65536, as: 'q1', expect: { '2.4.19': { addr: secondAddr } } },
    { op: 'vfree', ref: 'q0', expect: { '*': { ok: true } } },
  ],
  expectFinal: { '2.4.19': { areas: 1, pagesMapped: 16 } },
});

describe('vmx check', () => {
  it('passes (exit 0) when every expectation holds', () => {
    const r = checkPaths([file('good', quanta('0xc8811000'))]);
    expect(r.text).toMatch(/^ok   two-quanta/m);
    expect(r.code).toBe(0);
  });

  it('fails (exit 1) on a deliberately wrong expectation, naming scenario, step, version, field, expected and actual', () => {
    const p = file('wrong', quanta('0xc8812000'));
    const r = checkPaths([p]);
    expect(r.code).toBe(1);
    expect(r.text).toContain('FAIL two-quanta');
    expect(r.text).toContain('two-quanta: step 1 (vmalloc size=65536 -> q1), 2.4.19: addr expected "0xc8812000", actual "0xc8811000"');
    expect(r.text).toMatch(/1 failed \(1 mismatch\(es\)\)/);
  });

  it('lists every mismatch, final state included', () => {
    const doc = quanta('0xc8800000');
    doc.expectFinal['2.4.19'].pagesMapped = 99;
    const r = checkPaths([file('two-wrong', doc)]);
    expect(r.code).toBe(1);
    expect(r.text).toContain('step 1 (vmalloc size=65536 -> q1), 2.4.19: addr expected "0xc8800000", actual "0xc8811000"');
    expect(r.text).toContain('final state, 2.4.19: pagesMapped expected 99, actual 16');
  });

  it('exits 2 on a bad scenario and says where', () => {
    const bad = quanta('0xc8811000') as Record<string, unknown>;
    (bad.steps as Record<string, unknown>[])[1].expect = { '2.4.19': { adress: '0x1' } };
    const r = checkPaths([file('bad', bad), file('good2', quanta('0xc8811000'))]);
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/BAD .*bad\.json\n.*step 1 \(vmalloc\): field "expect"\["2\.4\.19"\]: unknown field "adress"/);
    expect(r.text).toMatch(/^ok   two-quanta/m);
  });

  it('reports expectations for versions that are not registered instead of ignoring them', () => {
    const doc = quanta('0xc8811000') as Record<string, unknown>;
    (doc.steps as Record<string, unknown>[])[0].expect = { '*': { ok: true }, '9.9.9': { addr: '0xdead0000' } };
    const r = checkPaths([file('future', doc)]);
    expect(r.text).toContain('note: expectations for 9.9.9 not checked: 9.9.9 is not a registered version');
    expect(r.code).toBe(0);
  });

  it('--strict fails a version the scenario runs on that was never pinned', () => {
    const r = checkPaths([file('unpinned', quanta('0xc8811000'))], { strict: true });
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/error: not pinned for .*2\.4\.19/);
  });
});

describe('vmx pin', () => {
  it('turns a run into expectations that check passes, with agreeing fields under "*"', () => {
    const source = {
      name: 'pin-me',
      machine: { arch: 'i386', ramMiB: 128 },
      seed: 9,
      steps: [
        { op: 'vmalloc', size: 0, as: 'z' },
        { repeat: 4, steps: [{ op: 'vmalloc', size: { uniform: [1, 8], times: 4096 }, as: 'p${i}' }] },
        { repeat: 4, order: 'shuffle', steps: [{ op: 'vfree', ref: 'p${i}' }] },
      ],
    };
    const s = validateScenario(structuredClone(source), VERSION_IDS);
    const runs = runScenario(s, VERSIONS, { detail: false });
    const pinned = pinDocument(source, s, runs);
    expect(pinned.pinned).toEqual(runs.map((r) => r.version));
    // the vfree template: ok and silent on every version and every expansion
    const frees = (pinned.steps as Record<string, unknown>[])[2].steps as Record<string, unknown>[];
    expect(frees[0].expect).toEqual({ '*': { ok: true, log: [] } });
    const p = file('pinned', formatJson(pinned) + '\n');
    expect(checkPaths([p], { strict: true }).code).toBe(0);
    // the source document is untouched, and the file round-trips through the formatter
    expect((source.steps[0] as Record<string, unknown>).expect).toBeUndefined();
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual(pinned);
    // and a change in behaviour is caught: claim step 0 succeeded everywhere
    const tampered = structuredClone(pinned);
    (tampered.steps as Record<string, unknown>[])[0].expect = { '*': { ok: true } };
    const r = checkPaths([file('tampered', tampered)]);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/pin-me: step 0 \(vmalloc size=0 -> z; from steps\[0\]\), 2\.4\.19: ok expected true, actual false/);
  });

  it('keeps, in full, the expectations of versions that are not registered', () => {
    const source = {
      name: 'keep-future',
      machine: { arch: 'i386', ramMiB: 128 },
      steps: [{ op: 'vmalloc', size: 4096, as: 'a', expect: { '*': { ok: true, log: [] }, '9.9.9': { addr: '0xd0000000' } } }],
      expectFinal: { '9.9.9': { pagesMapped: 7 } },
      pinned: ['9.9.9'],
    };
    const s = validateScenario(structuredClone(source), VERSION_IDS);
    const runs = runScenario(s, VERSIONS.filter((v) => v.id === '2.4.19'), { detail: false });
    const pinned = pinDocument(source, s, runs, ['2.4.19']);
    const step = (pinned.steps as Record<string, unknown>[])[0];
    expect(step.expect).toEqual({
      '2.4.19': { ok: true, addr: '0xc8800000', log: [] },
      '9.9.9': { ok: true, log: [], addr: '0xd0000000' },
    });
    expect((pinned.expectFinal as Record<string, unknown>)['9.9.9']).toEqual({ pagesMapped: 7 });
    expect(pinned.pinned).toEqual(['2.4.19', '9.9.9']);
  });
});
