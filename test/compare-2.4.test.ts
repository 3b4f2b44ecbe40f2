/**
 * One scenario over both 2.4 versions, and the exact differences between them, step by step
 * (outcome, address, log, cost) and in the final state. Each difference is tied to an entry
 * of 2.4.22's change catalogue (versions/2.4.22/index.ts).
 * Run: npx vitest run test/compare-2.4.test.ts
 *
 * Machine: i386, 128 MiB, VMALLOC_START 0xc8800000, VMALLOC_END 0xfdffe000.
 */
import { describe, expect, it } from 'vitest';
import type { Step } from '../src/harness/scenario.js';
import type { StepResult } from '../src/contract/result.js';
import { run, version } from './versions/support-2.4.js';

const STEPS: Partial<Step>[] = [
  // 0: empty vmlist, so no VMALLOC_END or wrap check: both accept a 4 GiB - 1 MiB reservation
  { op: 'get_vm_area', size: 0xfff00000, as: 'big' },
  // 1: big "ends" at 0xc8701000 (mod 2^32). 2.4.19 follows that end backwards; 2.4.22 stays
  { op: 'get_vm_area', size: 4096, as: 'g' },
  // 2, 3: clean up (no page tables were ever built there)
  { op: 'vfree', ref: 'big' },
  { op: 'vfree', ref: 'g' },
  // 4: [a 0xc8800000 .. 0xc8811000)
  { op: 'vmalloc', size: 65536, as: 'a' },
  // 5, 6: BUG() versus NULL
  { op: 'vmalloc', size: 0 },
  { op: 'vmalloc', size: 128 * 1024 * 1024 + 4096 },
  // 7: size + PAGE_SIZE wraps to 0: 2.4.19 links a zero-sized area in front of a, same address
  { op: 'get_vm_area', size: 0xfffff000, as: 'z' },
  // 8: vmap exists only in 2.4.22: [m 0xc8811000 .. 0xc8814000)
  { op: 'vmap', pages: 2, as: 'm' },
  // 9: vfree(0xc8800000): 2.4.19 finds the zero-sized area first and its one-iteration pte walk
  //    frees a's first page, leaving a on vmlist with a hole at its start
  { op: 'vfree', ref: 'a' },
  // 10: 2.4.19 dereferences the unmapped first page of a; 2.4.22 zero-fills the hole before m
  { op: 'vread', ref: 'a', count: 4 },
  // 11
  { op: 'vunmap', ref: 'm' },
  // 12: a is still on 2.4.19's vmlist; 2.4.22 freed it at step 9
  { op: 'vfree', ref: 'a' },
  // 13
  { op: 'vmap', pages: 1, as: 'n' },
];

const ok = (op: string, addr?: string): StepResult => (addr ? { op, ok: true, addr, log: [] } : { op, ok: true, log: [] });
const enomem = (op: string): StepResult => ({ op, ok: false, error: 'ENOMEM', addr: null, log: [] });
const unsupported = (op: string, withAddr: boolean): StepResult =>
  withAddr ? { op, ok: false, error: 'unsupported', addr: null, log: [] } : { op, ok: false, error: 'unsupported', log: [] };
const bug = { op: 'vmalloc', ok: false, error: 'BUG', addr: null, log: ['kernel BUG at vmalloc.c:236!'] } as StepResult;

