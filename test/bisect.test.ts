/**
 * vmx bisect (src/diff/bisect.ts, src/cli/bisect.ts): flips between consecutive releases, their
 * causes, and bad usage. reuse-freed-space on 2.4.22 and 2.6.32 (addresses read off the C: 2.4's
 * first fit over vmlist steps 64 KiB areas by 0x11000 and reuses a freed hole at once; 2.6.32's
 * alloc_vmap_area leaves a gap page (0x12000 steps) and keeps a freed range lazily until a purge).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareReleases } from '../src/contract/release.js';

const VMX = join(import.meta.dirname, '..', 'bin', 'vmx.js');
const run = (...args: string[]) => JSON.parse(execFileSync('node', [VMX, 'bisect', ...args], { encoding: 'utf8' }));

describe('vmx bisect', () => {
  it('finds the address flips of reuse-freed-space between 2.4.22 and 2.6.32', () => {
    const doc = run('reuse-freed-space', '--versions', '2.4.22,2.6.32', '--field', 'address', '--json');
    expect(doc.versions).toEqual(['2.4.22', '2.6.32']);
    expect(doc.flips.map((f: { step: number }) => f.step)).toEqual([1, 2, 4, 8]);
    const f1 = doc.flips[0];
    expect(f1.from).toEqual({ version: '2.4.22', value: '0xc8811000' });
    expect(f1.to).toEqual({ version: '2.6.32', value: '0xc8812000' });
    // Every cause lies in the interval (2.4.22, 2.6.32] and was seen on a differing trace line.
    for (const f of doc.flips) for (const c of f.causes) expect(compareReleases(c.since, '2.4.22') > 0 && compareReleases(c.since, '2.6.32') <= 0).toBe(true);
    expect(f1.causes.map((c: { change: string }) => c.change)).toContain('gap-page-after-area');
  });

  it('vm_unmap_aliases flips from unsupported to ok; nothing flips where versions agree', () => {
    const doc = run('reuse-freed-space', '--versions', '2.4.22,2.6.32', '--step', '5', '--json');
    expect(doc.flips.map((f: { field: string; from: { value: string }; to: { value: string } }) => [f.field, f.from.value, f.to.value])).toContainEqual(['outcome', 'unsupported', 'ok']);
    expect(run('reuse-freed-space', '--versions', '2.4.19,2.4.22', '--step', '1', '--json').flips).toEqual([]);
  });

  it('bad usage: exit 2, one line on stderr, nothing on stdout', () => {
    for (const args of [['reuse-freed-space', '--field', 'nope'], ['reuse-freed-space', '--step', '99'], ['reuse-freed-space', '--step', '1', '--field', 'final'], []]) {
      const r = spawnSync('node', [VMX, 'bisect', ...args], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
