/**
 * The explorer's engine (src/web/engine.ts) in Node, as the page's Web Worker runs it: the
 * validator's messages, the results the table shows, a step's detail, and the exports (the
 * contract's JSON byte for byte as `vmx run --json` streams it; the comparison markdown with the
 * chosen step's map).
 * Run: npx vitest run test/web/engine.test.ts
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, type Reply, type Request, type RequestBody } from '../../src/web/engine.js';
import { parseScenario } from '../../src/harness/scenario.js';
import { versionsFor } from '../../src/harness/runner.js';
import { streamResultDocument } from '../../src/cli/run.js';
import { VERSIONS, VERSION_IDS } from '../../src/registry.js';

const text = readFileSync(join(resolve(import.meta.dirname, '..', '..'), 'src', 'scenarios', 'builtin', 'reuse-freed-space.json'), 'utf8');

function engine(): (req: RequestBody) => Reply[] {
  const replies: Reply[] = [];
  const e = new Engine((r) => replies.push(r));
  let id = 0;
  return (req) => {
    replies.length = 0;
    e.handle({ ...req, id: ++id } as Request);
    return [...replies];
  };
}

describe('the explorer engine', () => {
  it('answers a bad scenario with the validator message, naming step and field', () => {
    const ask = engine();
    const bad = text.replace('"size": 65536,\n      "as": "b"', '"size": "big",\n      "as": "b"');
    expect(ask({ kind: 'run', text: bad, where: 'mine.json' })).toEqual([{ kind: 'invalid', id: 1, message: expect.stringMatching(/^mine\.json: step 1 \(vmalloc\): field "size"/) }]);
    expect(ask({ kind: 'json' })).toEqual([{ kind: 'failed', id: 2, message: 'nothing has run yet' }]);
  });

  it('runs every version, reports progress, and exports the JSON `vmx run --json` writes', async () => {
    const ask = engine();
    const replies = ask({ kind: 'run', text, where: 'builtin/reuse-freed-space.json' });
    expect(replies[0]).toMatchObject({ kind: 'progress', done: 0 });
    const ran = replies.find((r) => r.kind === 'ran');
    if (ran?.kind !== 'ran') throw new Error('no result');
    const s = parseScenario(text, VERSION_IDS, 'x');
    expect(ran.summary.versions.map((v) => v.id)).toEqual(versionsFor(s, VERSIONS).map((v) => v.id));
    expect(ran.summary.labels[1]).toBe('vmalloc size=65536 (64 KiB) → b');
    let cli = '';
    await streamResultDocument(s, versionsFor(s, VERSIONS), (c) => {
      cli += c;
    });
    const json = ask({ kind: 'json' });
    expect(json).toEqual([{ kind: 'text', id: 2, text: cli }]);
    expect(ran.summary.steps).toEqual(JSON.parse(cli).results.map((r: { steps: unknown }) => r.steps));
    // Written out from the README's table: step 4 reuses the hole on 2.4, not on 2.6.32.
    const at = (v: string) => ran.summary.steps[ran.summary.versions.findIndex((x) => x.id === v)][4].addr;
    expect([at('2.4.19'), at('2.4.22'), at('2.6.32')]).toEqual(['0xc8811000', '0xc8811000', '0xc8836000']);
    expect(ran.summary.classes[4]).toContain('address');
  });

  it("gives a step's map, traces, costs and findings, and markdown with that step's map", () => {
    const ask = engine();
    ask({ kind: 'run', text, where: 'x' });
    const [step] = ask({ kind: 'step', index: 3 });
    if (step.kind !== 'step') throw new Error(JSON.stringify(step));
    expect(step.view.index).toBe(3);
    expect(step.view.snapshots.map((x) => [x.step, x.areas.length])).toEqual(step.view.snapshots.map(() => [3, 2]));
    expect(step.view.traces.every((t) => Array.isArray(t) && t.length > 0)).toBe(true);
    expect(step.view.comparison?.index).toBe(3);
    const [boot] = ask({ kind: 'step', index: -1 });
    expect(boot.kind === 'step' && boot.view.snapshots.every((x) => x.step === -1 && x.areas.length === 0)).toBe(true);
    const [md] = ask({ kind: 'markdown', step: 3 });
    expect(md.kind === 'text' && md.text.startsWith('# Scenario reuse-freed-space\n')).toBe(true);
    expect(md.kind === 'text' && md.text.includes('After step 3 (vfree ref=b)')).toBe(true);
  });
});
