/**
 * The fault-injection sweep: which versions clean up after themselves.
 *
 * For each version, a clean run counts the calls the scenario makes at each fault site
 * (FaultInjector.callCount). Then, for each site and each n up to that count, a fresh run arms
 * the injector so the nth call at that site fails (as a `fail` step before step 0 would) and runs
 * the scenario with the invariant checker in full mode. After the last step, `drain` frees every
 * area still live (the scenario's handles first, then whatever vmlist still holds) and forces
 * lazy frees out with vm_unmap_aliases, so what is left is what the version lost.
 *
 * An injection's verdict compares it with the clean run: findings the clean run did not have,
 * leftovers beyond the clean run's, and a step that BUGs or oopses where the clean run did not.
 * Nothing here names a version; the verdict classes are the contract's words.
 */
import type { Addr } from '../hw/addr.js';
import { Owner } from '../hw/frames.js';
import { FAULT_SITES, type FaultSite } from '../kernel/faults.js';
import { checkMachine, InvariantChecker, isLinearMapPte, SimulatorInconsistency, type Finding, type FindingKind } from './invariants.js';
import type { StepResult } from '../contract/result.js';
import { bootVersion, runStep, versionsFor, type VersionRun } from './runner.js';
import type { Scenario, Step } from '../contract/scenario.js';
import type { KernelVersion } from '../contract/version.js';

/** What a version failed to give back, after every area it still had was freed. */
export interface Leftovers {
  /** Data frames still allocated. */
  dataPages: number;
  /** kmalloc'ed objects still live. */
  slabObjects: number;
  /** Present ptes anywhere in the kernel page tables. */
  presentPtes: number;
  /** vm_structs still on vmlist (freeing them failed). */
  areas: number;
  /** Allocator ranges still reported (2.6.28+ vmap_areas, blocks). */
  ranges: number;
}

export const VERDICT_CLASSES = {
  pages: 'leaked pages',
  slab: 'leaked slab objects',
  ptes: 'stale page-table (or TLB) entries',
  areas: 'vmlist / vmap_area inconsistency',
  crash: 'BUG or oops on the failure path',
  vmx: 'simulator inconsistency (a vmx defect)',
} as const;
export type VerdictClass = keyof typeof VERDICT_CLASSES;

const KIND_CLASS: Record<FindingKind, VerdictClass> = {
  'leaked-pages': 'pages',
  'leaked-slab': 'slab',
  'stale-pte': 'ptes',
  'stale-tlb': 'ptes',
  'freed-frame-mapped': 'areas',
  'double-mapped': 'areas',
  'guard-mapped': 'areas',
  'area-outside-window': 'areas',
  'area-overlap': 'areas',
  'area-empty': 'areas',
  'vmlist-inconsistent': 'areas',
  'area-unmapped': 'areas',
  'page-table': 'areas',
  'page-refcount': 'pages',
  'kmemleak-stale': 'areas',
};

/** Finding kinds that are lost or dangling resources wherever they appear. */
const RESOURCE_KINDS = new Set<FindingKind>(['leaked-pages', 'leaked-slab', 'stale-pte', 'stale-tlb', 'page-refcount', 'page-table']);

export interface Injection {
  site: FaultSite;
  /** The nth call at the site (1-based, counted from boot). */
  nth: number;
  /** Step during which it fired. */
  step: number;
  op: string;
  /** The step's outcome with the failure, and without it. */
  outcome: string;
  cleanOutcome: string;
  /** Findings the clean run did not have: at the failing step, or lost resources at any later one. */
  findings: Finding[];
  /** Leftovers beyond the clean run's. */
  extra: Leftovers;
  classes: VerdictClass[];
  /** Set when the run threw a SimulatorInconsistency. */
  defect?: string;
}

export interface VersionSweep {
  version: string;
  calls: Record<FaultSite, number>;
  /** Findings of the clean run (not caused by an injection). */
  cleanFindings: Finding[];
  cleanLeftovers: Leftovers;
  injections: Injection[];
}

