/**
 * Regression of vmx itself: every built-in scenario (src/scenarios/builtin) carries pinned
 * expectations for every registered version it runs on, and they must all hold -- the
 * equivalent of `vmx check --strict src/scenarios/builtin`. docs/scenarios.md must be what
 * `vmx list --markdown` writes from the same runs.
 * Run: npx vitest run test/scenarios.test.ts
 * After a reviewed change in behaviour, accept it with:
 *   npx tsc -p tsconfig.json && node bin/vmx.js pin --write src/scenarios/builtin \
 *     && node bin/vmx.js list --markdown > docs/scenarios.md
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLoaded, formatChecks } from '../src/cli/check.js';
import { answerFor, scenariosMarkdown, type LibraryEntry } from '../src/cli/list.js';
import { answerNames } from '../src/harness/expect.js';
import { VERSIONS, VERSION_IDS } from '../src/registry.js';
import { builtinPaths, loadFile } from '../src/scenarios/library.js';

const ACCEPT = 'node bin/vmx.js pin --write src/scenarios/builtin && node bin/vmx.js list --markdown > docs/scenarios.md';
const paths = builtinPaths();
const entries: LibraryEntry[] = [];

// The library must cover the sources issue 6 names (renaming one needs this list changed too).
const REQUIRED = [
  'gorman-2.4-allocation-walk', 'scullv-quanta-i386', 'ldd3-ioremap', 'scullv-quanta-x86_64', 'xen-alloc-vm-area', 'pages-array-vmalloced',
  'test-vmalloc-fix-size', 'test-vmalloc-full-fit', 'test-vmalloc-long-busy-list', 'test-vmalloc-random-size',
  'test-vmalloc-fix-align', 'test-vmalloc-random-size-align', 'test-vmalloc-align-shift', 'test-vmalloc-vm-map-ram',
  'overflow-check', 'vmalloc-zero', 'printk-texts', 'reuse-freed-space', 'lazy-purge-threshold', 'failure-path-leaks',
  'vread-holes', 'double-vfree', 'stale-pte-after-vfree', 'ioremap-alignment', 'vmap-refcounts',
];

describe('built-in scenario library', () => {
  it('covers the required sources, one file per scenario name', () => {
    const names = paths.map((p) => loadFile(p, VERSION_IDS).scenario.name);
    for (const n of REQUIRED) expect(names, `missing built-in scenario ${n}`).toContain(n);
    expect(paths.map((p) => p.replace(/^.*\//, '').replace(/\.json$/, ''))).toEqual(names);
  });

  for (const path of paths) {
    const name = path.replace(/^.*\//, '').replace(/\.json$/, '');
    it(`${name}: expectations hold on every registered version (vmx check --strict)`, () => {
      const loaded = loadFile(path, VERSION_IDS);
      const s = loaded.scenario;
      expect(s.question, 'a library scenario asks a question').toBeTruthy();
      expect(s.description).toBeTruthy();
      expect(s.source).toBeTruthy();
      expect(s.about).toBeTruthy();
      expect(s.answers).toBeTruthy();
      const check = checkLoaded(loaded, VERSIONS);
      entries.push({ loaded, runs: check.runs! });
      const report = formatChecks([check], true);
      expect(report.code, `${report.text}\nIf the change is intended, accept it with: ${ACCEPT}`).toBe(0);
      // every answer placeholder resolves on every version the scenario runs on
      for (const v of check.runs!.map((r) => r.version)) expect(answerFor({ loaded, runs: check.runs! }, v)).not.toMatch(/answer template error|\(no answer written\)/);
      for (const t of Object.values(s.answers ?? {})) expect(answerNames(t).length).toBeGreaterThan(0);
    });
  }

  it('docs/scenarios.md is current', () => {
    if (entries.length !== paths.length) {
      for (const p of paths) if (!entries.some((e) => e.loaded.path === p)) {
        const loaded = loadFile(p, VERSION_IDS);
        entries.push({ loaded, runs: checkLoaded(loaded, VERSIONS).runs! });
      }
      entries.sort((a, b) => paths.indexOf(a.loaded.path) - paths.indexOf(b.loaded.path));
    }
    const committed = readFileSync(join(import.meta.dirname, '..', 'docs', 'scenarios.md'), 'utf8');
    expect(committed, `docs/scenarios.md is stale; regenerate it with: node bin/vmx.js list --markdown > docs/scenarios.md`).toBe(scenariosMarkdown(entries));
  });
});
