/**
 * Reference vectors: results the unmodified mainline C code of each version gave for these
 * scenarios, recorded with the differential oracle (`npm run oracle -- --write-expected`; how each
 * one was made and the command that regenerates them all: test/vectors/README.md).
 * vmx must match them field by field. Run: npx vitest run test/vectors.test.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/harness/scenario.js';
import { runVersion } from '../src/harness/runner.js';
import { VERSION_IDS, findVersion } from '../src/registry.js';

const dir = join(import.meta.dirname, 'vectors');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.scenario.json'))
  .map((f) => f.replace('.scenario.json', ''))
  .sort();

describe('reference vectors', () => {
  for (const name of names) {
    const expectedIds = ['2.4.19', '2.4.22', '2.6.32'];
    const scenario = parseScenario(readFileSync(join(dir, `${name}.scenario.json`), 'utf8'), [...new Set([...VERSION_IDS, ...expectedIds])], name);
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8'));
    for (const exp of expected.results) {
      const v = findVersion(exp.version);
      it.skipIf(!v)(`${name} on ${exp.version}`, () => {
        const r = runVersion(scenario, v!, { detail: false });
        // Compare step by step first so a failure names the step.
        exp.steps.forEach((step: unknown, i: number) => {
          const got: Record<string, unknown> = { i, ...r.steps[i] };
          // lookup_pte: the oracle records the flag names (`prot`), not the raw pte, whose frame half is
          // each machine's own numbering (tools/oracle/README.md): vmx's `pte` is not compared.
          if (got.op === 'lookup_pte' && !('pte' in (step as object))) delete got.pte;
          expect(got).toEqual({ i, ...(step as object) });
        });
        expect(r.steps.length).toBe(exp.steps.length);
        expect(r.final).toEqual(exp.final);
      });
    }
  }
});
