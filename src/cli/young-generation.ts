/**
 * A ceiling on V8's young generation for long runs (issue 20: peak RSS).
 *
 * V8 starts the young generation at 1 MiB (two semi-spaces of 512 KiB) and doubles it, up to
 * 32 MiB on 64-bit, each time as many bytes have survived scavenges since the last growth as it
 * holds. The simulated kernel's objects (vm_structs, vmap_areas, slab records) live for hundreds
 * or thousands of steps, so they survive a scavenge or two before promotion, and every long run
 * ends at the maximum, whose pages then stay resident: about 14 MiB of the x86_64 random mix's
 * peak. Measured on that mix on 2.6.32 and 2.6.39 (docs/perf.md, Round 4), the scavenges took
 * 82 ms in all with the young generation at 32 MiB, 76–97 held at 16 MiB, 98–114 at 8 MiB and
 * 226–252 at 1 MiB. 16 MiB kept the time and gave back the memory until Round 13 raised V8's
 * inlining budget (src/jit-tuning.ts), whose compiles take about 3–4 MiB more at the peak: 8 MiB
 * (about 20 ms more scavenging over that 1.4 s run) keeps the x86_64 mix under its 100 MB.
 *
 * Node sets the maximum only at start-up (--max-semi-space-size). V8 reads its growth factor
 * at each growth, though, so setting it to 1 once the young generation has reached the ceiling
 * holds it there from inside the process. Which GC runs when never changes a result.
 *
 * Node-only (node:v8), so outside the core the browser explorer shares: `vmx run` calls it every
 * step, and so does the bench's timed loop, which therefore measures the same process.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Bytes the young generation (both semi-spaces) may grow to. */
export const YOUNG_GENERATION_CEILING = 8 * 1024 * 1024;

/** Steps between two looks at the young generation's size (a look costs a few microseconds). */
const POLL_STEPS = 1024;

let steps = 0;
let held = false;

/** Called once per step: stops the young generation's growth once it reaches the ceiling. */
export function holdYoungGeneration(): void {
  if (held || ++steps % POLL_STEPS !== 0) return;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name !== 'new_space') continue;
    if (space.space_size >= YOUNG_GENERATION_CEILING) {
      setFlagsFromString('--semi-space-growth-factor=1');
      held = true;
    }
    return;
  }
}

/** Whether the young generation is being held at its ceiling (test/young-generation.test.ts). */
export function youngGenerationHeld(): boolean {
  return held;
}
