/**
 * Property tests: random op sequences on every registered version and every arch it supports.
 *
 * - legal use (every op of the contract, mixed sizes, frees in random order, vread/vwrite/peek of
 *   random data inside live areas, injected failures): no step ends in BUG, OOPS or HANG unless
 *   the version's C is known to crash there on legal input (LEGAL_KERNEL_BUGS), the machine
 *   invariants hold after every step with no kernel finding, reads return what was written, and
 *   two runs of the same steps give byte-identical results;
 * - hostile use (use after free, wild addresses, sizes near 2^32): the simulator stays
 *   consistent (no exception but BUG/oops outcomes) and runs are byte-identical.
 *
 * A fixed seed and a small budget in `npm test`; `npm run fuzz` (VMX_FUZZ_RUNS=2000) goes deeper,
 * and VMX_FUZZ_SEED picks another seed. A failing sequence is shrunk, saved as a scenario under
 * test/property/counterexamples/ (its path is printed) and replayable with
 *   npx tsc -p tsconfig.json && node bin/vmx.js run test/property/counterexamples/<file>.json
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { formatFindings, type Finding } from '../../src/harness/invariants.js';
import { VERSIONS, VERSION_IDS } from '../../src/registry.js';
import type { KernelVersion } from '../../src/contract/version.js';
import type { ArchName } from '../../src/hw/arch.js';
import { build, hostileCommands, legalCommands, machineArb, PropertyFailure, resultText, saveCounterexample, type Built, type Cmd, type MachineChoice } from './model.js';

const FUZZ_RUNS = Number(process.env.VMX_FUZZ_RUNS ?? 0);
const SEED = Number(process.env.VMX_FUZZ_SEED ?? 20021104);
/** Runs per (version, arch) and sequence length: small in npm test, deep with VMX_FUZZ_RUNS. */
const RUNS = FUZZ_RUNS > 0 ? FUZZ_RUNS : 20;
const MAX_CMDS = FUZZ_RUNS > 0 ? 120 : 30;

/** Per-test time limit: vitest's default in npm test, an hour per property when fuzzing. */
const TIMEOUT = FUZZ_RUNS > 0 ? 3_600_000 : undefined;

/**
 * Damage a version's own failure path does by design of its C (a QUERY in its NOTES.md), which
 * legal use reaches through injected failures or exhaustion: from the first step that ends
 * ENOMEM on, findings of these kinds are the kernel's, not a simulator defect.
 * - 2.4.0: get_pte_kernel_slow points the pmd at empty_bad_pte_table, whose entries all map
 *   empty_bad_page (arch/i386/mm/init.c:125): present ptes outside any area, guard pages mapped.
 *   A later failure refills that shared table (get_bad_pte_table, init.c:95) under every pmd
 *   using it, so live areas mapped through it lose their pages (leaked, and later unmapped by
 *   another area's vfree) and read back empty_bad_page: `corruptsLiveAreas`, a read that then
 *   disagrees with what was written is the kernel's doing too.
 * - 2.4.31: 2.4.26's __vmalloc_area_pages unwinds only completed pgd chunks and __vfree(addr, 0)
 *   leaves the failing chunk's pages allocated and mapped (mm/vmalloc.c:183-188, 283, 305),
 *   where a later area's guard page may fall.
 */
const FAILURE_PATH_DAMAGE: Record<string, { kinds: readonly Finding['kind'][]; corruptsLiveAreas?: boolean }> = {
  '2.4.0': { kinds: ['stale-pte', 'guard-mapped', 'leaked-pages', 'area-unmapped'], corruptsLiveAreas: true },
  '2.4.31': { kinds: ['stale-pte', 'leaked-pages', 'guard-mapped'] },
};

/**
 * BUG()s and oopses a correct caller can reach in a version's C, with the line that decides it:
 * legal use is otherwise held to end no step in BUG, OOPS or HANG (issue 13: a legal call that
 * BUGs is a finding). A key is the op, a test of the step's log line.
 * - 2.4 ioremap of a range whose last byte starts a page: `size = PAGE_ALIGN(last_addr) - phys_addr`
 *   is 0 when phys_addr and last_addr share a page start, and remap_area_pages BUG()s on
 *   `address >= end` (arch/i386/mm/ioremap.c:73 in 2.4.19/2.4.22, :72 in 2.4.0; 2.4.23 fixed it).
 */
const LEGAL_KERNEL_BUGS: Record<string, readonly { op: string; log: RegExp }[]> = {
  '2.4.0': [{ op: 'ioremap', log: /^kernel BUG at ioremap\.c:72!$/ }],
  '2.4.19': [{ op: 'ioremap', log: /^kernel BUG at ioremap\.c:73!$/ }],
  '2.4.22': [{ op: 'ioremap', log: /^kernel BUG at ioremap\.c:73!$/ }],
};

