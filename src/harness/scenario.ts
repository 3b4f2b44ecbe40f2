/**
 * The scenario document (contract v1): a validator that names the step index and the
 * field of the first problem. Validation is complete before anything runs, so a bad scenario
 * never produces a partial result.
 */
import { ARCHES, isArchName, type ArchName } from '../hw/arch.js';
import { HEX_RE, parseAddr } from '../hw/addr.js';
import { FAULT_SITES } from '../kernel/faults.js';
import { OP_TABLE, type OpName } from '../contract/ops.js';
import { PGPROT_NAMES, type MachineSpec, type Scenario, type Step } from '../contract/scenario.js';
import { documentSeed, expandDocument, GenerateError, plainSteps, type Expansion } from './generate.js';
import { validateExpectations } from './expect.js';
import { BIG_LITERALS, bigLiterals, didYouMean, jsonErrorOffset, lineColumn } from './json-text.js';

export { closest } from './json-text.js';

export type { MachineSpec, Scenario, Step, ExpectMap } from '../contract/scenario.js';
export { OPS, type OpName } from '../contract/ops.js';

/** A scenario that cannot run: the message names where (step index, field) and what. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
  }
}

type FieldKind = 'size' | 'name' | 'ref' | 'hex' | 'node' | 'count' | 'flags' | 'offset' | 'data' | 'site' | 'nth' | 'cpu' | 'text' | 'align' | 'prot' | 'ulongs';

const KIND: Record<string, FieldKind> = {
  size: 'size', as: 'name', ref: 'ref', addr: 'hex', node: 'node', pages: 'count', flags: 'flags',
  offset: 'offset', data: 'data', count: 'count', site: 'site', nth: 'nth', cpu: 'cpu', phys: 'hex', align: 'align', start: 'hex', end: 'hex', prot: 'prot',
  offsets: 'ulongs', sizes: 'ulongs',
};

/** The most entries an array field (pcpu_get_vm_areas' offsets, sizes) may have. */
const MAX_ARRAY = 4096;

/** What validation needs of an op, built once from OP_FIELDS: the fields it allows, those it requires, its target. */
interface OpSpec {
  allowed: Set<string>;
  required: string[];
  /** 0: no target; 1: "target" (ref or addr); 2: "target+offset". */
  target: 0 | 1 | 2;
}

function opSpec(fields: readonly string[]): OpSpec {
  const allowed = new Set<string>(['op', 'comment', 'expect']);
  const required: string[] = [];
  let target: 0 | 1 | 2 = 0;
  for (const f of fields) {
    const opt = f.endsWith('?');
    const base = opt ? f.slice(0, -1) : f;
    if (base === 'target' || base === 'target+offset') {
      allowed.add('ref').add('addr');
      if (base === 'target+offset') allowed.add('offset');
      target = base === 'target' ? 1 : 2;
    } else {
      allowed.add(base);
      if (!opt) required.push(base);
    }
  }
  return { allowed, required, target };
}

const OP_SPECS = new Map<string, OpSpec>(OP_TABLE.map((r) => [r.name, opSpec(r.fields)]));

export const MAX_STEPS = 5_000_000;
const MAX_BUFFER = 16 * 1024 * 1024;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
// Hex digits, checked for an even count separately: /^([0-9a-fA-F]{2})*$/ recursed per byte and
// overflowed the stack on the 16 MiB buffers the contract allows.
const DATA_RE = /^[0-9a-fA-F]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Nesting no scenario needs; deeper documents are refused before anything recurses into them. */
export const MAX_JSON_DEPTH = 64;

/** True when no value of `v` (an array or object) is an object; inherited enumerable keys make it false, never true. */
function flat(v: object): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'object' && x !== null) return false;
    }
    return true;
  }
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'object' && x !== null) return false;
  }
  return true;
}

