/**
 * Generated steps: loops, seeded random choices and shuffled orders written compactly in a
 * scenario and expanded, deterministically, into the plain step list the contract runs.
 * Expansion happens before validation; a document without generators comes out unchanged.
 * The syntax is documented in docs/scenarios.md ("Generated steps"); in short:
 *
 *   { "repeat": 100, "var": "i", "order": "shuffle", "let": { "n": { "uniform": [1, 100] } },
 *     "steps": [ { "op": "vmalloc", "size": "${n * PAGE_SIZE}", "as": "p${i}" } ] }
 *   { "let": { "base": 4096 }, "steps": [ … ] }
 *
 * Numbers may be written as integers, "${expression}" strings or value generators
 * ({"uniform": [lo, hi], "times": k}, {"pick": [a, b, …]}); other strings take ${expression}
 * substitutions. Randomness comes from one mulberry32 stream seeded by the scenario's "seed"
 * (default 1), drawn in document order: a shuffle draws its permutation when its repeat starts,
 * then each iteration evaluates its "let" values and then its steps' fields in order.
 */

/** A problem in a generator, named by its JSON path. scenario.ts turns it into a ScenarioError. */
export class GenerateError extends Error {}

/** The PRNG: mulberry32, 32-bit state, period 2^32 (Tommy Ettinger's public-domain generator). */
export class Mulberry32 {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** The next 32-bit unsigned value. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A uniform integer in [lo, hi] (inclusive), without modulo bias for ranges below 2^32. */
  between(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (span <= 1) return lo;
    if (span > 2 ** 32) {
      // Two draws for ranges beyond 32 bits (still exact below 2^53).
      const x = this.next() * 2 ** 21 + (this.next() >>> 11);
      return lo + (x % span);
    }
    const limit = 2 ** 32 - (2 ** 32 % span);
    let x: number;
    do x = this.next();
    while (x >= limit);
    return lo + (x % span);
  }
}

export const DEFAULT_SEED = 1;
/** Expansion stops here rather than exhausting memory (the contract runs at most 5,000,000 steps). */
export const MAX_EXPANDED_STEPS = 5_000_000;

/** Constants every expression can use. */
export const CONSTANTS: Readonly<Record<string, bigint>> = { PAGE_SIZE: 4096n, PAGE_SHIFT: 12n };

/** Step fields that hold numbers (expressions and generators allowed); the others are strings. */
const NUMERIC_FIELDS = new Set(['size', 'pages', 'node', 'offset', 'count', 'nth', 'cpu', 'align']);
/** Fields copied through untouched (expectations apply to every expansion of their template). */
const VERBATIM_FIELDS = new Set(['expect', 'op']);
const VAR_RE = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

// ---------------------------------------------------------------------------------------------
// Expressions: integers (decimal or 0x), names, + - * / % << >> & | ( ), unary -, hex(x),
// min(a, b), max(a, b). Integer arithmetic on bigints; "/" truncates like C.

type Lookup = (name: string) => bigint | string | undefined;
type Tok = { t: 'num'; v: bigint } | { t: 'name'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|[0-9]+)/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: BigInt(num[1]) });
      i += num[1].length;
      continue;
    }
    // Names: variables, and in answer templates step fields such as q1.addr or #3.addr.
    const name = /^[A-Za-z_#][A-Za-z0-9_.#]*/.exec(src.slice(i));
    if (name) {
      let v = name[0];
      while (v.endsWith('.')) v = v.slice(0, -1);
      out.push({ t: 'name', v });
      i += v.length;
      continue;
    }
    const op = /^(<<|>>|[-+*/%()&|,])/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[1] });
      i += op[1].length;
      continue;
    }
    throw new GenerateError(`unexpected character ${JSON.stringify(c)} in expression ${JSON.stringify(src)}`);
  }
  return out;
}

