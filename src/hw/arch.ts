/**
 * Hardware geometry of the simulated CPUs: page-table levels, entry counts, pointer width and the
 * linear-map base. Nothing here is a kernel-version choice; VMALLOC_START/END belong to versions.
 *
 * Addresses are kept as JavaScript numbers in a *biased* space so every value stays an exact
 * integer (x86_64 addresses exceed 2^53): on i386 the bias is 0; on x86_64 it is
 * 0xffff000000000000, so the canonical kernel half [0xffff800000000000, 2^64) becomes
 * [2^47, 2^48). Below 2^47 lies the user half, as in the CPU's 48-bit canonical addresses
 * (addr.ts prints it so): biased 0 is NULL in both spaces, NULL + 16 is the user address 0x10.
 * `ulongWrap` is where unsigned-long address arithmetic wraps in biased space (2^32, or
 * 2^64 - bias = 2^48, so a sum past 2^64 lands on the user address it wraps to).
 */

export type ArchName = 'i386' | 'i386-pae' | 'x86_64';

/** One level of the page-table tree, top (pgd) first. */
export interface PageTableLevel {
  readonly name: 'pgd' | 'pud' | 'pmd' | 'pte';
  /** log2 of the bytes one entry of this level maps. */
  readonly shift: number;
  readonly entries: number;
}

export interface ArchProfile {
  readonly name: ArchName;
  readonly levels: readonly PageTableLevel[];
  /** Size of a C pointer (sizeof(struct page *)) in bytes. */
  readonly ptrBytes: 4 | 8;
  /** Size of one page-table entry in bytes. */
  readonly pteBytes: 4 | 8;
  /** Bias subtracted from real addresses to get the simulator's exact number. */
  readonly addrBias: bigint;
  /** Where unsigned-long address sums wrap in biased space. */
  readonly ulongWrap: number;
  /** BITS_PER_LONG. */
  readonly bitsPerLong: 32 | 64;
  /** PAGE_OFFSET: start of the kernel's linear map of RAM (biased). */
  readonly pageOffset: number;
  /**
   * Default bytes of RAM the linear map can reach (lowmem); above it is HIGHMEM (i386 only). How
   * much RAM a kernel maps directly is the kernel's choice (MAXMEM in its headers), not the
   * hardware's: a version gives its own through KernelConfig.lowmemLimit, and this default is
   * 2.4's i386 MAXMEM (-PAGE_OFFSET - __VMALLOC_RESERVE = 1 GiB - 128 MiB = 896 MiB).
   */
  readonly lowmemLimit: number;
  /** Top-level entries pre-populated at boot for the kernel half (PAE's kernel pmds). */
  readonly bootKernelPgdFrom?: number;
}

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;

const MiB = 1024 * 1024;
const X86_64_BIAS = 0xffff000000000000n;

export const ARCHES: Readonly<Record<ArchName, ArchProfile>> = {
  i386: {
    name: 'i386',
    levels: [
      { name: 'pgd', shift: 22, entries: 1024 },
      { name: 'pte', shift: 12, entries: 1024 },
    ],
    ptrBytes: 4,
    pteBytes: 4,
    addrBias: 0n,
    ulongWrap: 2 ** 32,
    bitsPerLong: 32,
    pageOffset: 0xc0000000,
    lowmemLimit: 896 * MiB,
  },
  'i386-pae': {
    name: 'i386-pae',
    levels: [
      { name: 'pgd', shift: 30, entries: 4 },
      { name: 'pmd', shift: 21, entries: 512 },
      { name: 'pte', shift: 12, entries: 512 },
    ],
    ptrBytes: 4,
    pteBytes: 8,
    addrBias: 0n,
    ulongWrap: 2 ** 32,
    bitsPerLong: 32,
    pageOffset: 0xc0000000,
    lowmemLimit: 896 * MiB,
    // The kernel's pmd pages (pgd slot 3, 0xc0000000 and up) are part of the boot page tables.
    bootKernelPgdFrom: 3,
  },
  x86_64: {
    name: 'x86_64',
    levels: [
      { name: 'pgd', shift: 39, entries: 512 },
      { name: 'pud', shift: 30, entries: 512 },
      { name: 'pmd', shift: 21, entries: 512 },
      { name: 'pte', shift: 12, entries: 512 },
    ],
    ptrBytes: 8,
    pteBytes: 8,
    addrBias: X86_64_BIAS,
    ulongWrap: 2 ** 48,
    bitsPerLong: 64,
    // 0xffff880000000000, the direct mapping of all physical memory.
    pageOffset: Number(0xffff880000000000n - X86_64_BIAS),
    lowmemLimit: Number.MAX_SAFE_INTEGER,
  },
};

export function isArchName(s: unknown): s is ArchName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(ARCHES, s);
}
