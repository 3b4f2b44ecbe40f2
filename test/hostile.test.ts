/**
 * Hostile input: every class either runs as the kernel would (a legal call, whatever the kernel
 * then does with it) or is rejected with a message naming the step and the field (exit 2,
 * nothing on stdout). None may crash the tool, hang, or print a partial result as if whole.
 * Each class is tested through validateScenario + the runner and through the built CLI
 * (`node bin/vmx.js run FILE --json`). The >512 MiB file case runs only with VMX_FUZZ_RUNS set
 * or VMX_HOSTILE_HUGE=1, because it reads half a gigabyte.
 * Run: npx vitest run test/hostile.test.ts
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../src/harness/runner.js';
import { ScenarioError, validateScenario } from '../src/harness/scenario.js';
import { VERSIONS, VERSION_IDS } from '../src/registry.js';
import { buildOnce, vmx } from './property/cli.js';

const I386 = { arch: 'i386', ramMiB: 128 };
const X86_64 = { arch: 'x86_64', ramMiB: 256 };
const doc = (steps: unknown[], machine: Record<string, unknown> = I386, extra: Record<string, unknown> = {}) => ({ name: 'hostile', machine, steps, ...extra });
const anyX86_64 = VERSIONS.some((v) => v.arches.includes('x86_64'));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmx-hostile-'));
  buildOnce();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let nfile = 0;
function file(content: string): string {
  const p = join(dir, `case-${nfile++}.json`);
  writeFileSync(p, content);
  return p;
}

/** Rejected by the validator with `msg`, and by the CLI with exit 2, the same message on stderr, nothing on stdout. */
function rejects(d: unknown, msg: RegExp, cli = true): void {
  expect(() => validateScenario(d, VERSION_IDS, 'hostile')).toThrow(ScenarioError);
  expect(() => validateScenario(d, VERSION_IDS, 'hostile')).toThrow(msg);
  if (!cli) return;
  const path = file(JSON.stringify(d));
  const r = vmx(['run', path, '--json']);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(msg);
  expect(r.stderr.startsWith(`vmx run: ${path}: `)).toBe(true);
  expect(r.status).toBe(2);
}