/** Where a JSON value nests deeper than `max` arrays/objects (a path like steps[0].size[0]…), or null. Iterative, no allocation per value. */
export function tooDeep(doc: unknown, max: number): string | null {
  // Depth-first with an explicit stack of containers and the next key index in each.
  const stack: { v: object; keys: string[] | null; i: number }[] = [];
  const enter = (v: object) => stack.push({ v, keys: Array.isArray(v) ? null : Object.keys(v), i: 0 });
  if (typeof doc === 'object' && doc !== null) enter(doc);
  while (stack.length) {
    if (stack.length > max) {
      const path = stack.slice(1).map((_f, d) => {
        const parent = stack[d];
        const key = parent.keys ? parent.keys[parent.i - 1] : String(parent.i - 1);
        return parent.keys ? `.${key}` : `[${key}]`;
      });
      const text = path.join('').replace(/^\./, '');
      return text.length > 120 ? text.slice(0, 120) + '…' : text;
    }
    const top = stack[stack.length - 1];
    const n = top.keys ? top.keys.length : (top.v as unknown[]).length;
    if (top.i >= n) {
      stack.pop();
      continue;
    }
    const child = top.keys ? (top.v as Record<string, unknown>)[top.keys[top.i]] : (top.v as unknown[])[top.i];
    top.i++;
    // A container within the limit whose values are all primitives cannot nest deeper: it is not
    // entered (a plain step, most of a long scenario, costs no stack entry and no key array).
    if (typeof child === 'object' && child !== null && (stack.length >= max || !flat(child))) enter(child);
  }
  return null;
}

/**
 * The checks of one step after another, as validateScenario runs them: the fields its op allows
 * and requires, each field's kind, and the names bound by earlier steps' "as". Used by
 * validateScenario and by the streamed loader (scenario-stream.ts), which checks a long
 * document's steps a chunk at a time.
 */
export class StepChecker {
  private readonly bound = new Set<string>();
  private readonly ulongMax: number;

  constructor(
    private readonly machine: MachineSpec,
    private readonly fail: (msg: string) => never,
    /** The step's place in messages ("step 3", or where a generated step came from). */
    private readonly at: (i: number) => string,
    /** An integer literal beyond 2^53 as the document typed it, for messages. */
    private readonly typed: (v: number) => string | undefined = () => undefined,
  ) {
    this.ulongMax = ARCHES[machine.arch].bitsPerLong === 32 ? 2 ** 32 - 1 : Number.MAX_SAFE_INTEGER;
  }

  private readonly bad = (i: number, op: string, k: string, v: unknown, what: string): never =>
    this.fail(`${this.at(i)} (${op}): field "${k}" ${what} (got ${(typeof v === 'number' && this.typed(v)) || JSON.stringify(v)?.slice(0, 80)})`);

