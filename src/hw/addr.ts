/**
 * Conversions between real addresses (hex strings, bigint) and the simulator's biased numbers.
 * See arch.ts for why addresses are biased numbers. NULL is 0 in every space; on x86_64 a
 * user-half address below 2^53 is kept as its negation so it prints back exactly and never
 * matches a kernel mapping.
 */
import type { ArchProfile } from './arch.js';

/** A kernel virtual address in the arch's biased space (always an exact integer). */
export type Addr = number;

/** Real value of a biased address, as the C code would hold it in an unsigned long. */
export function realAddr(arch: ArchProfile, a: Addr): bigint {
  if (a === 0) return 0n;
  if (a < 0) return BigInt(-a);
  return BigInt(a) + arch.addrBias;
}

/** "0x…" lower-case hex of a biased address, as the result contract prints it. */
export function hexAddr(arch: ArchProfile, a: Addr): string {
  return '0x' + realAddr(arch, a).toString(16);
}

/** The kernel's %p: zero-padded lower-case hex, two digits per pointer byte, no 0x. */
export function fmtPointer(arch: ArchProfile, a: Addr): string {
  return realAddr(arch, a).toString(16).padStart(arch.ptrBytes * 2, '0');
}

export const HEX_RE = /^0x[0-9a-fA-F]{1,16}$/;

/** Parse "0x…" into a biased address, or return a message saying why it cannot be one. */
export function parseAddr(arch: ArchProfile, hex: string): Addr | string {
  if (!HEX_RE.test(hex)) return `malformed hex address ${JSON.stringify(hex)} (want 0x and 1-16 hex digits)`;
  const v = BigInt(hex);
  if (v >= 1n << BigInt(arch.bitsPerLong)) return `address ${hex} does not fit a ${arch.bitsPerLong}-bit unsigned long`;
  if (v === 0n) return 0;
  if (arch.addrBias === 0n) return Number(v);
  if (v >= arch.addrBias) return Number(v - arch.addrBias);
  if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return -Number(v);
  return `address ${hex} is neither a kernel-half address nor a small user address vmx can represent exactly`;
}