/** Runs on every version (invariants on: no simulator inconsistency), and the CLI prints a whole result document. */
function runs(d: unknown, cli = true) {
  const s = validateScenario(d, VERSION_IDS, 'hostile');
  const results = runScenario(s, VERSIONS, { detail: false, invariants: true });
  for (const r of results) expect(r.steps).toHaveLength(s.steps.length);
  if (cli) {
    const r = vmx(['run', file(JSON.stringify(d)), '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results.map((x: { version: string }) => x.version)).toEqual(results.map((x) => x.version));
    for (const x of out.results) expect(x.steps).toHaveLength(s.steps.length);
  }
  return results;
}

describe('sizes', () => {
  it('0, 1, PAGE_SIZE-1, PAGE_SIZE+1 are legal calls', () => {
    const rs = runs(doc([0, 1, 4095, 4097].map((size) => ({ op: 'vmalloc', size }))));
    for (const r of rs) {
      // vmalloc(0): BUG() in 2.4.19, NULL from 2.4.21 on; either way not an address.
      expect(r.steps[0].ok).toBe(false);
      expect(r.steps.slice(1).map((x) => x.ok)).toEqual([true, true, true]);
    }
  });

  it('near 2^32 on i386: up to 2^32-1 runs (PAGE_ALIGN wraps), 2^32 is rejected', () => {
    const rs = runs(doc([4294963201, 4294967295].map((size) => ({ op: 'vmalloc', size })).concat([{ op: 'get_vm_area', size: 4294963200 } as never])));
    for (const r of rs) expect(r.steps[0].ok).toBe(false);
    rejects(doc([{ op: 'vmalloc', size: 4294967296 }]), /step 0 \(vmalloc\): field "size" exceeds a 32-bit unsigned long \(got 4294967296\)/);
  });

  it('near 2^64 on x86_64: 2^53-1 runs, 2^64-1 is rejected as too big to hold exactly', () => {
    if (anyX86_64) runs(doc([{ op: 'vmalloc', size: Number.MAX_SAFE_INTEGER }], X86_64));
    rejects(doc([{ op: 'vmalloc', size: 18446744073709551615 }], X86_64), /step 0 \(vmalloc\): field "size" exceeds 2\^53-1, the largest size vmx represents exactly/);
    rejects(doc([{ op: 'vread', addr: '0x1ffffffffffffffff', count: 1 }], X86_64), /step 0 \(vread\): field "addr" must be a hex string like "0xd0800000" \(got "0x1ffffffffffffffff"\)/, false);
  });

  it('negative, fractional, NaN-like and string sizes are rejected naming step and field', () => {
    rejects(doc([{ op: 'vmalloc', size: 4096 }, { op: 'vmalloc', size: -1 }]), /step 1 \(vmalloc\): field "size" must be a non-negative integer \(got -1\)/);
    rejects(doc([{ op: 'vmalloc', size: 1.5 }]), /step 0 \(vmalloc\): field "size" must be a non-negative integer \(got 1\.5\)/);
    rejects(doc([{ op: 'vmalloc', size: '4096' }]), /step 0 \(vmalloc\): field "size" must be a non-negative integer \(got "4096"\)/);
    rejects(doc([{ op: 'vmalloc', size: null }]), /step 0 \(vmalloc\): field "size" must be a non-negative integer \(got null\)/, false);
    rejects(doc([{ op: 'vmalloc', size: true }]), /step 0 \(vmalloc\): field "size" must be a non-negative integer \(got true\)/, false);
    rejects(doc([{ op: 'vread', addr: '0xc8800000', count: -8 }]), /step 0 \(vread\): field "count" must be an integer/, false);
  });
});

describe('ops, refs and addresses', () => {
  it('unknown ops and unknown fields are rejected', () => {
    rejects(doc([{ op: 'kmalloc', size: 1 }]), /step 0: field "op": unknown op "kmalloc"/);
    rejects(doc([{ op: 42 }]), /step 0: field "op" is missing or not a string/, false);
    rejects(doc([{ op: 'vmalloc', size: 1, gfp: 'GFP_ATOMIC' }]), /step 0 \(vmalloc\): unknown field "gfp"/, false);
    rejects(doc(['vmalloc']), /step 0: a step must be an object/, false);
  });

  it('refs used after free are legal calls (the kernel decides: "nonexistent", an oops, a stale read)', () => {
    const rs = runs(doc([
      { op: 'vmalloc', size: 8192, as: 'a' },
      { op: 'vwrite', ref: 'a', data: 'deadbeef' },
      { op: 'vfree', ref: 'a' },
      { op: 'vread', ref: 'a', count: 4 },
      { op: 'peek', ref: 'a', count: 4 },
      { op: 'vwrite', ref: 'a', data: '01' },
      { op: 'vfree', ref: 'a' },
    ]));
    for (const r of rs) expect(r.steps[2].ok).toBe(true);
    rejects(doc([{ op: 'vfree', ref: 'never' }]), /step 0 \(vfree\): field "ref" names nothing bound by an earlier step's "as"/);
  });

  it('vread/vwrite/peek/poke/vfree outside any area are legal calls', () => {
    const wild = ['0x1', '0xfff', '0x1000', '0xc0000000', '0xc8800000', '0xfdffe000', '0xfffff000', '0xffffffff'];
    runs(doc(wild.flatMap((addr) => [
      { op: 'vread', addr, count: 32 },
      { op: 'vwrite', addr, data: 'a5a5a5a5' },
      { op: 'peek', addr, count: 2 },
      { op: 'poke', addr, data: 'ff' },
      { op: 'vfree', addr },
    ])));
    rejects(doc([{ op: 'vread', addr: 'c8800000', count: 1 }]), /step 0 \(vread\): field "addr" must be a hex string/);
    rejects(doc([{ op: 'vread', addr: '0x100000000', count: 1 }]), /step 0 \(vread\): field "addr" address 0x100000000 does not fit a 32-bit unsigned long/, false);
    rejects(doc([{ op: 'vwrite', addr: '0xc8800000', data: 'abc' }]), /step 0 \(vwrite\): field "data" must be hex bytes/, false);
    rejects(doc([{ op: 'peek', addr: '0xc8800000', count: 1, cpu: 1 }]), /step 0 \(peek\): field "cpu" must be a CPU number below machine.cpus \(1\)/, false);
  });
});

describe('sizes of documents', () => {
  it('a million steps validate and run (a cheap op), and more than the limit is refused by count', () => {
    const steps: unknown[] = [{ op: 'vmalloc', size: 4096, as: 'a' }];
    for (let i = 0; i < 999_999; i++) steps.push({ op: 'forget', ref: 'a' });
    const d = doc(steps);
    const t = Date.now();
    const s = validateScenario(d, VERSION_IDS);
    expect(s.steps).toHaveLength(1_000_000);
    // forget is the harness's own op, the same on every version: one version is enough here.
    const [r0] = runScenario(s, VERSIONS.slice(0, 1), { detail: false, invariants: false });
    expect(r0.steps).toHaveLength(1_000_000);
    expect(Date.now() - t).toBeLessThan(90_000);
    const r = vmx(['run', file(JSON.stringify(d)), '--summary', '--versions', VERSIONS[0].id], 120_000);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/1000000 steps/);
    const tooMany = doc(new Array(5_000_001).fill({ op: 'vm_unmap_aliases' }));
    expect(() => validateScenario(tooMany, VERSION_IDS)).toThrow(/"steps" has 5000001 entries; vmx runs at most 5000000/);
  });

  it('deeply nested JSON is refused with the path, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    rejects(doc([{ op: 'vmalloc', size: deep }]), /steps\[0\]\.size\[0\]\[0\].*: nested more than 64 levels deep/, false);
    // The same through a file: JSON.parse copes, the validator refuses.
    const text = JSON.stringify(doc([{ op: 'vmalloc', size: 1 }])).replace('"size":1', `"size":${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const r = vmx(['run', file(text), '--json']);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/nested more than 64 levels deep/);
    const obj = JSON.stringify(doc([{ op: 'vmallocinfo', expect: { '*': 0 } }])).replace('"*":0', `"*":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    const r2 = vmx(['run', file(obj), '--json']);
    expect([r2.status, r2.stdout]).toEqual([2, '']);
    expect(r2.stderr).toMatch(/steps\[0\]\.expect\.\*\.a\.a.*nested more than 64 levels deep/);
  });

  it('huge JSON: a 16 MiB data field runs, one byte more is refused, a 24 MB document runs', () => {
    // 16 MiB is the contract's largest buffer (the even-digit regex used to overflow the stack on it).
    runs(doc([{ op: 'vmalloc', size: 4096, as: 'a' }, { op: 'vwrite', ref: 'a', data: '00'.repeat(16 * 1024 * 1024) }]), false);
    rejects(doc([{ op: 'vmalloc', size: 4096, as: 'a' }, { op: 'vwrite', ref: 'a', data: '00'.repeat(16 * 1024 * 1024 + 1) }]), /step 1 \(vwrite\): field "data" is longer than 16777216 bytes/, false);
    const big = doc([{ op: 'vmalloc', size: 4096 }], I386, { description: 'x'.repeat(24_000_000) });
    const r = vmx(['run', file(JSON.stringify(big)), '--summary']);
    expect(r.status).toBe(0);
  });

  it.skipIf(!process.env.VMX_FUZZ_RUNS && !process.env.VMX_HOSTILE_HUGE)('a file over 512 MiB (more than a JavaScript string holds) is refused, not crashed on', () => {
    const p = join(dir, 'huge.json');
    writeFileSync(p, '');
    truncateSync(p, 600 * 1024 * 1024);
    const r = vmx(['run', p, '--json'], 120_000);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/cannot read/);
  });

  it('not JSON, empty, or not an object', () => {
    for (const [text, msg] of [
      ['', /not valid JSON/],
      ['{"name": "x", ', /not valid JSON/],
      ['[1, 2, 3]', /the document must be a JSON object/],
      ['null', /the document must be a JSON object/],
    ] as const) {
      const r = vmx(['run', file(text), '--json']);
      expect([r.status, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(msg);
    }
  });
});

describe('machine profiles', () => {
  it('unknown profile fields and out-of-range values are rejected naming the field', () => {
    rejects(doc([], { arch: 'i386', ramMiB: 128, highmem: true }), /machine: unknown field "highmem" \(known: arch, ramMiB, cpus, nodes, /);
    rejects(doc([], { arch: 'arm', ramMiB: 128 }), /machine.arch must be one of i386, i386-pae, x86_64 \(got "arm"\)/);
    rejects(doc([], { arch: 'i386', ramMiB: 8 }), /machine.ramMiB must be an integer from 16 to 4096 for i386 \(got 8\)/, false);
    rejects(doc([], { arch: 'i386', ramMiB: '128' }), /machine.ramMiB must be an integer/, false);
    rejects(doc([], { arch: 'i386', ramMiB: 128, cpus: 0 }), /machine.cpus must be an integer from 1 to 4096/, false);
    rejects(doc([], { arch: 'i386', ramMiB: 128, vmallocStart: '0xd0000000' }), /machine.vmallocStart and machine.vmallocEnd must be given together/, false);
    rejects(doc([], I386, { profile: 'fast' }), /unknown top-level field "profile"/, false);
    rejects(doc([], I386, { versions: ['9.9.9'] }), /versions\[0\]: "9.9.9" is not a registered version/, false);
  });

  it('a window end as a kernel writes it (not page-aligned) is accepted and every version runs on it; what cannot be a window is refused naming the field', () => {
    // 2.6.32 x86_64's own VMALLOC_END is 0xffffe8ffffffffff; an i386 end off a page boundary likewise
    const steps = [{ op: 'vmalloc', size: 4096, as: 'a' }, { op: 'vmalloc', size: 1 << 20 }, { op: 'vfree', ref: 'a' }, { op: 'vmallocinfo' }];
    runs(doc(steps, { arch: 'i386', ramMiB: 128, vmallocStart: '0xd0000000', vmallocEnd: '0xd0203fff' }), false);
    runs(doc(steps, { arch: 'i386-pae', ramMiB: 128, vmallocStart: '0xd0000000', vmallocEnd: '0xd0203001' }), false);
    if (anyX86_64) runs(doc(steps, { arch: 'x86_64', ramMiB: 256, vmallocStart: '0xffffe8fffff00000', vmallocEnd: '0xffffe8ffffffffff' }), false);
    rejects(doc([], { arch: 'i386', ramMiB: 128, vmallocStart: '0xd0000800', vmallocEnd: '0xd0400000' }), /machine.vmallocStart must be a page-aligned kernel address \(got 0xd0000800\)/, false);
    rejects(doc([], { arch: 'i386', ramMiB: 128, vmallocStart: '0xd0000000', vmallocEnd: '0x1ffffffff' }), /machine.vmallocEnd: address 0x1ffffffff does not fit a 32-bit unsigned long/, false);
    rejects(doc([], { arch: 'x86_64', ramMiB: 256, vmallocStart: '0xffffc90000000000', vmallocEnd: '0x1fff' }), /machine.vmallocEnd must be a kernel address \(got 0x1fff\)/, false);
    rejects(doc([], { arch: 'i386', ramMiB: 128, vmallocStart: '0xd0000000', vmallocEnd: '0x0' }), /machine.vmallocEnd must be a kernel address \(got 0x0\)/, false);
    rejects(doc([], { arch: 'i386', ramMiB: 128, vmallocStart: '0xd0000000', vmallocEnd: '0xd0000000' }), /machine.vmallocStart must be below machine.vmallocEnd/, false);
  });

  it('the largest machines each arch allows boot and run', () => {
    runs(doc([{ op: 'vmalloc', size: 1 << 20 }], { arch: 'i386', ramMiB: 4096, cpus: 4096 }), false);
    runs(doc([{ op: 'vmalloc', size: 1 << 20 }], { arch: 'i386-pae', ramMiB: 65536 }), false);
    if (anyX86_64) runs(doc([{ op: 'vmalloc', size: 1 << 20 }], { arch: 'x86_64', ramMiB: 1024 * 1024 }), false);
  });
});

describe('the CLI itself', () => {
  it('unknown options, missing files and bad fault-sweep input exit 2 with nothing on stdout', () => {
    for (const args of [
      ['run', 'vmalloc-zero', '--jsn'],
      ['run', join(dir, 'missing.json')],
      ['faults', file('{"name":"x"}')],
      ['faults', 'vmalloc-zero', '--sites', 'kfree'],
      ['faults', 'vmalloc-zero', '--max-per-site', '-3'],
      ['faults'],
      ['nosuchcommand'],
    ]) {
      const r = vmx(args);
      expect({ args, status: r.status, stdout: r.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(r.stderr.length).toBeGreaterThan(0);
    }
  });
});
