/**
 * Linux 2.4.19 mm/vmalloc.c behaviour, worked out from the source (linux-history tag 2.4.19,
 * mm/vmalloc.c blob 63d3c25f9ba8) and written out as constants here, not read back from vmx.
 * Run: npx vitest run test/versions/2.4.19.test.ts
 *
 * Machine unless said otherwise: i386, 128 MiB, so high_memory = 0xc8000000 and
 *   VMALLOC_START = (0xc8000000 + 2*8 MiB - 1) & ~(8 MiB - 1) = 0xc8800000
 *   VMALLOC_END   = PKMAP_BASE - 2*PAGE_SIZE = 0xfe000000 - 0x2000 = 0xfdffe000
 */
import { describe, expect, it } from 'vitest';
import { MiB, PAGE, boot, bound, final, run, step, stepWithCost } from './support-2.4.js';

const V = '2.4.19';

describe('2.4.19 window and first fit', () => {
  it('puts the first area at VMALLOC_START 0xc8800000 with 128 MiB of RAM', () => {
    const r = boot(V);
    expect(r.window).toEqual({ start: 0xc8800000, end: 0xfdffe000 });
    expect(step(r, { op: 'vmalloc', size: 64 * 1024, as: 'a' })).toEqual({ op: 'vmalloc', ok: true, addr: '0xc8800000', log: [] });
  });

  it('spaces 64 KiB areas 0x11000 apart: 16 data pages + the guard page', () => {
    // 0xc8800000 [a: 16 pages][g] 0xc8811000 [b: 16 pages][g] 0xc8822000 [c ...][g] 0xc8833000
    const r = run(V, 'spacing', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'vmalloc', size: 65536, as: 'b' },
      { op: 'vmalloc', size: 65536, as: 'c' },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8811000', '0xc8822000']);
    expect(r.final).toEqual({
      areas: [
        { addr: '0xc8800000', size: 0x11000, flags: ['VM_ALLOC'] },
        { addr: '0xc8811000', size: 0x11000, flags: ['VM_ALLOC'] },
        { addr: '0xc8822000', size: 0x11000, flags: ['VM_ALLOC'] },
      ],
      pagesMapped: 48,
      // all three areas lie in pgd slot 0x322 (0xc8800000-0xc8bfffff): one pte page
      pageTablePages: 1,
      kmemleak: null,
    });
  });

  it('reuses a freed hole by first fit, and packs smaller areas into it', () => {
    // after vfree(b):   [a][g] 0xc8811000 ....hole 0x11000.... 0xc8822000 [c][g]
    // d = vmalloc(4 KiB) takes 0xc8811000 (size 0x2000), e = vmalloc(4 KiB) 0xc8813000,
    // f = vmalloc(52 KiB) (size 0xe000) would end at 0xc8823000 > c: it goes after c.
    const r = run(V, 'first-fit', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'vmalloc', size: 65536, as: 'b' },
      { op: 'vmalloc', size: 65536, as: 'c' },
      { op: 'vfree', ref: 'b' },
      { op: 'vmalloc', size: 4096, as: 'd' },
      { op: 'vmalloc', size: 4096, as: 'e' },
      { op: 'vmalloc', size: 53248, as: 'f' },
      { op: 'vmalloc', size: 49152, as: 'g' },
    ]);
    expect(r.steps.slice(4).map((s) => s.addr)).toEqual(['0xc8811000', '0xc8813000', '0xc8833000', '0xc8815000']);
  });

  it('vmalloc(64 KiB) in the freed hole returns exactly the old address', () => {
    const r = run(V, 'reuse', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'vmalloc', size: 65536, as: 'b' },
      { op: 'vmalloc', size: 65536, as: 'c' },
      { op: 'vfree', ref: 'b' },
      { op: 'vmalloc', size: 65536, as: 'd' },
    ]);
    expect(r.steps[4]).toEqual({ op: 'vmalloc', ok: true, addr: '0xc8811000', log: [] });
  });
});