/** Evaluate an expression; the result is a bigint, or a string when the expression is a single name bound to text. */
export function evaluate(src: string, lookup: Lookup): bigint | string {
  const toks = tokenize(src);
  let p = 0;
  const fail = (msg: string): never => {
    throw new GenerateError(`${msg} in expression ${JSON.stringify(src)}`);
  };
  const peek = (): Tok | undefined => toks[p];
  const isOp = (v: string) => peek()?.t === 'op' && peek()!.v === v;
  const num = (x: bigint | string): bigint => {
    if (typeof x === 'bigint') return x;
    const m = /^0x[0-9a-f]+$/i.test(x) ? BigInt(x) : /^-?[0-9]+$/.test(x) ? BigInt(x) : undefined;
    if (m === undefined) fail(`${JSON.stringify(x)} is not a number`);
    return m as bigint;
  };
  const LEVELS: string[][] = [['|'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  const binary = (level: number): bigint | string => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (!t || t.t !== 'op' || !LEVELS[level].includes(t.v)) return left;
      p++;
      const a = num(left);
      const b = num(binary(level + 1));
      switch (t.v) {
        case '|': left = a | b; break;
        case '&': left = a & b; break;
        case '<<': left = a << b; break;
        case '>>': left = a >> b; break;
        case '+': left = a + b; break;
        case '-': left = a - b; break;
        case '*': left = a * b; break;
        case '/': if (b === 0n) fail('division by zero'); left = a / b; break;
        case '%': if (b === 0n) fail('division by zero'); left = a % b; break;
      }
    }
  };
  const unary = (): bigint | string => {
    if (isOp('-')) {
      p++;
      return -num(unary());
    }
    return primary();
  };
  const primary = (): bigint | string => {
    const t = toks[p++];
    if (!t) return fail('unexpected end');
    if (t.t === 'num') return t.v;
    if (t.t === 'op' && t.v === '(') {
      const v = binary(0);
      if (!isOp(')')) fail('missing ")"');
      p++;
      return v;
    }
    if (t.t === 'name') {
      if (isOp('(')) {
        p++;
        const args: (bigint | string)[] = [];
        if (!isOp(')')) {
          args.push(binary(0));
          while (isOp(',')) {
            p++;
            args.push(binary(0));
          }
        }
        if (!isOp(')')) fail('missing ")" after arguments');
        p++;
        switch (t.v) {
          case 'hex':
            if (args.length !== 1) fail('hex() takes one argument');
            return (num(args[0]) < 0n ? '-0x' + (-num(args[0])).toString(16) : '0x' + num(args[0]).toString(16));
          case 'min':
          case 'max': {
            if (args.length < 1) fail(`${t.v}() needs arguments`);
            const ns = args.map(num);
            return ns.reduce((a, b) => (t.v === 'min' ? (b < a ? b : a) : b > a ? b : a));
          }
          default:
            return fail(`unknown function ${t.v}()`);
        }
      }
      const v = CONSTANTS[t.v] ?? lookup(t.v);
      if (v === undefined) fail(`unknown name "${t.v}"`);
      return v as bigint | string;
    }
    return fail(`unexpected "${t.v}"`);
  };
  const v = binary(0);
  if (p !== toks.length) fail(`unexpected "${(toks[p] as { v: unknown }).v}"`);
  return v;
}

/** Replace every ${expression} in a string. */
export function substitute(text: string, lookup: Lookup): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, e: string) => {
    const v = evaluate(e, lookup);
    return typeof v === 'bigint' ? v.toString() : v;
  });
}

// ---------------------------------------------------------------------------------------------
// Expansion

export interface Expansion {
  /** The document with plain steps only. */
  doc: Record<string, unknown>;
  /** For each expanded step: the JSON path of the step it came from, e.g. "steps[2].steps[0]". */
  origins: string[];
  /** For each expanded step: the loop and let bindings it was expanded with ("i=3 n=17"), or "". */
  bindings: string[];
  /** True when the document used any generator. */
  generated: boolean;
  /** The seed the stream was started with. */
  seed: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when a steps array (at any depth) holds a generator or a templated field. */
export function hasGenerators(steps: unknown): boolean {
  return Array.isArray(steps) && !plainSteps(steps);
}

/**
 * True when no step of the array is a generator or has a templated field (an object value, or a
 * string with `${`, outside "op" and "expect"): expandDocument would return it unchanged. One
 * pass without allocation, since every long scenario goes through it.
 */
export function plainSteps(steps: readonly unknown[]): boolean {
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!isObject(s)) continue;
    if (s.repeat !== undefined || (s.op === undefined && (s.let !== undefined || s.steps !== undefined))) return false;
    for (const k in s) {
      if (!Object.prototype.hasOwnProperty.call(s, k) || VERBATIM_FIELDS.has(k)) continue;
      const v = s[k];
      if (isObject(v) || (typeof v === 'string' && v.includes('${'))) return false;
    }
  }
  return true;
}

