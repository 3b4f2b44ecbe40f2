/**
 * Kernel-named services over the simulated machine: what ported mm code calls. Each service is
 * marked FAITHFUL (same observable behaviour as the kernel's), SIMPLIFIED (same contract, less
 * mechanism) or STUBBED (a no-op that is only counted). Every call bumps a counter and, when
 * tracing, records a trace leaf.
 */
import { PAGE_SIZE, type ArchName, type ArchProfile } from '../hw/arch.js';
import { AddrHexCache, fmtPointer, parseAddr, realAddr, type Addr } from '../hw/addr.js';
import { Owner, type PhysicalMemory, type Zone } from '../hw/frames.js';
import { Machine, type MachineConfig } from '../hw/machine.js';
import { PTE_FLAG_LOW, PTE_FLAG_NX, type EntryPtr, type PageTables } from '../hw/pagetable.js';
import { COUNTER_INDEX, COUNTERS, counterIndex, NR_COUNTERS, type CounterKey } from './counters.js';
import { FaultInjector } from './faults.js';
import { Kmemleak } from './kmemleak.js';
import { Console } from './printk.js';
import { Slab } from './slab.js';
import { Tracer } from './trace.js';
import { Locks, type KernelLock } from './locks.js';

/** The address and page-table entry types the ported code uses (versions import them from here, not from src/hw). */
export type { ArchName } from '../hw/arch.js';
export type { Addr } from '../hw/addr.js';
export type { EntryPtr } from '../hw/pagetable.js';
export { KernelHang, type KernelLock } from './locks.js';

/**
 * A pgprot_t / pteval_t as the C computes it (`pgprot_val(prot)`): 64-bit exact, so _PAGE_NX
 * (bit 63 on PAE and x86_64) is `1n << 63n`. The versions keep their pgprot values as this type
 * and turn the flag part of a pte into the word set_pte takes with pte_flags().
 */
export type pgprotval_t = bigint;

/**
 * The flag word set_pte/pte_store take for a pte's flag bits `v` (pfn bits clear): bits 0..11 as
 * they are, bit 63 (NX) as the page tables keep it. FAITHFUL as a re-encoding; a bit the page
 * tables cannot keep (12..62) is a simulator error.
 */
export function pte_flags(v: pgprotval_t): number {
  // BigInt arithmetic is slow: the versions call this through lastPgprotMemo (their pfn_pte_flags).
  const low = Number(v & 0xfffn);
  const nx = (v >> 63n) & 1n;
  if ((v & ~(0xfffn | (1n << 63n))) !== 0n) throw new Error(`simulator: pte flag bits 0x${v.toString(16)} outside bits 0..11 and 63`);
  return nx ? low | PTE_FLAG_NX : low;
}

/**
 * `f` with a one-entry memo on its pgprot argument, for a version's pfn_pte_flags: massage_pgprot's
 * mask is BigInt arithmetic, and each vmalloc calls it with the prot of the call before.
 */
export function lastPgprotMemo(f: (prot: pgprotval_t) => number): (prot: pgprotval_t) => number {
  let last = -1n;
  let flags = 0;
  return (prot) => {
    if (prot !== last) {
      flags = f(prot);
      last = prot;
    }
    return flags;
  };
}

/** pte_flags of a 32-bit pgprot value (i386's pgprot_t, which has no NX bit), without BigInt. */
export function pte_flags32(v: number): number {
  if (v >>> 0 !== v || (v & ~0xfff) !== 0) throw new Error(`simulator: pte flag bits 0x${(v >>> 0).toString(16)} outside bits 0..11`);
  return v;
}

/** The inverse of pte_flags: the pte bits a flag word stands for. */
export function pte_flags_val(f: number): pgprotval_t {
  return BigInt(f & PTE_FLAG_LOW) | (f & PTE_FLAG_NX ? 1n << 63n : 0n);
}

/** Zone modifiers and the zeroing flag, with 2.6.32's bit values (2.4 uses the same low bits). */
export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_DMA32 = 0x04;
export const __GFP_ZERO = 0x8000;

/** A kernel BUG(): the step ends with outcome BUG. Caught by the runner, never escapes it. */
export class KernelBug extends Error {
  constructor(readonly where: string) {
    super(`kernel BUG at ${where}!`);
  }
}

/** The kernel code faulted (NULL dereference, unmapped access): outcome OOPS. */
export class KernelOops extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

/** Per-version kernel configuration: numbers that differ between versions are data. */
export interface KernelConfig {
  /** kmalloc size classes, ascending. */
  kmallocSizes: readonly number[];
  /** __FILE__ as the version's kbuild compiles mm/vmalloc.c ("vmalloc.c" in 2.4). */
  vmallocFile: string;
  /**
   * What the version's lib/vsprintf.c prints for %p of NULL: undefined for zeros like any other
   * pointer (no NULL case before 2.6.30's "(null)"), "(null)", or "(null)" right-aligned in the
   * pointer's width ("padded", 2.6.39: field_width = 2 * sizeof(void *)).
   */
  pointerNull?: '(null)' | 'padded';
  /**
   * The first line the version's arch/.../mm/fault.c prints for a kernel fault at `addr`, `what`
   * being "NULL pointer dereference" (address below PAGE_SIZE) or "paging request". Default: 2.6
   * x86's show_fault_oops, "BUG: unable to handle kernel <what> at %p".
   */
  oopsLine?: (k: Kernel, what: OopsKind, addr: Addr) => string;
  /**
   * The function of the version's fault.c that prints the oops line, as traces show it:
   * "do_page_fault" (2.4, 2.6.9: its no_context label), default "show_fault_oops" (2.6.25 on).
   */
  oopsFunction?: string;
  /**
   * The line the version's fault.c prints before oopsLine for an instruction fetch that faulted
   * (error code bit 4, PF_INSTR), or undefined: 2.6's "kernel tried to execute NX-protected page -
   * exploit attempt? (uid: %d)" when lookup_address finds a present pte without exec, under the
   * version's conditions (CONFIG_X86_PAE only in 2.6.9 and 2.6.27). Default: no such line (2.4).
   */
  nxWarning?: (k: Kernel, addr: Addr) => string | undefined;
  /**
   * What the boot code puts in the pgd entries below the kernel's on PAE (arch.bootKernelPgdFrom).
   * "empty_zero_page": 2.4's arch/i386/mm/init.c pagetable_init first points every entry of
   * swapper_pg_dir at empty_zero_page (the CPU wants the four PDPT entries present), then the
   * kernel's slots at their boot pmds; the user slots share that one page as their pmd table.
   * Default: the entries stay 0 (none).
   */
  paeUserPgd?: 'empty_zero_page';
  /**
   * The version's lowmem limit on `arch`: the bytes of RAM its linear map covers (MAXMEM, rounded
   * down to a page as max_low_pfn = MAXMEM >> PAGE_SHIFT does), computed from the version's own
   * headers. It sets high_memory (= PAGE_OFFSET + min(RAM, limit)) and where ZONE_HIGHMEM starts.
   * undefined (or no function): the arch's default, 2.4's 896 MiB on i386 (src/hw/arch.ts). The
   * x86_64 direct map has no such limit here.
   */
  lowmemLimit?: (arch: ArchName) => number | undefined;
}