describe('2.4.19 guard pages', () => {
  it('maps the data pages and leaves the guard page unmapped', () => {
    const r = boot(V);
    step(r, { op: 'vmalloc', size: 65536, as: 'a' });
    const k = r.kernel;
    expect(k.walk(0xc8800000)).toBeGreaterThanOrEqual(0);
    expect(k.walk(0xc880f000)).toBeGreaterThanOrEqual(0);
    expect(k.walk(0xc8810000)).toBe(-1);
    expect(step(r, { op: 'peek', ref: 'a', offset: 0xffff, count: 1 })).toMatchObject({ ok: true, data: '00' });
    // One byte past the data: the guard page faults.
    expect(step(r, { op: 'peek', ref: 'a', offset: 0x10000, count: 1 })).toEqual({
      op: 'peek',
      ok: false,
      error: 'OOPS',
      log: ['Unable to handle kernel paging request at virtual address c8810000'],
    });
  });
});

describe('2.4.19 vfree', () => {
  it('prints the KERN_ERR texts for bad and nonexistent addresses and is silent for NULL', () => {
    const r = run(V, 'vfree-texts', [
      { op: 'vmalloc', size: 8192, as: 'a' },
      { op: 'vfree', addr: '0xc8800010' },
      { op: 'vfree', addr: '0xc8900000' },
      { op: 'vfree', addr: '0x0' },
      { op: 'vfree', ref: 'a' },
      { op: 'vfree', ref: 'a' },
    ]);
    expect(r.steps.slice(1)).toEqual([
      { op: 'vfree', ok: false, error: 'bad-address', log: ['Trying to vfree() bad address (c8800010)'] },
      { op: 'vfree', ok: false, error: 'nonexistent', log: ['Trying to vfree() nonexistent vm area (c8900000)'] },
      { op: 'vfree', ok: true, log: [] },
      { op: 'vfree', ok: true, log: [] },
      // double free: the area is gone from vmlist
      { op: 'vfree', ok: false, error: 'nonexistent', log: ['Trying to vfree() nonexistent vm area (c8800000)'] },
    ]);
    // pte page kept, no area, nothing mapped
    expect(r.final).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 1, kmemleak: null });
  });

  it('frees every data page, clears the ptes and flushes the whole TLB once', () => {
    const r = boot(V);
    step(r, { op: 'vmalloc', size: 65536, as: 'a' });
    const { result, detail } = stepWithCost(r, { op: 'vfree', ref: 'a' });
    expect(result.ok).toBe(true);
    expect(detail.cost).toMatchObject({ pages_freed: 16, ptes_cleared: 16, tlb_flush_all: 1, cache_flush: 1, kfree_calls: 1 });
    expect(detail.cost.pt_pages).toBeUndefined();
  });
});

