/**
 * Expectations written in a scenario: what each step and the final state must be, per version.
 *
 *   "expect":      { "*": { "ok": true }, "2.4.19": { "addr": "0xc8800000" } }      (on a step)
 *   "expectFinal": { "*": { "pagesMapped": 0 }, "2.6.32": { "areas": 1 } }         (on the scenario)
 *
 * "*" applies to every version; a version's own key overrides "*" field by field. Checking
 * compares each stated field with the run's result and reports every mismatch; pinning turns a
 * run into expectations (fields that agree across versions go under "*"). Answers (one-line
 * summaries per version for docs/scenarios.md) are filled from a run the same way.
 */
import { evaluate, GenerateError, substitute } from './generate.js';
import type { FinalState, StepResult, VersionResult } from '../contract/result.js';
import type { VersionRunResult } from './runner.js';
import type { ExpectMap, Scenario } from '../contract/scenario.js';
import { Sha256 } from './sha256.js';
export type { ExpectMap } from '../contract/scenario.js';


/** Step-result fields an expectation may state. `log` as a string means "some line contains it". */
export const STEP_FIELDS = ['ok', 'error', 'addr', 'addrs', 'log', 'count', 'data', 'text', 'leaks', 'pte', 'prot'] as const;
/**
 * Final-state fields. `areas` and `kmemleak` take the full list or a count; `outcomes` counts the
 * steps per outcome ("ok" or the error); `digest` fingerprints every step result of the run.
 */
export const FINAL_FIELDS = ['areas', 'pagesMapped', 'pageTablePages', 'kmemleak', 'outcomes', 'digest'] as const;

const VERSION_KEY_RE = /^(\*|[0-9]+\.[0-9]+[0-9A-Za-z.+_-]*)$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStrArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Check the shape of an expectation map. Returns undefined when fine, else the rest of a message
 * that starts after the field name, e.g. `.2.4.19.addr must be a hex string or null`.
 */
export function validateExpectations(v: unknown, kind: 'step' | 'final'): string | undefined {
  if (!isObject(v)) return ' must be an object keyed by version id or "*"';
  const fields: readonly string[] = kind === 'step' ? STEP_FIELDS : FINAL_FIELDS;
  for (const [key, exp] of Object.entries(v)) {
    if (!VERSION_KEY_RE.test(key)) return `: key ${JSON.stringify(key)} is neither a version id (like "2.4.19") nor "*"`;
    if (!isObject(exp)) return `["${key}"] must be an object of result fields (${fields.join(', ')})`;
    for (const [f, x] of Object.entries(exp)) {
      const bad = (what: string) => `["${key}"].${f} ${what} (got ${JSON.stringify(x)?.slice(0, 60)})`;
      if (!fields.includes(f)) return `["${key}"]: unknown field "${f}" (known: ${fields.join(', ')})`;
      switch (f) {
        case 'ok':
          if (typeof x !== 'boolean') return bad('must be true or false');
          break;
        case 'error':
          if (x !== null && typeof x !== 'string') return bad('must be an error name (ENOMEM, BUG, OOPS, unsupported, bad-address, nonexistent, fault, EINVAL, EFAULT, HANG) or null');
          break;
        case 'addr':
          if (x !== null && (typeof x !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(x))) return bad('must be a hex address string or null');
          break;
        case 'addrs':
          if (x !== null && (!isStrArray(x) || !(x as string[]).every((a) => /^0x[0-9a-fA-F]{1,16}$/.test(a)))) return bad('must be a list of hex address strings or null');
          break;
        case 'log':
          if (typeof x !== 'string' && !isStrArray(x)) return bad('must be the list of log lines, or one string that some line contains');
          break;
        case 'count':
        case 'pagesMapped':
        case 'pageTablePages':
          if (!isInt(x)) return bad('must be a non-negative integer');
          break;
        case 'data':
          if (typeof x !== 'string' || x.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(x)) return bad('must be hex bytes');
          break;
        case 'pte':
          if (typeof x !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(x)) return bad('must be a hex pte value');
          break;
        case 'text':
        case 'prot':
        case 'digest':
          if (typeof x !== 'string') return bad('must be a string');
          break;
        case 'leaks':
          if (!Array.isArray(x)) return bad('must be a list of {ptr, size}');
          break;
        case 'areas':
          if (!isInt(x) && !Array.isArray(x)) return bad('must be the list of areas or their number');
          break;
        case 'kmemleak':
          if (x !== null && !isInt(x) && !Array.isArray(x)) return bad('must be the list of objects, their number, or null (no kmemleak)');
          break;
        case 'outcomes':
          if (!isObject(x) || !Object.values(x).every(isInt)) return bad('must map outcomes ("ok", "ENOMEM", …) to step counts');
          break;
      }
    }
  }
  return undefined;
}

