/**
 * A toy "kernel version" for testing the checkers themselves: a bump allocator over a fixed
 * window that maps pages with the real kernel services, with switchable bugs. It is never
 * registered; tests hand it to the runner and the fault sweep directly, so that each finding
 * kind is produced on purpose and the sweep is seen to tell a leaky version from a clean one.
 *
 *   0xd0000000                                                    0xd1000000
 *   | area 0 (pages + guard) | area 1 (pages + guard) | …  bump →  |
 */
import type { Addr } from '../../src/hw/addr.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import type { AreaView, FreeOutcome, KernelVersion, RangeView, VersionApi } from '../../src/contract/version.js';

export interface ToyBugs {
  /** A failed vmalloc returns NULL without freeing what it took. */
  leakOnFailure?: boolean;
  /** vfree frees the pages and the descriptor but leaves the ptes (and skips the flush). */
  keepPtes?: boolean;
  /** vfree clears ptes and frees pages but never flushes the TLB. */
  noFlush?: boolean;
  /** vfree keeps the range as 'lazy' (ptes and all) until vm_unmap_aliases, as 2.6.28+ does. */
  lazy?: boolean;
  /** vfree forgets to kfree the descriptor. */
  leakDescriptor?: boolean;
  /** Every other area starts one page early, overlapping the previous one's guard page. */
  overlap?: boolean;
}

const PAGE = 4096;

export function toyVersion(id: string, bugs: ToyBugs = {}): KernelVersion {
  return {
    id,
    title: `toy ${id}`,
    source: 'test/property/toy.ts',
    arches: ['i386', 'i386-pae', 'x86_64'],
    changes: [],
    hasKmemleak: false,
    kernelConfig: { kmallocSizes: [32, 64, 128, 256, 512, 1024, 2048, 4096], vmallocFile: 'toy.c' },
    defaultWindow: (k) => ({ start: k.arch.pageOffset + 0x10000000, end: k.arch.pageOffset + 0x11000000 }),
    boot(k: Kernel, window): VersionApi {
      interface Area {
        addr: Addr;
        size: number;
        pages: number[];
        desc: Addr;
      }
      const areas: Area[] = [];
      const lazy: { start: Addr; end: Addr; pages: number[] }[] = [];
      let bump = window.start;
      let n = 0;
      const ptep = (a: Addr) => k.pte_alloc(k.pmd_alloc(k.pud_alloc(k.pgd_offset_k(a), a), a), a);
      const unmap = (a: Area) => {
        for (let i = 0; i < a.pages.length; i++) k.ptep_get_and_clear(ptep(a.addr + i * PAGE));
      };
      const purge = () => {
        for (const l of lazy.splice(0)) for (let a = l.start; a < l.end; a += PAGE) k.ptep_get_and_clear(ptep(a));
        k.flush_tlb_all();
      };
      const vmalloc = (size: number): Addr => {
        const nr = Math.ceil(size / PAGE);
        if (!nr || bump + (nr + 1) * PAGE > window.end) return 0;
        const desc = k.kmalloc(16);
        if (!desc) return 0;
        const addr = bugs.overlap && n++ % 2 === 1 ? bump - PAGE : bump;
        const area: Area = { addr, size: (nr + 1) * PAGE, pages: [], desc };
        for (let i = 0; i < nr; i++) {
          const pte = ptep(addr + i * PAGE);
          const page = pte < 0 ? -1 : k.alloc_page(0);
          if (page < 0) {
            if (!bugs.leakOnFailure) {
              unmap(area);
              for (const p of area.pages) k.__free_page(p);
              k.kfree(desc);
            }
            return 0;
          }
          k.set_pte(pte, page, 0x163);
          area.pages.push(page);
        }
        areas.push(area);
        bump = addr + area.size;
        return addr;
      };
      const vfree = (addr: Addr): FreeOutcome => {
        if (!addr) return 'ok';
        const i = areas.findIndex((a) => a.addr === addr);
        if (i < 0) return 'nonexistent';
        const [a] = areas.splice(i, 1);
        if (bugs.lazy) lazy.push({ start: a.addr, end: a.addr + a.size, pages: a.pages });
        else if (!bugs.keepPtes) unmap(a);
        for (const p of a.pages) k.__free_page(p);
        if (!bugs.leakDescriptor) k.kfree(a.desc);
        if (!bugs.noFlush && !bugs.keepPtes && !bugs.lazy) k.flush_tlb_all();
        return 'ok';
      };
      const inArea = (addr: Addr) => areas.find((a) => addr >= a.addr && addr < a.addr + a.size - PAGE);
      return {
        vmalloc,
        vfree,
        vread(buf, addr, count) {
          for (let i = 0; i < count; i++) buf[i] = inArea(addr + i) ? k.readByte(addr + i) : 0;
          return count;
        },
        vwrite(buf, addr, count) {
          for (let i = 0; i < count; i++) if (inArea(addr + i)) k.writeByte(addr + i, buf[i]);
          return count;
        },
        vm_unmap_aliases: purge,
        areas: (): AreaView[] => [...areas].sort((a, b) => a.addr - b.addr).map((a) => ({ addr: a.addr, size: a.size, flags: ['VM_ALLOC'], nrPages: a.pages.length })),
        ranges: (): RangeView[] => [
          ...areas.map((a) => ({ start: a.addr, end: a.addr + a.size, state: 'live' as const })),
          ...lazy.map((l) => ({ start: l.start, end: l.end, state: 'lazy' as const })),
        ],
      };
    },
  };
}
