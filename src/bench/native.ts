/**
 * The native reference (../shared/bench/README.md): the unmodified mainline mm/vmalloc.c of each
 * version compiled with gcc -m32 on a small stub machine, medians of 5 runs on this class of
 * 2-core machine. Copied here so the report can state the ratios without ../shared present.
 */
export interface NativeReference {
  /** Kernel calls only, ns per call on random-mix-200k.json. */
  randomMixNsPerCall: number;
  /** Whole process on random-mix-200k.json: read 10 MB, run, print a one-line summary (s). */
  randomMixWholeProcessS: number;
  /** long_busy_list with 15,000 live 1-page areas: µs per iteration. */
  longBusyListUsPerIteration: number;
}

export const NATIVE: Readonly<Record<string, NativeReference>> = {
  '2.4.19': { randomMixNsPerCall: 433, randomMixWholeProcessS: 0.4, longBusyListUsPerIteration: 108 },
  '2.4.22': { randomMixNsPerCall: 340, randomMixWholeProcessS: 0.32, longBusyListUsPerIteration: 104 },
  '2.6.32': { randomMixNsPerCall: 2146, randomMixWholeProcessS: 0.74, longBusyListUsPerIteration: 489 },
};

/** Nick Piggin's figures for the 2.6.28 vmap rewrite (commit db64fe02258f, "mm: rewrite vmap layer", 2008). */
export const PIGGIN_2008 = {
  oneThread: { beforeUs: 14.7, afterUs: 2.9 },
  eightThreads: { beforeUs: 70.6, afterUs: 2.9 },
  what: 'per 4-page vmap + touch + vunmap',
};