/** The expectation that applies to one version: "*" overridden field by field by the version's key. */
export function effective(map: ExpectMap | undefined, version: string): Record<string, unknown> | undefined {
  if (!map || (!map['*'] && !map[version])) return undefined;
  return { ...(map['*'] ?? {}), ...(map[version] ?? {}) };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Steps per outcome: "ok" or the error name. */
export function outcomeCounts(steps: readonly StepResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of steps) {
    const k = s.ok ? 'ok' : (s.error ?? 'failed');
    out[k] = (out[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a === 'ok' ? -1 : b === 'ok' ? 1 : a < b ? -1 : 1)));
}

/** A fingerprint of every step result (the contract fields, in order): sha256, first 16 hex digits. */
export function stepsDigest(steps: readonly StepResult[]): string {
  const h = new Sha256();
  for (const s of steps) h.update(JSON.stringify(s) + '\n');
  return h.hex().slice(0, 16);
}

export interface FieldMismatch {
  field: string;
  expected: unknown;
  actual: unknown;
}

/** Compare one step's stated expectation with its result. */
export function compareStep(expected: Record<string, unknown>, actual: StepResult): FieldMismatch[] {
  const out: FieldMismatch[] = [];
  for (const [f, exp] of Object.entries(expected)) {
    let act: unknown = (actual as unknown as Record<string, unknown>)[f];
    let same: boolean;
    if (f === 'log' && typeof exp === 'string') {
      same = actual.log.some((l) => l.includes(exp));
    } else if (f === 'addr') {
      act = actual.addr ?? null;
      same = typeof exp === 'string' && typeof act === 'string' ? BigInt(exp) === BigInt(act) : exp === act;
    } else if (f === 'error') {
      act = actual.error ?? null;
      same = exp === act;
    } else {
      act = act ?? null;
      same = deepEqual(exp, act);
    }
    if (!same) out.push({ field: f, expected: exp, actual: act });
  }
  return out;
}

/** Compare the stated final expectation with a run's final state (and its steps for outcomes/digest). */
export function compareFinal(expected: Record<string, unknown>, final: FinalState, steps: readonly StepResult[]): FieldMismatch[] {
  const out: FieldMismatch[] = [];
  for (const [f, exp] of Object.entries(expected)) {
    let act: unknown;
    switch (f) {
      case 'areas':
        act = typeof exp === 'number' ? final.areas.length : final.areas;
        break;
      case 'kmemleak':
        act = typeof exp === 'number' && final.kmemleak ? final.kmemleak.length : final.kmemleak;
        break;
      case 'outcomes':
        act = outcomeCounts(steps);
        break;
      case 'digest':
        act = stepsDigest(steps);
        break;
      default:
        act = (final as unknown as Record<string, unknown>)[f];
    }
    if (!deepEqual(exp, act)) out.push({ field: f, expected: exp, actual: act });
  }
  return out;
}

/** One mismatch, with everything a reader needs to find it. */
export interface Mismatch extends FieldMismatch {
  /** "step 4 (vmalloc size=65536 -> d)" or "final state". */
  where: string;
  step?: number;
  version: string;
}

export interface CheckOutcome {
  mismatches: Mismatch[];
  /** Things not checked, said out loud: unregistered versions, versions the scenario does not run on, unpinned versions. */
  notes: string[];
  /** Versions run but not pinned (fail under --strict). */
  unpinned: string[];
  /** Number of (step or final, version) expectations compared. */
  compared: number;
}

