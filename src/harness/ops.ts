/**
 * The contract's ops, each mapped onto the version's kernel function. An op whose function the
 * version lacks is "unsupported". The harness does only what the contract says it does around
 * the call (allocating vmap's pages, kfree'ing remove_vm_area's vm_struct).
 */
import { parseAddr, type Addr } from '../hw/addr.js';
import type { FaultSite } from '../kernel/faults.js';
import { pteFlagNames } from '../hw/pagetable.js';
import { OP_TABLE, opEntry, type ArgSource } from '../contract/ops.js';
import type { Step } from '../contract/scenario.js';
import type { StepResult } from '../contract/result.js';
import type { ApiMethod, VersionRun } from './version-run.js';
import type { FreeOutcome, VersionApi } from '../contract/version.js';

/**
 * A result's log until runStep sets it to the step's printk lines: one frozen array rather than
 * a new one per step (the field stays in its place in the result, before anything runStep adds).
 */
const NO_LOG_YET: string[] = Object.freeze([]) as unknown as string[];

const KMEMLEAK_JIFFIES = 4294937296; // INITIAL_JIFFIES at HZ=100: time never advances here

function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}

/** The address a step targets: its ref's binding plus offset, or its raw addr. */
function target(run: VersionRun, step: Step): Addr {
  if (step.addr !== undefined) return parseAddr(run.kernel.arch, step.addr) as Addr;
  const base = run.bindings.get(step.ref!) ?? 0;
  const off = step.offset ?? 0;
  if (off === 0) return base;
  // Pointer arithmetic on NULL or a user address stays outside every kernel mapping. NULL + off
  // is the number off: on x86_64 that is the user-half address off (addr.ts), and the ports'
  // arithmetic on it (vread's addr++) stays exact and in order.
  if (base <= 0) return base === 0 ? off : base - off;
  return run.kernel.ulong(base + off);
}

function unsupported(op: string, withAddr: boolean, run: VersionRun, step: Step): StepResult {
  if (step.as) run.bindings.set(step.as, 0);
  return withAddr ? { op, ok: false, error: 'unsupported', addr: null, log: NO_LOG_YET } : { op, ok: false, error: 'unsupported', log: NO_LOG_YET };
}

function addressResult(run: VersionRun, step: Step, addr: Addr): StepResult {
  if (step.as) run.bindings.set(step.as, addr);
  if (addr) return { op: step.op, ok: true, addr: run.kernel.hex(addr), log: NO_LOG_YET };
  return { op: step.op, ok: false, error: 'ENOMEM', addr: null, log: NO_LOG_YET };
}

/**
 * pcpu_get_vm_areas' result: `addrs` lists each area; `as` binds the vms array and `as.i` area i
 * (all NULL when the call returned NULL); `r` undefined: the version lacks the function ("unsupported").
 */
function areasResult(run: VersionRun, step: Step, r: { vms: Addr; addrs: Addr[] } | null | undefined): StepResult {
  const n = step.offsets?.length ?? 0;
  if (step.as) {
    run.bindings.set(step.as, r ? r.vms : 0);
    for (let i = 0; i < n; i++) run.bindings.set(`${step.as}.${i}`, r ? r.addrs[i] : 0);
  }
  if (r) return { op: step.op, ok: true, addrs: r.addrs.map((a) => run.kernel.hex(a)), log: NO_LOG_YET };
  return { op: step.op, ok: false, error: r === null ? 'ENOMEM' : 'unsupported', addrs: null, log: NO_LOG_YET };
}

function freeResult(op: string, outcome: FreeOutcome): StepResult {
  return outcome === 'ok' ? { op, ok: true, log: NO_LOG_YET } : { op, ok: false, error: outcome, log: NO_LOG_YET };
}

/** Pages the harness allocates for vmap / vm_map_ram (never fault-injected); null if RAM ran out. */
function harnessPages(run: VersionRun, n: number): number[] | null {
  const k = run.kernel;
  const pages: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = k.harness_alloc_page();
    if (p < 0) {
      for (const q of pages) k.machine.mem.release(q);
      return null;
    }
    pages.push(p);
  }
  return pages;
}

/** argFor's answer when the harness's pages for vmap / vm_map_ram ran out. */
const NO_PAGES = Symbol('no pages');

const NO_SOURCES: readonly ArgSource[] = [];

