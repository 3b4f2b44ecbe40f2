/**
 * The scenario document of the contract (v1) as types: the machine, the steps, the expectations.
 * Validation lives in the harness (src/harness/scenario.ts); the op names come from ops.ts.
 */
import type { ArchName } from '../hw/arch.js';
import type { FaultSite } from '../kernel/faults.js';
import type { OpName } from './ops.js';

/** Expectations keyed by version id or "*" (see src/harness/expect.ts). */
export type ExpectMap = Record<string, Record<string, unknown>>;

export interface MachineSpec {
  arch: ArchName;
  ramMiB: number;
  cpus: number;
  nodes: number;
  /** "single" (default, like the reference stub machine) or "split" (gfp zone modifiers honoured). */
  zones?: 'single' | 'split';
  vmallocStart?: string;
  vmallocEnd?: string;
  /** The vmalloc=<size> boot option in MiB (default 128); read by the versions that have it. */
  vmallocReserveMiB?: number;
  /** Boot reservations: "stub" (default: all RAM free) or "pc" (frames 0 and 1, the ISA hole, the kernel image at 1-4 MiB). */
  profile?: 'stub' | 'pc';
  /** CPU features (default true, an Athlon 64): PGE (global pages) and NX (no-execute bit). */
  pge?: boolean;
  nx?: boolean;
  /** PSE (large pages, default true): the boot code maps lowmem with PSE pmds; false gives it pte tables. */
  pse?: boolean;
}

export interface Step {
  op: OpName;
  size?: number;
  as?: string;
  ref?: string;
  addr?: string;
  node?: number;
  pages?: number;
  flags?: 'VM_ALLOC' | 'VM_IOREMAP';
  offset?: number;
  data?: string;
  count?: number;
  site?: FaultSite;
  nth?: number;
  cpu?: number;
  phys?: string;
  /** __vmalloc's protection: a PGPROT_NAMES name or a "0x" pgprot value (bits 0-11 and 63). */
  prot?: string;
  /** __vmalloc_node_range's window, as addresses. */
  start?: string;
  end?: string;
  /** pcpu_get_vm_areas' offsets and sizes (arrays of equal length). */
  offsets?: number[];
  sizes?: number[];
  /** __vmalloc_node's alignment in bytes (a power of two). */
  align?: number;
  comment?: string;
  /** What must happen, per version id or "*" (see expect.ts). */
  expect?: ExpectMap;
}

export interface Scenario {
  name: string;
  description?: string;
  machine: MachineSpec;
  versions?: string[];
  steps: Step[];
  expectFinal?: ExpectMap;
  seed?: number;
  /** Library metadata (src/scenarios/builtin): the versions it is about, where it comes from, the question it asks. */
  about?: string | string[];
  source?: string;
  question?: string;
  /** One-line answer per version id or "*", with ${step.field} placeholders filled from a run (expect.ts). */
  answers?: Record<string, string>;
  /** Versions whose results `vmx pin` recorded in the expectations. */
  pinned?: string[];
  /** Steps (an "as" name or "#index") after which docs/scenarios.md draws the address space. */
  pictures?: string[];
  /** Set when the steps were generated: where each expanded step came from and with which bindings. */
  origins?: string[];
  bindings?: string[];
}

/** The pgprot names a step's `prot` may give (each version resolves them from its own headers). */
export const PGPROT_NAMES = ['PAGE_KERNEL', 'PAGE_KERNEL_EXEC', 'PAGE_KERNEL_NOCACHE'] as const;
