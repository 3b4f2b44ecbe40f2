/**
 * tools/oracle/mix.ts, the seeded mix generator for fresh differential checks: the same arguments
 * give the same bytes, other seeds other steps; every document it writes is a valid scenario on
 * each arch; a mix reaches the ops it claims (allocations of each flavour and their frees, stale
 * handles, touches, faults); bad arguments are one line on stderr, exit 2, nothing on stdout.
 * The m* reference vectors in test/vectors are mixes it wrote, run through the oracle.
 * Run: npx vitest run test/oracle-mix.test.ts
 */
import { describe, expect, it } from 'vitest';
import { makeMix, mixMain, parseMixArgs } from '../tools/oracle/mix.js';
import { parseScenario } from '../src/harness/scenario.js';
import { VERSION_IDS } from '../src/registry.js';

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = mixMain(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('oracle:mix', () => {
  it('writes the same document for the same arguments and another for another seed', () => {
    const a = run(['--seed', '7', '--steps', '300']);
    const b = run(['--seed', '7', '--steps', '300']);
    const c = run(['--seed', '8', '--steps', '300']);
    expect(a.code).toBe(0);
    expect(a.err).toBe('');
    expect(a.out).toBe(b.out);
    expect(JSON.parse(c.out).steps).not.toEqual(JSON.parse(a.out).steps);
  });

  for (const arch of ['i386', 'i386-pae', 'x86_64'] as const) {
    it(`writes a valid scenario on ${arch}, with the steps asked for and every family of op`, () => {
      const doc = makeMix(parseMixArgs(['--seed', '3', '--steps', '2000', '--arch', arch]));
      const s = parseScenario(JSON.stringify(doc), VERSION_IDS, `mix-${arch}`);
      expect(s.steps).toHaveLength(2000);
      expect(s.machine.arch).toBe(arch);
      const ops = new Set(s.steps.map((st) => st.op));
      for (const op of ['vmalloc', 'vfree', 'vmap', 'vunmap', 'get_vm_area', 'remove_vm_area', 'ioremap', 'iounmap', 'vm_map_ram', 'vm_unmap_ram', 'vread', 'vwrite', 'lookup_pte', 'peek', 'fail', 'vm_unmap_aliases', 'vmallocinfo'])
        expect(ops, op).toContain(op);
      // 2.4 has no x86_64 build (in vmx or the oracle): those mixes name the 2.6 versions only
      expect(s.versions!.some((v) => v.startsWith('2.4'))).toBe(arch !== 'x86_64');
      // some frees name a handle already freed (double free, read through a stale handle)
      const freed = new Set<string>();
      let stale = 0;
      for (const st of s.steps) {
        if (st.ref !== undefined && freed.has(st.ref)) stale++;
        if (['vfree', 'vunmap', 'remove_vm_area', 'free_vm_area', 'iounmap', 'vm_unmap_ram'].includes(st.op) && st.ref !== undefined) freed.add(st.ref);
      }
      expect(stale).toBeGreaterThan(10);
    });
  }

  it('keeps the reads and writes of live areas inside what was asked for', () => {
    const doc = makeMix(parseMixArgs(['--seed', '11', '--steps', '3000'])) as { steps: Record<string, unknown>[] };
    const sizes = new Map<string, number>();
    for (const st of doc.steps) {
      if (typeof st.as === 'string') sizes.set(st.as, typeof st.size === 'number' ? st.size : Number(st.pages ?? 0) * 4096);
      if ((st.op === 'vwrite' || st.op === 'peek' || st.op === 'lookup_pte') && typeof st.ref === 'string' && st.offset !== undefined) {
        const size = sizes.get(st.ref)!;
        const len = st.op === 'vwrite' ? String(st.data).length / 2 : st.op === 'peek' ? Number(st.count) : 1;
        // get_vm_area handles are bound with size 0 and touched at offset 0 only
        expect(Number(st.offset) + len, `${st.op} ${st.ref}`).toBeLessThanOrEqual(Math.max(size, 1));
      }
    }
  });

  it('refuses bad arguments with one line on stderr, exit 2, nothing on stdout', () => {
    for (const [argv, text] of [
      [[], '--seed is required'],
      [['--seed', 'x'], '--seed must be a positive integer, not "x"'],
      [['--seed', '1', '--steps', '0'], '--steps must be a positive integer, not "0"'],
      [['--seed', '1', '--arch', 'arm'], '--arch must be i386, i386-pae or x86_64, not "arm"'],
    ] as const) {
      const r = run([...argv]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toBe(`oracle:mix: ${text}\n`);
    }
    const r = run(['--seed', '1', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toHaveLength(2);
    expect(r.err).toContain('--bogus');
  });
});
