/**
 * V8's inlining budget, raised for the long replays (docs/perf.md, Round 13).
 *
 * TurboFan stops inlining into a function once the bytecode it has inlined there reaches
 * --max-inlined-bytecode-size-cumulative (920 bytes by default). A port's page loop calls half a
 * dozen kernel services per page (alloc_page, the lock pair, pte_val, set_pte, the frame
 * allocator under them), and with the default the last of them stay out-of-line calls that pass
 * boxed numbers. The flag changes which calls V8 inlines, never what the code computes.
 *
 * Raised by `vmx run` and by the bench (whose timed children run what `vmx run` runs), before
 * they boot a kernel; not for commands made of many short runs (`vmx faults --all` took 28 s with
 * it against 22 without: its runs are over before the larger compiles pay back). V8 flags are
 * per process. Node-only (node:v8): nothing the browser loads imports this.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * 3,000 bytes: 4,000 counted 1–3% fewer instructions a step on 2.6.32's and 2.6.39's random_size
 * but held about 7 MiB more at its peak (TurboFan's compile memory), which took the x86_64 64 GiB
 * random mix over its 100 MB; 8,000 counted no fewer than 4,000.
 */
export const JIT_FLAGS = ['--max-inlined-bytecode-size-cumulative=3000'];

/** Set JIT_FLAGS for the rest of the process (setting them again changes nothing). */
export function raiseInliningBudget(): void {
  for (const f of JIT_FLAGS) setFlagsFromString(f);
}