const combos: [KernelVersion, ArchName][] = VERSIONS.flatMap((v) => v.arches.map((a) => [v, a] as [KernelVersion, ArchName]));

/**
 * Check a property with fast-check; on failure, rebuild the shrunk counterexample, save it as a
 * scenario and fail with its path and the reason.
 */
function checkProperty(label: string, v: KernelVersion, arb: fc.Arbitrary<[MachineChoice, Cmd[]]>, body: (m: MachineChoice, cmds: Cmd[], out: Partial<Built>) => void): void {
  const details = fc.check(
    fc.property(arb, ([m, cmds]) => body(m, cmds, {})),
    { seed: SEED, numRuns: RUNS, endOnFailure: false },
  );
  if (!details.failed) return;
  const [m, cmds] = details.counterexample![0];
  const out: Partial<Built> = {};
  let why = String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance);
  try {
    body(m, cmds, out);
  } catch (e) {
    why = (e as Error).message;
  }
  const path = out.scenario ? saveCounterexample(out, `${label}: ${why}`, details.seed, VERSION_IDS) : '(no steps to save)';
  console.error(`property "${label}" failed on ${v.id}; counterexample scenario: ${path}`);
  throw new Error(`${label} on ${v.id}: ${why}\ncounterexample scenario: ${path}\nreplay: node bin/vmx.js run ${path}\n(seed ${details.seed}, ${details.numShrinks} shrinks)`);
}

describe.each(combos.map(([v, a]) => [`${v.id} ${a}`, v, a] as const))('%s', (_name, v, arch) => {
  it('legal sequences keep every invariant, read back what they wrote, and replay byte for byte', () => {
    checkProperty('legal use', v, fc.tuple(machineArb(arch), legalCommands(MAX_CMDS)), (m, cmds, out) => {
      const damage = FAILURE_PATH_DAMAGE[v.id];
      let built: Built;
      try {
        built = build(v, m, cmds, 'legal', out);
      } catch (e) {
        // A read that disagrees after the version's failure path corrupted live areas.
        if (e instanceof PropertyFailure && damage?.corruptsLiveAreas && out.results?.some((r) => r.error === 'ENOMEM')) return;
        throw e;
      }
      // A step that BUG()s or oopses never reaches its cleanup; what it leaves is that crash's
      // consequence, visible in the result, and not held against the invariants (e.g. 2.4's
      // ioremap of one byte at a page boundary BUG()s with its vm_struct on vmlist).
      const crashed = (f: Finding) => ['BUG', 'OOPS'].includes(built.results[f.step]?.error ?? '');
      const firstEnomem = built.results.findIndex((r) => r.error === 'ENOMEM');
      const byDesign = (f: Finding) => firstEnomem >= 0 && f.step >= firstEnomem && (damage?.kinds ?? []).includes(f.kind);
      const unexplained = built.findings.filter((f) => !crashed(f) && !byDesign(f));
      if (unexplained.length) throw new Error(`kernel findings on legal use:\n${formatFindings(unexplained)}`);
      // A crash or hang on legal input is a finding too, unless the version's C is known to do it.
      const known = LEGAL_KERNEL_BUGS[v.id] ?? [];
      const crashes = built.results
        .map((r, i) => ({ r, i, step: built.scenario.steps[i] }))
        .filter(({ r }) => r.error === 'BUG' || r.error === 'OOPS' || r.error === 'HANG')
        .filter(({ r, step }) => !known.some((k) => k.op === step.op && r.log.some((l) => k.log.test(l))))
        // What follows a known crash (a hang on the lock it kept, a stale area) is its consequence.
        .filter(({ i }) => !built.results.slice(0, i).some((r) => r.error === 'BUG' || r.error === 'OOPS'));
      if (crashes.length) throw new Error(`legal use ends step ${crashes[0].i} (${crashes[0].step.op}) in ${crashes[0].r.error}: ${crashes[0].r.log.join(' | ') || crashes[0].r.held || ''}`);
      const first = resultText(v, built.scenario);
      if (JSON.stringify(JSON.parse(first).results[0].steps) !== JSON.stringify(built.results)) throw new Error('replaying the recorded steps gives different results than building them');
      if (resultText(v, built.scenario) !== first) throw new Error('two runs of the same steps differ');
    });
  }, TIMEOUT);

  it('hostile sequences never break the simulator and replay byte for byte', () => {
    checkProperty('hostile use', v, fc.tuple(machineArb(arch), hostileCommands(MAX_CMDS)), (m, cmds, out) => {
      const built = build(v, m, cmds, 'hostile', out);
      const first = resultText(v, built.scenario);
      if (resultText(v, built.scenario) !== first) throw new Error('two runs of the same steps differ');
    });
  }, TIMEOUT);
});