  /** Check step `i` (a parsed JSON value) and return it typed; throws ScenarioError (through `fail`) naming the first problem. */
  check(i: number, raw: unknown): Step {
    const { machine, fail, at, bound, ulongMax } = this;
    const arch = ARCHES[machine.arch];
    const bad = this.bad;
    if (!isObject(raw)) fail(`${at(i)}: a step must be an object`);
    const s = raw as Record<string, unknown>;
    if (typeof s.op !== 'string') fail(`${at(i)}: field "op" is missing or not a string`);
    const spec = OP_SPECS.get(s.op as string);
    if (spec === undefined) return fail(`${at(i)}: field "op": unknown op ${JSON.stringify(s.op)}${didYouMean(s.op as string, OP_SPECS.keys())}`);
    const op = s.op as OpName;
    if (spec.target !== 0) {
      if ((s.ref === undefined) === (s.addr === undefined)) fail(`${at(i)} (${op}): give exactly one of "ref" or "addr"`);
      if (spec.target === 2 && s.addr !== undefined && s.offset !== undefined) fail(`${at(i)} (${op}): "offset" goes with "ref", not with "addr"`);
    }
    const keys = Object.keys(s);
    for (let j = 0; j < keys.length; j++) if (!spec.allowed.has(keys[j])) fail(`${at(i)} (${op}): unknown field "${keys[j]}"${didYouMean(keys[j], spec.allowed)}`);
    for (let j = 0; j < spec.required.length; j++) if (s[spec.required[j]] === undefined) fail(`${at(i)} (${op}): field "${spec.required[j]}" is required`);
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j];
      if (k === 'op' || k === 'expect') continue;
      const v = s[k];
      const kind: FieldKind = k === 'comment' ? 'text' : KIND[k];
      switch (kind) {
        case 'size':
          // An integer beyond 2^53 (2^64 - 1 parses as 18446744073709552000) is a size, just too big to hold exactly.
          if (typeof v === 'number' && Number.isInteger(v) && v > ulongMax)
            bad(i, op, k, v, arch.bitsPerLong === 32 ? 'exceeds a 32-bit unsigned long' : 'exceeds 2^53-1, the largest size vmx represents exactly');
          if (!isNonNegInt(v)) bad(i, op, k, v, 'must be a non-negative integer');
          if ((v as number) > ulongMax)
            bad(i, op, k, v, arch.bitsPerLong === 32 ? 'exceeds a 32-bit unsigned long' : 'exceeds 2^53-1, the largest size vmx represents exactly');
          break;
        case 'count':
          if (!isNonNegInt(v) || (v as number) > MAX_BUFFER) bad(i, op, k, v, `must be an integer from 0 to ${MAX_BUFFER}`);
          if (k === 'pages' && (v as number) > 1 << 22) bad(i, op, k, v, 'must be at most 4194304');
          break;
        case 'offset':
          if (!isNonNegInt(v) || (v as number) > ulongMax) bad(i, op, k, v, 'must be a non-negative integer within an unsigned long');
          break;
        case 'nth':
          if (!isNonNegInt(v) || (v as number) < 1) bad(i, op, k, v, 'must be a positive integer (1 = the next call)');
          break;
        case 'node':
          if (!isNonNegInt(v) || (v as number) >= machine.nodes) bad(i, op, k, v, `must be a node number below machine.nodes (${machine.nodes})`);
          break;
        case 'cpu':
          if (!isNonNegInt(v) || (v as number) >= machine.cpus) bad(i, op, k, v, `must be a CPU number below machine.cpus (${machine.cpus})`);
          break;
        case 'name':
          if (typeof v !== 'string' || !NAME_RE.test(v)) bad(i, op, k, v, 'must be a name of letters, digits, _ . - (starting with a letter or _)');
          break;
        case 'ref':
          if (typeof v !== 'string') bad(i, op, k, v, 'must be a string naming an earlier "as"');
          if (!bound.has(v as string)) bad(i, op, k, v, 'names nothing bound by an earlier step\'s "as"');
          break;
        case 'hex': {
          if (typeof v !== 'string' || !HEX_RE.test(v)) bad(i, op, k, v, 'must be a hex string like "0xd0800000"');
          if (k === 'addr' || k === 'start' || k === 'end') {
            const a = parseAddr(arch, v as string);
            if (typeof a === 'string') bad(i, op, k, v, a);
          } else if (BigInt(v as string) > BigInt(Number.MAX_SAFE_INTEGER)) bad(i, op, k, v, 'is beyond the physical addresses vmx models');
          break;
        }
        case 'flags':
          if (v !== 'VM_ALLOC' && v !== 'VM_IOREMAP') bad(i, op, k, v, 'must be "VM_ALLOC" or "VM_IOREMAP"');
          break;
        case 'data':
          if (typeof v !== 'string' || v.length % 2 !== 0 || !DATA_RE.test(v)) bad(i, op, k, v, 'must be hex bytes (an even number of hex digits, no 0x)');
          if ((v as string).length / 2 > MAX_BUFFER) bad(i, op, k, v, `is longer than ${MAX_BUFFER} bytes`);
          break;
        case 'site':
          if (!(FAULT_SITES as readonly string[]).includes(v as string)) bad(i, op, k, v, `must be one of ${FAULT_SITES.join(', ')}`);
          break;
        case 'text':
          if (typeof v !== 'string') bad(i, op, k, v, 'must be a string');
          break;
        case 'prot':
          if (typeof v !== 'string' || (!(PGPROT_NAMES as readonly string[]).includes(v) && !/^0x[0-9a-fA-F]{1,16}$/.test(v)))
            bad(i, op, k, v, `must be one of ${PGPROT_NAMES.join(', ')} or a hex pgprot value like "0x163"`);
          else if (v.startsWith('0x') && (BigInt(v) & ~0x8000000000000fffn) !== 0n) bad(i, op, k, v, 'may set only the pte flag bits 0-11 and 63 (NX)');
          // SIM: vmx's ptes are none or present, so a prot without _PAGE_PRESENT is refused.
          else if (v.startsWith('0x') && (BigInt(v) & 1n) === 0n) bad(i, op, k, v, 'must include _PAGE_PRESENT (0x1)');
          break;
        case 'align':
          if (!isNonNegInt(v) || (v as number) < 1 || (v as number) > 2 ** 52 || !Number.isInteger(Math.log2(v as number)))
            bad(i, op, k, v, 'must be a power of two from 1 to 2^52');
          break;
        case 'ulongs':
          if (!Array.isArray(v) || v.length === 0 || v.length > MAX_ARRAY) bad(i, op, k, v, `must be an array of 1 to ${MAX_ARRAY} integers`);
          (v as unknown[]).forEach((x, j) => {
            if (!isNonNegInt(x) || x > ulongMax) bad(i, op, `${k}[${j}]`, x, 'must be a non-negative integer within an unsigned long');
          });
          break;
      }
    }
    if (s.offsets !== undefined && s.sizes !== undefined && (s.offsets as unknown[]).length !== (s.sizes as unknown[]).length)
      fail(`${at(i)} (${op}): fields "offsets" and "sizes" must have the same number of entries (got ${(s.offsets as unknown[]).length} and ${(s.sizes as unknown[]).length})`);
    if (s.expect !== undefined) {
      const problem = validateExpectations(s.expect, 'step');
      if (problem) fail(`${at(i)} (${op}): field "expect"${problem}`);
    }
    if (typeof s.as === 'string') {
      bound.add(s.as);
      // pcpu_get_vm_areas binds each area as NAME.0, NAME.1, …
      if (Array.isArray(s.offsets)) for (let j = 0; j < s.offsets.length; j++) bound.add(`${s.as}.${j}`);
    }
    return s as unknown as Step;
  }
}

