/**
 * Conversions between real addresses (hex strings, bigint) and the simulator's biased numbers.
 * See arch.ts for why addresses are biased numbers. NULL is 0 in every space. On x86_64 the
 * biased space is the 48-bit canonical address space: [2^47, 2^48) is the kernel half
 * (0xffff800000000000 and up) and [0, 2^47) the user half, which is where NULL plus an offset,
 * or an address sum that wraps past 2^64, lands. A user-half address a scenario names is kept
 * as its negation (parseAddr); both forms print as the user address and match no kernel mapping.
 */
import type { ArchProfile } from './arch.js';

/** A kernel virtual address in the arch's biased space (always an exact integer). */
export type Addr = number;

/** Real value of a biased address, as the C code would hold it in an unsigned long. */
export function realAddr(arch: ArchProfile, a: Addr): bigint {
  if (a === 0) return 0n;
  if (a < 0) return BigInt(-a);
  if (arch.addrBias === X86_64_BIAS && a < TWO_47) return BigInt(a); /* the user half */
  return BigInt(a) + arch.addrBias;
}

/** "0x…" lower-case hex of a biased address, as the result contract prints it. */
export function hexAddr(arch: ArchProfile, a: Addr): string {
  // Fast paths without BigInt or Number#toString(16) (which costs about a microsecond for
  // numbers above 2^31): every i386 address, and x86_64 kernel-half addresses, whose bias
  // 0xffff000000000000 contributes exactly the top four hex digits above a 48-bit remainder.
  if (a >= 0 && a <= MAX_SAFE) {
    if (arch.addrBias === 0n) return '0x' + hexDigits(a);
    if (arch.addrBias === X86_64_BIAS && a >= TWO_47 && a < TWO_48) return '0xffff' + hex16(Math.floor(a / TWO_32)) + hex32(a % TWO_32);
  }
  return '0x' + realAddr(arch, a).toString(16);
}

/**
 * hexAddr with a memory of recent answers: a direct-mapped table keyed by the page number's low
 * bits. Step results print every address they return, and a run returns the same few addresses
 * again and again; formatting one costs 60-100 ns and four short-lived strings, a hit one compare.
 * Same strings either way: a pure cache.
 */
export class AddrHexCache {
  private static readonly SLOTS = 1024;
  /** The address each slot holds (NaN: empty, equal to no address). */
  private readonly addrs = new Float64Array(AddrHexCache.SLOTS).fill(NaN);
  private readonly texts: string[] = new Array<string>(AddrHexCache.SLOTS).fill('');

  constructor(private readonly arch: ArchProfile) {}

  hex(a: Addr): string {
    const slot = (a >>> 12) & (AddrHexCache.SLOTS - 1);
    if (this.addrs[slot] === a) return this.texts[slot];
    const text = hexAddr(this.arch, a);
    this.addrs[slot] = a;
    this.texts[slot] = text;
    return text;
  }
}

const X86_64_BIAS = 0xffff000000000000n;
const TWO_32 = 2 ** 32;
const TWO_47 = 2 ** 47;
const TWO_48 = 2 ** 48;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

/** Exactly four hex digits of v in [0, 2^16). */
function hex16(v: number): string {
  return HEX2[v >>> 8] + HEX2[v & 255];
}

/** Exactly eight hex digits of v in [0, 2^32). */
function hex32(v: number): string {
  return HEX2[v >>> 24] + HEX2[(v >>> 16) & 255] + HEX2[(v >>> 8) & 255] + HEX2[v & 255];
}

/** Lower-case hex of a non-negative safe integer without leading zeros: v.toString(16). */
export function hexDigits(v: number): string {
  let s: string;
  if (v < TWO_32) s = hex32(v);
  else {
    const hi = Math.floor(v / TWO_32);
    s = hex32(hi) + hex32(v - hi * TWO_32);
  }
  let i = 0;
  const last = s.length - 1;
  while (i < last && s.charCodeAt(i) === 48) i++;
  return i === 0 ? s : s.slice(i);
}

/** The kernel's %p: zero-padded lower-case hex, two digits per pointer byte, no 0x. */
export function fmtPointer(arch: ArchProfile, a: Addr): string {
  return hexAddr(arch, a).slice(2).padStart(arch.ptrBytes * 2, '0');
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
