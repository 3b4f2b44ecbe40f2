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
  /**
   * The api's method for each row of OP_TABLE (undefined: the version lacks it), looked up at
   * boot: looking one up by name on each step was a megamorphic load (eight versions' api shapes).
   */
  methods: readonly (ApiMethod | undefined)[];
}

/** A VersionApi method, called with the api as `this`. */
export type ApiMethod = (...args: unknown[]) => unknown;
