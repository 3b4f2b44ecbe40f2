/**
 * Machine invariants, checkable after any step of any version.
 *
 * Two kinds of trouble are kept apart:
 * - a *simulator inconsistency* is a vmx defect: the hardware model's or the kernel services' own
 *   books disagree (frames in use by owner do not add up to the machine's RAM, a zone's free
 *   count is off, the slab holds a frame it never took). It throws SimulatorInconsistency, which
 *   the CLI reports as an internal error (exit 1) and tests as a failure;
 * - a *kernel finding* is something the modelled kernel version did to the machine: pages no
 *   live area maps (leaked), ptes left mapped outside every area, two live areas overlapping,
 *   kmalloc'ed objects left behind by a failed call. These are results, reported in words per
 *   version and step, and the simulator's own accounting still balances around them.
 *
 * Everything here is version-agnostic: it reads the machine (frames, page tables, TLBs, slab) and
 * the VersionApi (areas(), ranges() — where 2.6.32 reports lazily freed vmap_areas as 'lazy' —).
 * A present pte is accounted for when it lies inside a live vm_struct or inside any allocator
 * range the version reports (a 'lazy' range awaiting purge, a vmap 'block'), because those are
 * the kernel's own records of address space it has not yet given back.
 *
 * Costs: `checkAccounting` is O(zones) and runs after every step by default; `checkMachine`
 * walks the present page tables, the TLBs and the frames touched so far, and runs at the end of
 * a run (or after every step in `full` mode: property tests and the fault sweep).
 */
import { PAGE_SIZE } from '../hw/arch.js';
import type { Addr } from '../hw/addr.js';
import { Owner, OWNER_NAMES } from '../hw/frames.js';
import type { StepResult } from '../contract/result.js';
import type { VersionRun } from './version-run.js';
import type { Kernel } from '../kernel/kernel.js';
import type { AreaView, RangeView } from '../contract/version.js';

/** A vmx defect: the simulator's own books disagree. Never a kernel outcome. */
export class SimulatorInconsistency extends Error {
  constructor(message: string) {
    super(`simulator inconsistency (a vmx defect, not a kernel finding): ${message}`);
  }
}

export const FINDING_KINDS = {
  'leaked-pages': 'data pages allocated by the vmalloc code that no live area maps',
  'leaked-slab': 'kmalloc\'ed objects a failed call left behind',
  'stale-pte': 'present ptes outside every live area and every range awaiting purge',
  'stale-tlb': 'TLB entries translating an address the page tables no longer map that way',
  'freed-frame-mapped': 'a live area maps a frame that is free or owned by the slab or the page tables',
  'double-mapped': 'one data page mapped at two addresses of live areas',
  'guard-mapped': 'the guard page of a live area is mapped',
  'area-outside-window': 'a live area reaches outside [VMALLOC_START, VMALLOC_END)',
  'area-overlap': 'two live areas overlap or start at the same address',
  'area-empty': 'a live area of size 0',
  'vmlist-inconsistent': 'vm_struct list and allocator ranges disagree',
  'area-unmapped': 'a live area vmalloc or vmap returned has pages no longer mapped',
  'page-table': 'page-table pages unreachable, freed while linked, or linked twice',
  'page-refcount': 'a page __free_page\'d more often than it was taken (its count went below zero)',
  'kmemleak-stale': 'kmemleak tracks an object no live area starts at',
} as const;
export type FindingKind = keyof typeof FINDING_KINDS;

/** Something a kernel version did to the machine, in words. */
export interface Finding {
  version: string;
  /** Step index after which it was first seen (-1: at boot, steps.length: at the end / drain). */
  step: number;
  kind: FindingKind;
  message: string;
  /** What the finding is about (page addresses, frames), for reporting each thing once. */
  keys?: string[];
}

export interface CheckerOptions {
  /** 'light': accounting after each step, whole-machine check at the end; 'full': whole-machine after each step. */
  mode?: 'light' | 'full';
}

const hexOf = (run: VersionRun, a: Addr) => run.kernel.hex(a);

// ---- simulator accounting ------------------------------------------------------------------

/**
 * O(zones) books of the hardware model and the slab: frames by owner add up to the machine's
 * RAM, zone free counts match their stacks and bump pointers, the slab's frames are the frames
 * owned by the slab. Throws SimulatorInconsistency.
 */
