/**
 * vmalloc_to_page on 2.4 (mm/memory.c, new in 2.4.19: linux-history "v2.4.18 -> v2.4.19"; 2.4.19
 * line 1478, 2.4.22 line 1477, 2.4.31 line 1485, the same body in all three). The oracle does not
 * drive it (its frame numbers are its own), so the expected values are worked out from the C:
 *   pgd = pgd_offset_k(addr); if (!pgd_none(*pgd)) { pmd = pmd_offset(pgd, addr);
 *   if (!pmd_none(*pmd)) { pte = pte_offset(pmd, addr); if (pte_present(*pte)) page = pte_page(*pte); } }
 * - an address inside a vmalloc'ed area: the frame its pte maps (the frame lookup_pte shows);
 * - the guard page after it and a window address nothing mapped: pte none, NULL;
 * - a user address on 2-level i386: pgd_none is 0 (pgtable-2level.h) and pmd_none reads the pgd
 *   entry, none after zap_low_mappings: NULL; on PAE the user slots point at empty_zero_page,
 *   whose entries are none: NULL;
 * - a linear-map address: its pmd is a large page (pagetable_init, cpu_has_pse), pmd_none is
 *   false and pte_offset reads the large page's first RAM frame as a pte table. vmx's table for
 *   that frame starts as zeroes (SIM, docs/architecture.md), so NULL.
 * 2.4.0 has no vmalloc_to_page: unsupported.
 * Run: npx vitest run test/versions/vmalloc-to-page-2.4.test.ts
 */
import { describe, expect, it } from 'vitest';
import { runVersion } from '../../src/harness/runner.js';
import { validateScenario, type MachineSpec } from '../../src/harness/scenario.js';
import { findVersion, VERSION_IDS } from '../../src/registry.js';

function run(v: string, machine: Partial<MachineSpec>, steps: Record<string, unknown>[]) {
  const s = validateScenario({ name: 'vtp', machine: { arch: 'i386', ramMiB: 64, cpus: 1, ...machine }, steps }, VERSION_IDS, 'vtp');
  return runVersion(s, findVersion(v)!, { detail: false });
}

const steps = [
  { op: 'vmalloc', size: 8192, as: 'a' },
  { op: 'lookup_pte', ref: 'a' },
  { op: 'vmalloc_to_page', ref: 'a' },
  { op: 'lookup_pte', ref: 'a', offset: 4096 },
  { op: 'vmalloc_to_page', ref: 'a', offset: 4096 + 123 },
  { op: 'vmalloc_to_page', ref: 'a', offset: 8192 }, // the guard page
  { op: 'vmalloc_to_page', addr: '0xfd000000' }, // in the window, nothing there
  { op: 'vmalloc_to_page', addr: '0x00001000' }, // user half
  { op: 'vmalloc_to_page', addr: '0xc0001000' }, // the linear map (a large pmd)
];

/** The frame in a lookup_pte result's raw pte (bits 12 and up, 2-level or PAE). */
const frameOf = (pte: string) => Number(BigInt(pte) >> 12n);

describe('vmalloc_to_page on 2.4.19, 2.4.22, 2.4.31', () => {
  for (const v of ['2.4.19', '2.4.22', '2.4.31']) {
    for (const arch of ['i386', 'i386-pae'] as const) {
      it(`${v} ${arch}: the mapped frame, NULL for the guard page, an empty slot, a user address and a linear-map address`, () => {
        const r = run(v, { arch }, steps);
        const [, pte0, p0, pte1, p1, guard, hole, user, linear] = r.steps;
        expect(p0).toMatchObject({ ok: true, count: frameOf(pte0.pte!) });
        expect(p1).toMatchObject({ ok: true, count: frameOf(pte1.pte!) });
        expect(p0.count).not.toBe(p1.count);
        for (const x of [guard, hole, user, linear]) expect(x).toMatchObject({ ok: false, error: 'nonexistent', log: [] });
      });
    }
  }

  it('2.4.0 has no vmalloc_to_page', () => {
    const r = run('2.4.0', {}, [{ op: 'vmalloc', size: 4096, as: 'a' }, { op: 'vmalloc_to_page', ref: 'a' }]);
    expect(r.steps[1]).toMatchObject({ ok: false, error: 'unsupported' });
  });
});