/** The two faults arch/.../mm/fault.c tells apart. */
export type OopsKind = 'NULL pointer dereference' | 'paging request';

type CLevel = 'pgd' | 'pud' | 'pmd' | 'pte';

/**
 * A frame number no RAM or device has, for the table of zeroes below an empty entry
 * (Kernel.zeroTable); with KernelConfig.paeUserPgd it is empty_zero_page, which the boot code
 * links under the user pgd slots.
 */
const ZERO_TABLE_PFN = 2 ** 32 - 1;
/** Another such frame number, for the pte table of the kernel image (Kernel.image_pte_table). */
const IMAGE_PTE_TABLE_PFN = 2 ** 32 - 2;
/** The first of the frame numbers (counting down) for the static tables of Kernel.image_table. */
const IMAGE_TABLES_PFN = 2 ** 32 - 16;
/**
 * Table numbers for RAM frames that the kernel code takes for a pte table through a large pmd
 * (Kernel.ram_pte_table): RAM_PTE_TABLES_PFN + the frame, far above any RAM and below the image
 * tables' numbers.
 */
const RAM_PTE_TABLES_PFN = 2 ** 31;

// Counter slots the per-page services bump, resolved once (a keyed lookup per page adds up).
const C_PAGES_ALLOC = COUNTER_INDEX.pages_alloc;
const C_PAGES_FREED = COUNTER_INDEX.pages_freed;
const C_PTES_SET = COUNTER_INDEX.ptes_set;
const C_PTES_CLEARED = COUNTER_INDEX.ptes_cleared;
const C_KFREE_CALLS = COUNTER_INDEX.kfree_calls;
const C_PT_PAGES = COUNTER_INDEX.pt_pages;
const C_TLB_FLUSH_ALL = COUNTER_INDEX.tlb_flush_all;
const C_TLB_FLUSH_RANGE = COUNTER_INDEX.tlb_flush_range;
const C_CACHE_FLUSH = COUNTER_INDEX.cache_flush;
/** leaf()'s counter argument when the call bumps no counter. */
const NO_COUNTER = -1;
const C_LEVELS: readonly CLevel[] = ['pgd', 'pud', 'pmd', 'pte'];

export class Kernel {
  readonly machine: Machine;
  readonly arch: ArchProfile;
  readonly counters = new Float64Array(NR_COUNTERS);
  readonly console = new Console();
  readonly faults = new FaultInjector();
  readonly trace: Tracer;
  readonly slab: Slab;
  readonly kmemleak = new Kmemleak();
  readonly locks = new Locks();
  /** init_mm, as far as the vmalloc code touches it: its page_table_lock. */
  readonly init_mm = { page_table_lock: { name: 'init_mm.page_table_lock' } as KernelLock };
  /** Range of the most recent flush_tlb_kernel_range (for tests and reports). */
  lastFlushRange: { start: Addr; end: Addr } | null = null;
  /** The CPU the kernel code runs on (smp_processor_id()). */
  cpu = 0;
  /** Physical level index each C level name uses, and whether it is the lowest name there. */
  private readonly phys: Record<CLevel, number>;
  private readonly lowest: Record<CLevel, boolean>;
  /** phys and lowest by C level number (0 pgd … 3 pte), for the per-page walks. */
  private readonly physLevel: Int8Array;
  private readonly lowestAt: Uint8Array;
  /** machine.mem and machine.pt, held directly for the per-page services. */
  private readonly mem: PhysicalMemory;
  private readonly pt: PageTables;
  /** arch.ulongWrap, kept on the kernel for ulong() (called on every address sum). */
  private readonly ulongWrap: number;
  private readonly hexCache: AddrHexCache;
  /** Zonelists by zone modifier (DMA, DMA32, HIGHMEM, normal), built once: zones never change. */
  private readonly zlDma: Zone[];
  private readonly zlDma32: Zone[];
  private readonly zlHigh: Zone[];
  private readonly zlNormal: Zone[];
  /** machine.zones === "split": data pages honour the gfp zone modifiers. */
  private readonly splitZones: boolean;