/** One argument the op table's row asks for, resolved from the step. */
function argFor(run: VersionRun, step: Step, src: ArgSource): unknown {
  switch (src) {
    case 'size':
      return step.size!;
    case 'node':
      return step.node ?? 0;
    case 'align':
      return step.align!;
    case 'flags':
      return step.flags ?? 'VM_ALLOC';
    case 'phys':
      return Number(BigInt(step.phys!));
    case 'prot':
      return step.prot!;
    case 'start':
      return parseAddr(run.kernel.arch, step.start!) as Addr;
    case 'end':
      return parseAddr(run.kernel.arch, step.end!) as Addr;
    case 'target':
      return target(run, step);
    case 'pages':
      return harnessPages(run, step.pages!) ?? NO_PAGES;
    case 'npages':
      return step.pages!;
    case 'readbuf':
      return new Uint8Array(step.count!);
    case 'writebuf':
      return hexToBytes(step.data!);
    case 'offsets':
      return step.offsets!;
    case 'sizes':
      return step.sizes!;
    case 'handle':
      return run.bindings.get(step.ref!) ?? 0;
  }
}

/** vread/vwrite take (buf, addr, count): a row starting with a buffer gets the count after the target. */
function takesCount(sources: readonly ArgSource[]): boolean {
  return sources[0] === 'readbuf' || sources[0] === 'writebuf';
}

/** The arguments of a row with two or more, or one that takesCount; null when harness pages ran out. */
function argsFor(run: VersionRun, step: Step, sources: readonly ArgSource[]): unknown[] | null {
  const out: unknown[] = [];
  for (const src of sources) {
    const a = argFor(run, step, src);
    if (a === NO_PAGES) return null;
    out.push(a);
  }
  if (takesCount(sources)) out.push((out[0] as Uint8Array).length);
  return out;
}

/** The api's method for each OP_TABLE row, in table order (VersionRun.methods). */
export function apiMethods(api: VersionApi): (ApiMethod | undefined)[] {
  return OP_TABLE.map((row) => (row.api === undefined ? undefined : (api[row.api] as ApiMethod | undefined)));
}

/** Run one step: the op table says which VersionApi method to call and what its result means. */
export function runOp(run: VersionRun, step: Step): StepResult {
  const op = step.op;
  const entry = opEntry(op)!;
  const row = entry.row;
  if (row.api === undefined) return harnessOp(run, step);
  const fn = run.methods[entry.index];
  if (!fn) return row.returns === 'areas' ? areasResult(run, step, undefined) : unsupported(op, row.returns === 'address', run, step);
  // The common rows of none or one argument are called without an arguments array.
  const sources = row.args ?? NO_SOURCES;
  let args: unknown[] | null = null;
  let ret: unknown;
  if (sources.length === 0) ret = fn.call(run.api);
  else if (sources.length === 1 && !takesCount(sources)) {
    const a = argFor(run, step, sources[0]);
    if (a === NO_PAGES) return addressResult(run, step, 0);
    ret = fn.call(run.api, a);
  } else {
    args = argsFor(run, step, sources);
    if (args === null) return addressResult(run, step, 0);
    ret = fn.apply(run.api, args);
  }
  switch (row.returns) {
    case 'address':
      // null: the version's headers define no such pgprot name (__vmalloc's prot)
      if (ret === null) return unsupported(op, true, run, step);
      return addressResult(run, step, ret as Addr);
    case 'free':
      return freeResult(op, ret as FreeOutcome);
    case 'void':
      return { op, ok: true, log: NO_LOG_YET };
    case 'count':
      return { op, ok: true, count: ret as number, log: NO_LOG_YET };
    case 'read': {
      const count = ret as number;
      return { op, ok: true, count, data: bytesToHex((args![0] as Uint8Array).subarray(0, Math.max(0, count))), log: NO_LOG_YET };
    }
    case 'text':
      return { op, ok: true, log: NO_LOG_YET, text: ret as string };
    case 'vm_struct': {
      const vm = ret as Addr;
      if (!vm) return { op, ok: false, error: 'nonexistent', log: NO_LOG_YET };
      run.kernel.kfree(vm);
      return { op, ok: true, log: NO_LOG_YET };
    }
    case 'pfn': {
      const pfn = ret as number;
      if (pfn < 0) return { op, ok: false, error: 'nonexistent', log: NO_LOG_YET };
      return { op, ok: true, count: pfn, log: NO_LOG_YET };
    }
    case 'areas':
      return areasResult(run, step, ret as { vms: Addr; addrs: Addr[] } | null);
    case 'pte':
      throw new Error(`${op}: a pte result comes from the harness`);
    case 'errno': {
      const err = ret as number;
      if (err === 0) return { op, ok: true, log: NO_LOG_YET };
      if (err === -22) return { op, ok: false, error: 'EINVAL', log: NO_LOG_YET };
      if (err === -14) return { op, ok: false, error: 'EFAULT', log: NO_LOG_YET };
      throw new Error(`${op}: unexpected return ${err}`);
    }
  }
}

