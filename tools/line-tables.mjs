#!/usr/bin/env node
// tools/line-tables.mjs: regenerate versions/<v>/source-lines.ts, the line of every function
// definition in the C files each registered version follows (KernelVersion.tree), read from the
// kernel git directories given on the command line. The output is data (names and numbers) for
// source links; no kernel text enters the repository.
//
//   npm run build && node tools/line-tables.mjs --git DIR [--git DIR ...] [--check]
//
// Each --git DIR is a kernel git directory (e.g. the fetched MaximeChretien/linux-history,
// sepen/linux-2.6.32.y, gpl-releases/linux-2.6.39.3); a version's ref is looked up in each until
// one has it. --check compares instead of writing and exits 1 when a table is stale.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { VERSIONS } from '../dist/src/registry.js';

const args = process.argv.slice(2);
const gits = [];
let check = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--git' && args[i + 1]) gits.push(args[++i]);
  else if (args[i] === '--check') check = true;
  else {
    process.stderr.write(`line-tables: unknown argument ${JSON.stringify(args[i])} (usage: --git DIR [--git DIR ...] [--check])\n`);
    process.exit(2);
  }
}
if (gits.length === 0) {
  process.stderr.write('line-tables: give at least one kernel git directory with --git DIR\n');
  process.exit(2);
}

function show(ref, file) {
  for (const g of gits) {
    try {
      return execFileSync('git', ['--git-dir', g, 'show', `${ref}:${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
    } catch {
      /* not in this tree */
    }
  }
  return null;
}

const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'do', 'else']);

/** Function definitions: a name followed by "(" at the start of a line (after its type), whose parameter list closes before a "{". */
export function definitions(text) {
  const lines = text.split('\n');
  const out = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!/^[A-Za-z_]/.test(line) || line.startsWith('#')) continue;
    const m = /^(?:[A-Za-z_][\w]*[\s*]+)*?\**([A-Za-z_]\w*)\s*\(/.exec(line);
    if (!m || KEYWORDS.has(m[1]) || /^[A-Z_]+$/.test(m[1])) continue;
    // Read on until the parameter list closes, then see whether a body follows.
    let depth = 0;
    let j = i;
    let k = line.indexOf('(', m.index + m[0].length - 1);
    let body = false;
    scan: for (; j < lines.length && j < i + 20; j++, k = 0) {
      const l = lines[j];
      for (; k < l.length; k++) {
        const c = l[k];
        if (c === '(') depth++;
        else if (c === ')') depth--;
        else if (depth === 0 && c === ';') break scan;
        else if (depth === 0 && c === '{') {
          body = true;
          break scan;
        }
      }
    }
    if (body && out[m[1]] === undefined) out[m[1]] = i + 1;
  }
  return out;
}

let stale = 0;
for (const v of VERSIONS) {
  if (!v.tree) {
    process.stderr.write(`line-tables: ${v.id} has no tree (KernelVersion.tree); skipped\n`);
    continue;
  }
  const table = {};
  for (const file of v.tree.files) {
    const text = show(v.tree.ref, file);
    if (text === null) {
      process.stderr.write(`line-tables: ${v.id}: ${v.tree.ref}:${file} is in none of the git directories given\n`);
      process.exit(2);
    }
    table[file] = definitions(text);
  }
  const body =
    `/**\n * Linux ${v.id}: the line of each function definition in the C files this port follows\n` +
    ` * (${v.tree.repo} @ ${v.tree.ref}). Generated data: npm run build && node tools/line-tables.mjs --git DIR\n */\n` +
    `import type { SourceLines } from '../../src/contract/version.js';\n\n` +
    `export const SOURCE_LINES: SourceLines = ${JSON.stringify(table, null, 2)};\n`;
  const path = new URL(`../versions/${v.id}/source-lines.ts`, import.meta.url);
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (old === body) continue;
  if (check) {
    process.stderr.write(`line-tables: versions/${v.id}/source-lines.ts is stale\n`);
    stale++;
  } else {
    writeFileSync(path, body);
    process.stdout.write(`versions/${v.id}/source-lines.ts: ${Object.values(table).reduce((n, t) => n + Object.keys(t).length, 0)} functions\n`);
  }
}
process.exit(stale ? 1 : 0);