/** The document's random seed ("seed", default 1). Throws GenerateError when it is not a non-negative integer. */
export function documentSeed(doc: Record<string, unknown>): number {
  const seedRaw = doc.seed ?? DEFAULT_SEED;
  if (typeof seedRaw !== 'number' || !Number.isSafeInteger(seedRaw) || seedRaw < 0)
    throw new GenerateError('field "seed" must be a non-negative integer');
  return seedRaw;
}

/** Expand a parsed scenario document. Throws GenerateError naming the JSON path and field. */
export function expandDocument(doc: Record<string, unknown>): Expansion {
  const seed = documentSeed(doc);
  if (!Array.isArray(doc.steps) || !hasGenerators(doc.steps)) {
    const n = Array.isArray(doc.steps) ? doc.steps.length : 0;
    return { doc, origins: Array.from({ length: n }, (_, i) => `steps[${i}]`), bindings: new Array(n).fill(''), generated: false, seed };
  }
  const rng = new Mulberry32(seed);
  const out: unknown[] = [];
  const origins: string[] = [];
  const bindingsOut: string[] = [];
  const scope: [string, bigint][] = [];

  const lookup: Lookup = (name) => {
    for (let i = scope.length - 1; i >= 0; i--) if (scope[i][0] === name) return scope[i][1];
    return undefined;
  };
  const describeScope = () => scope.map(([k, v]) => `${k}=${v}`).join(' ');
  const at = (path: string, msg: string): never => {
    const b = describeScope();
    throw new GenerateError(`${path}: ${msg}${b ? ` (with ${b})` : ''}`);
  };
  const guard = <T>(path: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof GenerateError && !e.message.startsWith('steps[')) return at(path, e.message);
      throw e;
    }
  };

  /** A number: integer, "${expr}" string or a generator object. */
  const numberValue = (v: unknown, path: string): number => {
    let r: bigint;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) at(path, `must be an integer (got ${v})`);
      return v;
    } else if (typeof v === 'string') {
      const m = /^\$\{(.*)\}$/.exec(v.trim());
      if (!m) at(path, `must be an integer or a "\${expression}" string (got ${JSON.stringify(v)})`);
      const x = guard(path, () => evaluate(m![1], lookup));
      if (typeof x !== 'bigint') at(path, `expression gave text ${JSON.stringify(x)}, not a number`);
      r = x as bigint;
    } else if (isObject(v)) {
      const keys = Object.keys(v);
      if ('uniform' in v) {
        for (const k of keys) if (k !== 'uniform' && k !== 'times') at(path, `unknown field "${k}" in a uniform generator (known: uniform, times)`);
        const u = v.uniform;
        if (!Array.isArray(u) || u.length !== 2) at(path + '.uniform', 'must be [lo, hi]');
        const lo = numberValue((u as unknown[])[0], path + '.uniform[0]');
        const hi = numberValue((u as unknown[])[1], path + '.uniform[1]');
        if (lo > hi) at(path + '.uniform', `lo ${lo} is above hi ${hi}`);
        const times = v.times === undefined ? 1 : numberValue(v.times, path + '.times');
        r = BigInt(rng.between(lo, hi)) * BigInt(times);
      } else if ('pick' in v) {
        for (const k of keys) if (k !== 'pick') at(path, `unknown field "${k}" in a pick generator`);
        const choices = v.pick;
        if (!Array.isArray(choices) || choices.length === 0) at(path + '.pick', 'must be a non-empty array');
        const j = rng.between(0, (choices as unknown[]).length - 1);
        return numberValue((choices as unknown[])[j], `${path}.pick[${j}]`);
      } else {
        return at(path, `unknown value generator with fields ${keys.join(', ')} (known: {"uniform": [lo, hi], "times": k}, {"pick": [...]})`);
      }
    } else {
      return at(path, `must be a number, a "\${expression}" string or a value generator (got ${JSON.stringify(v)})`);
    }
    if (r < BigInt(Number.MIN_SAFE_INTEGER) || r > BigInt(Number.MAX_SAFE_INTEGER)) at(path, `value ${r} is beyond 2^53`);
    return Number(r);
  };

  const bindLets = (lets: unknown, path: string): number => {
    if (!isObject(lets)) at(path, 'must be an object of name: value');
    let n = 0;
    for (const [k, v] of Object.entries(lets as Record<string, unknown>)) {
      if (!VAR_RE.test(k)) at(`${path}.${k}`, 'is not a valid variable name (letters, digits, _)');
      if (k in CONSTANTS) at(`${path}.${k}`, `${k} is a built-in constant`);
      scope.push([k, BigInt(numberValue(v, `${path}.${k}`))]);
      n++;
    }
    return n;
  };

  const emit = (raw: Record<string, unknown>, path: string): void => {
    if (out.length >= MAX_EXPANDED_STEPS) at(path, `expansion exceeds ${MAX_EXPANDED_STEPS} steps`);
    const step: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      const fp = `${path}.${k}`;
      if (VERBATIM_FIELDS.has(k)) step[k] = v;
      else if (NUMERIC_FIELDS.has(k)) step[k] = typeof v === 'number' ? v : numberValue(v, fp);
      else if (typeof v === 'string') step[k] = v.includes('${') ? guard(fp, () => substitute(v, lookup)) : v;
      else if (isObject(v)) at(fp, `value generators only go in numeric fields (${[...NUMERIC_FIELDS].join(', ')})`);
      else step[k] = v;
    }
    out.push(step);
    origins.push(path);
    bindingsOut.push(describeScope());
  };

  const walk = (steps: unknown, path: string): void => {
    if (!Array.isArray(steps)) at(path, 'must be an array of steps');
    (steps as unknown[]).forEach((raw, i) => {
      const p = `${path}[${i}]`;
      if (!isObject(raw)) at(p, 'a step must be an object');
      const s = raw as Record<string, unknown>;
      if (s.op !== undefined) {
        if (s.repeat !== undefined || s.let !== undefined || s.steps !== undefined)
          at(p, 'a step has either "op" (a kernel call) or "repeat"/"let" with "steps" (a generator), not both');
        emit(s, p);
        return;
      }
      if (s.steps === undefined) at(p, 'field "op" is missing (a generator needs "steps")');
      const known = new Set(['repeat', 'var', 'order', 'let', 'steps', 'comment']);
      for (const k of Object.keys(s)) if (!known.has(k)) at(p, `unknown generator field "${k}" (known: ${[...known].join(', ')})`);
      if (s.repeat === undefined) {
        for (const k of ['var', 'order']) if (s[k] !== undefined) at(`${p}.${k}`, 'only goes with "repeat"');
        const n = s.let === undefined ? 0 : bindLets(s.let, `${p}.let`);
        walk(s.steps, `${p}.steps`);
        scope.length -= n;
        return;
      }
      const count = numberValue(s.repeat, `${p}.repeat`);
      if (count < 0) at(`${p}.repeat`, `must not be negative (got ${count})`);
      const v = s.var ?? 'i';
      if (typeof v !== 'string' || !VAR_RE.test(v)) at(`${p}.var`, 'must be a variable name (letters, digits, _)');
      if (lookup(v as string) !== undefined || (v as string) in CONSTANTS) at(`${p}.var`, `"${v}" is already bound by an enclosing generator; pick another name`);
      const order = s.order ?? 'forward';
      if (order !== 'forward' && order !== 'reverse' && order !== 'shuffle') at(`${p}.order`, `must be "forward", "reverse" or "shuffle" (got ${JSON.stringify(order)})`);
      if (count > MAX_EXPANDED_STEPS) at(`${p}.repeat`, `${count} iterations exceed ${MAX_EXPANDED_STEPS}`);
      const seq: number[] = Array.from({ length: count }, (_, j) => j);
      if (order === 'reverse') seq.reverse();
      else if (order === 'shuffle') {
        // Fisher-Yates, drawn before the first iteration.
        for (let j = count - 1; j > 0; j--) {
          const k = rng.between(0, j);
          const t = seq[j];
          seq[j] = seq[k];
          seq[k] = t;
        }
      }
      for (const j of seq) {
        scope.push([v as string, BigInt(j)]);
        const n = s.let === undefined ? 0 : bindLets(s.let, `${p}.let`);
        walk(s.steps, `${p}.steps`);
        scope.length -= n + 1;
      }
    });
  };

  walk(doc.steps, 'steps');
  return { doc: { ...doc, steps: out }, origins, bindings: bindingsOut, generated: true, seed };
}
