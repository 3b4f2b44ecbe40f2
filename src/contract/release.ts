/**
 * Kernel releases in order, and the catalogued changes between two of them. A change belongs to
 * the release that introduced it (`since`), whichever version's catalogue lists it, so inserting
 * a version between two others never moves a change to the wrong interval.
 */
import type { KernelVersion, VersionChange } from './version.js';

/** The numeric parts of a release string: "2.6.39" -> [2, 6, 39]; "2.6.28-rc1" -> [2, 6, 28, -1, 1]. */
const RELEASE_RE = /^(\d+(?:\.\d+)*)(?:-rc(\d+))?$/;

function releaseParts(release: string): number[] {
  const m = RELEASE_RE.exec(release);
  if (!m) throw new Error(`not a kernel release: ${JSON.stringify(release)}`);
  const parts = m[1].split('.').map(Number);
  // A release candidate sorts before its release: 2.6.28-rc1 < 2.6.28.
  if (m[2] !== undefined) parts.push(-1, Number(m[2]));
  return parts;
}

/** True when `release` is a kernel version string compareReleases understands. */
export function isRelease(release: string): boolean {
  return RELEASE_RE.test(release);
}

/** Compare two kernel releases numerically: 2.4.9 < 2.4.10 < 2.6.0; negative, 0 or positive. */
export function compareReleases(a: string, b: string): number {
  const x = releaseParts(a);
  const y = releaseParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Versions sorted by release. */
export function byRelease<T extends { id: string }>(versions: readonly T[]): T[] {
  return [...versions].sort((a, b) => compareReleases(a.id, b.id));
}

/**
 * 2.5.0 was forked from 2.4.15 (linux-history: "v2.4.15 -> v2.5.0"): the later 2.4 releases are a
 * line of their own, in the history of no 2.5 or 2.6 release.
 */
const FORK_25_FROM = '2.4.15';

/** True when release `a` is in the history of release `b`: no later, and on b's line of development. */
export function inHistoryOf(a: string, b: string): boolean {
  if (compareReleases(a, b) > 0) return false;
  if (compareReleases(a, '2.5') < 0 && compareReleases(b, '2.5') >= 0) return compareReleases(a, FORK_25_FROM) <= 0;
  return true;
}

/** A catalogued change and the version whose catalogue lists it. */
export interface CataloguedChange {
  version: string;
  change: VersionChange;
}

/**
 * The changes that separate release `from` (exclusive) from `to` (inclusive), from every registered
 * version's catalogue: catalogues in release order, each in its own order (the order ties are
 * listed in); an id listed by several versions counts once, with the newest catalogue's entry.
 * Order of the arguments does not matter. A change must also be in the newer release's history:
 * 2.4.23-2.4.31's changes sort between 2.4.22 and 2.6.9 but 2.6.9 never had them (inHistoryOf).
 */
export function changesBetween(registry: readonly KernelVersion[], from: string, to: string): CataloguedChange[] {
  let lo = from;
  let hi = to;
  if (compareReleases(lo, hi) > 0) [lo, hi] = [hi, lo];
  const byId = new Map<string, CataloguedChange>();
  for (const v of byRelease(registry)) {
    for (const change of v.changes) {
      if (compareReleases(change.since, lo) > 0 && compareReleases(change.since, hi) <= 0 && inHistoryOf(change.since, hi))
        byId.set(change.id, { version: v.id, change });
    }
  }
  return [...byId.values()];
}