/** Every version id an expectation map in the scenario names. */
export function versionKeys(s: Scenario): Set<string> {
  const keys = new Set<string>();
  const add = (m: ExpectMap | undefined) => m && Object.keys(m).forEach((k) => k !== '*' && keys.add(k));
  s.steps.forEach((st) => add(st.expect));
  add(s.expectFinal);
  for (const p of s.pinned ?? []) keys.add(p);
  return keys;
}

/**
 * Compare a scenario's expectations with its runs. `registered` lists the registry's version
 * ids; `describe` names a step for messages.
 */
export function checkRuns(
  s: Scenario,
  runs: readonly VersionRunResult[],
  registered: readonly string[],
  describe: (i: number) => string,
): CheckOutcome {
  const mismatches: Mismatch[] = [];
  const notes: string[] = [];
  let compared = 0;
  const ran = new Set(runs.map((r) => r.version));
  for (const key of versionKeys(s)) {
    if (!registered.includes(key)) notes.push(`expectations for ${key} not checked: ${key} is not a registered version (registered: ${registered.join(', ')})`);
    else if (!ran.has(key)) notes.push(`expectations for ${key} not checked: the scenario does not run on ${key} (${s.versions ? 'not in its "versions"' : `no ${s.machine.arch} support`})`);
  }
  if (runs.length === 0) notes.push(`no registered version runs this scenario (machine ${s.machine.arch}; registered: ${registered.join(', ')})`);
  for (const r of runs) {
    s.steps.forEach((st, i) => {
      const exp = effective(st.expect, r.version);
      if (!exp) return;
      compared++;
      for (const m of compareStep(exp, r.steps[i])) mismatches.push({ ...m, where: `step ${i} (${describe(i)})`, step: i, version: r.version });
    });
    const fin = effective(s.expectFinal, r.version);
    if (fin) {
      compared++;
      for (const m of compareFinal(fin, r.final, r.steps)) mismatches.push({ ...m, where: 'final state', version: r.version });
    }
  }
  const unpinned = runs.map((r) => r.version).filter((v) => !(s.pinned ?? []).includes(v));
  if (unpinned.length) notes.push(`not pinned for ${unpinned.join(', ')}: run 'vmx pin --write' on the scenario to record them`);
  return { mismatches, notes, unpinned, compared };
}

/** A value as a mismatch message prints it (long values cut). */
export function showValue(v: unknown): string {
  const s = v === undefined ? 'absent' : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

// ---------------------------------------------------------------------------------------------
// Pinning

const MAX_PINNED_DATA = 512; // hex chars of vread/peek data pinned per step (the digest covers the rest)
const MAX_PINNED_TEXT = 4000;
const MAX_PINNED_LIST = 64;

/** The fields of a step result worth pinning. */
export function pinStepFields(r: StepResult): Record<string, unknown> {
  const out: Record<string, unknown> = { ok: r.ok };
  if (!r.ok) out.error = r.error ?? null;
  if ('addr' in r) out.addr = r.addr ?? null;
  if ('addrs' in r) out.addrs = r.addrs ?? null;
  if (r.count !== undefined) out.count = r.count;
  if (r.data !== undefined && r.data.length <= MAX_PINNED_DATA) out.data = r.data;
  if (r.pte !== undefined) out.pte = r.pte;
  if (r.prot !== undefined) out.prot = r.prot;
  if (r.text !== undefined && r.text.length <= MAX_PINNED_TEXT) out.text = r.text;
  if (r.leaks !== undefined && r.leaks.length <= MAX_PINNED_LIST) out.leaks = r.leaks;
  out.log = r.log;
  return out;
}

export function pinFinalFields(f: FinalState, steps: readonly StepResult[]): Record<string, unknown> {
  return {
    areas: f.areas.length <= MAX_PINNED_LIST ? f.areas : f.areas.length,
    pagesMapped: f.pagesMapped,
    pageTablePages: f.pageTablePages,
    kmemleak: f.kmemleak === null || f.kmemleak.length <= MAX_PINNED_LIST ? f.kmemleak : f.kmemleak.length,
    outcomes: outcomeCounts(steps),
    digest: stepsDigest(steps),
  };
}

/** Keep the fields every record agrees on (a field missing from one record is dropped). */
function common(records: readonly Record<string, unknown>[]): Record<string, unknown> {
  if (records.length === 0) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(records[0])) if (records.every((r) => k in r && deepEqual(r[k], v))) out[k] = v;
  return out;
}

