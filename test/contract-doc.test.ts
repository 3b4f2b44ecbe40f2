/**
 * docs/contract.md's op table is generated from src/contract/ops.ts and the registry; it must be
 * current. Accept a change with: npm run docs
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OP_TABLE } from '../src/contract/ops.js';
import { VERSIONS } from '../src/registry.js';
import { opTableMarkdown, withOpTable } from '../src/report/op-table.js';

const DOC = join(import.meta.dirname, '..', 'docs', 'contract.md');

describe('docs/contract.md op table', () => {
  it('is current (regenerate with: npm run docs)', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(withOpTable(doc, VERSIONS) === doc, 'docs/contract.md op table is stale; run: npm run docs').toBe(true);
  });

  it('has one row per op of the table, and says which versions lack an op', () => {
    const md = opTableMarkdown(VERSIONS);
    for (const row of OP_TABLE) expect(md).toContain(`| ${row.name} |`);
    // 2.4.19 has no vmap (it arrived in 2.4.22): its row must not say "all".
    const vmap = md.split('\n').find((l) => l.startsWith('| vmap |'))!;
    expect(vmap).not.toMatch(/\| all \|$/);
    expect(vmap).not.toContain('2.4.19');
    expect(md.split('\n').find((l) => l.startsWith('| vmalloc |'))).toMatch(/\| all \|$/);
  });
});