/** Expected results, worked out from the two sources. */
const EXPECTED: Record<string, StepResult[]> = {
  '2.4.19': [
    ok('get_vm_area', '0xc8800000'),
    ok('get_vm_area', '0xc8701000'),
    ok('vfree'),
    ok('vfree'),
    ok('vmalloc', '0xc8800000'),
    bug,
    bug,
    ok('get_vm_area', '0xc8800000'),
    unsupported('vmap', true),
    ok('vfree'),
    // 10: the oops kills the task inside read_lock(&vmlist_lock) (arch/i386/mm/fault.c's line)
    { op: 'vread', ok: false, error: 'OOPS', log: ['Unable to handle kernel paging request at virtual address c8800000'] },
    unsupported('vunmap', false),
    // 12: on an SMP kernel write_lock(&vmlist_lock) spins for ever behind the dead reader
    { op: 'vfree', ok: false, error: 'HANG', held: 'vmlist_lock (held since step 10)', log: [] },
    unsupported('vmap', true),
  ],
  '2.4.22': [
    ok('get_vm_area', '0xc8800000'),
    ok('get_vm_area', '0xc8800000'),
    ok('vfree'),
    ok('vfree'),
    ok('vmalloc', '0xc8800000'),
    enomem('vmalloc'),
    enomem('vmalloc'),
    enomem('get_vm_area'),
    ok('vmap', '0xc8811000'),
    ok('vfree'),
    { op: 'vread', ok: true, count: 4, data: '00000000', log: [] },
    ok('vunmap'),
    { op: 'vfree', ok: false, error: 'nonexistent', log: ['Trying to vfree() nonexistent vm area (c8800000)'] },
    ok('vmap', '0xc8800000'),
  ],
};

/** Which catalogue entry explains each differing step. */
const EXPLAINED_BY: Record<number, string> = {
  1: 'get-vm-area-forward-only',
  5: 'vmalloc-bad-size-null',
  6: 'vmalloc-bad-size-null',
  7: 'get-vm-area-size-wrap',
  8: 'vmap',
  9: 'get-vm-area-size-wrap', // same outcome, different cost: see the cost test
  10: 'get-vm-area-size-wrap',
  11: 'vunmap-is-vfree',
  12: 'get-vm-area-size-wrap',
  13: 'vmap',
};

describe('2.4.19 versus 2.4.22 on one scenario', () => {
  const a = run('2.4.19', 'compare-2.4', STEPS);
  const b = run('2.4.22', 'compare-2.4', STEPS);

  it('gives each version the results its source says, step by step', () => {
    STEPS.forEach((_, i) => {
      expect({ i, ...a.steps[i] }).toEqual({ i, ...EXPECTED['2.4.19'][i] });
      expect({ i, ...b.steps[i] }).toEqual({ i, ...EXPECTED['2.4.22'][i] });
    });
  });

  it('differs at exactly these steps (outcome, address or log)', () => {
    const differing = STEPS.map((_, i) => i).filter((i) => JSON.stringify(a.steps[i]) !== JSON.stringify(b.steps[i]));
    expect(differing).toEqual([1, 5, 6, 7, 8, 10, 11, 12, 13]);
    // each is explained by an entry of the catalogue
    const ids = new Set(version('2.4.22').changes.map((c) => c.id));
    for (const i of differing) expect(ids.has(EXPLAINED_BY[i])).toBe(true);
  });

  it('differs in cost at step 9: 2.4.19 frees one page of a, 2.4.22 all sixteen', () => {
    expect(a.details[9].cost).toMatchObject({ pages_freed: 1, ptes_cleared: 1, kfree_calls: 1 });
    expect(b.details[9].cost).toMatchObject({ pages_freed: 16, ptes_cleared: 16, kfree_calls: 1 });
    // vunmap (2.4.22 only) drops the vmap references without freeing any frame
    expect(b.details[11].cost.pages_freed).toBeUndefined();
    expect(b.details[11].cost.ptes_cleared).toBe(2);
  });

  it('ends in different final states', () => {
    // 2.4.19: a never left vmlist (step 12 hung), its other 15 pages still mapped
    expect(a.final).toEqual({ areas: [{ addr: '0xc8800000', size: 0x11000, flags: ['VM_ALLOC'] }], pagesMapped: 15, pageTablePages: 1, kmemleak: null });
    expect(b.final).toEqual({ areas: [{ addr: '0xc8800000', size: 0x2000, flags: ['VM_ALLOC'] }], pagesMapped: 1, pageTablePages: 1, kmemleak: null });
  });
});
