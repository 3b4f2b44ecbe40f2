/**
 * The result document (contract v1) and the richer per-step record the reports use.
 */
import type { TraceNode } from '../kernel/trace.js';
import type { CounterKey } from '../kernel/counters.js';

/** The errors a step can end with (`error` of a failed step). */
export const STEP_ERRORS = ['ENOMEM', 'BUG', 'OOPS', 'HANG', 'unsupported', 'bad-address', 'nonexistent', 'fault', 'EINVAL', 'EFAULT'] as const;
export type StepError = (typeof STEP_ERRORS)[number];

/** One step's result exactly as the contract prints it (plus optional extra fields). */
export interface StepResult {
  op: string;
  ok: boolean;
  error?: StepError;
  addr?: string | null;
  /** pcpu_get_vm_areas: each area's address in the order of the step's offsets, null for NULL. */
  addrs?: string[] | null;
  count?: number;
  data?: string;
  log: string[];
  /** HANG: the lock the step spins on and the step that holds it, "vmlist_lock (held since step 3)". */
  held?: string;
  /** lookup_pte, vmalloc_to_page/pfn: the raw pte as hex ("0x80000000....163") and its flag names ("P RW A D G NX"). */
  pte?: string;
  prot?: string;
  /** vmallocinfo text, kmemleak_scan report lines (extra fields). */
  text?: string;
  leaks?: { ptr: string; size: number }[];
}

export interface AreaResult {
  addr: string;
  size: number;
  flags: string[];
}

export interface FinalState {
  areas: AreaResult[];
  pagesMapped: number;
  pageTablePages: number;
  kmemleak: { ptr: string; size: number; minCount: number }[] | null;
}

export interface VersionResult {
  version: string;
  steps: StepResult[];
  final: FinalState;
}

export interface ResultDocument {
  scenario: string;
  results: VersionResult[];
}

/** What the runner records beside the contract fields, for reports and the difference engine. */
export interface StepDetail {
  /** Counter changes during the step (non-zero only). */
  cost: Partial<Record<CounterKey, number>>;
  /** Sites of the injected failures (scenario `fail` steps) that fired during the step. */
  faults?: string[];
  trace?: TraceNode[];
}
