/**
 * The change catalogues against release order (docs/adding-a-version.md step 4): every entry
 * belongs to a release no later than the version listing it, cites a commit or says why not, and
 * lies where changesBetween can reach it; the 2.6.28 rewrite's entries cite Nick Piggin's
 * db64fe02258f ("mm: rewrite vmap layer").
 */
import { describe, expect, it } from 'vitest';
import { changesBetween, compareReleases, isRelease } from '../src/contract/release.js';
import { VERSIONS } from '../src/registry.js';
import { COUNTERS } from '../src/kernel/counters.js';
import { STEP_ERRORS } from '../src/contract/result.js';

const ALL = VERSIONS.flatMap((v) => v.changes.map((change) => ({ version: v.id, change })));
const COMMIT_RE = /^[0-9a-f]{12,40}$/;

describe('change catalogues', () => {
  it('every entry has a release no later than the version that lists it', () => {
    const bad = ALL.filter(({ version, change }) => !isRelease(change.since) || compareReleases(change.since, version) > 0);
    expect(bad.map(({ version, change }) => `${version}: ${change.id} since ${change.since}`)).toEqual([]);
  });

  it('every entry cites its commits (12+ hex digits) or says why not', () => {
    const bad = ALL.filter(({ change }) => {
      const commits = change.commits ?? [];
      if (!commits.every((c) => COMMIT_RE.test(c))) return true;
      return commits.length === 0 && !change.commitNote;
    });
    expect(bad.map(({ version, change }) => `${version}: ${change.id}`)).toEqual([]);
  });

  it('declared costs are counters and declared outcomes are results the contract knows', () => {
    const keys = new Set<string>(COUNTERS.map((c) => c.key));
    const outcomes = new Set<string>(['ok', ...STEP_ERRORS]);
    const bad = ALL.flatMap(({ version, change }) => [
      ...(change.counters ?? []).filter((k) => !keys.has(k)).map((k) => `${version}: ${change.id} counters ${k}`),
      ...(change.outcomes ?? []).filter((o) => !outcomes.has(o)).map((o) => `${version}: ${change.id} outcomes ${o}`),
      ...((change.counters?.length && !change.affects.some((c) => c === 'cost' || c === 'outcome')) ? [`${version}: ${change.id} declares counters but affects neither cost nor outcome`] : []),
      ...((change.outcomes?.length && !change.affects.includes('outcome')) ? [`${version}: ${change.id} declares outcomes but does not affect outcome`] : []),
    ]);
    expect(bad).toEqual([]);
  });

  it('ids are unique, and every entry is reachable between two registered versions', () => {
    const ids = ALL.map(({ change }) => change.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    // Consecutive versions in release order: 2.4.23-2.4.31's changes are reachable from 2.4.22 to
    // 2.4.31 (2.6 never had them: the 2.5 line forked from 2.4.15, contract/release.ts inHistoryOf).
    const reachable = new Set(VERSIONS.slice(1).flatMap((v, i) => changesBetween(VERSIONS, VERSIONS[i].id, v.id).map((c) => c.change.id)));
    expect(ALL.filter(({ change }) => !reachable.has(change.id)).map(({ version, change }) => `${version}: ${change.id} since ${change.since}`)).toEqual([]);
  });

  it('a change between two versions is also between any pair that brackets them on one line of history', () => {
    const line26 = VERSIONS.filter((v) => compareReleases(v.id, '2.5') >= 0).map((v) => v.id);
    if (line26.length < 2) return;
    const whole = new Set(changesBetween(VERSIONS, line26[0], line26[line26.length - 1]).map((c) => c.change.id));
    for (let i = 1; i < line26.length; i++) for (const c of changesBetween(VERSIONS, line26[i - 1], line26[i])) expect(whole.has(c.change.id)).toBe(true);
  });

  it('the 2.6.28 vmap rewrite entries cite db64fe02258f', () => {
    const rewrite = ALL.filter(({ change }) => change.since === '2.6.28' && ['vmap-area-rbtree', 'lazy-free', 'gap-page-after-area', 'purge-and-retry', 'vm-map-ram'].includes(change.id));
    expect(rewrite.length).toBeGreaterThan(0);
    for (const { change } of rewrite) expect(change.commits?.some((c) => c.startsWith('db64fe02258f'))).toBe(true);
  });
});
