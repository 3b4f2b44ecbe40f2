/**
 * Correctness of the bench-related CLI modes (issue 8): the streamed `vmx run --json` must be byte
 * for byte JSON.stringify(doc, null, 1) of the whole document, and `--summary`'s digest must
 * follow the documented per-step lines. No timings are asserted here.
 * Run: npx vitest run test/bench-cli.test.ts
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultDocument } from '../src/harness/document.js';
import { runScenario, versionsFor } from '../src/harness/runner.js';
import { parseScenario } from '../src/harness/scenario.js';
import { VERSIONS, VERSION_IDS } from '../src/registry.js';
import { streamResultDocument, summariseVersion } from '../src/cli/run.js';
import { StepDigest, stepDigestLine } from '../src/cli/step-digest.js';

const vectors = join(import.meta.dirname, 'vectors');
const builtin = join(import.meta.dirname, '..', 'src', 'scenarios', 'builtin');
const files = [
  ...readdirSync(vectors).filter((f) => f.endsWith('.scenario.json')).map((f) => join(vectors, f)),
  ...readdirSync(builtin).filter((f) => f.endsWith('.json')).map((f) => join(builtin, f)),
];

function load(path: string) {
  const s = parseScenario(readFileSync(path, 'utf8'), ['2.4.19', '2.4.22', '2.6.32', ...VERSION_IDS], path);
  // Scenarios naming versions not registered yet run on the registered ones.
  if (s.versions) s.versions = s.versions.filter((v) => VERSION_IDS.includes(v));
  if (s.versions && s.versions.length === 0) delete s.versions;
  return s;
}

describe('vmx run --json streams the exact contract document', () => {
  for (const f of files) {
    it(f.split('/').pop()!, async () => {
      const s = load(f);
      const chunks: string[] = [];
      await streamResultDocument(s, versionsFor(s, VERSIONS), (c) => void chunks.push(c));
      const whole = JSON.stringify(resultDocument(s, runScenario(s, VERSIONS, { detail: false })), null, 1) + '\n';
      expect(chunks.join('')).toBe(whole);
    });
  }

  it('an empty step list and an empty version list keep the JSON.stringify shape', async () => {
    const s = load(files[0]);
    s.steps = [];
    for (const versions of [versionsFor(s, VERSIONS), []]) {
      const chunks: string[] = [];
      await streamResultDocument(s, versions, (c) => void chunks.push(c));
      const runs = runScenario({ ...s, versions: versions.map((v) => v.id) }, VERSIONS, { detail: false });
      expect(chunks.join('')).toBe(JSON.stringify(resultDocument(s, versions.length ? runs : []), null, 1) + '\n');
    }
  });
});

describe('vmx run --summary', () => {
  it('counts failures and digests each step as documented', () => {
    const s = load(join(vectors, 'v02-rejections.scenario.json'));
    for (const v of versionsFor(s, VERSIONS)) {
      const sum = summariseVersion(s, v);
      const full = runScenario({ ...s, versions: [v.id] }, VERSIONS, { detail: false })[0];
      const h = createHash('sha256');
      full.steps.forEach((r, i) => h.update(stepDigestLine(i, r)));
      expect(sum).toEqual({
        version: v.id,
        steps: s.steps.length,
        // Failed and unsupported apart (issue 21 item 2): an absent function is not a failure.
        failures: full.steps.filter((r) => !r.ok && r.error !== 'unsupported').length,
        unsupported: full.steps.filter((r) => r.error === 'unsupported').length,
        areas: full.final.areas.length,
        pagesMapped: full.final.pagesMapped,
        pageTablePages: full.final.pageTablePages,
        digest: h.digest('hex'),
      });
    }
  });

  it('StepDigest hashes exactly the bytes of the digest lines, whatever the text', () => {
    const results = [
      { ok: true, addr: '0xc8800000', log: [] },
      { ok: false, error: 'ENOMEM', addr: null, log: ['vmalloc: allocation failure: 4096 bytes'] },
      { ok: true, addrs: ['0xf7800000', '0xf7a00000'], log: [] },
      { ok: false, log: ['é ü', '\u{1F600} astral', ''] },
      { ok: true, log: ['x'.repeat(70_000)] },
      { ok: true, log: ['ä'.repeat(30_000), 'b'] },
    ];
    const d = new StepDigest();
    const h = createHash('sha256');
    for (let i = 0; i < 3000; i++) {
      const r = results[i % results.length];
      d.add(i, r);
      h.update(stepDigestLine(i, r));
    }
    expect(d.digest()).toBe(h.digest('hex'));
  });

  it('digest lines are explicit about outcome, address and log', () => {
    expect(stepDigestLine(3, { ok: true, addr: '0xc8800000', log: [] })).toBe('3 ok 0xc8800000 \n');
    expect(stepDigestLine(4, { ok: false, error: 'nonexistent', log: ['a', 'b'] })).toBe('4 nonexistent - a\u001fb\n');
  });
});
