/**
 * One simulated machine: RAM in zones, the kernel page tables, per-CPU TLBs and the MMU that
 * translates kernel virtual addresses for byte loads and stores. Kernel-version agnostic.
 */
import { ARCHES, PAGE_SIZE, type ArchName, type ArchProfile } from './arch.js';
import type { Addr } from './addr.js';
import { Owner, PhysicalMemory, zoneLayoutFor, type Zone, type ZoneName } from './frames.js';
import { PageTables, PTE_FLAG_NX } from './pagetable.js';
import { Tlb, TLB_DIRTY, TLB_NX, TLB_RW, tlbEntry, tlbPfn } from './tlb.js';

/** x86 pte bits the MMU reads and sets (bits 0, 1, 5 and 6 of a pte or large pmd). */
const _PAGE_PRESENT = 0x001;
const _PAGE_RW = 0x002;
const _PAGE_ACCESSED = 0x020;
const _PAGE_DIRTY = 0x040;

export interface MachineConfig {
  arch: ArchName;
  ramMiB: number;
  cpus: number;
  nodes: number;
  /**
   * How the vmalloc code's data pages are placed. "single" (the default) treats RAM as one
   * zone for them, as the reference stub machine the vectors came from does: vmalloc_dma and
   * vmalloc_32 get pages like vmalloc. "split" honours the gfp zone modifiers as x86 does
   * (DMA below 16 MiB, NORMAL, HIGHMEM above lowmem, with the usual fallback order).
   */
  zones?: 'single' | 'split';
  /**
   * The `vmalloc=<size>` boot option in MiB (__VMALLOC_RESERVE); undefined means the kernel's
   * default of 128 MiB. Only versions that have the option read it (Kernel.vmalloc_reserve).
   */
  vmallocReserveMiB?: number;
  /**
   * CPU features the kernels read when they make pte protections: PGE (global pages: cpu_has_pge
   * puts _PAGE_GLOBAL in PAGE_KERNEL or __supported_pte_mask) and NX (no-execute: keeps _PAGE_NX,
   * bit 63, in PAE and x86_64 ptes). Default true for both: an AMD Athlon 64 (K8), which has PGE,
   * PAE and NX and runs i386, PAE and x86_64 kernels alike.
   */
  pge?: boolean;
  nx?: boolean;
  /**
   * PSE (large pages, cpuid 1 EDX bit 3; default true, as the Athlon 64 has it): the kernels' boot
   * code (cpu_has_pse) maps lowmem from PAGE_OFFSET with large pmds (4 MiB on i386, 2 MiB on PAE
   * and x86_64). false: with pte tables (docs/architecture.md).
   */
  pse?: boolean;
  /**
   * Which frames are reserved at boot. "stub" (the default, as the reference oracle's stub
   * machine): all of RAM is free but the boot page tables. "pc": a PC's reservations as 2.4.19's
   * arch/i386/kernel/setup.c / e820 leave them on an SMP kernel: frame 0 (BIOS data,
   * reserve_bootmem(0, PAGE_SIZE)) and frame 1 (the SMP trampoline's, reserve_bootmem(PAGE_SIZE,
   * PAGE_SIZE)), the ISA hole 0xa0000-0xfffff (not RAM in the e820 map: its struct pages stay
   * PageReserved) and the kernel image with its bootmem bitmap and boot page tables at 1 MiB-4 MiB
   * (frames 0x100-0x3ff, PageReserved); the boot tables the machine and the kernel link take frames
   * of the image.
   */
  profile?: 'stub' | 'pc';
}

/** PC profile: frames 0 and 1 and frames [PC_HOLE_START, PC_IMAGE_END) are reserved at boot. */
export const PC_HOLE_START = 0xa0;
/** First frame of the kernel image (1 MiB). */
export const PC_IMAGE_START = 0x100;
/** First frame after the image and its bootmem (4 MiB). */
export const PC_IMAGE_END = 0x400;
/** swapper_pg_dir in 2.4's head.S (.org 0x1000 after startup_32 at 1 MiB): the first image frame the boot tables take. */
const PC_FIRST_TABLE = 0x101;

/** Result of an MMU access: the byte, or a page fault at `addr`. */
export type MmuResult = { ok: true; value: number; viaTlb: boolean } | { ok: false; fault: Addr };

