/**
 * Links from reports to the kernel source each version follows and to the commits its catalogue
 * cites: Bootlin Elixir for the releases it carries (mainline git history, v2.6.11 onwards; SIM:
 * taken from Elixir's version list as known to us, not checked live from here), the version's own
 * tree on GitHub at its tag or commit for the older ones; mainline commits on git.kernel.org,
 * linux-history commits (releases before 2.6.12) on GitHub.
 */
import { compareReleases } from '../contract/release.js';
import type { KernelVersion, VersionChange } from '../contract/version.js';

/** The first release Elixir's Linux project carries. */
const ELIXIR_FIRST = '2.6.11';
/** The first release of mainline git history; older commits are the linux-history tree's. */
const MAINLINE_GIT_FIRST = '2.6.12';
const HISTORY_REPO = 'MaximeChretien/linux-history';

/** The file name as the C's __FILE__ printed it (2.4: "vmalloc.c") -> a path in the tree. */
function treePath(v: KernelVersion, file: string): string | undefined {
  const files = v.tree?.files ?? [];
  if (files.includes(file)) return file;
  return files.find((f) => f.endsWith('/' + file));
}

/** A link to line `line` of `file` in the version's source, or undefined without a tree. */
export function sourceUrl(v: KernelVersion, file: string, line: number): string | undefined {
  const path = treePath(v, file);
  if (!v.tree || !path) return undefined;
  if (compareReleases(v.id, ELIXIR_FIRST) >= 0) return `https://elixir.bootlin.com/linux/v${v.id}/source/${path}#L${line}`;
  return `https://github.com/${v.tree.repo}/blob/${v.tree.ref}/${path}#L${line}`;
}

/** Where a function is defined in the version's source files, or undefined. */
export function functionLine(v: KernelVersion, fn: string): { file: string; line: number } | undefined {
  for (const [file, fns] of Object.entries(v.lines ?? {})) {
    const line = fns[fn];
    if (line !== undefined) return { file, line };
  }
  return undefined;
}

/** A link to a function's definition in the version's source, or undefined. */
export function functionUrl(v: KernelVersion, fn: string): string | undefined {
  const at = functionLine(v, fn);
  return at ? sourceUrl(v, at.file, at.line) : undefined;
}

/** A link to the line a `kernel BUG at FILE:LINE!` or `WARNING: at FILE:LINE` log line names, or undefined. */
export function logLineUrl(v: KernelVersion, text: string): string | undefined {
  const m = /(?:kernel BUG at |WARNING: at |Badness in \S+ at )(\S+?):(\d+)/.exec(text);
  return m ? sourceUrl(v, m[1], Number(m[2])) : undefined;
}

/** A link to a commit a catalogue entry cites. */
export function commitUrl(change: VersionChange, commit: string): string {
  if (compareReleases(change.since, MAINLINE_GIT_FIRST) < 0) return `https://github.com/${HISTORY_REPO}/commit/${commit}`;
  return `https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=${commit}`;
}