/** The ops the harness performs itself (no VersionApi method). */
function harnessOp(run: VersionRun, step: Step): StepResult {
  switch (step.op) {
    case 'fail':
      run.kernel.faults.arm(step.site as FaultSite, step.nth!);
      return { op: step.op, ok: true, log: NO_LOG_YET };
    case 'kmemleak_scan':
      return kmemleakScan(run, step);
    case 'forget':
      run.bindings.set(step.ref!, 0);
      return { op: step.op, ok: true, log: NO_LOG_YET };
    case 'peek':
    case 'poke':
      return cpuAccess(run, step);
    case 'exec':
      return cpuFetch(run, step);
    case 'lookup_pte': {
      const pte = pteAt(run, target(run, step));
      if (!pte) return { op: step.op, ok: false, error: 'nonexistent', log: NO_LOG_YET };
      return { op: step.op, ok: true, ...pte, log: NO_LOG_YET };
    }
    default:
      throw new Error(`op ${step.op} has no VersionApi method and no harness implementation`);
  }
}

/** A scan counting references from the version's descriptors and the scenario's live handles. */
function kmemleakScan(run: VersionRun, step: Step): StepResult {
  if (!run.version.hasKmemleak) return unsupported(step.op, false, run, step);
  const k = run.kernel;
  const handles = new Map<Addr, number>();
  for (const a of run.bindings.values()) if (a) handles.set(a, (handles.get(a) ?? 0) + 1);
  const leaks = k.kmemleak.scan((o) => (run.api.kmemleakRefs?.(o) ?? 0) + (handles.get(o.ptr) ?? 0));
  const text = leaks
    .map((o) =>
      [
        `unreferenced object 0x${k.p(o.ptr)} (size ${o.size}):`,
        `  comm "vmx", pid 1, jiffies ${KMEMLEAK_JIFFIES}`,
        '  backtrace:',
        `    [<${'0'.repeat(k.arch.ptrBytes * 2)}>] ${o.caller}`,
      ].join('\n'),
    )
    .join('\n');
  if (leaks.length) k.printk(`kmemleak: ${leaks.length} new suspected memory leaks (see /sys/kernel/debug/kmemleak)`);
  return { op: step.op, ok: true, log: NO_LOG_YET, text, leaks: leaks.map((o) => ({ ptr: k.hex(o.ptr), size: o.size })) };
}

/**
 * The pte that maps `addr` as the MMU walks init_mm's tables (no TLB, no kernel code): its raw
 * value as hex, zero-padded to the pte's width (8 digits, 16 on PAE and x86_64), and the names
 * of its flag bits; undefined when no pte table covers the address (or it is a user address of
 * x86_64, which the simulated tables do not hold).
 */
function pteAt(run: VersionRun, addr: Addr): { pte: string; prot: string } | undefined {
  const k = run.kernel;
  if (addr < 0) return undefined;
  const pt = k.machine.pt;
  const p = pt.leafPtr(addr);
  if (p < 0) return undefined;
  const v = pt.pteValue(p);
  return { pte: '0x' + v.toString(16).padStart(k.arch.pteBytes * 2, '0'), prot: v === 0n ? '' : pteFlagNames(pt.flags(p)) };
}

/**
 * The address of byte i from start, as the C's pointer arithmetic gives it: a user-half address
 * (kept negated, src/hw/addr.ts) moves away from 0, so its fault prints the real address.
 */
function byteAt(k: VersionRun['kernel'], start: Addr, i: number): Addr {
  return start < 0 ? start - i : k.ulong(start + i);
}

/** peek/poke: a CPU dereferencing a pointer, through its TLB (stale entries included). */
function cpuAccess(run: VersionRun, step: Step): StepResult {
  const k = run.kernel;
  const m = k.machine;
  const cpu = step.cpu ?? 0;
  const start = target(run, step);
  if (step.op === 'peek') {
    const out = new Uint8Array(step.count!);
    for (let i = 0; i < out.length; i++) {
      const r = m.load(cpu, byteAt(k, start, i));
      if (!r.ok) return pageFault(run, r.fault);
      out[i] = r.value;
    }
    return { op: step.op, ok: true, count: out.length, data: bytesToHex(out), log: NO_LOG_YET };
  }
  const data = hexToBytes(step.data!);
  for (let i = 0; i < data.length; i++) {
    const r = m.store(cpu, byteAt(k, start, i), data[i]);
    if (!r.ok) return pageFault(run, r.fault);
  }
  return { op: step.op, ok: true, count: data.length, log: NO_LOG_YET };
}

/** exec: a CPU fetching an instruction byte at the address (an NX pte faults as an instruction fetch). */
function cpuFetch(run: VersionRun, step: Step): StepResult {
  const k = run.kernel;
  const r = k.machine.fetch(step.cpu ?? 0, byteAt(k, target(run, step), 0));
  if (!r.ok) k.oops_at(r.fault, true);
  return { op: step.op, ok: true, log: NO_LOG_YET };
}

/** The CPU's access faulted: the kernel's no_context path prints its oops line and the step ends OOPS. */
function pageFault(run: VersionRun, at: Addr): never {
  run.kernel.oops_at(at);
}

