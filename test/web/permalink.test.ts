/**
 * The explorer's permalinks (src/web/permalink.ts) and the editor's JSON layout
 * (src/web/format.ts), in Node (CompressionStream is global since Node 18).
 * Run: npx vitest run test/web/permalink.test.ts
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, fromBase64url, MAX_SCENARIO_BYTES, toBase64url } from '../../src/web/permalink.js';
import { formatJson } from '../../src/web/format.js';

const builtin = readFileSync(join(resolve(import.meta.dirname, '..', '..'), 'src', 'scenarios', 'builtin', 'reuse-freed-space.json'), 'utf8');

describe('permalinks', () => {
  it('round-trip the scenario text byte for byte and the view state', async () => {
    const hash = await encodeState({ scenario: builtin, step: 4, left: '2.4.22', right: '2.6.32' });
    expect(hash).toMatch(/^v=1&s=[A-Za-z0-9_-]+&step=4&l=2\.4\.22&r=2\.6\.32$/);
    // Compressed: the link is much shorter than the text.
    expect(hash.length).toBeLessThan(builtin.length / 3);
    expect(await decodeState('#' + hash)).toEqual({ scenario: builtin, step: 4, left: '2.4.22', right: '2.6.32' });
  });

  it('keep non-ASCII text and after-boot (-1) steps', async () => {
    const scenario = '{"name": "é ≠ 😀"}';
    expect(await decodeState(await encodeState({ scenario, step: -1 }))).toEqual({ scenario, step: -1 });
  });

  it('say no scenario for an empty or foreign hash, and reject damaged ones', async () => {
    expect(await decodeState('')).toBeUndefined();
    expect(await decodeState('#section-2')).toBeUndefined();
    await expect(decodeState('#v=1&s=not*base64')).rejects.toThrow(/base64url/);
    await expect(decodeState('#v=1&s=AAAA')).rejects.toThrow();
    await expect(decodeState('#v=9&s=AAAA')).rejects.toThrow(/v=9|version 9/);
  });

  it('stop inflating a link past the bound (no zip bomb)', async () => {
    expect(MAX_SCENARIO_BYTES).toBe(64 << 20);
    const bomb = await encodeState({ scenario: ' '.repeat((4 << 20) + 1) });
    expect(bomb.length).toBeLessThan(20_000);
    await expect(decodeState(bomb, 4 << 20)).rejects.toThrow(/larger than 4 MiB/);
    expect((await decodeState(bomb, 8 << 20))?.scenario.length).toBe((4 << 20) + 1);
  });

  it('base64url has no padding and round-trips every byte', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const text = toBase64url(all);
    expect(text).not.toMatch(/[+/=]/);
    expect([...fromBase64url(text)]).toEqual([...all]);
  });
});

describe('formatJson', () => {
  it('keeps short objects on one line, as the built-in files do, and opens long ones', () => {
    const doc = { name: 'x', machine: { arch: 'i386', ramMiB: 128, cpus: 1 }, steps: [{ op: 'vfree', ref: 'b' }, { op: 'vmalloc', size: 65536, as: 'a', comment: 'y'.repeat(120) }] };
    expect(formatJson(doc)).toBe(
      [
        '{',
        '  "name": "x",',
        '  "machine": { "arch": "i386", "ramMiB": 128, "cpus": 1 },',
        '  "steps": [',
        '    { "op": "vfree", "ref": "b" },',
        '    {',
        '      "op": "vmalloc",',
        '      "size": 65536,',
        '      "as": "a",',
        `      "comment": "${'y'.repeat(120)}"`,
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
    expect(JSON.parse(formatJson(JSON.parse(builtin)))).toEqual(JSON.parse(builtin));
    // Every line that could have stayed closed fits in the width (100 columns).
    for (const line of formatJson(JSON.parse(builtin)).split('\n')) if (/[{[].*[}\]],?$/.test(line.trim())) expect(line.length).toBeLessThanOrEqual(100);
    // A deep member that fits on its own line is not opened because its parents' keys were long.
    expect(formatJson({ aaaaaaaaaaaaaaaaaaaa: { bbbbbbbbbbbbbbbbbbbb: { c: 'x'.repeat(30), d: 1 } } }, 80)).toBe(
      ['{', '  "aaaaaaaaaaaaaaaaaaaa": {', `    "bbbbbbbbbbbbbbbbbbbb": { "c": "${'x'.repeat(30)}", "d": 1 }`, '  }', '}'].join('\n'),
    );
  });
});