export interface ScenarioSweep {
  scenario: string;
  arch: string;
  versions: VersionSweep[];
}

export interface SweepOptions {
  sites?: readonly FaultSite[];
  /** Sweep at most this many calls per site (evenly spread), for long scenarios. */
  maxPerSite?: number;
  onProgress?: (msg: string) => void;
}

function outcomeOf(r: StepResult | undefined): string {
  if (!r) return '-';
  return r.ok ? 'ok' : (r.error ?? 'failed');
}

const FREE_OP_FOR = (flags: readonly string[], run: VersionRun): Step['op'] => {
  if (flags.includes('VM_IOREMAP') && run.api.iounmap) return 'iounmap';
  if (flags.includes('VM_MAP') && run.api.vunmap) return 'vunmap';
  return 'vfree';
};

/**
 * Free everything a version still holds, the way its callers would: first each scenario handle
 * that starts a live area (so an area frees what it owns, like a nested pages array), then any
 * area left on vmlist in address order, then vm_unmap_aliases where the version has it. Returns
 * what is left. BUG/oops during the drain are outcomes, not errors.
 */
export function drain(run: VersionRun): Leftovers {
  const hex = (a: Addr) => run.kernel.hex(a);
  const free = (addr: Addr, flags: readonly string[]) => runStep(run, { op: FREE_OP_FOR(flags, run), addr: hex(addr) } as Step, { detail: false });
  const live = () => run.api.areas();
  const handles = [...new Set([...run.bindings.values()].filter((a) => a > 0))].sort((a, b) => a - b);
  for (const h of handles) {
    const a = live().find((x) => x.addr === h);
    if (a) free(a.addr, a.flags);
  }
  // Whatever is left, lowest first, until a pass frees nothing.
  const stuck = new Set<string>();
  for (;;) {
    const next = live().find((x) => !stuck.has(`${x.addr}:${x.size}`));
    if (!next) break;
    const before = live().length;
    free(next.addr, next.flags);
    if (live().length >= before) stuck.add(`${next.addr}:${next.size}`);
  }
  if (run.api.vm_unmap_aliases) runStep(run, { op: 'vm_unmap_aliases' } as Step, { detail: false });
  run.kernel.console.take();
  let presentPtes = 0;
  const k = run.kernel;
  k.machine.pt.forEachPresent(0, k.arch.ulongWrap, (addr, pfn) => {
    if (!isLinearMapPte(k, addr, pfn)) presentPtes++;
  });
  return {
    dataPages: run.kernel.machine.mem.inUse[Owner.Data],
    slabObjects: run.kernel.slab.live.size,
    presentPtes,
    areas: live().length,
    ranges: run.api.ranges?.().length ?? 0,
  };
}

interface OneRun {
  steps: StepResult[];
  findings: Finding[];
  leftovers: Leftovers;
  calls: Record<FaultSite, number>;
  /** Calls at each site after each step. */
  callsAfter: Record<FaultSite, number>[];
  firedAt?: number;
}

/**
 * Run the scenario on one version, then drain it. Clean (no `inject`): the whole machine is
 * checked after the steps in `fullAt` (all when absent). Injected: the nth call at `site` fails;
 * the whole machine is checked after the step where it fires (known from the clean run's call
 * counts) and at the end, the accounting after every other step.
 */
