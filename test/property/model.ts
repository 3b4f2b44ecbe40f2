/**
 * Property-test machinery: abstract commands (what fast-check generates and shrinks), a builder
 * that turns them into concrete contract steps *while running them* on one version (so a ref is
 * only used while its area is live, and a read is checked against what was written), and the
 * helper that saves a failing sequence as a scenario file under test/property/counterexamples/.
 *
 * Two generators:
 * - `legalCommands`: what a correct caller does — every op of the contract, mixed sizes, frees in
 *   random order with the matching free op, vread/vwrite/peek inside live areas, injected
 *   failures. The kernel invariants must hold and reads must return what was written.
 * - `hostileCommands`: the same plus use after free, wild addresses, sizes near 2^32, frees of
 *   things never allocated. Only the simulator's consistency and determinism are asserted: the
 *   kernel may BUG, oops or leak, as it would.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ARCHES, type ArchName } from '../../src/hw/arch.js';
import { FAULT_SITES } from '../../src/kernel/faults.js';
import { InvariantChecker, type Finding } from '../../src/harness/invariants.js';
import { resultDocument } from '../../src/harness/document.js';
import { bootVersion, runStep, runVersion } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import type { Scenario, Step } from '../../src/harness/scenario.js';
import { validateScenario } from '../../src/harness/scenario.js';
import type { KernelVersion } from '../../src/contract/version.js';
import type { OpName } from '../../src/contract/ops.js';

const PAGE = 4096;

export type AllocOp = 'vmalloc' | 'vmalloc_32' | 'vmalloc_dma' | 'vmalloc_user' | 'vmalloc_node' | 'vmap' | 'get_vm_area' | 'alloc_vm_area' | 'ioremap' | 'vm_map_ram';

type Coverage = { alloc: AllocOp; freedBy: Step['op'] } | 'free' | 'access' | 'harness' | { not: string };

/**
 * How the model exercises each op of the contract's one op table. A Record over OpName: an op
 * added to src/contract/ops.ts fails the type-check here until the model says how it is covered
 * (or why it is not). The alloc ops and their free ops below are derived from it.
 */