  constructor(
    machineConfig: MachineConfig,
    readonly config: KernelConfig,
  ) {
    this.machine = new Machine(machineConfig, config.lowmemLimit?.(machineConfig.arch));
    this.arch = this.machine.arch;
    this.hexCache = new AddrHexCache(this.arch);
    this.trace = new Tracer(this.counters);
    this.slab = new Slab(this.machine, config.kmallocSizes);
    const names = this.arch.levels.map((l) => l.name as CLevel);
    const phys = {} as Record<CLevel, number>;
    let cur = 0;
    for (const c of C_LEVELS) {
      const i = names.indexOf(c);
      if (i >= 0) cur = i;
      phys[c] = cur;
    }
    this.phys = phys;
    this.lowest = {} as Record<CLevel, boolean>;
    C_LEVELS.forEach((c, i) => {
      const next = C_LEVELS[i + 1];
      this.lowest[c] = next === undefined || phys[next] !== phys[c];
    });
    this.physLevel = Int8Array.from(C_LEVELS, (c) => phys[c]);
    this.lowestAt = Uint8Array.from(C_LEVELS, (c) => (this.lowest[c] ? 1 : 0));
    this.ulongWrap = this.arch.ulongWrap;
    this.mem = this.machine.mem;
    this.pt = this.machine.pt;
    const m = this.machine;
    this.zlDma = m.zonelist(['DMA']);
    this.zlDma32 = m.zonelist(['DMA32', 'DMA']);
    this.zlHigh = m.zonelist(['HIGHMEM', 'NORMAL', 'DMA32', 'DMA']);
    this.zlNormal = m.zonelist(['NORMAL', 'DMA32', 'DMA']);
    this.splitZones = machineConfig.zones === 'split';
    if (config.paeUserPgd === 'empty_zero_page') this.linkUserPgdsToZeroPage();
  }

  /**
   * set_pgd(pgd_base + i, __pgd(1 + __pa(empty_zero_page))) for the pgd slots below the kernel's
   * boot pmds (2.4 arch/i386/mm/init.c pagetable_init, PAE). FAITHFUL: one page, linked under
   * every user slot, so a pte table set up through one of them is seen through all of them (and
   * the zero page is no longer zero). The page is part of the kernel image: its frame lies
   * outside RAM and it is never counted.
   */
  private linkUserPgdsToZeroPage(): void {
    const from = this.arch.bootKernelPgdFrom;
    if (from === undefined) return;
    const pt = this.pt;
    const zero = this.zeroTable();
    pt.markShared(zero);
    for (let i = 0; i < from; i++) pt.set(pt.ptr(pt.pgdPfn, i), zero + 1);
  }

  /** pgd_val(*pgd) == EMPTY_PGD (__pa(empty_zero_page) + 1): the entry points at the zero page. */
  pgd_is_empty_zero_page(p: EntryPtr): boolean {
    return this.pt.get(p) === ZERO_TABLE_PFN + 1;
  }

  /** set_pgd(pgd, __pgd(1 + __pa(table))): point a pgd entry at a pmd table. FAITHFUL. */
  set_pgd(pgd: EntryPtr, tablePfn: number): void {
    this.pt.set(pgd, tablePfn + 1);
  }

  /** __flush_tlb(): the current CPU's TLB only (a trace leaf; no global-flush counter). */
  __flush_tlb(): void {
    this.machine.tlb.flushCpu(this.cpu);
    this.leaf('__flush_tlb');
  }

  /**
   * __get_free_page(GFP_KERNEL) + memset for a pmd table the caller links itself (2.4.0's
   * get_pmd_slow, PAE); fault site "pte_alloc" like every page-table page. The frame, or -1.
   */
  pmd_page_alloc(fn: string): number {
    return this.alloc_table_page(fn, this.physLevel[2]);
  }

  // ---- probes ---------------------------------------------------------------------------

  count(key: CounterKey, n = 1): void {
    this.counters[counterIndex(key)] += n;
  }

