/**
 * The contract's ops, each mapped onto the version's kernel function. An op whose function the
 * version lacks is "unsupported". The harness does only what the contract says it does around
 * the call (allocating vmap's pages, kfree'ing remove_vm_area's vm_struct).
 */
import { parseAddr, type Addr } from '../hw/addr.js';
import type { FaultSite } from '../kernel/faults.js';
import type { Step } from './scenario.js';
import type { StepResult } from './result.js';
import type { VersionRun } from './runner.js';
import type { FreeOutcome } from './version.js';

export interface OpContext {
  run: VersionRun;
  step: Step;
}

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
function target(ctx: OpContext): Addr {
  const { step, run } = ctx;
  if (step.addr !== undefined) return parseAddr(run.kernel.arch, step.addr) as Addr;
  const base = run.bindings.get(step.ref!) ?? 0;
  const off = step.offset ?? 0;
  if (off === 0) return base;
  // Pointer arithmetic on NULL or a user address stays outside every kernel mapping.
  if (base <= 0) return base === 0 ? off : base - off;
  return run.kernel.ulong(base + off);
}

function unsupported(op: string, withAddr: boolean, ctx: OpContext): StepResult {
  if (ctx.step.as) ctx.run.bindings.set(ctx.step.as, 0);
  return withAddr ? { op, ok: false, error: 'unsupported', addr: null, log: [] } : { op, ok: false, error: 'unsupported', log: [] };
}

function addressResult(ctx: OpContext, addr: Addr): StepResult {
  const { step, run } = ctx;
  if (step.as) run.bindings.set(step.as, addr);
  if (addr) return { op: step.op, ok: true, addr: run.kernel.hex(addr), log: [] };
  return { op: step.op, ok: false, error: 'ENOMEM', addr: null, log: [] };
}

function freeResult(op: string, outcome: FreeOutcome): StepResult {
  return outcome === 'ok' ? { op, ok: true, log: [] } : { op, ok: false, error: outcome, log: [] };
}

