/** Release order (src/contract/release.ts) and the registry's order. */
import { describe, expect, it } from 'vitest';
import { changesBetween, compareReleases, inHistoryOf, isRelease } from '../src/contract/release.js';
import type { KernelVersion, VersionChange } from '../src/contract/version.js';
import { VERSIONS } from '../src/registry.js';

describe('release order', () => {
  it('compares kernel versions numerically, release candidates before their release', () => {
    expect(compareReleases('2.4.9', '2.4.10')).toBeLessThan(0);
    expect(compareReleases('2.4.10', '2.6.0')).toBeLessThan(0);
    expect(compareReleases('2.6.28-rc1', '2.6.28')).toBeLessThan(0);
    expect(compareReleases('2.6.27', '2.6.28-rc1')).toBeLessThan(0);
    expect(compareReleases('2.6', '2.6.0')).toBe(0);
    expect(compareReleases('2.6.39', '2.6.32')).toBeGreaterThan(0);
    expect(isRelease('2.6.32')).toBe(true);
    expect(isRelease('v2.6.32')).toBe(false);
    expect(() => compareReleases('toy', '2.6.32')).toThrow(/not a kernel release/);
  });

  it('2.5 forked from 2.4.15: later 2.4 releases are in no 2.5/2.6 history, so their changes never explain a 2.6 version', () => {
    expect(inHistoryOf('2.4.15', '2.6.9')).toBe(true);
    expect(inHistoryOf('2.4.16', '2.6.9')).toBe(false);
    expect(inHistoryOf('2.4.26', '2.4.31')).toBe(true);
    expect(inHistoryOf('2.5.32', '2.6.9')).toBe(true);
    expect(inHistoryOf('2.6.28', '2.6.9')).toBe(false);
    const c = (id: string, since: string): VersionChange => ({ id, since, summary: id, functions: [], affects: ['cost'] });
    const v = (id: string, changes: VersionChange[]) => ({ id, changes }) as unknown as KernelVersion;
    const reg = [v('2.4.22', [c('a', '2.4.20')]), v('2.4.31', [c('b', '2.4.26')]), v('2.6.9', [c('c', '2.5.32')]), v('2.6.32', [c('d', '2.6.28')])];
    const ids = (a: string, b: string) => changesBetween(reg, a, b).map((x) => x.change.id);
    expect(ids('2.4.22', '2.6.9')).toEqual(['c']);
    expect(ids('2.4.22', '2.4.31')).toEqual(['b']);
    expect(ids('2.4.31', '2.6.9')).toEqual(['c']);
    expect(ids('2.6.9', '2.6.32')).toEqual(['d']);
    expect(ids('2.4.22', '2.6.32')).toEqual(['c', 'd']);
  });

  it('the registry lists versions in release order', () => {
    const ids = VERSIONS.map((v) => v.id);
    expect([...ids].sort(compareReleases)).toEqual(ids);
  });
});