describe('2.4.19 size limits', () => {
  it('calls BUG() at vmalloc.c:236 for size 0, a size wrapping under PAGE_ALIGN, and more pages than RAM', () => {
    const bug = { op: 'vmalloc', ok: false, error: 'BUG', addr: null, log: ['kernel BUG at vmalloc.c:236!'] };
    const r = run(V, 'bug', [
      { op: 'vmalloc', size: 0 },
      { op: 'vmalloc', size: 0xfffff001 },
      // 128 MiB + 1 page: 32769 pages > num_physpages 32768
      { op: 'vmalloc', size: 128 * MiB + PAGE },
      { op: 'vmalloc', size: 4096, as: 'ok' },
    ]);
    expect(r.steps.slice(0, 3)).toEqual([bug, bug, bug]);
    // BUG() fires before get_vm_area: nothing was reserved.
    expect(r.steps[3]).toEqual({ op: 'vmalloc', ok: true, addr: '0xc8800000', log: [] });
  });

  it('lets exactly num_physpages pages through the check: it then runs out of frames and undoes it all', () => {
    const r = boot(V);
    const { result, detail } = stepWithCost(r, { op: 'vmalloc', size: 128 * MiB });
    expect(result).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    // every data page it got was given back; pte pages stay
    expect(detail.cost.pages_alloc).toBe(detail.cost.pages_freed);
    expect(final(r)).toMatchObject({ areas: [], pagesMapped: 0 });
    expect(final(r).pageTablePages).toBeGreaterThan(1);
  });

  it('fails with ENOMEM at VMALLOC_END and allows an area to end exactly there', () => {
    // window 0xc8800000-0xc8840000 (256 KiB):
    // [a 0x11000][b 0x11000][c 0x11000] 0xc8833000: a fourth 64 KiB area would end at 0xc8844000
    const w = { vmallocStart: '0xc8800000', vmallocEnd: '0xc8840000' };
    const r = run(
      V,
      'end',
      [
        { op: 'vmalloc', size: 65536 },
        { op: 'vmalloc', size: 65536 },
        { op: 'vmalloc', size: 65536 },
        { op: 'vmalloc', size: 65536 },
        // 10 pages + guard = 0xb000: 0xc8833000 + 0xb000 = 0xc883e000 fits
        { op: 'vmalloc', size: 40960 },
        // 0xc883e000 + 0x2000 = 0xc8840000 = VMALLOC_END exactly: still fits
        { op: 'vmalloc', size: 4096 },
        { op: 'vmalloc', size: 4096 },
      ],
      w,
    );
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8811000', '0xc8822000', null, '0xc8833000', '0xc883e000', null]);
    expect(r.steps[3]).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
  });

  it('does not check VMALLOC_END at all while vmlist is empty (QUERY)', () => {
    // A 1 MiB reservation in a 256 KiB window: the loop that holds the checks never runs.
    const w = { vmallocStart: '0xc8800000', vmallocEnd: '0xc8840000' };
    const r = run(
      V,
      'empty',
      [
        { op: 'get_vm_area', size: 1 * MiB, as: 'big' },
        { op: 'get_vm_area', size: 4096 },
      ],
      w,
    );
    expect(r.steps[0]).toEqual({ op: 'get_vm_area', ok: true, addr: '0xc8800000', log: [] });
    // With one entry on the list the check runs: 0xc8901000 > 0xc8840000 - 0x2000.
    expect(r.steps[1]).toEqual({ op: 'get_vm_area', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(r.final.areas).toEqual([{ addr: '0xc8800000', size: 0x101000, flags: ['VM_ALLOC'] }]);
  });

  it('has no wrap check on size + PAGE_SIZE: get_vm_area(0xfffff000) inserts a zero-sized area (QUERY)', () => {
    const r = run(V, 'wrap', [
      { op: 'vmalloc', size: 65536, as: 'a' },
      { op: 'get_vm_area', size: 0xfffff000, as: 'z' },
    ]);
    // size wraps to 0; 0 + 0xc8800000 <= a->addr, so it is linked before a at the same address
    expect(r.steps[1]).toEqual({ op: 'get_vm_area', ok: true, addr: '0xc8800000', log: [] });
    expect(r.final.areas).toEqual([
      { addr: '0xc8800000', size: 0, flags: ['VM_ALLOC'] },
      { addr: '0xc8800000', size: 0x11000, flags: ['VM_ALLOC'] },
    ]);
  });

  it('follows an entry whose end wraps past 4 GiB backwards, below VMALLOC_START (QUERY)', () => {
    // big = [0xc8800000, 0xc8800000 + 0xfff01000) wraps to end at 0xc8701000.
    const r = run(V, 'backwards', [
      { op: 'get_vm_area', size: 0xfff00000, as: 'big' },
      { op: 'get_vm_area', size: 4096, as: 'g' },
    ]);
    expect(r.steps.map((s) => s.addr)).toEqual(['0xc8800000', '0xc8701000']);
  });
});

describe('2.4.19 fault injection', () => {
  it('a data page failing midway: the pages so far are freed, the pte page is kept', () => {
    const r = boot(V);
    step(r, { op: 'fail', site: 'alloc_page', nth: 3 });
    const { result, detail } = stepWithCost(r, { op: 'vmalloc', size: 4 * PAGE, as: 'a' });
    expect(result).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    // pte_alloc, page 0, page 1, page 2 fails -> vfree walks the whole area (5 pages with guard)
    expect(detail.cost).toMatchObject({
      pages_alloc: 2,
      pages_freed: 2,
      pt_pages: 1,
      ptes_set: 2,
      ptes_cleared: 2,
      kmalloc_calls: 1,
      kfree_calls: 1,
      tlb_flush_all: 1,
    });
    expect(final(r)).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 1, kmemleak: null });
    expect(r.kernel.slab.live.size).toBe(0);
    // the hole is free again
    expect(step(r, { op: 'vmalloc', size: 4 * PAGE })).toMatchObject({ ok: true, addr: '0xc8800000' });
  });

  it('the pte page failing: nothing mapped, vm_struct freed', () => {
    const r = boot(V);
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    const { result, detail } = stepWithCost(r, { op: 'vmalloc', size: 2 * PAGE });
    expect(result).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(detail.cost.pages_alloc).toBeUndefined();
    expect(final(r)).toEqual({ areas: [], pagesMapped: 0, pageTablePages: 0, kmemleak: null });
  });

  it('the vm_struct kmalloc failing: NULL before any address is chosen', () => {
    const r = boot(V);
    step(r, { op: 'fail', site: 'kmalloc', nth: 1 });
    expect(step(r, { op: 'vmalloc', size: PAGE })).toEqual({ op: 'vmalloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(step(r, { op: 'vmalloc', size: PAGE })).toMatchObject({ ok: true, addr: '0xc8800000' });
  });
});

describe('2.4.19 vread / vwrite', () => {
  // a = 0xc8800000 [1 page][guard]  b = 0xc8802000 [1 page][guard]
  const setup = [
    { op: 'vmalloc' as const, size: 4096, as: 'a' },
    { op: 'vmalloc' as const, size: 4096, as: 'b' },
  ];

  it('round-trips bytes written with vwrite', () => {
    const r = run(V, 'rt', [
      ...setup,
      { op: 'vwrite', ref: 'b', offset: 100, data: 'deadbeef00ff' },
      { op: 'vread', ref: 'b', offset: 100, count: 6 },
    ]);
    expect(r.steps[2]).toEqual({ op: 'vwrite', ok: true, count: 6, log: [] });
    expect(r.steps[3]).toEqual({ op: 'vread', ok: true, count: 6, data: 'deadbeef00ff', log: [] });
  });

  it('skips the guard page on vwrite, zero-fills it on vread, and stops short after the last area', () => {
    const r = run(V, 'holes', [
      ...setup,
      // 4 bytes land in a, 4 fall on a's guard page and are skipped (still counted)
      { op: 'vwrite', ref: 'a', offset: 4092, data: '0102030405060708' },
      { op: 'vread', ref: 'a', offset: 4090, count: 8 },
      // 2 bytes of b, then nothing after the last area: count 2, not 8 (QUERY)
      { op: 'vread', ref: 'b', offset: 4094, count: 8 },
      // below the first area: zero-filled up to it
      { op: 'vread', addr: '0xc87ffffe', count: 4 },
    ]);
    expect(r.steps.slice(2)).toEqual([
      { op: 'vwrite', ok: true, count: 8, log: [] },
      { op: 'vread', ok: true, count: 8, data: '0000010203040000', log: [] },
      { op: 'vread', ok: true, count: 2, data: '0000', log: [] },
      { op: 'vread', ok: true, count: 4, data: '00000000', log: [] },
    ]);
    // the guard page was never mapped by the vwrite
    expect(final(boot(V)).pagesMapped).toBe(0);
    expect(r.final.pagesMapped).toBe(2);
  });

  it('returns 0 with an empty vmlist', () => {
    const r = run(V, 'empty-vread', [{ op: 'vread', addr: '0xc8800000', count: 16 }]);
    expect(r.steps[0]).toEqual({ op: 'vread', ok: true, count: 0, data: '', log: [] });
  });
});

describe('2.4.19 ops it does not have', () => {
  it('reports vmap, vunmap and remove_vm_area as unsupported', () => {
    const r = boot(V);
    expect(step(r, { op: 'vmap', pages: 1, as: 'm' })).toEqual({ op: 'vmap', ok: false, error: 'unsupported', addr: null, log: [] });
    expect(bound(r, 'm')).toBe(0);
    expect(step(r, { op: 'vunmap', addr: '0xc8800000' })).toEqual({ op: 'vunmap', ok: false, error: 'unsupported', log: [] });
    expect(step(r, { op: 'remove_vm_area', addr: '0xc8800000' })).toEqual({ op: 'remove_vm_area', ok: false, error: 'unsupported', log: [] });
  });
});
