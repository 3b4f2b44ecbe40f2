/**
 * The cause vmx names for a flip, checked against causes worked out by hand from the C (issue 18
 * §2), not pinned from vmx's output. Each case says why, with the lines that decide it.
 * Runs every registered version in release order through the difference engine (bisect.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bisect, type Flip } from '../src/diff/bisect.js';
import { compareRuns } from '../src/diff/classify.js';
import { runScenario } from '../src/harness/runner.js';
import { parseScenario } from '../src/harness/scenario.js';
import { BUILTIN_SCENARIOS_DIR } from '../src/paths.js';
import { VERSIONS, VERSION_IDS } from '../src/registry.js';

const cache = new Map<string, Flip[]>();
function flips(name: string): Flip[] {
  let f = cache.get(name);
  if (!f) {
    const s = parseScenario(readFileSync(join(BUILTIN_SCENARIOS_DIR, `${name}.json`), 'utf8'), VERSION_IDS);
    const runs = runScenario(s, VERSIONS, { trace: true });
    f = bisect(compareRuns(s, runs, { registry: VERSIONS }), () => '').flips;
    cache.set(name, f);
  }
  return f;
}
function flip(name: string, step: number, field: string, from: string, to: string): Flip {
  const f = flips(name).find((x) => x.step === step && x.field === field && x.from.version === from && x.to.version === to);
  if (!f) throw new Error(`${name}: no ${field} flip at step ${step} between ${from} and ${to}`);
  return f;
}
const ids = (f: Flip) => f.causes.map((c) => c.change.id);

describe('causes worked out from the C', () => {
  it('reuse-freed-space step 1: 2.6.28 leaves a gap page after every vmap_area (db64fe02258f)', () => {
    // 2.6.27 get_vm_area: addr = tmp->addr + tmp->size (vmlist first fit) -> 0xc8811000.
    // 2.6.32 alloc_vmap_area: addr = ALIGN(first->va_end + PAGE_SIZE, align) -> 0xc8812000.
    const f = flip('reuse-freed-space', 1, 'address', '2.6.27', '2.6.32');
    expect([f.from.value, f.to.value]).toEqual(['0xc8811000', '0xc8812000']);
    expect(ids(f)).toContain('gap-page-after-area');
    expect(f.causes.find((c) => c.change.id === 'gap-page-after-area')!.change.commits).toContain('db64fe02258f');
    // Nothing before 2.6.28 changed where the second area goes.
    expect(flips('reuse-freed-space').filter((x) => x.step === 1 && x.field === 'address').map((x) => x.to.version)).toEqual(['2.6.32']);
  });

  it('reuse-freed-space step 4: 2.6.32 still holds b lazily; 2.4.0 refuses the exact fit', () => {
    // 2.6.32 vfree -> free_unmap_vmap_area marks b VM_LAZY_FREE: its range is not reusable
    // before __purge_vmap_area_lazy, so d goes after c (0xc8836000).
    expect(ids(flip('reuse-freed-space', 4, 'address', '2.6.27', '2.6.32'))[0]).toBe('lazy-free');
    // 2.4.0 get_vm_area: `if (size + addr < tmp->addr) break;` skips the 0x11000 hole b left
    // for a 0x11000 request; 2.4.5 made it `<=` (2.4.19 reuses 0xc8811000).
    const f = flip('reuse-freed-space', 4, 'address', '2.4.0', '2.4.19');
    expect([f.from.value, f.to.value]).toEqual(['0xc8833000', '0xc8811000']);
    expect(ids(f)).toEqual(['get-vm-area-exact-fit']);
  });

  it('double-vfree step 3: the lazily freed vmap_area keeps VM_VM_AREA and a dangling vm_struct', () => {
    // 2.6.32 remove_vm_area: find_vmap_area() still finds the lazy va (flag VM_VM_AREA), the
    // vmlist walk for its freed vm_struct runs off the end: NULL->next, an oops. 2.6.27's
    // __remove_vm_area walks vmlist, finds nothing: WARN "nonexistent vm area".
    const f = flip('double-vfree', 3, 'outcome', '2.6.27', '2.6.32');
    expect([f.from.value, f.to.value]).toEqual(['nonexistent', 'OOPS']);
    expect(ids(f)[0]).toBe('lazy-free');
  });

  it('ldd3-ioremap step 7: the RAM check skips the last page from 2.6.26 (QUERY) until 2.6.36', () => {
    // arch/x86/mm/ioremap.c 2.6.27 lines 155-156: (pfn << PAGE_SHIFT) < (last_addr & PAGE_MASK):
    // for one page at 0x100000 the loop never runs and RAM is mapped; 2.6.9's ioremap.c refuses
    // RAM that is not PageReserved. 2.6.39 loops `pfn <= last_pfn` again (35be1b716a4).
    const on = flip('ldd3-ioremap', 7, 'outcome', '2.6.9', '2.6.27');
    expect([on.from.value, on.to.value]).toEqual(['ENOMEM', 'ok']);
    expect(ids(on)).toEqual(['ioremap-ram-check-skips-last-page']);
    // Of 2.6.39's __ioremap_caller changes only the last-pfn fix refuses anything: the ISA range
    // and page_is_ram changes let more through, and the PAE mask change is PAE-only (i386 here).
    const off = flip('ldd3-ioremap', 7, 'outcome', '2.6.32', '2.6.39');
    expect(ids(off)).toEqual(['ioremap-last-page-checked']);
    // The cost of mapping the page (2.6.27) against refusing it (2.6.9) follows the outcome.
    expect(ids(flip('ldd3-ioremap', 7, 'cost', '2.6.9', '2.6.27'))).toEqual(['ioremap-ram-check-skips-last-page']);
  });

  it('ldd3-ioremap step 10: the area 2.6.27 mapped at step 7 blocks the hole 2.6.9 reuses', () => {
    // After iounmap of regs, quantum's end 0xc8805000 starts a hole of 3 pages on 2.6.27, cut short
    // by the RAM page step 7 mapped at 0xc8808000 (guard page included up to 0xc880a000): 16 KiB
    // + guard does not fit, so first fit goes to 0xc880a000. 2.6.9 refused step 7: 0xc8805000.
    const f = flip('ldd3-ioremap', 10, 'address', '2.6.9', '2.6.27');
    expect([f.from.value, f.to.value]).toEqual(['0xc8805000', '0xc880a000']);
    expect(ids(f)).toEqual(['ioremap-ram-check-skips-last-page']);
    expect(f.causes[0].evidence).toContain('made on one version only');
  });


  it('lazy-purge-threshold step 963: below lazy_max_pages nothing freed is reusable yet', () => {
    // 481 lazy vfrees of 17 pages = 8177 <= lazy_max_pages() = fls(1) * 8192: no purge, so
    // 2.6.32 cannot reuse VMALLOC_START, which 2.6.27's vmlist first fit hands out again.
    const f = flip('lazy-purge-threshold', 963, 'address', '2.6.27', '2.6.32');
    expect(f.from.value).toBe('0xc8800000');
    expect(ids(f)[0]).toBe('lazy-free');
  });

  it('failure-path-leaks step 7: the vmap_area kmalloc makes the third kmalloc the pages array', () => {
    // `fail kmalloc nth 3` armed at step 6. 2.6.32 __get_vm_area_node: kzalloc_node(vm_struct),
    // alloc_vmap_area: kmalloc_node(vmap_area) (db64fe02258f), then __vmalloc_area_node's pages
    // array is the third: ENOMEM, and its unwind (remove_vm_area -> free_unmap_vmap_area, the
    // lazy free) runs after the divergence, not before it. 2.6.27 makes two kmallocs: ok.
    const f = flip('failure-path-leaks', 7, 'outcome', '2.6.27', '2.6.32');
    expect([f.from.value, f.to.value]).toEqual(['ok', 'ENOMEM']);
    expect(ids(f)).toEqual(['vmap-area-rbtree']);
  });

  it('failure-path-leaks step 8: the armed kmalloc fires where the earlier step left the count', () => {
    // 2.6.27's third kmalloc since step 6 is step 8's vm_struct (step 7 made two), so step 8
    // fails there and not on 2.6.32, which spent it in step 7: the cause is what made step 7's
    // kmalloc count differ, the vmap_area kmalloc.
    const f = flip('failure-path-leaks', 8, 'outcome', '2.6.27', '2.6.32');
    expect([f.from.value, f.to.value]).toEqual(['ENOMEM', 'ok']);
    expect(ids(f)).toEqual(['vmap-area-rbtree']);
    expect(f.causes[0].evidence).toMatch(/kmalloc failure armed in .*fired here on one version only: the kmalloc calls first differ in /);
    // 2.4.31's __vmalloc kmallocs only the vm_struct (one per call: steps 7 and 8 are calls 1 and
    // 2); 2.6.9's also kmallocs the pages array (2.5.32), so its step 8 vm_struct is call 3.
    const g = flip('failure-path-leaks', 8, 'outcome', '2.4.31', '2.6.9');
    expect([g.from.value, g.to.value]).toEqual(['ok', 'ENOMEM']);
    expect(ids(g)).toEqual(['pages-array']);
    // The vfree of `works` at step 13 frees 8 pages on 2.4.31 and nothing on 2.6.9 (NULL): it uses
    // what step 8 made on one version only.
    expect(ids(flip('failure-path-leaks', 13, 'cost', '2.4.31', '2.6.9'))).toEqual(['pages-array']);
  });

  it('double-vfree steps 4 and 6: a HANG is put down to the step that died holding the lock', () => {
    // 2.6.32 step 3 oopses in remove_vm_area with vmlist_lock write-held (lazy-free); step 4's
    // vfree of b spins on it. Its cost (nothing freed) follows from the hang, not from b's placement.
    for (const step of [4, 6]) {
      const f = flip('double-vfree', step, 'outcome', '2.6.27', '2.6.32');
      expect(f.to.value).toBe('HANG on vmlist_lock (held since step 3)');
      expect(ids(f)).toEqual(['lazy-free']);
      expect(f.causes[0].evidence).toContain('left vmlist_lock held');
      expect(ids(flip('double-vfree', step, 'cost', '2.6.27', '2.6.32'))).toEqual(['lazy-free']);
    }
  });

  it('costs: the change whose declared counters differ, by how many', () => {
    // 2.4.10 dropped vmalloc_area_pages' flush_tlb_all; the flush_cache_all moved after the loop in
    // 2.4.18 but is still one call: tlb_flush_all 1 vs 0 is the only difference.
    expect(ids(flip('reuse-freed-space', 0, 'cost', '2.4.0', '2.4.19'))).toEqual(['vmalloc-flushes-removed']);
    // A 64 KiB vmalloc: 2.6.9's vm_struct is 28 bytes on i386 (next, addr, size, flags, pages,
    // nr_pages, phys_addr), 2.6.26 adds `caller`: 32. The pages array (16 pointers) is kmalloc'ed
    // on both.
    expect(ids(flip('reuse-freed-space', 0, 'cost', '2.6.9', '2.6.27'))).toEqual(['vm-struct-caller']);
    // 2.4.31 -> 2.6.9: one kmalloc more per vmalloc, the pages array (2.5.32).
    expect(ids(flip('reuse-freed-space', 0, 'cost', '2.4.31', '2.6.9'))).toEqual(['pages-array']);
    // 4 MiB + 4 KiB: 1025 page pointers, 4100 bytes > PAGE_SIZE: 2.6.27 vmallocs the array
    // (2 more pages, a second mapping) where 2.6.9 kmalloc'ed it; the 4 bytes of `caller` are
    // the lesser part.
    const big = flip('pages-array-vmalloced', 1, 'cost', '2.6.9', '2.6.27');
    expect(ids(big)).toEqual(['pages-array-vmalloced']);
  });

  it('reuse-freed-space step 6: 2.4 vfree walks vmlist to the area, which 2.4.0 placed later', () => {
    // 2.4.0 put d after c (0xc8833000: third on vmlist), 2.4.19 in b's hole (0xc8811000: second):
    // nodes_visited 3 vs 2, because of where get_vm_area placed d (the exact-fit change).
    expect(ids(flip('reuse-freed-space', 6, 'cost', '2.4.0', '2.4.19'))).toEqual(['get-vm-area-exact-fit']);
  });
});