export function checkAccounting(run: VersionRun): void {
  const mem = run.kernel.machine.mem;
  let total = 0;
  for (let o = 0; o < OWNER_NAMES.length; o++) {
    const n = mem.inUse[o];
    if (n < 0 || !Number.isInteger(n)) throw new SimulatorInconsistency(`${OWNER_NAMES[o]} frame count is ${n}`);
    total += n;
  }
  if (total !== mem.maxPfn)
    throw new SimulatorInconsistency(`frames by owner add up to ${total}, the machine has ${mem.maxPfn} (${ownerBreakdown(run)})`);
  let free = 0;
  for (const z of mem.zones) {
    const expect = z.endPfn - z.bump + z.freeTop;
    if (z.nrFree !== expect) throw new SimulatorInconsistency(`zone ${z.name} says ${z.nrFree} free frames, its free stack and bump pointer hold ${expect}`);
    free += z.nrFree;
  }
  if (free !== mem.inUse[Owner.Free]) throw new SimulatorInconsistency(`zones hold ${free} free frames, owner accounting says ${mem.inUse[Owner.Free]}`);
  const slab = run.kernel.slab;
  if (slab.frames !== mem.inUse[Owner.Slab]) throw new SimulatorInconsistency(`the slab holds ${slab.frames} frames, ${mem.inUse[Owner.Slab]} frames are owned by the slab`);
}

function ownerBreakdown(run: VersionRun): string {
  const mem = run.kernel.machine.mem;
  return OWNER_NAMES.map((n, i) => `${n} ${mem.inUse[i]}`).join(', ');
}

/**
 * Every frame touched so far: owner, refcount and free stacks agree; slab objects sit in slab
 * frames. Returns the free frames whose count went below zero (the kernel's doing, reported as a
 * finding by checkMachine).
 */
function checkFrames(run: VersionRun): number[] {
  const negative: number[] = [];
  const mem = run.kernel.machine.mem;
  for (const z of mem.zones) {
    const onStack = new Set<number>();
    for (let i = 0; i < z.freeTop; i++) {
      const pfn = z.free[i];
      if (pfn < z.startPfn || pfn >= z.bump) throw new SimulatorInconsistency(`zone ${z.name} free stack holds frame ${pfn}, outside its used frames`);
      if (onStack.has(pfn)) throw new SimulatorInconsistency(`frame ${pfn} is on zone ${z.name}'s free stack twice`);
      onStack.add(pfn);
    }
    for (let pfn = z.startPfn; pfn < z.bump; pfn++) {
      const o = mem.owner(pfn);
      const rc = mem.refcount(pfn);
      if (o === Owner.Free) {
        if (!onStack.has(pfn)) throw new SimulatorInconsistency(`frame ${pfn} is free but on no free stack`);
        // A negative count is the kernel's doing (a __free_page of a page already freed, as
        // 2.4's iounmap of aliased highmem RAM allows); a positive one is the simulator's.
        if (rc > 0) throw new SimulatorInconsistency(`free frame ${pfn} has refcount ${rc}`);
        if (rc < 0) negative.push(pfn);
      } else {
        if (onStack.has(pfn)) throw new SimulatorInconsistency(`frame ${pfn} (${OWNER_NAMES[o]}) is also on a free stack`);
        if (rc < 1) throw new SimulatorInconsistency(`frame ${pfn} (${OWNER_NAMES[o]}) has refcount ${rc}`);
      }
    }
  }
  const slab = run.kernel.slab;
  let bytes = 0;
  const base = run.kernel.arch.pageOffset;
  for (const [addr, obj] of slab.live) {
    bytes += obj.size;
    const pfn = Math.floor((addr - base) / PAGE_SIZE);
    if (mem.owner(pfn) !== Owner.Slab) throw new SimulatorInconsistency(`slab object ${hexOf(run, addr)} lies in frame ${pfn}, owned by ${OWNER_NAMES[mem.owner(pfn)]}`);
  }
  if (bytes !== slab.liveBytes) throw new SimulatorInconsistency(`slab live objects add up to ${bytes} bytes, the slab says ${slab.liveBytes}`);
  return negative;
}

// ---- address-space bookkeeping --------------------------------------------------------------

interface Interval {
  start: number;
  end: number;
  live: boolean;
  area?: AreaView;
  range?: RangeView;
}

