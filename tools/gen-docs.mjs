// Regenerates the generated parts of the handwritten docs from the built code (npm run docs):
// the op table of docs/contract.md. test/contract-doc.test.ts fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { VERSIONS } from '../dist/src/registry.js';
import { withOpTable } from '../dist/src/report/op-table.js';

const path = new URL('../docs/contract.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withOpTable(before, VERSIONS);
if (after !== before) writeFileSync(path, after);
console.log(after === before ? 'docs/contract.md: op table current' : 'docs/contract.md: op table regenerated');
