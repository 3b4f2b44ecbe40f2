/**
 * i386 ioremap / ioremap_nocache / iounmap of 2.4.19 and 2.4.22 (arch/i386/mm/ioremap.c, the
 * same file in both tags), worked out from the source and written out here.
 * Run: npx vitest run test/versions/ioremap-2.4.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB. RAM is phys [0, 0x08000000), high_memory is
 * 0xc8000000, the vmalloc window starts at 0xc8800000. "Device memory" is phys 0xe0000000 and
 * up: frames 0xe0000.. that have no struct page (not VALID_PAGE).
 */
import { describe, expect, it } from 'vitest';
import { COUNTER_INDEX, type CounterKey } from '../../src/kernel/counters.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import { MiB, PAGE, boot, final, run, step, stepWithCost } from './support-2.4.js';

function counter(k: Kernel, key: CounterKey): number {
  return k.counters[COUNTER_INDEX[key]];
}

function freeFrames(k: Kernel): number {
  return k.machine.mem.zones.reduce((n, z) => n + z.nrFree, 0);
}

describe.each(['2.4.19', '2.4.22'])('%s ioremap', (V) => {
  it('maps device memory above RAM and adds the offset back into the address', () => {
    // phys 0xe0000123, 0x2000 bytes: last_addr 0xe0002122, so frames 0xe0000..0xe0002 (3 pages)
    // 0xc8800000 [0xe0000][0xe0001][0xe0002][guard] 0xc8804000; returned 0xc8800000 + 0x123
    const r = boot(V);
    const k = r.kernel;
    expect(step(r, { op: 'ioremap', phys: '0xe0000123', size: 0x2000, as: 'io' })).toEqual({
      op: 'ioremap',
      ok: true,
      addr: '0xc8800123',
      log: [],
    });
    expect([0, 1, 2, 3].map((i) => k.walk(0xc8800000 + i * PAGE))).toEqual([0xe0000, 0xe0001, 0xe0002, -1]);
    expect(final(r)).toEqual({
      areas: [{ addr: '0xc8800000', size: 0x4000, flags: ['VM_IOREMAP'] }],
      pagesMapped: 3,
      pageTablePages: 1,
      kmemleak: null,
    });
  });

  it('allocates no data page: only the vm_struct and the pte page', () => {
    const r = boot(V);
    const { detail } = stepWithCost(r, { op: 'ioremap', phys: '0xe0000000', size: 16 * PAGE });
    expect(detail.cost).toMatchObject({ kmalloc_calls: 1, pt_pages: 1, ptes_set: 16, tlb_flush_all: 1 });
    expect(detail.cost.pages_alloc).toBeUndefined();
  });

  it('iounmap (vfree of addr & PAGE_MASK) clears the ptes and leaves the device frames alone', () => {
    const r = boot(V);
    const k = r.kernel;
    step(r, { op: 'ioremap', phys: '0xe0000123', size: 0x2000, as: 'io' });
    // what the device holds survives the unmap
    step(r, { op: 'poke', ref: 'io', data: '5a5a' });
    const free = freeFrames(k);
    const { result, detail } = stepWithCost(r, { op: 'iounmap', ref: 'io' });
    expect(result).toEqual({ op: 'iounmap', ok: true, log: [] });
    expect(detail.cost).toMatchObject({ ptes_cleared: 3, tlb_flush_all: 1, kfree_calls: 1 });
    expect(detail.cost.pages_freed).toBeUndefined();
    expect(freeFrames(k)).toBe(free);
    expect([0xe0000, 0xe0001, 0xe0002].map((p) => k.page_count(p))).toEqual([0, 0, 0]);
    expect(k.walk(0xc8800000)).toBe(-1);
    expect(final(r)).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 1, kmemleak: null });
    step(r, { op: 'ioremap', phys: '0xe0000000', size: PAGE, as: 'again' });
    expect(step(r, { op: 'peek', ref: 'again', offset: 0x123, count: 2 })).toMatchObject({ ok: true, data: '5a5a' });
  });

  it('ioremap_nocache maps the same way (the _PAGE_PCD bit is not kept by vmx)', () => {
    const r = run(V, 'nocache', [
      { op: 'ioremap_nocache', phys: '0xfebf0010', size: 0x100, as: 'regs' },
      { op: 'ioremap', phys: '0xfebf0010', size: 0x100 },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800010', '0xc8802010']);
  });

  it('refuses ordinary RAM ("Don\'t allow anybody to remap normal RAM that we\'re using")', () => {
    const r = boot(V);
    const k = r.kernel;
    step(r, { op: 'vmalloc', size: PAGE, as: 'v' });
    const dataPhys = k.walk(0xc8800000) * PAGE;
    const kmallocs = counter(k, 'kmalloc_calls');
    const refused = { op: 'ioremap', ok: false, error: 'ENOMEM', addr: null, log: [] };
    expect(step(r, { op: 'ioremap', phys: '0x100000', size: PAGE })).toEqual(refused);
    expect(step(r, { op: 'ioremap', phys: '0x' + dataPhys.toString(16), size: PAGE })).toEqual(refused);
    // a range that starts in RAM and runs past its end: the first non-reserved page refuses it
    expect(step(r, { op: 'ioremap', phys: '0x7fff000', size: 2 * PAGE })).toEqual(refused);
    // refused before get_vm_area: no vm_struct was even allocated
    expect(counter(k, 'kmalloc_calls')).toBe(kmallocs);
    expect(final(r).areas).toHaveLength(1);
  });

  it('maps reserved RAM (the boot page directory), and iounmap does not free it', () => {
    const r = boot(V);
    const k = r.kernel;
    const pgd = k.machine.pt.pgdPfn;
    expect(k.PageReserved(pgd)).toBe(true);
    expect(step(r, { op: 'ioremap', phys: '0x' + (pgd * PAGE).toString(16), size: PAGE, as: 'pg' })).toMatchObject({ ok: true, addr: '0xc8800000' });
    expect(k.walk(0xc8800000)).toBe(pgd);
    const { result, detail } = stepWithCost(r, { op: 'iounmap', ref: 'pg' });
    expect(result.ok).toBe(true);
    expect(detail.cost.pages_freed).toBeUndefined();
    expect(k.page_count(pgd)).toBe(1);
  });

  it('returns the linear address for the ISA hole without an area, and iounmap ignores it', () => {
    const r = boot(V);
    // phys_to_virt(0xa0000) = 0xc00a0000, at or below high_memory: iounmap does nothing
    expect(step(r, { op: 'ioremap', phys: '0xa0000', size: 0x20000, as: 'vga' })).toEqual({ op: 'ioremap', ok: true, addr: '0xc00a0000', log: [] });
    expect(step(r, { op: 'iounmap', ref: 'vga' })).toEqual({ op: 'iounmap', ok: true, log: [] });
    expect(final(r).areas).toEqual([]);
    // one byte past 0xfffff is no longer "the ISA hole" and goes through the RAM check
    expect(step(r, { op: 'ioremap', phys: '0xa0000', size: 0x60001 })).toMatchObject({ ok: false, error: 'ENOMEM' });
  });

  it('refuses size 0 and a range that wraps past 4 GiB', () => {
    const r = run(V, 'limits', [
      { op: 'ioremap', phys: '0xe0000000', size: 0 },
      { op: 'ioremap', phys: '0xfffff000', size: 0x2000 },
      // the last page of the 32-bit space is fine: PAGE_ALIGN(0xffffffff) wraps to 0, size 0x1000
      { op: 'ioremap', phys: '0xfffff000', size: 0x1000 },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual([null, null, '0xc8800000']);
    expect(r.final.areas).toEqual([{ addr: '0xc8800000', size: 0x2000, flags: ['VM_IOREMAP'] }]);
  });

  it('drops the page of the last byte when that byte starts a page: PAGE_ALIGN(last_addr) (QUERY)', () => {
    // 0x11 bytes at 0xe0000ff0: last_addr 0xe0001000, PAGE_ALIGN(0xe0001000) - 0xe0000000 = 0x1000
    const r = boot(V);
    const k = r.kernel;
    expect(step(r, { op: 'ioremap', phys: '0xe0000ff0', size: 0x11, as: 'io' })).toEqual({ op: 'ioremap', ok: true, addr: '0xc8800ff0', log: [] });
    expect([k.walk(0xc8800000), k.walk(0xc8801000)]).toEqual([0xe0000, -1]);
    expect(final(r).areas).toEqual([{ addr: '0xc8800000', size: 0x2000, flags: ['VM_IOREMAP'] }]);
    // the 17th byte is on the unmapped guard page
    expect(step(r, { op: 'peek', ref: 'io', offset: 0x10, count: 1 })).toEqual({
      op: 'peek',
      ok: false,
      error: 'OOPS',
      log: ['Unable to handle kernel paging request at virtual address c8801000'],
    });
  });

  it('BUG()s in remap_area_pages for one byte at a page-aligned address, leaving the area (QUERY)', () => {
    // size = PAGE_ALIGN(0xe0000000) - 0xe0000000 = 0: get_vm_area(0) makes a guard-only area,
    // then remap_area_pages(addr, phys, 0) hits `if (address >= end) BUG();` (ioremap.c:73)
    const r = run(V, 'one-byte', [
      { op: 'ioremap', phys: '0xe0000000', size: 1 },
      { op: 'ioremap', phys: '0xe0000000', size: 2 },
    ]);
    expect(r.steps[0]).toEqual({ op: 'ioremap', ok: false, error: 'BUG', addr: null, log: ['kernel BUG at ioremap.c:73!'] });
    expect(r.steps[1]).toEqual({ op: 'ioremap', ok: true, addr: '0xc8801000', log: [] });
    expect(r.final.areas).toEqual([
      { addr: '0xc8800000', size: 0x1000, flags: ['VM_IOREMAP'] },
      { addr: '0xc8801000', size: 0x2000, flags: ['VM_IOREMAP'] },
    ]);
  });

  it('a pte page failing midway: the area is vfree\'d, the device frames are not freed', () => {
    // 8 MiB at phys 0xe0000000 from 0xc8800000 (pgd slot 0x322) into 0xc8c00000 (slot 0x323)
    const r = boot(V);
    step(r, { op: 'fail', site: 'pte_alloc', nth: 2 });
    const { result, detail } = stepWithCost(r, { op: 'ioremap', phys: '0xe0000000', size: 8 * MiB });
    expect(result).toEqual({ op: 'ioremap', ok: false, error: 'ENOMEM', addr: null, log: [] });
    // slot 0x322 got its 1024 ptes, then vfree cleared them
    expect(detail.cost).toMatchObject({ ptes_set: 1024, ptes_cleared: 1024, pt_pages: 1, kmalloc_calls: 1, kfree_calls: 1 });
    expect(detail.cost.pages_freed).toBeUndefined();
    expect(final(r)).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 1, kmemleak: null });
  });

  it('vread dereferences the device memory of an ioremap area; vwrite writes into it (QUERY)', () => {
    // [io: 0xc8800000 -> frames 0xe0000, 0xe0001][guard]
    const r = boot(V);
    step(r, { op: 'ioremap', phys: '0xe0000000', size: 2 * PAGE, as: 'io' });
    step(r, { op: 'poke', ref: 'io', offset: 0xffe, data: 'cafebabe' });
    expect(step(r, { op: 'vread', ref: 'io', offset: 0xffc, count: 8 })).toEqual({ op: 'vread', ok: true, count: 8, data: '0000cafebabe0000', log: [] });
    expect(step(r, { op: 'vwrite', ref: 'io', offset: 0x10, data: '0102' })).toEqual({ op: 'vwrite', ok: true, count: 2, log: [] });
    expect(r.kernel.machine.mem.readByte(0xe0000, 0x11)).toBe(0x02);
    // past the end of the last area vread stops short, as for vmalloc areas
    expect(step(r, { op: 'vread', ref: 'io', offset: 2 * PAGE - 2, count: 8 })).toMatchObject({ count: 2 });
  });

  it('does not check RAM above high_memory: highmem RAM can be ioremap\'ed (QUERY)', () => {
    // 1 GiB: lowmem ends at phys 0x38000000 (896 MiB); vmalloc's pages come from HIGHMEM first
    const r = boot(V, { ramMiB: 1024 });
    const k = r.kernel;
    expect(step(r, { op: 'ioremap', phys: '0x37fff000', size: PAGE })).toMatchObject({ ok: false, error: 'ENOMEM' });
    step(r, { op: 'vmalloc', size: PAGE, as: 'v' });
    const v = r.bindings.get('v')!;
    const pfn = k.walk(v);
    expect(pfn).toBeGreaterThanOrEqual(0x38000);
    const io = step(r, { op: 'ioremap', phys: '0x' + (pfn * PAGE).toString(16), size: PAGE, as: 'alias' });
    expect(io.ok).toBe(true);
    // the same page is now mapped twice: a write through one is seen through the other
    step(r, { op: 'poke', ref: 'alias', data: '77' });
    expect(step(r, { op: 'peek', ref: 'v', count: 1 })).toMatchObject({ data: '77' });
    // and iounmap drops the vmalloc area's only reference: the page goes back while still mapped
    const { detail } = stepWithCost(r, { op: 'iounmap', ref: 'alias' });
    expect(detail.cost.pages_freed).toBe(1);
    expect(k.page_count(pfn)).toBe(0);
    expect(k.walk(v)).toBe(pfn);
  });
});
