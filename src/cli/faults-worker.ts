/**
 * The worker thread of `vmx faults --jobs N` (node:worker_threads, node-only; the sweep itself,
 * src/harness/faultsweep.ts, stays free of Node). Each message is one (scenario, version) job:
 * the worker loads the scenario file (as the main thread did, so the same Scenario), keeps the
 * `versions` list the main thread computed, runs sweepVersion and posts the VersionSweep back by
 * structured clone. The main thread puts the results back in the serial order (faults.ts).
 */
import { parentPort } from 'node:worker_threads';
import { sweepVersion } from '../harness/faultsweep.js';
import type { Scenario } from '../contract/scenario.js';
import type { FaultSite } from '../kernel/faults.js';
import { VERSIONS, VERSION_IDS } from '../registry.js';
import { loadFile } from '../scenarios/library.js';

/** One (scenario, version) job, as the main thread sends it. */
export interface FaultJob {
  job: number;
  path: string;
  /** The scenario's own `versions` after --versions (undefined: it named none). */
  versions?: string[];
  version: string;
  sites: FaultSite[];
  maxPerSite?: number;
  /** Post per-injection progress messages (only when a terminal shows them). */
  progress: boolean;
}

export type FaultReply =
  | { type: 'progress'; job: number; msg: string }
  | { type: 'done'; job: number; result: ReturnType<typeof sweepVersion> }
  | { type: 'error'; job: number; error: string };

const loaded = new Map<string, Scenario>();

parentPort?.on('message', (j: FaultJob) => {
  const port = parentPort!;
  try {
    let s = loaded.get(j.path);
    if (!s) loaded.set(j.path, (s = loadFile(j.path, VERSION_IDS, VERSIONS).scenario));
    const v = VERSIONS.find((x) => x.id === j.version);
    if (!v) throw new Error(`faults worker: no version ${j.version}`);
    const onProgress = j.progress ? (msg: string) => port.postMessage({ type: 'progress', job: j.job, msg } satisfies FaultReply) : undefined;
    const result = sweepVersion({ ...s, versions: j.versions }, v, { sites: j.sites, maxPerSite: j.maxPerSite, onProgress });
    port.postMessage({ type: 'done', job: j.job, result } satisfies FaultReply);
  } catch (e) {
    port.postMessage({ type: 'error', job: j.job, error: (e as Error)?.stack ?? String(e) } satisfies FaultReply);
  }
});
