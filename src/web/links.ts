/**
 * Where a catalogued change's commit can be read (contract/version.ts VersionChange.commits):
 * mainline git from 2.6.12 on; before that, the linux-history tree the catalogue cites.
 */
import { compareReleases, isRelease } from '../contract/release.js';

export const MAINLINE_COMMIT = 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=';
export const HISTORY_COMMIT = 'https://github.com/MaximeChretien/linux-history/commit/';

export function commitUrl(id: string, since: string): string {
  return (isRelease(since) && compareReleases(since, '2.6.12') < 0 ? HISTORY_COMMIT : MAINLINE_COMMIT) + encodeURIComponent(id);
}