/**
 * Check a parsed JSON document against the contract and return it typed, with defaults filled.
 * `known` lists the registered version ids. Throws ScenarioError naming the first problem.
 */
export function validateScenario(doc: unknown, known: readonly string[], where = 'scenario'): Scenario {
  const fail = (msg: string): never => {
    throw new ScenarioError(`${where}: ${msg}`);
  };
  if (!isObject(doc)) fail('the document must be a JSON object');
  const deep = tooDeep(doc, MAX_JSON_DEPTH);
  if (deep !== null) fail(`${deep}: nested more than ${MAX_JSON_DEPTH} levels deep`);
  // Generated steps (repeat/let/random, see generate.ts) become plain steps first. A document
  // whose steps are all plain comes out of expandDocument unchanged: only its seed is checked,
  // which documentSeed does without the expansion's per-step bookkeeping.
  let expansion: Expansion | undefined;
  try {
    const raw = doc as Record<string, unknown>;
    if (Array.isArray(raw.steps) && !plainSteps(raw.steps)) expansion = expandDocument(raw);
    else documentSeed(raw);
  } catch (e) {
    if (e instanceof GenerateError) fail(e.message);
    throw e;
  }
  const d = expansion ? expansion.doc : (doc as Record<string, unknown>);
  const gen = expansion !== undefined && expansion.generated;
  const topFields = new Set(['name', 'description', 'machine', 'versions', 'steps', 'expectFinal', 'seed', 'about', 'source', 'question', 'answers', 'pinned', 'pictures']);
  for (const k of Object.keys(d)) if (!topFields.has(k)) fail(`unknown top-level field "${k}"${didYouMean(k, topFields)}`);
  if (typeof d.name !== 'string' || d.name.length === 0) fail('field "name" must be a non-empty string');
  if (d.description !== undefined && typeof d.description !== 'string') fail('field "description" must be a string');

  // machine
  if (!isObject(d.machine)) fail('field "machine" must be an object');
  const m = d.machine as Record<string, unknown>;
  const machineFields = new Set(['arch', 'ramMiB', 'cpus', 'nodes', 'zones', 'vmallocStart', 'vmallocEnd', 'vmallocReserveMiB', 'pge', 'nx', 'pse', 'profile']);
  for (const k of Object.keys(m)) if (!machineFields.has(k)) fail(`machine: unknown field "${k}"${didYouMean(k, machineFields)} (known: ${[...machineFields].join(', ')})`);
  if (!isArchName(m.arch)) fail(`machine.arch must be one of ${Object.keys(ARCHES).join(', ')} (got ${JSON.stringify(m.arch)})`);
  const arch = ARCHES[m.arch as ArchName];
  const maxRam = arch.bitsPerLong === 32 ? (m.arch === 'i386' ? 4096 : 65536) : 1024 * 1024;
  if (!isNonNegInt(m.ramMiB) || m.ramMiB < 16 || m.ramMiB > maxRam)
    fail(`machine.ramMiB must be an integer from 16 to ${maxRam} for ${m.arch} (got ${JSON.stringify(m.ramMiB)})`);
  const cpus = m.cpus ?? 1;
  if (!isNonNegInt(cpus) || cpus < 1 || cpus > 4096) fail(`machine.cpus must be an integer from 1 to 4096 (got ${JSON.stringify(m.cpus)})`);
  const nodes = m.nodes ?? 1;
  if (!isNonNegInt(nodes) || nodes < 1 || nodes > 64) fail(`machine.nodes must be an integer from 1 to 64 (got ${JSON.stringify(m.nodes)})`);
  for (const f of ['vmallocStart', 'vmallocEnd'] as const) {
    if (m[f] === undefined) continue;
    if (typeof m[f] !== 'string') fail(`machine.${f} must be a hex string like "0xd0800000"`);
    const a = parseAddr(arch, m[f] as string);
    if (typeof a === 'string') fail(`machine.${f}: ${a}`);
    // A kernel-half address (not NULL, not a user address). VMALLOC_END need not be page-aligned:
    // a kernel's macro may hold any unsigned long (x86_64's 0xffffe8ffffffffff in 2.6.32) and each
    // version's code compares against it as it is. VMALLOC_START is high_memory + an offset or a
    // page-aligned constant in every version, so a start off a page boundary is refused.
    if ((a as number) <= 0) fail(`machine.${f} must be a kernel address (got ${m[f]})`);
    if (f === 'vmallocStart' && (a as number) % 4096 !== 0) fail(`machine.${f} must be a page-aligned kernel address (got ${m[f]})`);
  }
  if ((m.vmallocStart === undefined) !== (m.vmallocEnd === undefined)) fail('machine.vmallocStart and machine.vmallocEnd must be given together');
  if (m.vmallocStart !== undefined) {
    const s = parseAddr(arch, m.vmallocStart as string) as number;
    const e = parseAddr(arch, m.vmallocEnd as string) as number;
    if (s >= e) fail('machine.vmallocStart must be below machine.vmallocEnd');
  }
  // vmalloc=<size>: MAXMEM = -PAGE_OFFSET - __VMALLOC_RESERVE must leave some lowmem (1 GiB kernel space).
  if (m.vmallocReserveMiB !== undefined && (!isNonNegInt(m.vmallocReserveMiB) || m.vmallocReserveMiB < 1 || m.vmallocReserveMiB > 1008))
    fail(`machine.vmallocReserveMiB must be an integer from 1 to 1008 (got ${JSON.stringify(m.vmallocReserveMiB)})`);
  if (m.zones !== undefined && m.zones !== 'single' && m.zones !== 'split') fail(`machine.zones must be "single" or "split" (got ${JSON.stringify(m.zones)})`);
  for (const f of ['pge', 'nx', 'pse'] as const) {
    if (m[f] !== undefined && typeof m[f] !== 'boolean') fail(`machine.${f} must be true or false (got ${JSON.stringify(m[f])})`);
  }
  if (m.profile !== undefined && m.profile !== 'stub' && m.profile !== 'pc') fail(`machine.profile must be "stub" or "pc" (got ${JSON.stringify(m.profile)})`);
  const machine: MachineSpec = { arch: m.arch as ArchName, ramMiB: m.ramMiB as number, cpus: cpus as number, nodes: nodes as number };
  if (m.pge !== undefined) machine.pge = m.pge as boolean;
  if (m.nx !== undefined) machine.nx = m.nx as boolean;
  if (m.pse !== undefined) machine.pse = m.pse as boolean;
  if (m.zones !== undefined) machine.zones = m.zones as 'single' | 'split';
  if (m.profile !== undefined) machine.profile = m.profile as 'stub' | 'pc';
  if (m.vmallocReserveMiB !== undefined) machine.vmallocReserveMiB = m.vmallocReserveMiB as number;
  if (m.vmallocStart !== undefined) {
    machine.vmallocStart = m.vmallocStart as string;
    machine.vmallocEnd = m.vmallocEnd as string;
  }

  // versions
  let versions: string[] | undefined;
  if (d.versions !== undefined) {
    if (!Array.isArray(d.versions) || d.versions.length === 0) fail('field "versions" must be a non-empty array of version ids');
    versions = [];
    (d.versions as unknown[]).forEach((v, i) => {
      if (typeof v !== 'string' || !known.includes(v)) fail(`versions[${i}]: ${JSON.stringify(v)} is not a registered version (registered: ${known.join(', ')})`);
      if (versions!.includes(v as string)) fail(`versions[${i}]: ${v} is listed twice`);
      versions!.push(v as string);
    });
  }

  // steps
  if (!Array.isArray(d.steps)) fail('field "steps" must be an array');
  const rawSteps = d.steps as unknown[];
  if (rawSteps.length > MAX_STEPS) fail(`"steps" has ${rawSteps.length} entries; vmx runs at most ${MAX_STEPS}`);
  const steps: Step[] = new Array(rawSteps.length);
  /** The step's place in messages: its index, and where a generated step came from. */
  const at = (i: number): string =>
    gen ? `step ${i} (${expansion!.origins[i]}${expansion!.bindings[i] ? ' with ' + expansion!.bindings[i] : ''})` : `step ${i}`;
  const typed = BIG_LITERALS.get(doc as object);
  const checker = new StepChecker(machine, fail, at, (v) => typed?.get(v));
  for (let i = 0; i < rawSteps.length; i++) steps[i] = checker.check(i, rawSteps[i]);
  const out: Scenario = { name: d.name as string, machine, steps };
  if (d.description !== undefined) out.description = d.description as string;
  if (versions) out.versions = versions;
  if (d.expectFinal !== undefined) {
    const problem = validateExpectations(d.expectFinal, 'final');
    if (problem) fail(`field "expectFinal"${problem}`);
    out.expectFinal = d.expectFinal as Scenario['expectFinal'];
  }
  if (d.seed !== undefined) {
    if (!isNonNegInt(d.seed)) fail('field "seed" must be a non-negative integer');
    out.seed = d.seed as number;
  }
  if (gen) {
    out.seed = expansion!.seed;
    out.origins = expansion!.origins;
    out.bindings = expansion!.bindings;
  }
  if (d.about !== undefined) {
    if (typeof d.about !== 'string' && !(Array.isArray(d.about) && d.about.every((x) => typeof x === 'string')))
      fail('field "about" must be a string or an array of strings (the versions the scenario is about)');
    out.about = d.about as string | string[];
  }
  for (const f of ['source', 'question'] as const) {
    if (d[f] === undefined) continue;
    if (typeof d[f] !== 'string') fail(`field "${f}" must be a string`);
    out[f] = d[f] as string;
  }
  if (d.answers !== undefined) {
    if (!isObject(d.answers) || !Object.values(d.answers).every((x) => typeof x === 'string'))
      fail('field "answers" must be an object of version id (or "*") to a one-line answer');
    out.answers = d.answers as Record<string, string>;
  }
  if (d.pictures !== undefined) {
    if (!Array.isArray(d.pictures) || !d.pictures.every((x) => typeof x === 'string')) fail('field "pictures" must be an array of step names ("as") or "#index"');
    out.pictures = d.pictures as string[];
  }
  if (d.pinned !== undefined) {
    if (!Array.isArray(d.pinned) || !d.pinned.every((x) => typeof x === 'string')) fail('field "pinned" must be an array of version ids');
    out.pinned = d.pinned as string[];
  }
  return out;
}

