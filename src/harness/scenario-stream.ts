/**
 * The streamed loader for long scenarios (issue 20): the document's top-level fields are parsed
 * and validated on their own, then its steps a chunk at a time into a compact StepTape, so the
 * whole parsed document and an array of step objects never exist at once.
 *
 * It reads the file's bytes (UTF-8), not a decoded copy of the whole text: the JSON delimiters
 * are ASCII and never occur inside a multi-byte character, so the scan runs on the bytes and only
 * each chunk's slice is decoded. It handles plain documents only. Anything else — generators, a
 * JSON error, a document too deep, any validation problem — returns null, and the caller loads
 * the text the ordinary way (parseScenario), which gives the same scenario or the canonical
 * message for the first problem. So the streamed loader never decides what is valid: it either
 * yields exactly what parseScenario yields, or steps aside.
 */
import type { Scenario } from '../contract/scenario.js';
import { plainSteps } from './generate.js';
import { MAX_JSON_DEPTH, MAX_STEPS, ScenarioError, StepChecker, tooDeep, validateScenario } from './scenario.js';
import { StepTape } from './step-tape.js';

/** Steps parsed per JSON.parse call (small: a chunk alive across a scavenge is copied, and grows the young generation). */
const CHUNK = 256;

/** The header of the scenario (its `steps` empty) and its steps. */
export interface StreamedScenario {
  scenario: Scenario;
  steps: StepTape;
}

/** Invalid UTF-8 throws (a TypeError): the ordinary loader decodes such text its own way. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseScenarioStreamed(bytes: Uint8Array, known: readonly string[], where = 'scenario'): StreamedScenario | null {
  try {
    return streamed(bytes, known, where);
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof SyntaxError || e instanceof TypeError) return null;
    throw e;
  }
}

function streamed(text: Uint8Array, known: readonly string[], where: string): StreamedScenario | null {
  const top = topLevel(text);
  if (top === null) return null;
  const stepsAt = top.findIndex((e) => e.key === 'steps');
  if (stepsAt < 0 || text[top[stepsAt].start] !== 0x5b) return null;
  const header: Record<string, unknown> = {};
  for (const e of top) {
    // The last of duplicate keys wins in JSON.parse: the ordinary loader handles such documents.
    // "__proto__" would set the header's prototype here, where JSON.parse makes it a field.
    if (e.key === '__proto__' || Object.prototype.hasOwnProperty.call(header, e.key)) return null;
    header[e.key] = e.key === 'steps' ? [] : JSON.parse(utf8.decode(text.subarray(e.start, e.end)));
  }
  const scenario = validateScenario(header, known, where);
  const fail = (msg: string): never => {
    throw new ScenarioError(msg);
  };
  const checker = new StepChecker(scenario.machine, fail, (i) => `step ${i}`);
  const tape = new StepTape();
  const arrayEnd = top[stepsAt].end - 1;
  let i = ws(text, top[stepsAt].start + 1);
  if (i === arrayEnd) return { scenario, steps: tape };
  for (;;) {
    // One chunk: up to CHUNK elements, from the first one's start to the last one's end.
    const from = i;
    let to = i;
    let n = 0;
    let done = false;
    while (n < CHUNK) {
      to = skipValue(text, i);
      if (to < 0) return null;
      n++;
      i = ws(text, to);
      if (i === arrayEnd) {
        done = true;
        break;
      }
      if (text[i] !== 0x2c) return null;
      i = ws(text, i + 1);
    }
    const chunk = JSON.parse(`[${utf8.decode(text.subarray(from, to))}]`) as unknown[];
    if (chunk.length !== n || !plainSteps(chunk) || tooDeep(chunk, MAX_JSON_DEPTH - 1) !== null) return null;
    if (tape.length + n > MAX_STEPS) return null;
    for (let j = 0; j < n; j++) tape.push(checker.check(tape.length, chunk[j]));
    if (done) return { scenario, steps: tape };
  }
}

interface Entry {
  key: string;
  start: number;
  end: number;
}

/** The top-level object's keys and where each value's text lies, or null when the text is not one object. */
function topLevel(t: Uint8Array): Entry[] | null {
  let i = ws(t, 0);
  if (t[i] !== 0x7b) return null;
  i = ws(t, i + 1);
  const out: Entry[] = [];
  if (t[i] === 0x7d) return ws(t, i + 1) === t.length ? out : null;
  for (;;) {
    if (t[i] !== 0x22) return null;
    const keyEnd = skipValue(t, i);
    if (keyEnd < 0) return null;
    const key = JSON.parse(utf8.decode(t.subarray(i, keyEnd))) as string;
    i = ws(t, keyEnd);
    if (t[i] !== 0x3a) return null;
    const start = ws(t, i + 1);
    const end = skipValue(t, start);
    if (end < 0) return null;
    out.push({ key, start, end });
    i = ws(t, end);
    const c = t[i];
    if (c === 0x2c) {
      i = ws(t, i + 1);
      continue;
    }
    if (c === 0x7d) return ws(t, i + 1) === t.length ? out : null;
    return null;
  }
}

/** The first index at or after `i` that is not JSON whitespace. */
function ws(t: Uint8Array, i: number): number {
  for (;;) {
    const c = t[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/**
 * The index just past the JSON value that starts at `i`, or -1 when the text ends first. Only
 * the value's extent is found (strings with their escapes, brackets counted); JSON.parse of the
 * slice checks the rest.
 */
function skipValue(t: Uint8Array, i: number): number {
  const n = t.length;
  const c = t[i];
  if (c === 0x22) return skipString(t, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < n; j++) {
      const d = t[j];
      if (d === 0x22) {
        j = skipString(t, j);
        if (j < 0) return -1;
        j--;
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let j = i;
  while (j < n) {
    const d = t[j];
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    j++;
  }
  return j > i ? j : -1;
}

/** The index just past the string literal that starts at `i` (a quote), or -1. */
function skipString(t: Uint8Array, i: number): number {
  const n = t.length;
  for (let j = i + 1; j < n; j++) {
    const c = t[j];
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
}