export const COVERAGE: Record<OpName, Coverage> = {
  vmalloc: { alloc: 'vmalloc', freedBy: 'vfree' },
  vmalloc_32: { alloc: 'vmalloc_32', freedBy: 'vfree' },
  vmalloc_dma: { alloc: 'vmalloc_dma', freedBy: 'vfree' },
  vmalloc_user: { alloc: 'vmalloc_user', freedBy: 'vfree' },
  vmalloc_node: { alloc: 'vmalloc_node', freedBy: 'vfree' },
  vmalloc_exec: { not: 'vmalloc with PAGE_KERNEL_EXEC: the same placement and pages as vmalloc, only the pte flags differ; test/versions/prot.test.ts covers it' },
  vmalloc_32_user: { not: 'vmalloc_32 plus __GFP_ZERO and VM_USERMAP (2.6.18+); test/versions/prot.test.ts covers it' },
  __vmalloc: { not: 'vmalloc with a caller\'s prot (only the pte flags differ); test/versions/prot.test.ts covers it' },
  __vmalloc_node: { not: 'needs an alignment; the lib/test_vmalloc alignment scenarios and their vectors cover it' },
  vfree: 'free',
  vunmap: 'free',
  vmap: { alloc: 'vmap', freedBy: 'vunmap' },
  get_vm_area: { alloc: 'get_vm_area', freedBy: 'vfree' },
  remove_vm_area: { not: 'hands the vm_struct back; api-surface and the vectors cover it' },
  alloc_vm_area: { alloc: 'alloc_vm_area', freedBy: 'free_vm_area' },
  free_vm_area: 'free',
  vwrite: 'access',
  vread: 'access',
  vm_unmap_aliases: 'harness',
  fail: 'harness',
  vm_map_ram: { alloc: 'vm_map_ram', freedBy: 'vm_unmap_ram' },
  vm_unmap_ram: 'free',
  vmallocinfo: 'harness',
  kmemleak_scan: 'harness',
  forget: { not: 'drops a handle only; the kmemleak scenarios cover it' },
  peek: 'access',
  lookup_pte: { not: 'reads one pte through the MMU (no kernel code, no state change); test/versions/prot.test.ts covers it' },
  poke: 'access',
  exec: { not: 'an instruction fetch: no state change but the A bit, and vmalloc areas are NX only on PAE and x86_64 with NX; test/hw.test.ts and test/versions/prot.test.ts cover it' },
  ioremap: { alloc: 'ioremap', freedBy: 'iounmap' },
  ioremap_nocache: { not: 'the same path as ioremap with another prot' },
  iounmap: 'free',
  vzalloc: { not: 'vmalloc with __GFP_ZERO (2.6.37+); the k39 vectors (k39-vzalloc, the k39 random mixes) cover it' },
  vzalloc_node: { not: 'vmalloc_node with __GFP_ZERO (2.6.37+); the k39 vectors cover it' },
  __vmalloc_node_range: { not: 'needs a window and an alignment (2.6.38+); k39-vzalloc and k39-random-mix-600 cover it' },
  set_iounmap_nonlazy: { not: 'changes when the next free purges (2.6.37+); test/versions/2.6.39.test.ts covers it' },
  vmalloc_to_page: { not: 'a read-only page-table walk giving a frame number the model does not track; test/versions/ops-2.6.test.ts covers it' },
  vmalloc_to_pfn: { not: 'vmalloc_to_page as a pfn; test/versions/ops-2.6.test.ts covers it' },
  module_alloc: { not: 'allocates outside the vmalloc window on x86_64 (MODULES_VADDR..MODULES_END), beyond the model\'s window invariants; test/versions/ops-2.6.test.ts covers it' },
  module_free: { not: 'module_alloc is not in the model (see above); test/versions/ops-2.6.test.ts covers it' },
  remap_vmalloc_range: { not: 'only its -EINVAL checks are modelled (no user vma); test/versions/ops-2.6.test.ts covers it' },
  pcpu_get_vm_areas: { not: 'takes arrays of offsets and sizes and gives several areas (2.6.32+); test/versions/pcpu.test.ts and the k32-pcpu/k39-pcpu vectors cover it' },
  pcpu_free_vm_areas: { not: 'frees what pcpu_get_vm_areas gave (see above); test/versions/pcpu.test.ts and the k32-pcpu/k39-pcpu vectors cover it' },
};

const ALLOC_OPS: AllocOp[] = [];
const FREE_OP = {} as Record<AllocOp, Step['op']>;
for (const c of Object.values(COVERAGE)) {
  if (typeof c === 'object' && 'alloc' in c) {
    ALLOC_OPS.push(c.alloc);
    FREE_OP[c.alloc] = c.freedBy;
  }
}
/** Allocators the model calls with a byte size besides vmalloc itself (vmap and vm_map_ram take pages). */
const SIZED_ALLOC_OPS = ALLOC_OPS.filter((op) => op !== 'vmalloc' && op !== 'vmap' && op !== 'vm_map_ram');

export type Cmd =
  | { k: 'alloc'; op: AllocOp; size: number; ioremap?: boolean }
  | { k: 'free'; pick: number }
  | { k: 'write'; pick: number; at: number; bytes: number[] }
  | { k: 'read'; pick: number; at: number; len: number }
  | { k: 'peek'; pick: number; at: number; cpu: number }
  | { k: 'fail'; site: (typeof FAULT_SITES)[number]; nth: number }
  | { k: 'other'; op: 'vm_unmap_aliases' | 'vmallocinfo' | 'kmemleak_scan' }
  // hostile only
  | { k: 'wild'; op: 'vfree' | 'vunmap' | 'iounmap' | 'free_vm_area' | 'vread' | 'vwrite' | 'peek' | 'poke'; addr: number; len: number }
  | { k: 'stale'; pick: number; op: 'vfree' | 'vread' | 'peek' }
  | { k: 'huge'; op: 'vmalloc' | 'get_vm_area' | 'vmalloc_user'; size: number };

