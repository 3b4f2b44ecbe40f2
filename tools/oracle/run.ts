/**
 * Running one scenario on one oracle binary: the scenario's plain steps become the driver's line
 * format ("machine <ramMiB> <cpus> <vstart> <vend> high=<high_memory> [profile=pc] [pse=0]", then "<op> key=value ..." per step), and the
 * driver's JSON lines become a version result of the contract's result document.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWindow, highMemory, type OracleArch } from './versions.js';

/** The parts of a (validated, generator-free) scenario the oracle reads. */
export interface OracleScenario {
  name: string;
  machine: { arch: string; ramMiB: number; cpus: number; nodes?: number; zones?: string; vmallocStart?: string; vmallocEnd?: string; vmallocReserveMiB?: number; pge?: boolean; nx?: boolean; pse?: boolean; profile?: string };
  steps: readonly Record<string, unknown>[];
}

export interface OracleVersionResult {
  version: string;
  steps: Record<string, unknown>[];
  final: Record<string, unknown>;
}

export class OracleRunError extends Error {}

/** Step fields the driver reads (driver.c); any other field is not driven. */
export const DRIVEN_FIELDS = new Set(['op', 'size', 'as', 'ref', 'offset', 'addr', 'pages', 'flags', 'count', 'data', 'site', 'nth', 'node', 'align', 'start', 'end', 'prot', 'offsets', 'sizes', 'phys']);
const NOT_PASSED = new Set(['op', 'comment', 'expect']);
/** Ops of the contract the driver does not provide: it answers "unsupported" (driver.c). */
// vmalloc_to_page / vmalloc_to_pfn: a frame number is the machine's (the stub numbers frames from 0
// and its kmalloc takes none; vmx's slab takes frames), so the two can never agree; module_alloc /
// module_free live in arch/x86/kernel/module*.c, which the oracle does not compile.
export const NOT_PROVIDED = new Set(['kmemleak_scan', 'forget', 'exec', 'vmalloc_to_page', 'vmalloc_to_pfn', 'module_alloc', 'module_free']);

/** What the stub machine cannot represent of this scenario (said once per scenario, not an error). */
const IOREMAP_OPS = new Set(['ioremap', 'ioremap_nocache', 'iounmap']);
export function limitations(s: OracleScenario, ioremapless: readonly string[] = []): string[] {
  const out: string[] = [];
  if ((s.machine.nodes ?? 1) > 1) out.push(`machine.nodes ${s.machine.nodes}: the stub machine has one node`);
  if (s.machine.zones === 'split') out.push('machine.zones "split": the stub machine has one zone');
  if (s.machine.pge === false || s.machine.nx === false) out.push('machine.pge / machine.nx false: the stub headers give the protections of a CPU with PGE and NX');
  // machine.profile "pc": the stub machine reserves frames 0, 1 and 0xa0-0x3ff (PageReserved) as vmx does
  // ioremap / ioremap_nocache / iounmap: driven where the build has the arch ioremap (versions.ts hasIoremap)
  if (ioremapless.length && s.steps.some((st) => IOREMAP_OPS.has(String(st.op))))
    out.push(`${ioremapless.join(', ')}: the oracle does not compile this version's arch ioremap (ioremap, ioremap_nocache, iounmap answer "unsupported")`);
  const seen = new Map<string, number>();
  const ops = new Map<string, number>();
  s.steps.forEach((st, i) => {
    const op = String(st.op);
    if (NOT_PROVIDED.has(op)) {
      if (!ops.has(op)) ops.set(op, i);
      return;
    }
    for (const k of Object.keys(st)) if (!DRIVEN_FIELDS.has(k) && !NOT_PASSED.has(k) && !seen.has(k)) seen.set(k, i);
  });
  for (const [op, i] of ops) out.push(`step ${i}: the oracle does not provide ${op} (it answers "unsupported")`);
  for (const [k, i] of seen) out.push(`step ${i}: field "${k}" is not driven by the oracle${k === 'cpu' ? ' (every step runs on CPU 0)' : ''}`);
  return out;
}

function stepLine(st: Record<string, unknown>): string {
  const toks = [String(st.op)];
  for (const [k, v] of Object.entries(st)) {
    if (NOT_PASSED.has(k) || v === undefined) continue;
    toks.push(`${k}=${typeof v === 'boolean' ? Number(v) : String(v)}`);
  }
  return toks.join(' ');
}

/** The driver's input for one version (exported for the tests). */
export function driverInput(s: OracleScenario, version: string): string {
  const arch = s.machine.arch as OracleArch;
  const w =
    s.machine.vmallocStart !== undefined && s.machine.vmallocEnd !== undefined
      ? { start: BigInt(s.machine.vmallocStart), end: BigInt(s.machine.vmallocEnd) }
      : defaultWindow(version, arch, s.machine.ramMiB, s.machine.vmallocReserveMiB);
  // optional fields: high_memory (the arch ioremap reads it), the boot profile
  const high = highMemory(version, arch, s.machine.ramMiB, s.machine.vmallocReserveMiB);
  const lines = [`machine ${s.machine.ramMiB} ${s.machine.cpus} ${w.start.toString(16)} ${w.end.toString(16)} high=${high.toString(16)}${s.machine.profile === 'pc' ? ' profile=pc' : ''}${s.machine.pse === false ? ' pse=0' : ''}`];
  for (const st of s.steps) lines.push(stepLine(st));
  return lines.join('\n') + '\n';
}

/** Run the scenario on one binary; throws OracleRunError when the driver fails (not a kernel outcome). */
export function runOracle(binary: string, s: OracleScenario, version: string): OracleVersionResult {
  // A file, not stdin: the driver may re-exec itself (legacy address layout) and read its input again.
  const dir = mkdtempSync(join(tmpdir(), 'vmx-oracle-run-'));
  const input = join(dir, 'steps.in');
  try {
    writeFileSync(input, driverInput(s, version));
    const p = spawnSync(binary, [input], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (p.error) throw new OracleRunError(`${binary}: ${p.error.message}`);
    if (p.status !== 0) {
      const why = p.status === 4 ? ' (a frame past the host memory a 32-bit oracle can hold)' : p.status === 3 ? ' (the vmalloc window cannot be reserved on this host)' : '';
      throw new OracleRunError(`${binary}: exit ${p.status ?? p.signal}${why}: ${p.stderr.trim().slice(0, 500)}`);
    }
    const steps: Record<string, unknown>[] = [];
    let final: Record<string, unknown> | undefined;
    for (const line of p.stdout.split('\n')) {
      if (!line) continue;
      const d = JSON.parse(line) as Record<string, unknown>;
      if ('final' in d) final = d.final as Record<string, unknown>;
      else steps.push(d);
    }
    if (!final || steps.length !== s.steps.length) throw new OracleRunError(`${binary}: ${steps.length} step results for ${s.steps.length} steps${final ? '' : ', no final state'}`);
    return { version, steps, final };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