/** Why `version` cannot run a machine of `arch` (one line), or null when it models that arch. */
export function archProblem(arch: string, version: { id: string; arches: readonly string[] }): string | null {
  if (version.arches.includes(arch)) return null;
  return `${version.id} does not model ${arch} (it models ${version.arches.join(', ')}; see docs/contract.md)`;
}

/** A scenario naming in "versions" a version that does not model its machine's arch is refused. */
export function checkVersionArches(s: Scenario, registry: readonly { id: string; arches: readonly string[] }[], where = 'scenario'): void {
  s.versions?.forEach((id, i) => {
    const v = registry.find((r) => r.id === id);
    const problem = v && archProblem(s.machine.arch, v);
    if (problem) throw new ScenarioError(`${where}: versions[${i}]: ${problem}`);
  });
}

/**
 * JSON.parse with the problem's place as line and column (V8 gives an offset), and the integer
 * literals beyond 2^53 remembered so that messages echo them as typed.
 */
export function parseJsonText(text: string, where = 'scenario'): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
    const reason = /^Unexpected end of JSON input/.test(msg) || offset >= text.length
      ? 'the text ends before the document does'
      : msg.replace(/ (?:in JSON )?at position \d+.*$/s, '').replace(/^(Unexpected (?:token|non-whitespace character)\b.*?), .*is not valid JSON$/s, '$1');
    throw new ScenarioError(`${where}: not valid JSON${offset >= 0 ? ` at ${lineColumn(text, offset)}` : ''} (${reason})`);
  }
  if (typeof doc === 'object' && doc !== null) {
    const big = bigLiterals(text);
    if (big) BIG_LITERALS.set(doc, big);
  }
  return doc;
}

/** Parse JSON text and validate it; JSON syntax errors become ScenarioErrors too. */
export function parseScenario(text: string, known: readonly string[], where = 'scenario'): Scenario {
  return validateScenario(parseJsonText(text, where), known, where);
}