/** Sizes: a byte, page multiples and their neighbours, up to 1 MiB, rarely just over 4 MiB. */
const sizeArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 * PAGE }) },
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 1, max: 64 }), fc.constantFrom(-1, 0, 1)).map(([p, d]) => p * PAGE + d) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1 << 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(4 << 20, (4 << 20) + PAGE) },
);

const allocArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('alloc' as const), op: fc.constant('vmalloc' as const), size: sizeArb }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('alloc' as const),
      op: fc.constantFrom<AllocOp>(...SIZED_ALLOC_OPS),
      size: sizeArb,
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('alloc' as const), op: fc.constantFrom<AllocOp>('vmap', 'vm_map_ram'), size: fc.integer({ min: 1, max: 16 }).map((p) => p * PAGE) }) },
);

const pickArb = fc.nat({ max: 1000 });
const legalArbs = [
  { weight: 8, arbitrary: allocArb },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('free' as const), pick: pickArb }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('write' as const), pick: pickArb, at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('read' as const), pick: pickArb, at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 96 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('peek' as const), pick: pickArb, at: fc.double({ min: 0, max: 1, noNaN: true }), cpu: fc.nat({ max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('fail' as const), site: fc.constantFrom(...FAULT_SITES), nth: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('other' as const), op: fc.constantFrom('vm_unmap_aliases' as const, 'vmallocinfo' as const, 'kmemleak_scan' as const) }) },
];

export const legalCommands = (maxLength: number) => fc.array(fc.oneof(...legalArbs), { maxLength, size: 'max' });

export const hostileCommands = (maxLength: number) =>
  fc.array(
    fc.oneof(
      ...legalArbs,
      {
        weight: 3,
        arbitrary: fc.record({
          k: fc.constant('wild' as const),
          op: fc.constantFrom('vfree' as const, 'vunmap' as const, 'iounmap' as const, 'free_vm_area' as const, 'vread' as const, 'vwrite' as const, 'peek' as const, 'poke' as const),
          addr: fc.oneof(fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 1, 0xfff, 0xfffff000, 0xffffffff)),
          len: fc.integer({ min: 0, max: 64 }),
        }),
      },
      { weight: 3, arbitrary: fc.record({ k: fc.constant('stale' as const), pick: pickArb, op: fc.constantFrom('vfree' as const, 'vread' as const, 'peek' as const) }) },
      {
        weight: 1,
        arbitrary: fc.record({
          k: fc.constant('huge' as const),
          op: fc.constantFrom('vmalloc' as const, 'get_vm_area' as const, 'vmalloc_user' as const),
          size: fc.oneof(fc.constantFrom(0, 0xfffff000, 0xfffff001, 0xffffffff, 0x40000000, 0x7fffffff), fc.integer({ min: 0, max: 0xffffffff })),
        }),
      },
    ),
    { maxLength, size: 'max' },
  );

export interface MachineChoice {
  arch: ArchName;
  ramMiB: number;
  cpus: number;
}

export const machineArb = (arch: ArchName) => fc.record({ arch: fc.constant(arch), ramMiB: fc.constantFrom(32, 128, 1024), cpus: fc.integer({ min: 1, max: 4 }) });

interface Handle {
  name: string;
  op: AllocOp;
  addr: number;
  /** Bytes the caller may touch (the request), and what they hold, for areas vread/vwrite reach. */
  shadow?: Uint8Array;
  pages?: number;
}

/** What a build produced, even when it stopped at a failed check. */
export interface Built {
  scenario: Scenario;
  results: StepResult[];
  findings: Finding[];
}

export class PropertyFailure extends Error {}

