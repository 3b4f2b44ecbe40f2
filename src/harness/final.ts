/**
 * The final state the contract reports: live vm_structs, present ptes and page-table pages in
 * the vmalloc window, and kmemleak's live objects for versions with the hooks.
 */
import { Owner } from '../hw/frames.js';
import type { FinalState } from '../contract/result.js';
import type { VersionRun } from './version-run.js';

export function pagesMapped(run: VersionRun): number {
  let n = 0;
  run.kernel.machine.pt.forEachPresent(run.window.start, run.window.end, () => n++);
  return n;
}

export function pageTablePages(run: VersionRun): number {
  const m = run.kernel.machine;
  return m.pt.tablesCovering(run.window.start, run.window.end).filter((pfn) => m.mem.owner(pfn) === Owner.PageTable).length;
}

export function finalState(run: VersionRun): FinalState {
  const k = run.kernel;
  return {
    areas: run.api.areas().map((a) => ({ addr: k.hex(a.addr), size: a.size, flags: a.flags })),
    pagesMapped: pagesMapped(run),
    pageTablePages: pageTablePages(run),
    kmemleak: run.version.hasKmemleak ? k.kmemleak.list().map((o) => ({ ptr: k.hex(o.ptr), size: o.size, minCount: o.minCount })) : null,
  };
}
