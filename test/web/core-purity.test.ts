/**
 * The simulator core runs in the browser explorer (src/web), so it must not depend on Node:
 * this test reads the imports of every core file (src/contract, src/hw, src/kernel, versions/,
 * src/harness, src/diff, src/report, src/registry.ts and the browser side of src/web) and fails
 * on a Node built-in (`node:…`, `fs`, `path`, …), on a relative import that leaves the core (for
 * instance src/paths.ts, which finds files on disk), on a package outside the small list the
 * bundle carries, and on the Node-only globals process, Buffer, __dirname and require.
 * Node-only IO belongs in src/cli (report files: src/cli/report-files.ts) or src/web/build.ts.
 * Run: npx vitest run test/web/core-purity.test.ts
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CORE = ['src/contract', 'src/hw', 'src/kernel', 'src/harness', 'src/diff', 'src/report', 'versions', 'src/registry.ts', 'src/web'];
/** Node-only files inside the core folders (each says so in its header). */
const NODE_ONLY = new Set(['src/web/build.ts']);
/** Packages the browser bundle may carry. */
const PACKAGES = new Set(['diff', 'marked']);
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function tsFiles(p: string): string[] {
  const abs = join(ROOT, p);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [p];
  return readdirSync(abs, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(`${p}/${e.name}`) : e.name.endsWith('.ts') ? [`${p}/${e.name}`] : []));
}

const files = CORE.flatMap(tsFiles).filter((f) => !NODE_ONLY.has(f));
const inCore = (f: string) => !NODE_ONLY.has(f) && CORE.some((c) => f === c || f.startsWith(c + '/'));

/** Import and export-from specifiers, static and dynamic, with comments removed. */
function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

describe('the simulator core does not depend on Node', () => {
  it('finds the core files', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('src/harness/runner.ts');
  });

  it('imports no Node built-in, nothing outside the core and only the bundled packages', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const spec of specifiers(readFileSync(join(ROOT, f), 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = relative(ROOT, resolve(ROOT, dirname(f), spec)).replace(/\.js$/, '.ts');
          if (!inCore(target)) bad.push(`${f}: imports ${spec} (${target} is not core)`);
        } else if (BUILTINS.has(spec) || spec.startsWith('node:')) bad.push(`${f}: imports the Node built-in ${spec}`);
        else if (!PACKAGES.has(spec)) bad.push(`${f}: imports the package ${spec} (not one the bundle carries: ${[...PACKAGES].join(', ')})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('uses no Node-only global', () => {
    const bad: string[] = [];
    for (const f of files) {
      const code = readFileSync(join(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");
      for (const m of code.matchAll(/(?<![.\w$])(process|Buffer|__dirname|__filename|require)\s*[.(]/g)) bad.push(`${f}: uses ${m[1]}`);
    }
    expect(bad).toEqual([]);
  });

  it('recognises what it forbids', () => {
    expect(specifiers(`import { a } from 'node:fs';\nimport x from "path";\nexport { y } from './z.js';\nconst q = await import('os');`)).toEqual(['node:fs', 'path', './z.js', 'os']);
    expect(BUILTINS.has('fs') && BUILTINS.has('node:crypto')).toBe(true);
  });
});