const hex = (n: number) => '0x' + n.toString(16);
const toHex = (b: ArrayLike<number>) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const SHADOWED = new Set<AllocOp>(['vmalloc', 'vmalloc_32', 'vmalloc_dma', 'vmalloc_user', 'vmalloc_node', 'vmap']);

/**
 * Run `cmds` on `version`, step by step, recording the concrete steps into `out.scenario`.
 * Throws PropertyFailure (legal mode) when a read disagrees with what was written.
 * Simulator inconsistencies propagate as thrown by the checker.
 */
export function build(version: KernelVersion, machine: MachineChoice, cmds: readonly Cmd[], mode: 'legal' | 'hostile', out: Partial<Built>): Built {
  const scenario: Scenario = { name: `property-${mode}-${version.id}-${machine.arch}`, machine: { ...machine, nodes: 1 }, versions: [version.id], steps: [] };
  out.scenario = scenario;
  const results: StepResult[] = [];
  out.results = results;
  const run = bootVersion(scenario, version, { detail: false });
  // Legal sequences: the whole machine after every step. Hostile ones may map a gigabyte in one
  // step, and assert only the simulator's books: accounting after every step, the whole machine
  // at the end.
  const checker = new InvariantChecker({ mode: mode === 'legal' ? 'full' : 'light' });
  out.findings = checker.findings;
  const live: Handle[] = [];
  const dead: Handle[] = [];
  let n = 0;
  const ulong = ARCHES[machine.arch].ulongWrap;

  const step = (s: Step): StepResult => {
    scenario.steps.push(s);
    checker.before(run);
    const { result } = runStep(run, s, { detail: false });
    results.push(result);
    checker.after(scenario.steps.length - 1, run, result);
    return result;
  };
  const check = (cond: boolean, what: string) => {
    if (!cond) throw new PropertyFailure(`step ${scenario.steps.length - 1}: ${what}`);
  };
  const pickShadowed = (pick: number) => {
    const hs = live.filter((h) => h.shadow && h.shadow.length > 0);
    return hs.length ? hs[pick % hs.length] : undefined;
  };

  for (const c of cmds) {
    switch (c.k) {
      case 'alloc': {
        const name = `h${n++}`;
        let s: Step;
        if (c.op === 'vmap' || c.op === 'vm_map_ram') s = { op: c.op, pages: c.size / PAGE, as: name };
        else if (c.op === 'ioremap') s = { op: 'ioremap', phys: hex(0xfe000000 + (n % 16) * 0x100000), size: c.size, as: name };
        else if (c.op === 'vmalloc_node') s = { op: 'vmalloc_node', size: c.size, node: 0, as: name };
        // 2.4's get_vm_area trusts its caller to pass a page multiple (ioremap and __vmalloc do);
        // an unaligned size misaligns every later area, so only hostile sequences send one.
        else if (c.op === 'get_vm_area' && mode === 'legal') s = { op: c.op, size: Math.ceil(c.size / PAGE) * PAGE, as: name };
        else s = { op: c.op, size: c.size, as: name };
        const r = step(s);
        if (r.ok && r.addr) {
          const h: Handle = { name, op: c.op, addr: Number(BigInt(r.addr) - ARCHES[machine.arch].addrBias), pages: s.pages };
          if (SHADOWED.has(c.op)) h.shadow = new Uint8Array(c.op === 'vmap' ? c.size : c.size);
          live.push(h);
        }
        break;
      }
      case 'free': {
        if (!live.length) break;
        const [h] = live.splice(c.pick % live.length, 1);
        const op = FREE_OP[h.op];
        step(op === 'vm_unmap_ram' ? { op, ref: h.name, pages: h.pages! } : { op, ref: h.name });
        dead.push(h);
        break;
      }
      case 'write': {
        const h = pickShadowed(c.pick);
        if (!h) break;
        const len = Math.min(c.bytes.length, h.shadow!.length);
        const off = Math.floor(c.at * (h.shadow!.length - len));
        const bytes = c.bytes.slice(0, len);
        const r = step({ op: 'vwrite', ref: h.name, offset: off, data: toHex(bytes) });
        if (mode === 'legal' && r.error !== 'unsupported') {
          check(r.ok && r.count === len, `vwrite of ${len} bytes inside ${h.name} returned ${JSON.stringify(r)}`);
        }
        if (r.ok && r.count === len) h.shadow!.set(bytes, off);
        break;
      }
      case 'read': {
        const h = pickShadowed(c.pick);
        if (!h) break;
        const len = Math.min(c.len, h.shadow!.length);
        const off = Math.floor(c.at * (h.shadow!.length - len));
        const r = step({ op: 'vread', ref: h.name, offset: off, count: len });
        if (mode === 'legal' && r.error !== 'unsupported') {
          const want = toHex(h.shadow!.subarray(off, off + len));
          check(r.ok && r.count === len && r.data === want, `vread ${h.name}+${off} count ${len}: want ${want}, got ${JSON.stringify(r)}`);
        }
        break;
      }
      case 'peek': {
        const h = pickShadowed(c.pick);
        if (!h) break;
        const off = Math.floor(c.at * (h.shadow!.length - 1));
        const r = step({ op: 'peek', ref: h.name, offset: off, count: 1, cpu: c.cpu % machine.cpus });
        if (mode === 'legal') check(r.ok && r.data === toHex(h.shadow!.subarray(off, off + 1)), `peek ${h.name}+${off}: want ${toHex(h.shadow!.subarray(off, off + 1))}, got ${JSON.stringify(r)}`);
        break;
      }
      case 'fail':
        step({ op: 'fail', site: c.site, nth: c.nth });
        break;
      case 'other':
        step({ op: c.op });
        break;
      case 'wild': {
        const addr = hex(c.addr % ulong || 0);
        if (c.op === 'vread' || c.op === 'peek') step({ op: c.op, addr, count: c.len });
        else if (c.op === 'vwrite' || c.op === 'poke') step({ op: c.op, addr, data: toHex(new Uint8Array(c.len).fill(0xa5)) });
        else step({ op: c.op, addr });
        break;
      }
      case 'stale': {
        if (!dead.length) break;
        const h = dead[c.pick % dead.length];
        if (c.op === 'vfree') step({ op: 'vfree', ref: h.name });
        else step({ op: c.op, ref: h.name, count: 8 });
        break;
      }
      case 'huge': {
        const name = `h${n++}`;
        const r = step({ op: c.op, size: c.size, as: name });
        if (r.ok && r.addr) dead.push({ name, op: c.op, addr: 0 });
        break;
      }
    }
  }
  checker.finish(scenario.steps.length, run);
  return { scenario, results, findings: checker.findings };
}