function runOnce(s: Scenario, v: KernelVersion, inject?: { site: FaultSite; nth: number; step: number }, fullAt?: ReadonlySet<number>): OneRun {
  const run = bootVersion(s, v, { detail: false });
  const checker = new InvariantChecker({ mode: 'light' });
  const k = run.kernel;
  if (inject) k.faults.arm(inject.site, inject.nth);
  const steps: StepResult[] = [];
  const callsAfter: Record<FaultSite, number>[] = [];
  const counts = () => Object.fromEntries(FAULT_SITES.map((site) => [site, k.faults.callCount(site)])) as Record<FaultSite, number>;
  for (let i = 0; i < s.steps.length; i++) {
    const full = inject ? i === inject.step : (fullAt?.has(i) ?? true);
    checker.before(run, full);
    const { result } = runStep(run, s.steps[i], { detail: false });
    steps.push(result);
    checker.after(i, run, result, full);
    if (!inject) callsAfter.push(counts());
  }
  checker.finish(s.steps.length, run);
  const calls = counts();
  const firedAt = inject && k.faults.fired.some((f) => f.site === inject.site && f.call === inject.nth) ? inject.step : undefined;
  const leftovers = drain(run);
  // Whatever the drain itself exposes (an area it could not free, a pte it left) counts too.
  const findings = [...checker.findings];
  const seen = new Set(findings.map((f) => `${f.kind}|${f.message}`));
  for (const f of checkMachine(run, s.steps.length)) if (!seen.has(`${f.kind}|${f.message}`)) findings.push({ ...f, message: `after draining: ${f.message}` });
  return { steps, findings, leftovers, calls, callsAfter, firedAt };
}

function minus(a: Leftovers, b: Leftovers): Leftovers {
  return {
    dataPages: Math.max(0, a.dataPages - b.dataPages),
    slabObjects: Math.max(0, a.slabObjects - b.slabObjects),
    presentPtes: Math.max(0, a.presentPtes - b.presentPtes),
    areas: Math.max(0, a.areas - b.areas),
    ranges: Math.max(0, a.ranges - b.ranges),
  };
}

/** Strip addresses so that the same finding at a shifted address still matches the clean run's. */
function shape(f: Finding): string {
  return `${f.kind}|${f.message.replace(/0x[0-9a-f]+/g, 'X').replace(/\b\d+\b/g, 'N')}`;
}

/**
 * Calls failed per site and version by `vmx faults` unless told otherwise (--max-per-site N,
 * --exhaustive): pick() spreads them evenly over the site's calls, the first and the last
 * included, so a site with more calls than this is sampled, not swept. Chosen so that
 * `vmx faults --all` takes about a minute on a quiet 2-core machine (the exhaustive sweep of the
 * built-in library is hours of CPU: tens of thousands of calls at alloc_page in the long ones).
 */
export const DEFAULT_MAX_PER_SITE = 8;

/** The calls to sweep at a site: all of them, or `max` spread evenly (first and last included). */
function pick(count: number, max?: number): number[] {
  if (!max || count <= max) return Array.from({ length: count }, (_, i) => i + 1);
  const out = new Set<number>();
  for (let i = 0; i < max; i++) out.add(1 + Math.round((i * (count - 1)) / (max - 1)));
  return [...out];
}