/** Intervals sorted by start with a running maximum of ends, for "which intervals contain a". */
class IntervalIndex {
  private readonly maxEnd: number[] = [];
  constructor(readonly items: Interval[]) {
    items.sort((a, b) => a.start - b.start || a.end - b.end);
    let m = -Infinity;
    for (const it of items) {
      m = Math.max(m, it.end);
      this.maxEnd.push(m);
    }
  }
  /** Intervals containing `a`. */
  containing(a: number): Interval[] {
    let lo = 0;
    let hi = this.items.length - 1;
    let j = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].start <= a) {
        j = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const out: Interval[] = [];
    for (; j >= 0 && this.maxEnd[j] > a; j--) if (this.items[j].start <= a && a < this.items[j].end) out.push(this.items[j]);
    return out;
  }
}

function ranges(run: VersionRun): RangeView[] {
  return run.api.ranges?.() ?? [];
}

/** A compact "0xa-0xb" list of page addresses, runs merged. */
function pageRuns(run: VersionRun, pages: number[], limit = 6): string {
  const sorted = [...pages].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const p of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] === p) last[1] = p + PAGE_SIZE;
    else runs.push([p, p + PAGE_SIZE]);
  }
  const text = runs.slice(0, limit).map(([s, e]) => `${hexOf(run, s)}-${hexOf(run, e - 1)}`);
  if (runs.length > limit) text.push(`… ${runs.length - limit} more`);
  return text.join(', ');
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A pte of the boot code's linear map of lowmem (its 4 KiB part): the kernel's own, no area's.
 * Only below high_memory: above it a vmalloc page can sit at its frame's would-be linear address
 * (a single-zone machine hands out the frames just past lowmem to a window just past it).
 */
export function isLinearMapPte(k: Kernel, addr: Addr, pfn: number): boolean {
  const pageOffset = k.arch.pageOffset;
  return addr >= pageOffset && addr < k.high_memory && pfn === (addr - pageOffset) / PAGE_SIZE;
}

/**
 * The whole-machine check: simulator books frame by frame (throws), then the kernel's state:
 * areas, ranges, every present pte, the TLBs, page-table pages, kmemleak. Returns findings.
 */