  /**
   * Wrap a modelled kernel function so it appears in traces. Returns `fn` itself when tracing
   * is off, so untraced runs pay nothing.
   */
  traced<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
    if (!this.trace.enabled) return fn;
    const tr = this.trace;
    return (...args: A): R => {
      tr.enter(name);
      try {
        return fn(...args);
      } finally {
        tr.leave();
      }
    };
  }

  /**
   * A service call that traces as a leaf, bumping the counter at index `counter` (a C_* slot:
   * a keyed lookup by counter name here went megamorphic across the callers).
   */
  private leaf(fn: string, counter = NO_COUNTER, n = 1): void {
    if (counter !== NO_COUNTER) this.counters[counter] += n;
    if (this.trace.enabled) this.trace.leaf(fn, counter !== NO_COUNTER ? { [COUNTERS[counter].key]: n } : {});
  }

  // ---- console, BUG, WARN (FAITHFUL text) -------------------------------------------------

  printk(text: string): void {
    this.count('printk_lines');
    this.console.printk(text);
  }

  printk_ratelimit(): boolean {
    return this.console.ratelimit();
  }

  /** %p of an address. */
  /** %p as the version prints it (NULL per KernelConfig.pointerNull). */
  p(addr: Addr): string {
    if (addr === 0 && this.config.pointerNull) {
      return this.config.pointerNull === 'padded' ? '(null)'.padStart(this.arch.ptrBytes * 2, ' ') : '(null)';
    }
    return fmtPointer(this.arch, addr);
  }

  /** %08lx / %016lx of an address: always the digits, zero-padded to the pointer width. */
  lx(addr: Addr): string {
    return fmtPointer(this.arch, addr);
  }

  hex(addr: Addr): string {
    return this.hexCache.hex(addr);
  }

  /** BUG() at `line` of the version's mm/vmalloc.c (or another file). */
  BUG(line: number, file = this.config.vmallocFile): never {
    const where = `${file}:${line}`;
    this.printk(`kernel BUG at ${where}!`);
    throw new KernelBug(where);
  }

  BUG_ON(cond: boolean, line: number, file?: string): void {
    if (cond) this.BUG(line, file);
  }

  /** WARN(cond, fmt…): the WARNING line then the message (no cut-here, offsets or stack). */
  WARN(cond: boolean, line: number, fn: string, message?: string, file?: string): boolean {
    if (!cond) return false;
    this.printk(`WARNING: at ${file ?? this.config.vmallocFile}:${line} ${fn}()`);
    if (message !== undefined) this.printk(message);
    return true;
  }

  /**
   * A kernel fault at `addr` (do_page_fault's no_context path): the oops line, then the task dies.
   * `instr`: the fault was an instruction fetch (KernelConfig.nxWarning may print its line first).
   */
  oops_at(addr: Addr, instr = false): never {
    if (instr && this.config.nxWarning) {
      const nx = this.config.nxWarning(this, addr);
      if (nx !== undefined) this.printk(nx);
    }
    const what: OopsKind = realAddr(this.arch, addr) < BigInt(PAGE_SIZE) ? 'NULL pointer dereference' : 'paging request';
    const line = this.config.oopsLine ? this.config.oopsLine(this, what, addr) : `BUG: unable to handle kernel ${what} at ${this.p(addr)}`;
    this.leaf(this.config.oopsFunction ?? 'show_fault_oops');
    this.printk(line);
    throw new KernelOops(`${what} at ${this.lx(addr)}`);
  }

  // ---- locks (SMP: who holds what; see locks.ts) ----------------------------------------------

  /** DEFINE_SPINLOCK / DEFINE_RWLOCK / spin_lock_init: a lock the ported code owns. */
  lock_init(name: string): KernelLock {
    return { name };
  }
  /** spin_lock_init(&lock) on a lock that already exists (a reused vmap_block). */
  spin_lock_init(lock: KernelLock): void {
    this.locks.init(lock);
  }
  spin_lock(lock: KernelLock, expr?: string): void {
    this.locks.acquire(lock, false, expr);
  }
  spin_trylock(lock: KernelLock, expr?: string): boolean {
    return this.locks.tryAcquire(lock, expr);
  }
  spin_unlock(lock: KernelLock): void {
    this.locks.release(lock, false);
  }
  read_lock(lock: KernelLock, expr?: string): void {
    this.locks.acquire(lock, true, expr);
  }
  read_unlock(lock: KernelLock): void {
    this.locks.release(lock, true);
  }
  write_lock(lock: KernelLock, expr?: string): void {
    this.locks.acquire(lock, false, expr);
  }
  write_unlock(lock: KernelLock): void {
    this.locks.release(lock, false);
  }

  // ---- page allocator (FAITHFUL zone fallback, SIMPLIFIED buddy) -------------------------

  /** Zones a gfp mask may use, preferred first (the zonelist). */
  zonelistFor(gfp: number): Zone[] {
    // The same lists as machine.zonelist() builds, built once in the constructor.
    if (gfp & __GFP_DMA) return this.zlDma.slice();
    if (gfp & __GFP_DMA32) return this.zlDma32.slice();
    if (gfp & __GFP_HIGHMEM) return this.zlHigh.slice();
    return this.zlNormal.slice();
  }

  /** zonelistFor without the defensive copy, for the allocator calls below. */
  private zonelist(gfp: number): readonly Zone[] {
    if (gfp & __GFP_DMA) return this.zlDma;
    if (gfp & __GFP_DMA32) return this.zlDma32;
    if (gfp & __GFP_HIGHMEM) return this.zlHigh;
    return this.zlNormal;
  }

  /**
   * alloc_page(gfp) for the vmalloc code's data pages (fault site "alloc_page"). Returns the
   * page's frame number (our struct page *), or -1 for NULL.
   *
   * With machine.zones "single" (the default, as on the reference stub machine of
   * test/vectors/README.md) RAM is one zone for these pages: the zone modifiers in `gfp` do
   * not narrow the choice, so a vmalloc_dma beyond the 16 MiB DMA zone succeeds while RAM
   * lasts; every zone is tried, highmem first. With "split" the gfp zone modifiers choose the
   * zonelist as on x86 (FAITHFUL zone fallback).
   */
  alloc_page(gfp: number, node = -1): number {
    if (this.faults.shouldFail('alloc_page')) {
      this.leaf('alloc_page');
      return -1;
    }
    const pfn = this.mem.alloc(this.splitZones ? this.zonelist(gfp) : this.zlHigh, Owner.Data);
    // SIMPLIFIED: NUMA nodes share the zones; the node is recorded by callers.
    if (pfn >= 0) this.counters[C_PAGES_ALLOC]++;
    if (this.trace.enabled) this.alloc_page_leaf(node, pfn);
    return pfn;
  }

  /** alloc_page's trace leaf (apart: alloc_page runs for every page and stays small). */
  private alloc_page_leaf(node: number, pfn: number): void {
    this.trace.leaf(node >= 0 ? 'alloc_pages_node' : 'alloc_page', pfn >= 0 ? { pages_alloc: 1 } : {});
  }

  /** Pages the harness itself allocates (vmap's pages): never fault-injected, owner Harness. */
  harness_alloc_page(): number {
    return this.machine.mem.alloc(this.zlNormal, Owner.Harness);
  }

  page_count(pfn: number): number {
    return this.machine.mem.refcount(pfn);
  }

  /** get_page / atomic_inc(&page->count). */
  get_page(pfn: number): void {
    this.machine.mem.setRefcount(pfn, this.machine.mem.refcount(pfn) + 1);
  }

  /** __free_page: drop a reference, return the frame to its zone at zero. */
  __free_page(pfn: number): void {
    // put_page_testzero: a page already at count 0 goes to -1 and is not freed again (the C
    // has no check without CONFIG_DEBUG_VM); the invariant checker reports such a count.
    if (this.mem.put(pfn) !== 0) {
      this.leaf('put_page');
      return;
    }
    this.counters[C_PAGES_FREED]++;
    if (this.trace.enabled) this.trace.leaf('__free_page', { pages_freed: 1 });
  }

  /** VALID_PAGE / pfn_valid. */
  pfn_valid(pfn: number): boolean {
    return this.mem.valid(pfn);
  }

  /** PageReserved: boot-image frames. */
  PageReserved(pfn: number): boolean {
    return this.mem.owner(pfn) === Owner.Boot;
  }

  /**
   * __VMALLOC_RESERVE in bytes: the `vmalloc=<size>` boot option (machine.vmallocReserveMiB),
   * 128 MiB when not given (FAITHFUL to arch/i386: `unsigned int __VMALLOC_RESERVE = 128 << 20`).
   * A version without the option (2.4) never reads it.
   */
  get vmalloc_reserve(): number {
    return (this.machine.config.vmallocReserveMiB ?? 128) * 1024 * 1024;
  }

  /** PageBuddy: the frame is free in the page allocator (FAITHFUL as a query). */
  PageBuddy(pfn: number): boolean {
    return this.mem.owner(pfn) === Owner.Free;
  }

  /** high_memory: the end of the directly mapped lowmem, as a kernel virtual address. */
  get high_memory(): Addr {
    return this.machine.highMemory;
  }

  /** max_pfn: the frame number after the last one of RAM. */
  get max_pfn(): number {
    return this.machine.mem.maxPfn;
  }

  /** num_online_cpus() (and num_possible_cpus(): every CPU of the machine is online). */
  num_online_cpus(): number {
    return this.machine.config.cpus;
  }

  /**
   * &((struct T *)NULL)->field: the address `offset` bytes past NULL, which a load through a NULL
   * pointer faults at (on x86_64 a user-half address, kept negated in the biased space).
   */
  null_field(offset: number): Addr {
    return offset === 0 || this.arch.addrBias === 0n ? offset : -offset;
  }

  /** A constant address the C writes as a literal (e.g. VMALLOC_START on x86_64), in the biased space. */
  constAddr(hex: string): Addr {
    return parseAddr(this.arch, hex) as Addr;
  }

  /** num_physpages / totalram_pages of the stub machine: all RAM, all free at boot. */
  get num_physpages(): number {
    return this.machine.mem.maxPfn;
  }

  // ---- slab (SIMPLIFIED) -------------------------------------------------------------------

  /** kmalloc-family call from the vmalloc code (fault site "kmalloc"); 0 for NULL. */
  kmalloc(size: number, name = 'kmalloc', node = -1): Addr {
    this.counters[COUNTER_INDEX.kmalloc_calls]++;
    this.counters[COUNTER_INDEX.kmalloc_bytes] += size;
    if (this.faults.shouldFail('kmalloc')) {
      if (this.trace.enabled) this.trace.leaf(name, { kmalloc_calls: 1, kmalloc_bytes: size });
      return 0;
    }
    const a = this.slab.alloc(size, node);
    if (this.trace.enabled) this.trace.leaf(name, { kmalloc_calls: 1, kmalloc_bytes: size });
    return a;
  }

  kfree(addr: Addr): void {
    if (!addr) return;
    if (!this.slab.free(addr)) throw new Error(`simulator: kfree(${this.hex(addr)}) of an object kmalloc never returned`);
    this.leaf('kfree', C_KFREE_CALLS);
  }

  // ---- page tables (FAITHFUL folding semantics of pgtable-nopud/nopmd) ---------------------

  pgd_offset_k(addr: Addr): EntryPtr {
    const pt = this.machine.pt;
    return pt.ptr(pt.pgdPfn, pt.index(0, addr));
  }

  // C levels as numbers: 0 pgd, 1 pud, 2 pmd, 3 pte (physLevel / lowestAt index these).
  private offset(cl: number, parent: EntryPtr, addr: Addr): EntryPtr {
    const pl = this.physLevel[cl];
    if (pl === this.physLevel[cl - 1]) return parent;
    const pt = this.pt;
    const e = pt.get(parent);
    return pt.ptr(e > 0 ? e - 1 : e === 0 ? this.zeroTable() : this.ram_pte_table(-e - 1), pt.index(pl, addr));
  }

  /**
   * What pte_offset / pte_offset_kernel / pte_offset_map point into below a large pmd: the C takes
   * pmd_page(*pmd) (__va of the entry's frame bits, _PAGE_PSE and the flags masked off), so the large
   * page's first frame of RAM is read and written as a pte table (the kernel scribbles ptes over
   * lowmem). SIM: vmx keeps the ptes the kernel code stores there in a table of their own, made on
   * first use and reading as zeroes before; the frame's data bytes and that table are separate (a
   * load from the frame does not see the ptes, a pte read does not see the bytes stored in it).
   */
  ram_pte_table(frame: number): number {
    const pfn = RAM_PTE_TABLES_PFN + frame;
    if (!this.pt.isTable(pfn)) this.pt.install(pfn, this.physLevel[3]);
    return pfn;
  }

  /**
   * SIMPLIFIED: what an offset below an entry that is none points into. The C walks on without
   * a none test where a level is never none (2.4's free_area_pmd under PAE, whose pgd_none() is
   * always 0 because swapper_pg_dir's user slots point at empty_zero_page): a table of zeroes,
   * never linked, so every entry below reads as none, as it does in the kernel.
   */
  private zeroTable(): number {
    const pt = this.pt;
    if (!pt.isTable(ZERO_TABLE_PFN)) {
      const widest = this.arch.levels.reduce((best, l, i, ls) => (l.entries > ls[best].entries ? i : best), 0);
      pt.install(ZERO_TABLE_PFN, widest);
    }
    return ZERO_TABLE_PFN;
  }

  pud_offset(pgd: EntryPtr, addr: Addr): EntryPtr {
    return this.offset(1, pgd, addr);
  }
  pmd_offset(pud: EntryPtr, addr: Addr): EntryPtr {
    return this.offset(2, pud, addr);
  }
  /** pte_offset (2.4) / pte_offset_kernel (2.6). */
  pte_offset(pmd: EntryPtr, addr: Addr): EntryPtr {
    return this.offset(3, pmd, addr);
  }

  private none(cl: number, p: EntryPtr): boolean {
    // A level folded into the one below always reads as present (pgd_none() returns 0).
    return this.lowestAt[cl] === 1 && this.pt.get(p) === 0;
  }
  pgd_none(p: EntryPtr): boolean {
    return this.none(0, p);
  }
  pud_none(p: EntryPtr): boolean {
    return this.none(1, p);
  }
  pmd_none(p: EntryPtr): boolean {
    return this.none(2, p);
  }
  /** The simulator's pgd and pud entries are never bad (no gbpages: no large pud). */
  pgd_bad(_p: EntryPtr): boolean {
    return false;
  }
  pud_bad(_p: EntryPtr): boolean {
    return false;
  }
  /**
   * pmd_bad: x86's `(pmd_val(x) & ~PAGE_MASK & ~_PAGE_USER) != _KERNPG_TABLE` (2.6.27 on: the flags
   * other than _PAGE_USER differ from _KERNPG_TABLE); of the entries vmx makes only a large one
   * (_PAGE_PSE, lowmem's linear map) has other flags. FAITHFUL for those entries.
   */
  pmd_bad(p: EntryPtr): boolean {
    return this.pt.isLarge(p);
  }
  /** pmd_large (2.6.27 on; 2.6.9 x86_64's pmd_large): the entry is a large page (_PAGE_PSE). */
  pmd_large(p: EntryPtr): boolean {
    return this.pt.isLarge(p);
  }
  /**
   * pmd_val(*pmd) of a large entry: the large page's physical address | its flag bits, 64-bit exact
   * (what pmd_ERROR prints). A table entry reads as its table's address | _KERNPG_TABLE (0x63).
   */
  pmd_val(p: EntryPtr): bigint {
    const e = this.pt.get(p);
    if (e >= 0) return e === 0 ? 0n : (BigInt(e - 1) << 12n) | 0x63n;
    return this.pt.pteValue(p);
  }
  /**
   * &(e) of an entry as the kernel's pointer: the linear-map address of its table's frame + the
   * entry's offset (PAE's pmd_ERROR prints it). FAITHFUL for tables in RAM; a table outside RAM
   * (Kernel.image_table) gets the address its frame number would have.
   */
  entry_address(p: EntryPtr): Addr {
    return this.machine.lowmemAddress(this.pt.ptrFrame(p)) + this.pt.ptrIndex(p) * this.arch.pteBytes;
  }
  /**
   * The text of pmd_ERROR(*pmd) at `file`:`line` (include/asm-i386/pgtable-2level.h / -3level.h;
   * arch/x86/include/asm/pgtable-2level.h / -3level.h / pgtable_64.h): 2-level
   * "%s:%d: bad pmd %08lx.", PAE "%s:%d: bad pmd %p(%016Lx).", x86_64 "%s:%d: bad pmd %p(%016lx).";
   * `what` "pgd" for 2.6.27 on's 2-level, where pmd_ERROR is pgtable-nopmd.h's pud_ERROR, which is
   * pgtable-nopud.h's pgd_ERROR: "%s:%d: bad pgd %08lx.".
   */
  pmd_ERROR_text(p: EntryPtr, file: string, line: number, what: 'pmd' | 'pgd' = 'pmd'): string {
    const v = this.pmd_val(p).toString(16);
    if (this.arch.name === 'i386') return `${file}:${line}: bad ${what} ${v.padStart(8, '0')}.`;
    return `${file}:${line}: bad pmd ${this.p(this.entry_address(p))}(${v.padStart(16, '0')}).`;
  }
  /** pmd_clear(pmd): the entry becomes none (set_pmd(pmd, __pmd(0))). FAITHFUL. */
  pmd_clear(p: EntryPtr): void {
    this.pt.setLeaf(p, 0, 0);
  }
  /**
   * set_pmd(pmd, pfn_pmd(pfn, prot)) / set_pmd(pmd, __pmd(_KERNPG_TABLE + _PAGE_PSE + __pa(vaddr))):
   * a large page of the boot code's linear map; `flags` is the entry's flag word (pte_flags() of
   * the prot, _PAGE_PSE 0x80 among its bits). FAITHFUL.
   */
  set_pmd_large(pmd: EntryPtr, pfn: number, flags: number): void {
    this.pt.setLarge(pmd, pfn, flags);
  }
  /** cpu_has_pse: the CPU has large pages (machine.pse, default true). FAITHFUL as a CPU feature bit. */
  get cpu_has_pse(): boolean {
    return this.machine.config.pse ?? true;
  }
  /** max_low_pfn: the frame number after the last one of lowmem (high_memory's frame). */
  get max_low_pfn(): number {
    return (this.high_memory - this.arch.pageOffset) / PAGE_SIZE;
  }

  /** A zeroed page-table page (fault site "pte_alloc"); -1 for NULL. */
  private alloc_table_page(fn: string, level: number): number {
    if (this.faults.shouldFail('pte_alloc')) {
      this.leaf(fn);
      return -1;
    }
    const pfn = this.mem.alloc(this.zlNormal, Owner.PageTable);
    if (pfn >= 0) this.pt.install(pfn, level);
    this.leaf(fn, pfn >= 0 ? C_PT_PAGES : NO_COUNTER);
    return pfn;
  }

  /**
   * Allocate the table for `level` below `parent` if the parent entry is none; the entry
   * pointer for `addr` at that level, or -1 for NULL. Folded levels allocate nothing.
   */
  private levelAlloc(cl: number, parent: EntryPtr, addr: Addr, fn: string): EntryPtr {
    const pl = this.physLevel[cl];
    if (pl === this.physLevel[cl - 1]) return parent;
    if (this.pt.get(parent) === 0) {
      const pfn = this.alloc_table_page(fn, pl);
      if (pfn < 0) return -1;
      this.pt.set(parent, pfn + 1);
    }
    return this.offset(cl, parent, addr);
  }

  /**
   * A page-table page of the boot image linked below `parent` when that entry is none: owner
   * Boot, so never counted in pageTablePages and never fault-injected (2.6.9 x86_64's static
   * boot_vmalloc_pgt, which setup64.c puts in init_level4_pgt[510]). SIMPLIFIED: the frame is
   * the lowest free lowmem one at the time of the call (the kernel's is in the image).
   */
  boot_table(level: 'pud' | 'pmd' | 'pte', parent: EntryPtr): void {
    const pl = this.physLevel[C_LEVELS.indexOf(level)];
    if (this.pt.get(parent) !== 0) return;
    const pfn = this.machine.bootFrame();
    this.pt.install(pfn, pl);
    this.pt.set(parent, pfn + 1);
  }

  /** Image tables linked so far (Kernel.image_table), by name. */
  private readonly imageTables = new Map<string, number>();

  /**
   * A page-table page of the kernel image or of bootmem that the boot code links below `parent`
   * before vmalloc runs (head_64.S's level3_kernel_pgt, level2_kernel_pgt, level2_fixmap_pgt,
   * level1_fixmap_pgt; the pkmap and fixmap pte tables arch/i386/mm/init.c sets up), when that
   * entry is none. SIMPLIFIED: the machine's RAM is all free at boot (no kernel image, no bootmem
   * reservations), so the table's frame is a number outside RAM, like empty_zero_page's: it is never
   * allocated, counted in pageTablePages, fault-injected or freed, and a walk through it finds its
   * entries as the boot code left them. With machine.profile "pc" the frame is one of the reserved
   * kernel image (owner Boot, PageReserved). Returns the entry pointer for `addr` in the table.
   */
  image_table(level: 'pud' | 'pmd' | 'pte', name: string, parent: EntryPtr, addr: Addr): EntryPtr {
    const cl = C_LEVELS.indexOf(level);
    const pl = this.physLevel[cl];
    if (pl !== this.physLevel[cl - 1] && this.pt.get(parent) === 0) {
      // machine.profile "pc": a reserved frame of the kernel image; else one outside RAM
      const pfn = this.machine.config.profile === 'pc' ? this.machine.bootFrame() : IMAGE_TABLES_PFN - this.imageTables.size;
      this.imageTables.set(name, pfn);
      this.pt.install(pfn, pl);
      this.pt.set(parent, pfn + 1);
    }
    return this.offset(cl, parent, addr);
  }

  /** pud_alloc(&init_mm, pgd, addr). */
  pud_alloc(pgd: EntryPtr, addr: Addr): EntryPtr {
    return this.levelAlloc(1, pgd, addr, 'pud_alloc_one');
  }
  /** pmd_alloc(&init_mm, pud-or-pgd, addr). */
  pmd_alloc(pud: EntryPtr, addr: Addr): EntryPtr {
    return this.levelAlloc(2, pud, addr, 'pmd_alloc_one');
  }
  /** pte_alloc (2.4 mm/memory.c) / pte_alloc_kernel (2.6): the pte pointer, or -1. */
  pte_alloc(pmd: EntryPtr, addr: Addr): EntryPtr {
    return this.levelAlloc(3, pmd, addr, 'pte_alloc_one');
  }

  /**
   * A page-sized pte table that is part of the kernel image rather than allocated (2.4.0's
   * empty_bad_pte_table from head.S, which arch/i386/mm/init.c links under a pmd whose pte page
   * could not be allocated). STUBBED: its frame number lies outside RAM, it is installed once as
   * a zeroed pte-level table, never freed, and not counted in pageTablePages (the reference
   * oracle does not count it either). Returns the table's frame.
   */
  image_pte_table(): number {
    if (!this.pt.isTable(IMAGE_PTE_TABLE_PFN)) this.pt.install(IMAGE_PTE_TABLE_PFN, this.physLevel[3]);
    return IMAGE_PTE_TABLE_PFN;
  }

  /**
   * __get_free_page(GFP_KERNEL) + clear_page for a pte table that the caller links itself
   * (2.4.0's get_pte_kernel_slow); fault site "pte_alloc" like pte_alloc's page. The table's
   * frame, or -1 for NULL. FAITHFUL.
   */
  pte_page_alloc(fn: string): number {
    return this.alloc_table_page(fn, this.physLevel[3]);
  }

  /** set_pmd(pmd, __pmd(_KERNPG_TABLE + __pa(table))): point a pmd (pgd on 2-level) at a pte table. FAITHFUL. */
  set_pmd(pmd: EntryPtr, tablePfn: number): void {
    this.pt.setLeaf(pmd, tablePfn + 1, 0); // no flag word: a table entry (a large one's is dropped)
  }

  /** PTRS_PER_PTE of the arch (1024 on i386, 512 with PAE). FAITHFUL. */
  get PTRS_PER_PTE(): number {
    return this.arch.levels[this.physLevel[3]].entries;
  }

  /** &table[i] of a pte table given by its frame. FAITHFUL. */
  pte_table_entry(tablePfn: number, i: number): EntryPtr {
    return this.pt.ptr(tablePfn, i);
  }

  /**
   * `table[i] = pte` as a plain store (not set_pte: not counted), mapping frame `pfn` with the
   * flag word `flags` (pte_flags()). FAITHFUL.
   */
  pte_store(p: EntryPtr, pfn: number, flags: number): void {
    this.pt.setLeaf(p, pfn + 1, flags);
  }

  /** Raw pte value at a pointer: 0 none, else 1 + frame (the flags: pte_flags_at). */
  pte_val(p: EntryPtr): number {
    return this.pt.get(p);
  }

  /** The flag word of the pte at a pointer (pte_flags(); 0 for none). */
  pte_flags_at(p: EntryPtr): number {
    return this.pt.flags(p);
  }

  /**
   * cpu_has_pge: the CPU has global pages (machine.pge, default true). Read by the versions'
   * paging_init / MAKE_GLOBAL to set _PAGE_GLOBAL. FAITHFUL as a CPU feature bit.
   */
  get cpu_has_pge(): boolean {
    return this.machine.config.pge ?? true;
  }

  /**
   * cpu_has_nx: the CPU has the no-execute bit (cpuid 0x80000001 EDX bit 20; machine.nx, default
   * true). The versions' set_nx / check_efer / x86_configure_nx keep _PAGE_NX in
   * __supported_pte_mask only with it (and only on PAE and x86_64, where ptes have bit 63).
   */
  get cpu_has_nx(): boolean {
    return this.machine.config.nx ?? true;
  }
  pte_none(v: number): boolean {
    return v === 0;
  }
  pte_present(v: number): boolean {
    return v !== 0;
  }
  /** pte_page / pte_pfn. */
  pte_page(v: number): number {
    return v - 1;
  }

  /**
   * set_pte(pte, mk_pte(page, prot)): frame `pfn` with the flag word `flags`, which the version
   * computes from its prot as its mk_pte/pfn_pte does (pte_flags() of the flag bits).
   */
  set_pte(p: EntryPtr, pfn: number, flags: number): void {
    this.pt.setLeaf(p, pfn + 1, flags);
    this.counters[C_PTES_SET]++;
  }

  /** ptep_get_and_clear: the old value. */
  ptep_get_and_clear(p: EntryPtr): number {
    const v = this.pt.getAndClear(p);
    if (v !== 0) this.counters[C_PTES_CLEARED]++;
    return v;
  }

  /**
   * lookup_address(address): the flag word of the pte (or large pmd) the kernel's walk of init_mm
   * reaches for `addr` (0 for a pte that is none), or -1 when an upper level is none (NULL). FAITHFUL.
   */
  lookup_address_flags(addr: Addr): number {
    const pt = this.machine.pt;
    pt.translate(addr);
    const p = pt.lastLeaf;
    return p < 0 ? -1 : pt.flags(p);
  }

  /** Page-table walk without the TLB (vmalloc_to_page's walk): the frame or -1. */
  walk(addr: Addr): number {
    return this.machine.pt.translate(addr);
  }

  // ---- TLB and cache (FAITHFUL to x86: flush_tlb_kernel_range is flush_tlb_all) -----------

  flush_tlb_all(): void {
    this.machine.tlb.flushAll();
    this.leaf('flush_tlb_all', C_TLB_FLUSH_ALL);
  }

  flush_tlb_kernel_range(start: Addr, end: Addr): void {
    this.lastFlushRange = { start, end };
    this.machine.tlb.flushAll();
    this.leaf('flush_tlb_kernel_range', C_TLB_FLUSH_RANGE);
  }

  /** flush_cache_all: STUBBED on x86 (coherent caches), only counted. */
  flush_cache_all(): void {
    this.leaf('flush_cache_all', C_CACHE_FLUSH);
  }
  /** flush_cache_vmap / flush_cache_vunmap: STUBBED no-ops on x86, counted. */
  flush_cache_vmap(): void {
    this.leaf('flush_cache_vmap', C_CACHE_FLUSH);
  }
  flush_cache_vunmap(): void {
    this.leaf('flush_cache_vunmap', C_CACHE_FLUSH);
  }

  // ---- memory access by the kernel code (through the current CPU's TLB) -------------------

  /** *(char *)addr as the CPU executes it; an unmapped address oopses. */
  readByte(addr: Addr): number {
    const r = this.machine.load(this.cpu, addr);
    if (!r.ok) this.oops_at(addr);
    return r.value;
  }

  writeByte(addr: Addr, v: number): void {
    const r = this.machine.store(this.cpu, addr, v);
    if (!r.ok) this.oops_at(addr);
  }

  /** Bytes of a page through its lowmem/kmap mapping (kmap_atomic + memcpy). */
  readPage(pfn: number, off: number, out: Uint8Array, outOff: number, n: number): void {
    const page = this.pfn_valid(pfn) ? this.machine.mem.peekPage(pfn) : undefined;
    if (page) out.set(page.subarray(off, off + n), outOff);
    else out.fill(0, outOff, outOff + n);
  }

  writePage(pfn: number, off: number, src: Uint8Array, srcOff: number, n: number): void {
    if (!this.pfn_valid(pfn)) return;
    this.machine.mem.pageForWrite(pfn).set(src.subarray(srcOff, srcOff + n), off);
  }

  /** unsigned long arithmetic: wrap a sum into the arch's address space. */
  ulong(x: number): number {
    const w = this.ulongWrap;
    if (x >= 0 && x < w) return x;
    return ((x % w) + w) % w;
  }

  /** PAGE_ALIGN(size) with unsigned-long wrap (a size near 2^32 wraps to 0 on i386). */
  PAGE_ALIGN(size: number): number {
    const aligned = Math.floor((size + PAGE_SIZE - 1) / PAGE_SIZE) * PAGE_SIZE;
    if (this.arch.bitsPerLong === 32) return aligned % 2 ** 32;
    // 64-bit sizes vmx accepts stay below 2^53, far from the 2^64 wrap.
    return aligned;
  }

  get PAGE_SIZE(): number {
    return PAGE_SIZE;
  }

  /** Bytes one entry of the table acting as `level` maps (PGDIR_SIZE, PUD_SIZE, PMD_SIZE). */
  levelSize(level: 'pgd' | 'pud' | 'pmd'): number {
    return 2 ** this.arch.levels[this.phys[level]].shift;
  }

  /** x & LEVEL_MASK for a level's size: round down to the start of its slot. */
  levelFloor(x: number, size: number): number {
    return Math.floor(x / size) * size;
  }
}