/** Per-version fields → an ExpectMap with agreeing fields under "*" (versions in the given order). */
export function collapse(perVersion: ReadonlyMap<string, Record<string, unknown>>): ExpectMap | undefined {
  const versions = [...perVersion.keys()];
  const shared = versions.length > 1 ? common([...perVersion.values()]) : {};
  const out: ExpectMap = {};
  if (Object.keys(shared).length) out['*'] = shared;
  for (const v of versions) {
    const own: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(perVersion.get(v)!)) if (!(k in shared)) own[k] = x;
    if (Object.keys(own).length) out[v] = own;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Navigate a JSON path such as "steps[2].steps[0]" in a document. */
function atPath(doc: Record<string, unknown>, path: string): Record<string, unknown> {
  let cur: unknown = doc;
  for (const part of path.match(/[A-Za-z_]+|\[\d+\]/g) ?? []) {
    cur = part.startsWith('[') ? (cur as unknown[])[Number(part.slice(1, -1))] : (cur as Record<string, unknown>)[part];
  }
  return cur as Record<string, unknown>;
}

/** Remove every "expect" from a steps tree (generators included). */
function stripExpects(steps: unknown): void {
  if (!Array.isArray(steps)) return;
  for (const s of steps) {
    if (!isObject(s)) continue;
    delete s.expect;
    stripExpects(s.steps);
  }
}

/** Every step object's "expect" in a steps tree, by JSON path ("steps[2].steps[0]"). */
function collectExpects(steps: unknown, path: string, out: Map<string, ExpectMap>): Map<string, ExpectMap> {
  if (!Array.isArray(steps)) return out;
  steps.forEach((st, i) => {
    if (!isObject(st)) return;
    if (isObject(st.expect)) out.set(`${path}[${i}]`, st.expect as ExpectMap);
    collectExpects(st.steps, `${path}[${i}].steps`, out);
  });
  return out;
}

/**
 * Write a run into the source document as expectations: each step (or generator template)
 * gets the fields that are the same for all its expansions, per version, with fields that
 * agree across versions under "*"; expectFinal gets the final state, outcome counts and
 * digest; "pinned" lists the versions. Earlier expectations are replaced -- except those for
 * versions that are not in `registered`: they are kept as they were (written out in full, and
 * then nothing goes under "*" where they are, so the new "*" cannot change what they say).
 */
export function pinDocument(
  source: Record<string, unknown>,
  s: Scenario,
  runs: readonly VersionResult[],
  registered: readonly string[] = runs.map((r) => r.version),
): Record<string, unknown> {
  const keepKeys = (m: ExpectMap | undefined) => Object.keys(m ?? {}).filter((k) => k !== '*' && !registered.includes(k));
  const oldExpects = collectExpects(source.steps, 'steps', new Map());
  const oldFinal = isObject(source.expectFinal) ? (source.expectFinal as ExpectMap) : undefined;
  const doc = structuredClone(source);
  stripExpects(doc.steps);
  delete doc.expectFinal;
  delete doc.pinned;
  const origins = s.origins ?? s.steps.map((_, i) => `steps[${i}]`);
  const byOrigin = new Map<string, number[]>();
  origins.forEach((o, i) => {
    const list = byOrigin.get(o);
    if (list) list.push(i);
    else byOrigin.set(o, [i]);
  });
  const withKept = (perVersion: Map<string, Record<string, unknown>>, old: ExpectMap | undefined): ExpectMap | undefined => {
    const kept = keepKeys(old);
    if (kept.length === 0) return collapse(perVersion);
    const out: ExpectMap = {};
    for (const [v, f] of perVersion) if (Object.keys(f).length) out[v] = f;
    for (const k of kept) out[k] = effective(old, k)!;
    return out;
  };
  for (const [origin, indices] of byOrigin) {
    const perVersion = new Map<string, Record<string, unknown>>();
    for (const r of runs) perVersion.set(r.version, common(indices.map((i) => pinStepFields(r.steps[i]))));
    const exp = withKept(perVersion, oldExpects.get(origin));
    if (exp) atPath(doc, origin).expect = exp;
  }
  const finals = new Map<string, Record<string, unknown>>();
  for (const r of runs) finals.set(r.version, pinFinalFields(r.final, r.steps));
  const fin = withKept(finals, oldFinal);
  if (fin) doc.expectFinal = fin;
  const oldPinned = Array.isArray(source.pinned) ? (source.pinned as string[]) : [];
  doc.pinned = [...runs.map((r) => r.version), ...oldPinned.filter((v) => !registered.includes(v) && !runs.some((r) => r.version === v))];
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Answers

/**
 * Fill an answer template from one version's run. Placeholders are ${expressions} over:
 * NAME.addr / .error / .ok / .count / .outcome / .result / .data / .log (NAME = a step's "as", its last
 * occurrence, or #INDEX), final.areas / final.pagesMapped / final.pageTablePages / final.kmemleak /
 * final.top (the end of the highest live area),
 * outcomes (e.g. "5000 ok, 3 ENOMEM"), outcomes.ok / outcomes.ENOMEM …, steps; and hex(x).
 */
export function renderAnswer(template: string, s: Scenario, run: VersionRunResult): string {
  const lastAs = new Map<string, number>();
  s.steps.forEach((st, i) => st.as && lastAs.set(st.as, i));
  const counts = outcomeCounts(run.steps);
  const lookup = (name: string): bigint | string | undefined => {
    const dot = name.lastIndexOf('.');
    const head = dot < 0 ? name : name.slice(0, dot);
    const field = dot < 0 ? '' : name.slice(dot + 1);
    if (name === 'outcomes') return Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');
    if (name === 'steps') return BigInt(run.steps.length);
    if (head === 'outcomes') return BigInt(counts[field] ?? 0);
    if (head === 'final') {
      const f = run.final;
      if (field === 'areas') return BigInt(f.areas.length);
      if (field === 'pagesMapped') return BigInt(f.pagesMapped);
      if (field === 'pageTablePages') return BigInt(f.pageTablePages);
      if (field === 'kmemleak') return f.kmemleak === null ? 'n/a' : BigInt(f.kmemleak.length);
      if (field === 'top') {
        if (!f.areas.length) return 'none';
        const top = f.areas.reduce((m, a) => (BigInt(a.addr) + BigInt(a.size) > m ? BigInt(a.addr) + BigInt(a.size) : m), 0n);
        return '0x' + top.toString(16);
      }
      return undefined;
    }
    const idx = head.startsWith('#') ? Number(head.slice(1)) : lastAs.get(head);
    if (idx === undefined || !Number.isInteger(idx) || idx < 0 || idx >= run.steps.length) return undefined;
    const r = run.steps[idx];
    switch (field) {
      case 'addr':
        return r.addr ?? r.error ?? 'NULL';
      case 'error':
        return r.error ?? 'none';
      case 'ok':
        return r.ok ? 'ok' : 'failed';
      case 'count':
        return r.count === undefined ? 'none' : BigInt(r.count);
      case 'data':
        return r.data ?? '';
      case 'outcome':
        return r.ok ? (r.addr ?? 'ok') : (r.error ?? 'failed');
      case 'result':
        // As a run table cell shows it: the address, "N bytes DATA", "count N", "ok" or the error.
        if (!r.ok) return r.error ?? 'failed';
        if (r.addr) return r.addr;
        if (r.data !== undefined) return `${r.count} bytes ${r.data}`.trimEnd();
        if (r.count !== undefined) return `count ${r.count}`;
        return 'ok';
      case 'log':
        return r.log.length ? r.log.join(' / ') : '(no message)';
      default:
        return undefined;
    }
  };
  try {
    return substitute(template, lookup);
  } catch (e) {
    if (e instanceof GenerateError) return `(answer template error: ${e.message})`;
    throw e;
  }
}

/** Check that an answer template only names things that exist (for validation in tests). */
export function answerNames(template: string): string[] {
  const names: string[] = [];
  template.replace(/\$\{([^}]*)\}/g, (_, e: string) => {
    try {
      evaluate(e, (n) => {
        names.push(n);
        return 0n;
      });
    } catch {
      /* reported when rendered */
    }
    return '';
  });
  return names;
}
