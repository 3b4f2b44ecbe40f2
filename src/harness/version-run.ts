/**
 * A version booted on its own machine: the state the runner, the ops, the invariants and the
 * final-state collector share (a type only, so none of them imports the runner).
 */
import type { Addr } from '../hw/addr.js';
import type { Kernel } from '../kernel/kernel.js';
import type { KernelVersion, VersionApi, VmallocWindow } from '../contract/version.js';

/** A version booted on its own machine, part way through a scenario. */
export interface VersionRun {
  version: KernelVersion;
  kernel: Kernel;
  api: VersionApi;
  window: VmallocWindow;
  bindings: Map<string, Addr>;
  /** Index of the next step (the lock holders' step numbers). */
  stepNo: number;
}
