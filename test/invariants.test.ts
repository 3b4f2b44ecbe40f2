/**
 * The machine invariants (src/harness/invariants.ts): simulator inconsistencies throw, kernel
 * findings are reported in words, and every finding kind can actually fire (a toy version with
 * switchable bugs produces each on purpose; real versions' documented quirks produce theirs).
 * Run: npx vitest run test/invariants.test.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Owner } from '../src/hw/frames.js';
import { checkAccounting, checkMachine, formatFindings, InvariantChecker, SimulatorInconsistency, type Finding } from '../src/harness/invariants.js';
import { bootVersion, runStep, runVersion, versionsFor } from '../src/harness/runner.js';
import { validateScenario, type Scenario } from '../src/harness/scenario.js';
import { BUILTIN_SCENARIOS_DIR } from '../src/paths.js';
import { findVersion, VERSIONS, VERSION_IDS } from '../src/registry.js';
import { toyVersion, type ToyBugs } from './property/toy.js';

const kinds = (fs: readonly Finding[] | undefined) => [...new Set((fs ?? []).map((f) => f.kind))].sort();

function scenario(steps: unknown[], machine: Record<string, unknown> = { arch: 'i386', ramMiB: 128 }, ids: readonly string[] = VERSION_IDS): Scenario {
  return validateScenario({ name: 't', machine, steps }, ids);
}

function toyRun(bugs: ToyBugs, steps: unknown[]) {
  const v = toyVersion('toy', bugs);
  return runVersion(scenario(steps, undefined, ['toy']), v, { detail: false, invariants: new InvariantChecker({ mode: 'full' }) });
}

describe('simulator accounting', () => {
  const s = scenario([{ op: 'vmalloc', size: 65536, as: 'a' }]);
  const fresh = () => {
    const run = bootVersion(s, VERSIONS[0]);
    runStep(run, s.steps[0]);
    return run;
  };

  it('balances on a fresh machine and after a vmalloc', () => {
    const run = fresh();
    expect(() => checkAccounting(run)).not.toThrow();
    expect(checkMachine(run, 0)).toEqual([]);
    // 16 data pages, 1 pte page, 1 slab page for the descriptor; the pgd is a boot frame.
    const inUse = run.kernel.machine.mem.inUse;
    expect([inUse[Owner.Data], inUse[Owner.PageTable], inUse[Owner.Slab], inUse[Owner.Boot]]).toEqual([16, 1, 1, 1]);
  });

  it('throws SimulatorInconsistency when owner counts stop adding up', () => {
    const run = fresh();
    run.kernel.machine.mem.inUse[Owner.Data]++;
    expect(() => checkAccounting(run)).toThrow(SimulatorInconsistency);
    expect(() => checkAccounting(run)).toThrow(/frames by owner add up to 32769, the machine has 32768/);
  });

  it('throws when a zone free count disagrees with its stack', () => {
    const run = fresh();
    run.kernel.machine.mem.zones[0].nrFree++;
    expect(() => checkAccounting(run)).toThrow(/zone DMA says/);
  });

  it('throws when the slab claims frames it does not own', () => {
    const run = fresh();
    run.kernel.slab.frames++;
    expect(() => checkAccounting(run)).toThrow(/the slab holds 2 frames, 1 frames are owned by the slab/);
  });

  it('throws on a refcount that contradicts the owner (frame-by-frame check)', () => {
    const run = fresh();
    const pfn = run.kernel.walk(run.api.areas()[0].addr);
    run.kernel.machine.mem.setRefcount(pfn, 0);
    expect(() => checkMachine(run, 0)).toThrow(/has refcount 0/);
  });

  it('runs by default under vitest: runVersion returns findings', () => {
    const r = runVersion(s, VERSIONS[0], { detail: false });
    expect(r.findings).toEqual([]);
  });
});

describe('every finding kind fires (toy version with bugs)', () => {
  it('a clean toy leaves nothing', () => {
    const r = toyRun({}, [
      { op: 'vmalloc', size: 12288, as: 'a' },
      { op: 'vwrite', ref: 'a', data: 'aabb' },
      { op: 'peek', ref: 'a', count: 2 },
      { op: 'fail', site: 'alloc_page', nth: 2 },
      { op: 'vmalloc', size: 12288, as: 'b' },
      { op: 'vfree', ref: 'a' },
    ]);
    expect(r.steps[4]).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(r.findings).toEqual([]);
  });

  it('leaks on a failure path: pages, the descriptor, and the ptes already set', () => {
    const r = toyRun({ leakOnFailure: true }, [
      { op: 'fail', site: 'alloc_page', nth: 3 },
      { op: 'vmalloc', size: 16384, as: 'a' },
    ]);
    expect(kinds(r.findings)).toEqual(['leaked-pages', 'leaked-slab', 'stale-pte']);
    const text = formatFindings(r.findings!);
    expect(text).toContain('toy step 1: leaked-pages: 2 data pages allocated but mapped by no live area');
    expect(text).toContain("toy step 1: leaked-slab: the failed call left 1 kmalloc'ed object behind");
    // The toy window starts 256 MiB above PAGE_OFFSET: 0xd0000000 on i386.
    expect(text).toContain('2 ptes mapped outside every live area and pending range: 0xd0000000-0xd0001fff');
  });

  it('stale ptes after vfree point at freed frames', () => {
    const r = toyRun({ keepPtes: true }, [
      { op: 'vmalloc', size: 8192, as: 'a' },
      { op: 'vfree', ref: 'a' },
    ]);
    expect(r.findings).toEqual([
      { version: 'toy', step: 1, kind: 'stale-pte', message: '2 ptes mapped outside every live area and pending range: 0xd0000000-0xd0001fff' },
    ]);
  });

  it('a vfree without a TLB flush leaves stale TLB entries on the CPU that touched the area', () => {
    const r2 = runVersion(scenario([
      { op: 'vmalloc', size: 8192, as: 'a' },
      { op: 'peek', ref: 'a', offset: 4096, count: 1, cpu: 1 },
      { op: 'vfree', ref: 'a' },
    ], { arch: 'i386', ramMiB: 128, cpus: 2 }, ['toy']), toyVersion('toy', { noFlush: true }), { detail: false, invariants: new InvariantChecker({ mode: 'full' }) });
    expect(r2.findings).toHaveLength(1);
    expect(r2.findings![0].kind).toBe('stale-tlb');
    expect(r2.findings![0].message).toMatch(/^1 stale TLB entry: cpu1 0xd0001000 -> frame \d+ \(page tables: not present\)$/);
  });

  it('lazily freed ranges keep their ptes without a finding, until and after the purge', () => {
    const r = toyRun({ lazy: true }, [
      { op: 'vmalloc', size: 8192, as: 'a' },
      { op: 'peek', ref: 'a', count: 1 },
      { op: 'vfree', ref: 'a' },
      { op: 'vmalloc', size: 8192, as: 'b' },
      { op: 'vm_unmap_aliases' },
    ]);
    expect(r.findings).toEqual([]);
  });

  it('a page freed once more than it was taken (count below zero) is a finding, not a simulator error', () => {
    const s = scenario([{ op: 'vmalloc', size: 4096, as: 'a' }], undefined, ['toy']);
    const run = bootVersion(s, toyVersion('toy'));
    runStep(run, s.steps[0]);
    const pfn = run.kernel.walk(run.api.areas()[0].addr);
    run.api.vfree!(run.api.areas()[0].addr);
    run.kernel.__free_page(pfn); // what a kernel's double free does: put_page_testzero to -1
    expect(checkMachine(run, 1)).toEqual([{ version: 'toy', step: 1, kind: 'page-refcount', message: `1 page freed more often than taken (count below zero): frames ${pfn}`, keys: [String(pfn)] }]);
  });

  it('overlapping areas', () => {
    const r = toyRun({ overlap: true }, [
      { op: 'vmalloc', size: 4096, as: 'a' },
      { op: 'vmalloc', size: 4096, as: 'b' },
    ]);
    // The toy's ranges() mirror its areas, so its vmap_area view overlaps as well.
    expect(kinds(r.findings)).toEqual(['area-overlap', 'vmlist-inconsistent']);
    expect(r.findings!.find((f) => f.kind === 'area-overlap')!.message).toBe('area 0xd0001000 starts inside area 0xd0000000 size 0x2000');
  });
});

describe('real versions', () => {
  const builtins = readdirSync(BUILTIN_SCENARIOS_DIR).filter((f) => f.endsWith('.json')).sort();
  const vectors = join(import.meta.dirname, 'vectors');
  const vectorFiles = readdirSync(vectors).filter((f) => f.endsWith('.scenario.json') && !f.includes('lazy-purge')).sort();
  // Small scenarios only (a whole-machine check after every step costs what the machine holds);
  // the long built-ins run with the default light check in their own tests.
  const files = [...builtins.map((f) => join(BUILTIN_SCENARIOS_DIR, f)), ...vectorFiles.map((f) => join(vectors, f))].filter(
    (f) => validateScenario(JSON.parse(readFileSync(f, 'utf8')), VERSION_IDS, f).steps.length <= 300,
  );

  it.each(files.map((f) => [f.split('/').slice(-2).join('/'), f]))('%s: whole-machine check after every step keeps the simulator consistent', (_name, path) => {
    const s = validateScenario(JSON.parse(readFileSync(path, 'utf8')), VERSION_IDS, path);
    for (const v of versionsFor(s, VERSIONS)) {
      const r = runVersion(s, v, { detail: false, invariants: new InvariantChecker({ mode: 'full' }) });
      expect(r.findings).toBeDefined();
    }
  });

  const v2419 = findVersion('2.4.19');
  const v2422 = findVersion('2.4.22');

  // get_vm_area(0xfffff000): size + PAGE_SIZE wraps to 0 in 2.4.19 (no check until 2.4.20).
  //   0xc8800000: [empty area][vmalloc'ed area starting at the same address …]
  it.skipIf(!v2419)('2.4.19: a wrapped get_vm_area size gives an empty area, and the next area starts at the same address', () => {
    const s = scenario([
      { op: 'get_vm_area', size: 4294963200, as: 'z' },
      { op: 'vmalloc', size: 4096, as: 'b' },
    ], undefined, ['2.4.19']);
    const r = runVersion(s, v2419!, { detail: false, invariants: new InvariantChecker({ mode: 'full' }) });
    expect(r.findings!.map((f) => `${f.step} ${f.kind}: ${f.message}`)).toEqual([
      '0 area-empty: area at 0xc8800000 has size 0 (size + PAGE_SIZE wrapped?)',
      '1 area-overlap: two live areas start at 0xc8800000 (sizes 0x0 and 0x2000)',
    ]);
  });

  // 1 GiB on 2.6.39: high_memory 0xf77fe000, the window from 0xf7ffe000; the single-zone machine
  // gives vmalloc_32's page frame 0x38001, whose would-be linear address is its vmalloc address
  // 0xf8001000. Only ptes below high_memory are the linear map's; that one is h1's page.
  it('a vmalloc page at its frame\'s would-be linear address above high_memory is an area\'s page, not the linear map', () => {
    const v = findVersion('2.6.39')!;
    const s = scenario([
      { op: 'vmalloc', size: 1, as: 'h0' },
      { op: 'vmalloc_32', size: 4095, as: 'h1' },
      { op: 'vfree', ref: 'h1' },
    ], { arch: 'i386', ramMiB: 1024 }, ['2.6.39']);
    const r = runVersion(s, v, { detail: false, invariants: new InvariantChecker({ mode: 'full' }) });
    expect(r.steps[1]).toMatchObject({ ok: true, addr: '0xf8001000' });
    expect(r.findings).toEqual([]);
  });

  // vmalloc(1 GiB) with 2 GiB of RAM: VMALLOC_START is 0xf8800000, so the area wraps past 2^32;
  // vmalloc_area_pages' end wraps too and only the first 4 MiB slot is mapped.
  it.skipIf(!v2419)('2.4.19: vmalloc(1 GiB) on a 2 GiB machine returns an area that wraps and is mostly unmapped', () => {
    const s = scenario([{ op: 'vmalloc', size: 1 << 30, as: 'a' }], { arch: 'i386', ramMiB: 2048 }, ['2.4.19']);
    const r = runVersion(s, v2419!, { detail: false, invariants: new InvariantChecker({ mode: 'full' }) });
    expect(r.steps[0]).toMatchObject({ ok: true, addr: '0xf8800000' });
    expect(kinds(r.findings)).toEqual(['area-outside-window', 'area-unmapped']);
  });

  // 2.4.21+'s forward-only search: after a 1 GiB get_vm_area wraps, the next area starts at
  // the same address, and vfree of it frees the big area's range, taking the small one's pages.
  it.skipIf(!v2422)('2.4.22: an area that wraps past 2^32 lets the next one start at the same address; vfree then unmaps it', () => {
    const s = scenario([
      { op: 'get_vm_area', size: 0x40000000, as: 'g' },
      { op: 'vmalloc', size: 8192, as: 'c' },
      { op: 'vfree', ref: 'c' },
    ], undefined, ['2.4.22']);
    const r = runVersion(s, v2422!, { detail: false, invariants: new InvariantChecker({ mode: 'full' }) });
    expect(kinds(r.findings)).toEqual(['area-outside-window', 'area-overlap', 'area-unmapped']);
    expect(r.findings!.find((f) => f.kind === 'area-unmapped')).toMatchObject({ step: 2, message: 'live area 0xc8800000 size 0x3000 has 2 pages no longer mapped: 0xc8800000-0xc8801fff' });
  });
});