export function checkMachine(run: VersionRun, step: number, mapped?: ReadonlyMap<Addr, number>): Finding[] {
  checkAccounting(run);
  const overFreed = checkFrames(run);
  const k = run.kernel;
  const m = k.machine;
  const mem = m.mem;
  const version = run.version.id;
  const out: Finding[] = [];
  const add = (kind: FindingKind, message: string, keys?: (string | number)[]) => out.push({ version, step, kind, message, keys: keys?.map(String) });
  const { start: VSTART, end: VEND } = run.window;

  if (overFreed.length)
    add('page-refcount', `${plural(overFreed.length, 'page')} freed more often than taken (count below zero): frames ${overFreed.slice(0, 8).join(', ')}${overFreed.length > 8 ? ', …' : ''}`, overFreed);

  // Areas: inside the window, non-empty, disjoint.
  const areas = run.api.areas();
  const sortedAreas = [...areas].sort((a, b) => a.addr - b.addr || a.size - b.size);
  for (const a of sortedAreas) {
    if (a.size === 0) add('area-empty', `area at ${hexOf(run, a.addr)} has size 0 (size + PAGE_SIZE wrapped?)`);
    if (a.addr < VSTART || a.addr + a.size > VEND) {
      const wraps = a.addr + a.size > k.arch.ulongWrap;
      add('area-outside-window', `area ${hexOf(run, a.addr)} size 0x${a.size.toString(16)} ${wraps ? 'wraps past the top of the address space' : `ends at ${hexOf(run, a.addr + a.size)}`}, outside the vmalloc window ${hexOf(run, VSTART)}-${hexOf(run, VEND)}`);
    }
  }
  for (let i = 1; i < sortedAreas.length; i++) {
    const p = sortedAreas[i - 1];
    const a = sortedAreas[i];
    if (a.addr === p.addr) add('area-overlap', `two live areas start at ${hexOf(run, a.addr)} (sizes 0x${p.size.toString(16)} and 0x${a.size.toString(16)})`);
    else if (a.addr < p.addr + p.size) add('area-overlap', `area ${hexOf(run, a.addr)} starts inside area ${hexOf(run, p.addr)} size 0x${p.size.toString(16)}`);
  }

  // Areas vmalloc/vmap handed out whole: every page but the guard must still be mapped.
  if (mapped) {
    for (const a of sortedAreas) {
      if (mapped.get(a.addr) !== a.size) continue;
      const holes: number[] = [];
      for (let p = a.addr; p < a.addr + a.size - PAGE_SIZE; p += PAGE_SIZE) if (m.pt.translate(k.ulong(p)) < 0) holes.push(k.ulong(p));
      if (holes.length) add('area-unmapped', `live area ${hexOf(run, a.addr)} size 0x${a.size.toString(16)} has ${plural(holes.length, 'page')} no longer mapped: ${pageRuns(run, holes)}`, holes);
    }
  }

  // Allocator ranges (2.6.28+): disjoint, each vm_struct has a live one.
  const rs = ranges(run);
  if (rs.length) {
    const sr = [...rs].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sr.length; i++)
      if (sr[i].start < sr[i - 1].end)
        add('vmlist-inconsistent', `${sr[i].state} range ${hexOf(run, sr[i].start)}-${hexOf(run, sr[i].end)} overlaps ${sr[i - 1].state} range ${hexOf(run, sr[i - 1].start)}-${hexOf(run, sr[i - 1].end)}`);
    for (const r of sr)
      if (r.start < VSTART || r.end > VEND) add('vmlist-inconsistent', `${r.state} range ${hexOf(run, r.start)}-${hexOf(run, r.end)} lies outside the vmalloc window`);
    const byStart = new Map(sr.map((r) => [r.start, r]));
    for (const a of sortedAreas) {
      const r = byStart.get(a.addr);
      if (!r) add('vmlist-inconsistent', `vm_struct ${hexOf(run, a.addr)} has no allocator range starting at its address`);
      else if (r.state !== 'live') add('vmlist-inconsistent', `vm_struct ${hexOf(run, a.addr)} is on vmlist but its range is ${r.state}`);
      else if (r.end < a.addr + a.size) add('vmlist-inconsistent', `vm_struct ${hexOf(run, a.addr)} size 0x${a.size.toString(16)} is longer than its range (ends ${hexOf(run, r.end)})`);
    }
  }

  // Every present pte: accounted for, mapping a frame a live area may map.
  const intervals: Interval[] = sortedAreas.map((a) => ({ start: a.addr, end: a.addr + a.size, live: true, area: a }));
  for (const r of rs) if (r.state !== 'live') intervals.push({ start: r.start, end: r.end, live: false, range: r });
  const index = new IntervalIndex(intervals);
  const stale: number[] = [];
  const guard: number[] = [];
  const badFrame: string[] = [];
  const mappedData = new Map<number, Addr>();
  const doubles: string[] = [];
  m.pt.forEachPresent(0, k.arch.ulongWrap, (addr, pfn) => {
    if (isLinearMapPte(k, addr, pfn)) return;
    const ins = index.containing(addr);
    if (ins.length === 0) {
      stale.push(addr);
      return;
    }
    const liveIn = ins.filter((i) => i.live);
    if (liveIn.length === 0) return; // awaiting purge: the kernel still owns this range
    if (liveIn.every((i) => i.end - i.start >= PAGE_SIZE && addr >= i.end - PAGE_SIZE)) guard.push(addr);
    if (liveIn.some((i) => i.area!.flags.includes('VM_IOREMAP')) || !mem.valid(pfn)) return;
    const o = mem.owner(pfn);
    if (o === Owner.Free || o === Owner.Slab || o === Owner.PageTable) badFrame.push(`${hexOf(run, addr)} -> frame ${pfn} (${OWNER_NAMES[o]})`);
    if (o === Owner.Data) {
      const prev = mappedData.get(pfn);
      if (prev !== undefined) doubles.push(`frame ${pfn} at ${hexOf(run, prev)} and ${hexOf(run, addr)}`);
      else mappedData.set(pfn, addr);
    }
  });
  if (stale.length) add('stale-pte', `${plural(stale.length, 'pte')} mapped outside every live area and pending range: ${pageRuns(run, stale)}`, stale);
  if (guard.length) add('guard-mapped', `${plural(guard.length, 'guard page')} mapped: ${pageRuns(run, guard)}`, guard);
  if (badFrame.length) add('freed-frame-mapped', `live areas map ${plural(badFrame.length, 'frame')} the kernel no longer owns as data: ${badFrame.slice(0, 6).join(', ')}${badFrame.length > 6 ? ', …' : ''}`, badFrame);
  if (doubles.length) add('double-mapped', `${plural(doubles.length, 'data page')} mapped twice: ${doubles.slice(0, 6).join(', ')}`, doubles);

  // Data pages no live area maps.
  const dataInUse = mem.inUse[Owner.Data];
  if (dataInUse > mappedData.size) {
    const leaked: number[] = [];
    for (const z of mem.zones) for (let pfn = z.startPfn; pfn < z.bump; pfn++) if (mem.owner(pfn) === Owner.Data && !mappedData.has(pfn)) leaked.push(pfn);
    const where = leaked.slice(0, 8).join(', ') + (leaked.length > 8 ? ', …' : '');
    add('leaked-pages', `${plural(dataInUse - mappedData.size, 'data page')} allocated but mapped by no live area (frames ${where})`);
  }

  // TLBs: a cached translation the page tables no longer give, outside pending ranges.
  const tlbStale: string[] = [];
  for (let cpu = 0; cpu < m.tlb.cpus; cpu++) {
    for (const e of m.tlb.snapshot(cpu)) {
      const now = m.pt.translate(e.addr);
      if (now === e.pfn) continue;
      if (index.containing(e.addr).some((i) => !i.live)) continue;
      tlbStale.push(`cpu${cpu} ${hexOf(run, e.addr)} -> frame ${e.pfn} (page tables: ${now < 0 ? 'not present' : 'frame ' + now})`);
    }
  }
  if (tlbStale.length) add('stale-tlb', `${plural(tlbStale.length, 'stale TLB entry', 'stale TLB entries')}: ${tlbStale.slice(0, 4).join(', ')}${tlbStale.length > 4 ? ', …' : ''}`, tlbStale);

  // Page-table pages: each reachable once, none freed while linked, none unreachable.
  const tables = m.pt.tablesCovering(0, k.arch.ulongWrap);
  const seen = new Set<number>();
  let ptOwned = 0;
  const ptProblems: string[] = [];
  for (const pfn of tables) {
    // A table outside RAM is part of the kernel image, not an allocation (2.4.0's
    // empty_bad_pte_table, which the kernel links under every pmd whose pte page it could
    // not get): it may be linked more than once and belongs to no owner.
    if (!mem.valid(pfn)) continue;
    if (seen.has(pfn)) ptProblems.push(`table frame ${pfn} is linked twice`);
    seen.add(pfn);
    const o = mem.owner(pfn);
    if (o === Owner.PageTable) ptOwned++;
    else if (o !== Owner.Boot) ptProblems.push(`table frame ${pfn} is linked but owned by ${OWNER_NAMES[o]}`);
  }
  if (ptOwned < mem.inUse[Owner.PageTable]) ptProblems.push(`${plural(mem.inUse[Owner.PageTable] - ptOwned, 'page-table page')} allocated but linked nowhere`);
  if (ptProblems.length) add('page-table', ptProblems.join('; '));

  // kmemleak: each tracked object should be a live area's start.
  if (run.version.hasKmemleak) {
    const starts = new Set(areas.map((a) => a.addr));
    const orphans = k.kmemleak.list().filter((o) => !starts.has(o.ptr) && !index.containing(o.ptr).some((i) => i.live));
    if (orphans.length) add('kmemleak-stale', `kmemleak tracks ${plural(orphans.length, 'object')} inside no live area: ${orphans.slice(0, 4).map((o) => hexOf(run, o.ptr)).join(', ')}`);
  }
  return out;
}

