/**
 * V8's inlining budget, raised for the simulator (docs/perf.md, Round 13).
 *
 * TurboFan stops inlining into a function once the bytecode it has inlined there reaches
 * --max-inlined-bytecode-size-cumulative (920 bytes by default). A port's page loop calls half a
 * dozen kernel services per page (alloc_page, the lock pair, pte_val, set_pte, the frame
 * allocator under them), and with the default the last of them stay out-of-line calls that pass
 * boxed numbers. The flag changes which calls V8 inlines, never what the code computes.
 *
 * Imported first by the Node entry points (the CLI and the bench), never by code the browser
 * loads. V8 flags are per process, so the fault sweep's worker threads share it.
 */
import { setFlagsFromString } from 'node:v8';

export const JIT_FLAGS = ['--max-inlined-bytecode-size-cumulative=4000'];

for (const f of JIT_FLAGS) setFlagsFromString(f);