export class Machine {
  readonly arch: ArchProfile;
  readonly mem: PhysicalMemory;
  readonly pt: PageTables;
  readonly tlb: Tlb;
  /**
   * Bytes of RAM the kernel maps directly (its MAXMEM, page-aligned): the end of lowmem, of the
   * NORMAL zone and of high_memory. The kernel's own figure when it gives one (KernelConfig
   * .lowmemLimit), else the arch's default.
   */
  readonly lowmemLimit: number;

  constructor(readonly config: MachineConfig, lowmemLimit?: number) {
    this.arch = ARCHES[config.arch];
    this.lowmemLimit = lowmemLimit ?? this.arch.lowmemLimit;
    const ramBytes = config.ramMiB * 1024 * 1024;
    this.mem = new PhysicalMemory(zoneLayoutFor(config.arch, ramBytes, this.lowmemLimit));
    this.pt = new PageTables(this.arch);
    this.tlb = new Tlb(config.cpus);
    if (config.profile === 'pc') this.reservePc();
    this.bootPageTables();
  }

  /** The pc profile's next image frame for a boot table (see MachineConfig.profile). */
  private nextImageTable = PC_FIRST_TABLE;

  /** The pc profile's reservations: frames 0 and 1, the ISA hole and the kernel image (all owner Boot). */
  private reservePc(): void {
    const dma = this.mem.zones[0];
    const top = Math.min(PC_IMAGE_END, dma.endPfn);
    // Frames are handed out from the bottom: take the first 4 MiB, then give back 2..0x9f.
    for (let pfn = 0; pfn < top; pfn++) this.mem.alloc([dma], Owner.Boot);
    for (let pfn = 2; pfn < Math.min(PC_HOLE_START, top); pfn++) this.mem.release(pfn);
  }

  /**
   * A frame for a page-table page of the boot image or bootmem (owner Boot): "stub" takes the
   * lowest free lowmem frame; "pc" the next frame of the reserved kernel image (from 0x101).
   */
  bootFrame(): number {
    if (this.config.profile === 'pc' && this.nextImageTable < PC_IMAGE_END && this.nextImageTable < this.mem.maxPfn) return this.nextImageTable++;
    return this.mem.reserveBoot(this.lowZones());
  }

  /** swapper_pg_dir, plus PAE's kernel pmds, come from the boot image (owner Boot). */
  private bootPageTables(): void {
    const pgd = this.bootFrame();
    this.pt.install(pgd, 0);
    this.pt.pgdPfn = pgd;
    const from = this.arch.bootKernelPgdFrom;
    if (from !== undefined) {
      for (let i = from; i < this.arch.levels[0].entries; i++) {
        const pmd = this.bootFrame();
        this.pt.install(pmd, 1);
        this.pt.set(this.pt.ptr(pgd, i), pmd + 1);
      }
    }
  }

  /** Zones whose frames the kernel can address directly, preferred first (GFP_KERNEL order). */
  lowZones(): Zone[] {
    return this.zonelist(['NORMAL', 'DMA32', 'DMA']);
  }

  /** The non-empty zones among `names`, in that order. */
  zonelist(names: readonly ZoneName[]): Zone[] {
    const out: Zone[] = [];
    for (const n of names) {
      const z = this.mem.zone(n);
      if (z && z.endPfn > z.startPfn) out.push(z);
    }
    return out;
  }

  /** high_memory: the biased virtual address just past the directly mapped RAM. */
  get highMemory(): Addr {
    const direct = Math.min(this.mem.maxPfn * PAGE_SIZE, this.lowmemLimit);
    return this.arch.pageOffset + direct;
  }

  /** The linear-map (lowmem) address of a frame, as page_address()/__va() give it. */
  lowmemAddress(pfn: number): Addr {
    return this.arch.pageOffset + pfn * PAGE_SIZE;
  }

  /** The last access's translation came from the TLB (no walk): MmuResult.viaTlb. */
  private lastViaTlb = false;

