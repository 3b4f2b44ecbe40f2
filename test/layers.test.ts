/**
 * The layering of ../shared/STYLE.md, read from the import statements of every file in src/ and
 * versions/: each layer imports only from layers below it (or its own), a version imports only
 * src/contract, src/kernel and its own files, and no file imports itself through a cycle (type
 * imports included: a type-only cycle still ties the files together for a reader).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

/** Layer rank of each area; a file may import from a lower or equal rank only (equal = same area). */
const RANK: Record<string, number> = {
  'src/hw': 0,
  'src/kernel': 1,
  'src/contract': 2,
  versions: 3,
  'src/harness': 4,
  'src/registry.ts': 4,
  'src/paths.ts': 4,
  'src/jit-tuning.ts': 4,
  'src/diff': 5,
  'src/scenarios': 5,
  'src/report': 6,
  'src/cli': 8,
  'src/cli.ts': 9,
  'src/bench': 10,
  'src/web': 9,
};

function areaOf(file: string): string {
  if (file.startsWith('versions/')) return 'versions';
  const parts = file.split('/');
  if (parts.length === 2) return file; // a file directly in src/
  return parts.slice(0, 2).join('/');
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** The project files a file imports (relative specifiers, resolved to .ts paths). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) continue;
    out.push(relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts'));
  }
  return out;
}

const FILES = [...sources('src'), ...sources('versions')];
const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

describe('layers', () => {
  it('every file belongs to a known layer', () => {
    const unknown = FILES.filter((f) => RANK[areaOf(f)] === undefined);
    expect(unknown).toEqual([]);
  });

  it('no layer imports a higher one', () => {
    const bad: string[] = [];
    for (const [f, deps] of GRAPH) {
      for (const d of deps) {
        const from = areaOf(f);
        const to = areaOf(d);
        if (from === to) continue;
        if (!(RANK[to] < RANK[from])) bad.push(`${f} -> ${d}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('a version imports only src/contract, src/kernel and its own files', () => {
    const bad: string[] = [];
    for (const [f, deps] of GRAPH) {
      if (!f.startsWith('versions/')) continue;
      const own = f.split('/').slice(0, 2).join('/') + '/';
      for (const d of deps) if (!d.startsWith(own) && !d.startsWith('src/contract/') && !d.startsWith('src/kernel/')) bad.push(`${f} -> ${d}`);
    }
    expect(bad).toEqual([]);
  });

  it('only the registry names versions in src/', () => {
    const bad: string[] = [];
    for (const [f, deps] of GRAPH) if (f.startsWith('src/') && f !== 'src/registry.ts' && deps.some((d) => d.startsWith('versions/'))) bad.push(f);
    expect(bad).toEqual([]);
  });

  it('there is no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 1);
      stack.push(f);
      for (const d of GRAPH.get(f) ?? []) {
        if (!GRAPH.has(d)) continue;
        const s = state.get(d);
        if (s === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].join(' -> '));
        else if (s === undefined) visit(d);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of FILES) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('the checker sees imports (a known edge is found)', () => {
    expect(GRAPH.get('src/harness/runner.ts')).toContain('src/kernel/kernel.ts');
    expect(GRAPH.get('src/registry.ts')!.some((d) => d.startsWith('versions/'))).toBe(true);
  });
});
