/** Release order (src/contract/release.ts) and the registry's order. */
import { describe, expect, it } from 'vitest';
import { compareReleases, isRelease } from '../src/contract/release.js';
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

  it('the registry lists versions in release order', () => {
    const ids = VERSIONS.map((v) => v.id);
    expect([...ids].sort(compareReleases)).toEqual(ids);
  });
});