  /**
   * Translate through the CPU's TLB, walking the page tables on a miss: the TLB entry's number
   * (tlbEntry: frame, TLB_RW, TLB_DIRTY) or -1 for a not-present fault. The walk is the x86 MMU's
   * in kernel mode: an upper-level table entry is present and writable (_KERNPG_TABLE, all the
   * kernels make), the leaf (pte or large pmd) must have _PAGE_PRESENT, and on the fill the CPU
   * sets _PAGE_ACCESSED in it if clear (Intel SDM vol. 3 4.8, AMD APM vol. 2 5.4.2). The entry
   * caches the leaf's _PAGE_RW, _PAGE_DIRTY and _PAGE_NX as they were then.
   */
  private translateFor(cpu: number, addr: Addr): number {
    const cached = this.tlb.lookup(cpu, addr);
    if (cached !== undefined) {
      this.lastViaTlb = true;
      return cached;
    }
    this.lastViaTlb = false;
    const pt = this.pt;
    const pfn = pt.translate(addr);
    if (pfn < 0) return -1;
    const p = pt.lastLeaf;
    let f = pt.flags(p);
    if ((f & _PAGE_PRESENT) === 0) return -1;
    if ((f & _PAGE_ACCESSED) === 0) pt.setFlags(p, (f |= _PAGE_ACCESSED));
    const e = tlbEntry(pfn, (f & _PAGE_RW ? TLB_RW : 0) | (f & _PAGE_DIRTY ? TLB_DIRTY : 0) | (f & PTE_FLAG_NX ? TLB_NX : 0));
    this.tlb.fill(cpu, addr, e);
    return e;
  }

  /** A CPU's byte load from a kernel virtual address. */
  load(cpu: number, addr: Addr): MmuResult {
    if (addr <= 0) return { ok: false, fault: addr };
    const e = this.translateFor(cpu, addr);
    if (e < 0) return { ok: false, fault: addr };
    return { ok: true, value: this.mem.readByte(tlbPfn(e), addr % PAGE_SIZE), viaTlb: this.lastViaTlb };
  }

  /**
   * A CPU fetching an instruction byte at a kernel virtual address: a leaf without _PAGE_PRESENT
   * faults, one with _PAGE_NX faults (execute-disable: a pte has NX only when the kernel kept it in
   * __supported_pte_mask, which it does only after setting EFER.NXE; SDM vol. 3 4.6). `nx` in the
   * fault tells the two apart for the kernel's report (the error code's I/D bit with the pte present).
   */
  fetch(cpu: number, addr: Addr): MmuResult | { ok: false; fault: Addr; nx: true } {
    if (addr <= 0) return { ok: false, fault: addr };
    const e = this.translateFor(cpu, addr);
    if (e < 0) return { ok: false, fault: addr };
    if ((e & TLB_NX) !== 0) {
      this.tlb.drop(cpu, addr); // as for a store (SDM vol. 3 4.10.4.1)
      return { ok: false, fault: addr, nx: true };
    }
    return { ok: true, value: this.mem.readByte(tlbPfn(e), addr % PAGE_SIZE), viaTlb: this.lastViaTlb };
  }

  /**
   * A CPU's byte store to a kernel virtual address. With CR0.WP set (2.4's and 2.6's head.S set it
   * on every CPU from the 486 on) a store in kernel mode through an entry without _PAGE_RW faults,
   * as a user one would. The first store through an entry that is not dirty sets _PAGE_DIRTY in
   * the pte the walk reaches now, if it still maps the entry's frame (SDM vol. 3 4.8), and marks
   * the entry dirty; a pte changed under a stale entry is left alone and the store goes through.
   * A store that faults on a read-only entry drops it (a page fault invalidates the address's entry).
   */
  store(cpu: number, addr: Addr, value: number): MmuResult {
    if (addr <= 0) return { ok: false, fault: addr };
    let e = this.translateFor(cpu, addr);
    if (e < 0) return { ok: false, fault: addr };
    if ((e & TLB_RW) === 0) {
      // a page fault invalidates the address's entry (SDM vol. 3 4.10.4.1): a retry walks anew
      this.tlb.drop(cpu, addr);
      return { ok: false, fault: addr };
    }
    const pfn = tlbPfn(e);
    if ((e & TLB_DIRTY) === 0) {
      const pt = this.pt;
      if (pt.translate(addr) === pfn) {
        const p = pt.lastLeaf;
        const f = pt.flags(p);
        if ((f & _PAGE_DIRTY) === 0) pt.setFlags(p, f | _PAGE_DIRTY);
      }
      this.tlb.fill(cpu, addr, (e += TLB_DIRTY)); // += not |=: the number may pass 2^31
    }
    // RAM, or device memory past it (an ioremap'ed frame), which keeps what is written like a
    // RAM BAR (a frame buffer) so that reads through another mapping see it.
    this.mem.writeByte(pfn, addr % PAGE_SIZE, value & 0xff);
    return { ok: true, value: value & 0xff, viaTlb: this.lastViaTlb };
  }
}

export { Owner };