export function sweepVersion(s: Scenario, v: KernelVersion, opts: SweepOptions = {}): VersionSweep {
  const sites = opts.sites ?? FAULT_SITES;
  // Pass 1 counts the calls per step; pass 2 checks the whole machine after each step where an
  // injected failure will fire, so that the injected runs' findings compare like with like.
  const counted = runOnce(s, v, undefined, new Set());
  const plan: { site: FaultSite; nth: number; at: number }[] = [];
  for (const site of sites)
    for (const nth of pick(counted.calls[site], opts.maxPerSite)) plan.push({ site, nth, at: counted.callsAfter.findIndex((c) => c[site] >= nth) });
  const clean = runOnce(s, v, undefined, new Set(plan.map((p) => p.at)));
  const cleanShapes = new Set(clean.findings.map(shape));
  const injections: Injection[] = [];
  for (const site of sites) {
    for (const { nth, at } of plan.filter((p) => p.site === site)) {
      opts.onProgress?.(`${s.name} ${v.id} ${site} ${nth}/${clean.calls[site]}`);
      let r: OneRun;
      try {
        r = runOnce(s, v, { site, nth, step: at });
      } catch (e) {
        if (!(e instanceof SimulatorInconsistency)) throw e;
        injections.push({ site, nth, step: -1, op: '-', outcome: '-', cleanOutcome: '-', findings: [], extra: minus(clean.leftovers, clean.leftovers), classes: ['vmx'], defect: e.message });
        continue;
      }
      const step = r.firedAt ?? -1;
      const outcome = outcomeOf(r.steps[step]);
      const cleanOutcome = outcomeOf(clean.steps[step]);
      // What the failure path did: new findings at the failing step, and new resource damage
      // (leaks, stale entries) at any later step. Later differences in area layout are the rest
      // of the scenario meeting a different address space, not the failure path's doing.
      const findings = r.findings.filter((f) => !cleanShapes.has(shape(f)) && (f.step === step || RESOURCE_KINDS.has(f.kind)));
      const extra = minus(r.leftovers, clean.leftovers);
      const classes = new Set<VerdictClass>();
      for (const f of findings) classes.add(KIND_CLASS[f.kind]);
      if (extra.dataPages) classes.add('pages');
      if (extra.slabObjects) classes.add('slab');
      if (extra.presentPtes) classes.add('ptes');
      if (extra.areas || extra.ranges) classes.add('areas');
      if ((outcome === 'BUG' || outcome === 'OOPS') && outcome !== cleanOutcome) classes.add('crash');
      injections.push({ site, nth, step, op: step >= 0 ? s.steps[step].op : '-', outcome, cleanOutcome, findings, extra, classes: [...classes] });
    }
  }
  return { version: v.id, calls: clean.calls, cleanFindings: clean.findings, cleanLeftovers: clean.leftovers, injections };
}

export function sweepScenario(s: Scenario, registry: readonly KernelVersion[], opts: SweepOptions = {}): ScenarioSweep {
  return { scenario: s.name, arch: s.machine.arch, versions: versionsFor(s, registry).map((v) => sweepVersion(s, v, opts)) };
}

// ---- reports --------------------------------------------------------------------------------

function cell(vs: VersionSweep | undefined, site: FaultSite): string {
  if (!vs) return 'n/a';
  const inj = vs.injections.filter((i) => i.site === site);
  if (vs.calls[site] === 0) return '0 calls';
  const bad = inj.filter((i) => i.classes.length > 0);
  const swept = inj.length < vs.calls[site] ? ` (${inj.length} swept)` : '';
  if (!bad.length) return `${vs.calls[site]} calls${swept}: all clean`;
  const byClass = new Map<VerdictClass, number[]>();
  for (const i of bad) for (const c of i.classes) byClass.set(c, [...(byClass.get(c) ?? []), i.nth]);
  const parts = [...byClass].map(([c, ns]) => `${VERDICT_CLASSES[c]} (call ${ns.length > 4 ? ns.slice(0, 4).join(', ') + ', …' : ns.join(', ')})`);
  return `${vs.calls[site]} calls${swept}: ${bad.length} not clean: ${parts.join('; ')}`;
}

function leftoverText(l: Leftovers): string {
  const parts: string[] = [];
  if (l.dataPages) parts.push(`${l.dataPages} data pages`);
  if (l.slabObjects) parts.push(`${l.slabObjects} slab objects`);
  if (l.presentPtes) parts.push(`${l.presentPtes} present ptes`);
  if (l.areas) parts.push(`${l.areas} areas`);
  if (l.ranges) parts.push(`${l.ranges} ranges`);
  return parts.join(', ');
}

const esc = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The per-version summary over scenarios: injections, clean ones, and each verdict class. */
export function summaryTable(sweeps: readonly ScenarioSweep[], versionIds: readonly string[]): string {
  const classes = Object.keys(VERDICT_CLASSES) as VerdictClass[];
  const rows = versionIds.map((id) => {
    const inj = sweeps.flatMap((s) => s.versions.filter((v) => v.version === id).flatMap((v) => v.injections));
    const count = (c: VerdictClass) => inj.filter((i) => i.classes.includes(c)).length;
    return `| ${id} | ${inj.length} | ${inj.filter((i) => i.classes.length === 0).length} | ${classes.map(count).join(' | ')} |`;
  });
  return [
    `| version | injected failures | clean | ${classes.map((c) => VERDICT_CLASSES[c]).join(' | ')} |`,
    `|---|---|---|${classes.map(() => '---').join('|')}|`,
    ...rows,
  ].join('\n');
}