/** Pages the harness allocates for vmap / vm_map_ram (never fault-injected); null if RAM ran out. */
function harnessPages(ctx: OpContext, n: number): number[] | null {
  const k = ctx.run.kernel;
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

export function runOp(ctx: OpContext): StepResult {
  const { step, run } = ctx;
  const { api, kernel: k } = run;
  const op = step.op;
  switch (op) {
    case 'vmalloc':
    case 'vmalloc_32':
    case 'vmalloc_dma':
    case 'vmalloc_user': {
      const fn = api[op];
      return fn ? addressResult(ctx, fn.call(api, step.size!)) : unsupported(op, true, ctx);
    }
    case 'vmalloc_node':
      return api.vmalloc_node ? addressResult(ctx, api.vmalloc_node(step.size!, step.node!)) : unsupported(op, true, ctx);
    case '__vmalloc_node':
      return api.__vmalloc_node ? addressResult(ctx, api.__vmalloc_node(step.size!, step.align!, step.node ?? 0)) : unsupported(op, true, ctx);
    case 'vfree':
    case 'vunmap':
    case 'free_vm_area':
    case 'iounmap': {
      const fn = api[op];
      return fn ? freeResult(op, fn.call(api, target(ctx))) : unsupported(op, false, ctx);
    }
    case 'vmap':
    case 'vm_map_ram': {
      const fn = api[op];
      if (!fn) return unsupported(op, true, ctx);
      const pages = harnessPages(ctx, step.pages!);
      if (!pages) return addressResult(ctx, 0);
      return addressResult(ctx, fn.call(api, pages));
    }
    case 'vm_unmap_ram':
      if (!api.vm_unmap_ram) return unsupported(op, false, ctx);
      api.vm_unmap_ram(target(ctx), step.pages!);
      return { op, ok: true, log: [] };
    case 'get_vm_area':
      return api.get_vm_area ? addressResult(ctx, api.get_vm_area(step.size!, step.flags ?? 'VM_ALLOC')) : unsupported(op, true, ctx);
    case 'remove_vm_area': {
      if (!api.remove_vm_area) return unsupported(op, false, ctx);
      const vm = api.remove_vm_area(target(ctx));
      if (!vm) return { op, ok: false, error: 'nonexistent', log: [] };
      k.kfree(vm);
      return { op, ok: true, log: [] };
    }
    case 'alloc_vm_area':
      return api.alloc_vm_area ? addressResult(ctx, api.alloc_vm_area(step.size!)) : unsupported(op, true, ctx);
    case 'ioremap':
    case 'ioremap_nocache': {
      const fn = api[op];
      return fn ? addressResult(ctx, fn.call(api, Number(BigInt(step.phys!)), step.size!)) : unsupported(op, true, ctx);
    }
    case 'vwrite': {
      if (!api.vwrite) return unsupported(op, false, ctx);
      const buf = hexToBytes(step.data!);
      const count = api.vwrite(buf, target(ctx), buf.length);
      return { op, ok: true, count, log: [] };
    }
    case 'vread': {
      if (!api.vread) return unsupported(op, false, ctx);
      const buf = new Uint8Array(step.count!);
      const count = api.vread(buf, target(ctx), step.count!);
      return { op, ok: true, count, data: bytesToHex(buf.subarray(0, Math.max(0, count))), log: [] };
    }
    case 'vm_unmap_aliases':
      if (!api.vm_unmap_aliases) return unsupported(op, false, ctx);
      api.vm_unmap_aliases();
      return { op, ok: true, log: [] };
    case 'fail':
      k.faults.arm(step.site as FaultSite, step.nth!);
      return { op, ok: true, log: [] };
    case 'vmallocinfo':
      if (!api.vmallocinfo) return unsupported(op, false, ctx);
      return { op, ok: true, log: [], text: api.vmallocinfo() };
    case 'kmemleak_scan':
      return kmemleakScan(ctx);
    case 'forget':
      run.bindings.set(step.ref!, 0);
      return { op, ok: true, log: [] };
    case 'peek':
    case 'poke':
      return cpuAccess(ctx);
  }
}

/** A scan counting references from the version's descriptors and the scenario's live handles. */
function kmemleakScan(ctx: OpContext): StepResult {
  const { run, step } = ctx;
  if (!run.version.hasKmemleak) return unsupported(step.op, false, ctx);
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
  return { op: step.op, ok: true, log: [], text, leaks: leaks.map((o) => ({ ptr: k.hex(o.ptr), size: o.size })) };
}

/** peek/poke: a CPU dereferencing a pointer, through its TLB (stale entries included). */
function cpuAccess(ctx: OpContext): StepResult {
  const { run, step } = ctx;
  const k = run.kernel;
  const m = k.machine;
  const cpu = step.cpu ?? 0;
  const start = target(ctx);
  if (step.op === 'peek') {
    const out = new Uint8Array(step.count!);
    for (let i = 0; i < out.length; i++) {
      const r = m.load(cpu, k.ulong(start + i));
      if (!r.ok) return pageFault(ctx, r.fault);
      out[i] = r.value;
    }
    return { op: step.op, ok: true, count: out.length, data: bytesToHex(out), log: [] };
  }
  const data = hexToBytes(step.data!);
  for (let i = 0; i < data.length; i++) {
    const r = m.store(cpu, k.ulong(start + i), data[i]);
    if (!r.ok) return pageFault(ctx, r.fault);
  }
  return { op: step.op, ok: true, count: data.length, log: [] };
}

function pageFault(ctx: OpContext, at: Addr): StepResult {
  const k = ctx.run.kernel;
  k.printk(`BUG: unable to handle kernel paging request at ${k.p(at)}`);
  return { op: ctx.step.op, ok: false, error: 'OOPS', log: [] };
}