/** The contract's result document of a run, as text, for byte comparisons. */
export function resultText(version: KernelVersion, s: Scenario): string {
  return JSON.stringify(resultDocument(s, [runVersion(s, version, { detail: false, invariants: false })]), null, 1);
}

export const COUNTEREXAMPLE_DIR = join(import.meta.dirname, 'counterexamples');

/**
 * Save a failing sequence as a scenario (validated, so `vmx run` accepts it) and return its path.
 * The description says what failed; the file name carries the version, arch and seed.
 */
export function saveCounterexample(built: Partial<Built>, why: string, seed: number, known: readonly string[]): string {
  const s = built.scenario!;
  const doc = {
    name: `${s.name}-seed-${seed}`,
    description: `Shrunk property-test counterexample (fast-check seed ${seed}). ${why}`.slice(0, 4000),
    machine: { arch: s.machine.arch, ramMiB: s.machine.ramMiB, cpus: s.machine.cpus },
    versions: s.versions,
    steps: s.steps,
  };
  validateScenario(doc, known);
  mkdirSync(COUNTEREXAMPLE_DIR, { recursive: true });
  const path = join(COUNTEREXAMPLE_DIR, `${s.name}-seed-${seed}.json`);
  writeFileSync(path, JSON.stringify(doc, null, 1) + '\n');
  return path;
}