export function formatSweepMarkdown(sweeps: readonly ScenarioSweep[], versionIds: readonly string[], registry: readonly KernelVersion[] = []): string {
  const out: string[] = [];
  out.push('## Summary', '', 'Injected failures per version, over every scenario below, and how many of them left each kind of damage (one failure can leave several).', '');
  out.push(summaryTable(sweeps, versionIds), '');
  // The catalogued kernel bugs (QUERY) of each version whose failure paths left damage: the cause,
  // as the version's catalogue states it, with the release and commit that brought it.
  const causes: string[] = [];
  for (const id of versionIds) {
    // The ops at whose step an injected failure left damage.
    const ops = new Set<string>();
    for (const sw of sweeps) for (const v of sw.versions) if (v.version === id) for (const i of v.injections) if (i.classes.some((c) => c !== 'vmx')) ops.add(i.op);
    const v = registry.find((x) => x.id === id);
    if (!ops.size || !v) continue;
    for (const ch of v.changes.filter((c) => c.query && c.affects.some((a) => a === 'layout' || a === 'cost') && (!c.ops || c.ops.some((o) => ops.has(o)))))
      causes.push(`- ${id}: \`${ch.id}\` (since ${ch.since}${ch.commits?.length ? `, ${ch.commits.join(', ')}` : ''}): ${esc(ch.summary)}`);
  }
  if (causes.length) out.push('Catalogued kernel bugs (QUERY in the ports) behind that damage:', '', ...causes, '');
  for (const sw of sweeps) {
    const ids = versionIds.filter((id) => sw.versions.some((v) => v.version === id));
    out.push(`## ${sw.scenario} (${sw.arch})`, '');
    out.push(`| site | ${ids.join(' | ')} |`, `|---|${ids.map(() => '---').join('|')}|`);
    for (const site of FAULT_SITES) out.push(`| ${site} | ${ids.map((id) => esc(cell(sw.versions.find((v) => v.version === id), site))).join(' | ')} |`);
    out.push('');
    for (const vs of sw.versions) {
      const notes: string[] = [];
      if (vs.cleanFindings.length) notes.push(`- without injected failures: ${vs.cleanFindings.map((f) => `${f.kind} at step ${f.step}: ${f.message}`).map(esc).join('; ')}`);
      const lo = leftoverText(vs.cleanLeftovers);
      if (lo) notes.push(`- without injected failures, after freeing every area: ${lo} remain`);
      for (const i of vs.injections.filter((x) => x.classes.length)) {
        const what = i.defect
          ? i.defect
          : [
              `step ${i.step} (${i.op}) ${i.outcome}${i.outcome !== i.cleanOutcome ? ` (clean run: ${i.cleanOutcome})` : ''}`,
              ...i.findings.map((f) => `${f.kind} at step ${f.step}: ${f.message}`),
              leftoverText(i.extra) ? `after freeing every area, beyond the clean run: ${leftoverText(i.extra)}` : '',
            ]
              .filter(Boolean)
              .join('; ');
        notes.push(`- ${i.site} call ${i.nth} fails: ${esc(what)}`);
      }
      if (notes.length) out.push(`${vs.version}:`, '', ...notes, '');
    }
  }
  return out.join('\n');
}

/** The JSON form: the verdict classes and the sweep objects themselves (messages in words, addresses as hex). */
export function sweepJson(sweeps: readonly ScenarioSweep[]): unknown {
  return { verdictClasses: VERDICT_CLASSES, scenarios: sweeps };
}