// ---- the checker the runner calls -----------------------------------------------------------

function areaKeyCounts(areas: readonly AreaView[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of areas) {
    const key = `${a.addr}:${a.size}`;
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

/** Ops whose successful result is an area mapped page for page (the contract's names). */
const MAPPING_OPS = new Set(['vmalloc', 'vmalloc_32', 'vmalloc_dma', 'vmalloc_user', 'vmalloc_node', '__vmalloc_node', 'vmap']);

interface Before {
  /** "addr:size" of each live area, to tell which one a step added. */
  areaKeys: Map<string, number>;
  slabKeys?: Set<Addr>;
  slabCount: number;
  rangeCount: number;
}

/**
 * Stateful checker for one version run: call `before(run)` before each step and
 * `after(i, run, result)` after it (or use `hook()` as the runner's onStep in light mode).
 * Findings are deduplicated: a stale pte that stays is reported at the first step it appears.
 */
export class InvariantChecker {
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  private prev: Before | undefined;
  /** Areas vmalloc/vmap returned, by address, with their size as areas() first showed it (full mode). */
  private readonly mapped = new Map<Addr, number>();
  readonly mode: 'light' | 'full';

  constructor(opts: CheckerOptions = {}) {
    this.mode = opts.mode ?? 'light';
  }

  /** Remember what a failed step must give back (full mode, or `full` for this step only). */
  before(run: VersionRun, full = this.mode === 'full'): void {
    this.prev = undefined;
    if (!full) return;
    this.prev = { areaKeys: areaKeyCounts(run.api.areas()), slabKeys: new Set(run.kernel.slab.live.keys()), slabCount: run.kernel.slab.live.size, rangeCount: ranges(run).length };
  }

  /** Check after a step: accounting always, the whole machine in full mode (or when `full`). */
  after(step: number, run: VersionRun, result?: StepResult, full = this.mode === 'full'): void {
    checkAccounting(run);
    if (!full) return;
    if (result && !result.ok && result.error !== 'unsupported' && this.prev) this.failedStep(step, run, result);
    this.track(run, result);
    this.record(checkMachine(run, step, this.mapped));
  }

  /** Follow which live areas must be fully mapped: added when vmalloc/vmap return them, dropped when they leave vmlist. */
  private track(run: VersionRun, result?: StepResult): void {
    const areas = run.api.areas();
    const live = new Map<Addr, number>();
    for (const a of areas) if (!live.has(a.addr)) live.set(a.addr, a.size);
    for (const [addr, size] of this.mapped) if (live.get(addr) !== size) this.mapped.delete(addr);
    if (result?.ok && result.addr && MAPPING_OPS.has(result.op) && this.prev) {
      // The area the step added at the address it returned (another may start there too).
      const before = new Map(this.prev.areaKeys);
      const added = areas.filter((x) => {
        const key = `${x.addr}:${x.size}`;
        const n = before.get(key) ?? 0;
        if (n > 0) before.set(key, n - 1);
        return n === 0;
      });
      const a = added.find((x) => hexOf(run, x.addr) === result.addr);
      if (a) this.mapped.set(a.addr, a.size);
    }
  }

  /** End of a run: the whole-machine check (light mode's only one). */
  finish(step: number, run: VersionRun): Finding[] {
    this.record(checkMachine(run, step, this.mode === 'full' ? this.mapped : undefined));
    return this.findings;
  }

  /** A failed call must leave the slab as it found it, unless it keeps new ranges (lazy areas, blocks). */
  private failedStep(step: number, run: VersionRun, result: StepResult): void {
    const prev = this.prev!;
    const slab = run.kernel.slab;
    // A failed call that leaves new allocator records (a lazily freed vmap_area, a vmap block)
    // keeps their descriptors with them, how many per record being the version's business:
    // only a failure that keeps no new record must give every object back.
    const dRanges = ranges(run).length - prev.rangeCount;
    if (dRanges > 0) return;
    const extra = slab.live.size - prev.slabCount;
    if (extra <= 0) return;
    const fresh = [...slab.live.entries()].filter(([a]) => !prev.slabKeys!.has(a));
    const list = fresh.slice(0, 6).map(([a, o]) => `${hexOf(run, a)} (${o.size} bytes)`).join(', ');
    const how = result.error === 'BUG' || result.error === 'OOPS' ? `the call ended in ${result.error}, so it never reached its cleanup, and left` : 'the failed call left';
    this.record([{ version: run.version.id, step, kind: 'leaked-slab', message: `${how} ${plural(extra, 'kmalloc\'ed object')} behind: ${list}` }]);
  }

  /** Keep a finding unless everything it is about was reported already. */
  private record(fs: Finding[]): void {
    for (const f of fs) {
      const keys = (f.keys ?? [f.message]).map((x) => `${f.kind}|${x}`);
      if (keys.every((x) => this.seen.has(x))) continue;
      for (const x of keys) this.seen.add(x);
      const { keys: _drop, ...plain } = f;
      this.findings.push(plain);
    }
  }
}

/**
 * Whether runs check invariants when the caller does not say: under vitest, or VMX_INVARIANTS=1.
 * Read through globalThis: in a browser there is no process, and the answer is no.
 */
export function invariantsByDefault(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env !== undefined && (env.VITEST !== undefined || env.VMX_INVARIANTS === '1');
}

export function formatFindings(fs: readonly Finding[]): string {
  return fs.map((f) => `${f.version} step ${f.step}: ${f.kind}: ${f.message}`).join('\n');
}
