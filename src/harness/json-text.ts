/**
 * Helpers for messages about scenario text (used by scenario.ts): where a JSON syntax error is
 * (line and column), the integer literals beyond 2^53 as the user typed them, and the closest
 * known name to a misspelt one. No imports: a leaf of the harness.
 */

/** Integer literals a document was written with that a JavaScript number cannot hold exactly, by the number they parse to. */
export const BIG_LITERALS = new WeakMap<object, Map<number, string>>();

/** Integer literals beyond 2^53 in JSON text (outside strings), as typed. Cheap when there are none. */
export function bigLiterals(text: string): Map<number, string> | null {
  if (!/\d{16}/.test(text)) return null;
  const out = new Map<number, string>();
  const re = /"(?:[^"\\]|\\.)*"|-?\d{16,}(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  for (let m; (m = re.exec(text)); ) {
    if (m[0].charCodeAt(0) === 34) continue;
    const n = Number(m[0]);
    if (!Number.isSafeInteger(n) && String(n) !== m[0]) out.set(n, m[0]);
  }
  return out.size ? out : null;
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `line ${line}, column ${offset - last}`;
}

/** Offset of the first JSON syntax error in `text` (text.length when it ends early), for messages V8 gives no position in. */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  // Stack of open containers: '{' or '['; `want` is what may come next.
  const stack: string[] = [];
  let want: 'value' | 'key' | 'key-or-end' | 'value-or-end' | 'after' = 'value';
  for (;;) {
    ws();
    if (i >= n) return stack.length || want !== 'after' ? n : -1;
    const c = text[i];
    if (want === 'after') {
      if (!stack.length) return i;
      const top = stack[stack.length - 1];
      if (c === ',') {
        i++;
        want = top === '{' ? 'key' : 'value';
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        i++;
        stack.pop();
      } else return i;
      continue;
    }
    if (want === 'key' || want === 'key-or-end') {
      if (c === '}' && want === 'key-or-end') {
        i++;
        stack.pop();
        want = 'after';
        continue;
      }
      if (c !== '"') return i;
    } else if (c === ']' && want === 'value-or-end') {
      i++;
      stack.pop();
      want = 'after';
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text.charCodeAt(i) < 0x20) return i;
        if (text[i] === '\\') {
          i++;
          if (i >= n) return n;
          if (text[i] === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return i;
            i += 4;
          } else if (!'"\\/bfnrt'.includes(text[i])) return i;
        }
        i++;
      }
      if (i >= n) return n;
      i++;
      if (want === 'key' || want === 'key-or-end') {
        ws();
        if (i >= n) return n;
        if (text[i] !== ':') return i;
        i++;
        want = 'value';
      } else want = 'after';
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      want = c === '{' ? 'key-or-end' : 'value-or-end';
      continue;
    }
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!lit) {
      const word = /^[a-z]+/.exec(text.slice(i, i + 8));
      // "nul" at the very end: the text ends inside a literal.
      if (word && i + word[0].length >= n && ['true', 'false', 'null'].some((w) => w.startsWith(word[0]))) return n;
      return i;
    }
    i += lit[0].length;
    want = 'after';
  }
}

/** The closest of `candidates` to a misspelt `name` (edit distance at most 2, or a case slip), or undefined. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  const a = name.toLowerCase();
  for (const c of candidates) {
    const b = c.toLowerCase();
    if (Math.abs(a.length - b.length) >= bestD) continue;
    // Optimal string alignment distance (a transposition counts 1).
    const d: number[][] = [];
    for (let i = 0; i <= a.length; i++) d.push([i]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    const dist = d[a.length][b.length];
    if (dist < bestD && dist < Math.max(2, b.length / 2)) {
      best = c;
      bestD = dist;
    }
  }
  return best;
}

/** ` (did you mean "size"?)` for a misspelt field, or ''. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c ? ` (did you mean "${c}"?)` : '';
}
