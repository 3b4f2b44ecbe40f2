/**
 * vmalloc_to_page / vmalloc_to_pfn, module_alloc / module_free and remap_vmalloc_range on 2.6.27,
 * 2.6.32 and 2.6.39, and what 2.6.9 has of them (vmalloc_to_page in mm/memory.c, module_alloc in
 * arch/i386/kernel/module.c and arch/x86_64/kernel/module.c) (issue 13, "Missing functions worth
 * having"). Expected values are worked out from the C and written out here, not read back from vmx
 * (frame numbers are the ones the test hands to vmap, or compared with each other):
 *   mm/vmalloc.c vmalloc_to_page (2.6.27 line 174; 2.6.32, 2.6.39): pgd/pud/pmd none or
 *     !pte_present gives NULL, else pte_page; vmalloc_to_pfn = page_to_pfn(vmalloc_to_page()).
 *   arch/x86/kernel/module_64.c (2.6.27) / module.c (2.6.32, 2.6.39) module_alloc: x86_64
 *     MODULES_VADDR 0xffffffffa0000000, MODULES_END 0xffffffffff000000, MODULES_LEN 0x5f000000
 *     (pgtable_64.h / pgtable_64_types.h); i386 2.6.27 module_32.c: vmalloc_exec; i386 2.6.32 and
 *     2.6.39: MODULES_VADDR = VMALLOC_START, MODULES_END = VMALLOC_END and MODULES_LEN =
 *     (MODULES_VADDR - MODULES_END), which wraps in unsigned long.
 *   mm/vmalloc.c remap_vmalloc_range (2.6.27 line 790, 2.6.32 line 1892, 2.6.39 line 2064): -EINVAL
 *     for an unaligned addr, no area starting there, no VM_USERMAP, usize + (pgoff << PAGE_SHIFT) >
 *     area->size - PAGE_SIZE.
 * Run: npx vitest run test/versions/ops-2.6.test.ts
 *
 * Machines: i386 128 MiB (VMALLOC_START 0xc8800000, VMALLOC_END 0xff7fe000 on all three) and
 * x86_64 1 GiB; 1 CPU.
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, type VersionRun } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import { finalState } from '../../src/harness/final.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';

const PAGE = 4096;
const VERSIONS_26 = ['2.6.27', '2.6.32', '2.6.39'] as const;

function boot(v: string, arch: 'i386' | 'x86_64' = 'i386', ramMiB = arch === 'i386' ? 128 : 1024): VersionRun {
  const machine = { arch, ramMiB, cpus: 1 };
  return bootVersion(validateScenario({ name: 'ops', machine, steps: [] }, VERSION_IDS, 'ops'), findVersion(v)!);
}

function step(run: VersionRun, s: Partial<Step>): StepResult {
  return runStep(run, s as Step).result;
}

const hex = (n: number) => '0x' + n.toString(16);
const NULL_PAGE = (op: string) => ({ op, ok: false, error: 'nonexistent', log: [] });

describe.each(VERSIONS_26)('%s vmalloc_to_page / vmalloc_to_pfn', (v) => {
  it('gives the frame vmap mapped at each page (any offset in it), NULL on the guard page and where no page table is', () => {
    const r = boot(v);
    const k = r.kernel;
    const pages = [k.harness_alloc_page(), k.harness_alloc_page(), k.harness_alloc_page()];
    // vmap(pages, 3, VM_MAP, PAGE_KERNEL): the first area of an empty window starts at VMALLOC_START
    const a = r.api.vmap!(pages);
    expect(a).toBe(0xc8800000);
    for (let i = 0; i < 3; i++) {
      expect(step(r, { op: 'vmalloc_to_page', addr: hex(a + i * PAGE) })).toEqual({ op: 'vmalloc_to_page', ok: true, count: pages[i], log: [] });
      expect(step(r, { op: 'vmalloc_to_pfn', addr: hex(a + i * PAGE + 0x123) })).toEqual({ op: 'vmalloc_to_pfn', ok: true, count: pages[i], log: [] });
    }
    // the guard page: its pte is in the same pte page but was never set (pte_none, !pte_present)
    expect(step(r, { op: 'vmalloc_to_page', addr: hex(a + 3 * PAGE) })).toEqual(NULL_PAGE('vmalloc_to_page'));
    // 0xf0000000: inside the window, no pte page (pmd_none): NULL
    expect(step(r, { op: 'vmalloc_to_page', addr: '0xf0000000' })).toEqual(NULL_PAGE('vmalloc_to_page'));
    expect(step(r, { op: 'vmalloc_to_pfn', addr: '0xf0000000' })).toEqual(NULL_PAGE('vmalloc_to_pfn'));
  });

  it('finds the pages of a vmalloc area until their ptes are cleared (2.6.32: only at the lazy purge)', () => {
    const r = boot(v);
    expect(step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'a' }).addr).toBe('0xc8800000');
    const p0 = step(r, { op: 'vmalloc_to_page', ref: 'a' });
    const p1 = step(r, { op: 'vmalloc_to_pfn', ref: 'a', offset: PAGE + 7 });
    expect(p0.ok && p1.ok).toBe(true);
    expect(p0.count).not.toBe(p1.count);
    expect(step(r, { op: 'vmalloc_to_pfn', ref: 'a' }).count).toBe(p0.count);
    expect(step(r, { op: 'vfree', ref: 'a' }).ok).toBe(true);
    if (v === '2.6.32') {
      // 2.6.32 free_unmap_vmap_area_noflush (line 600) only marks the va VM_LAZY_FREE; the ptes
      // stay until __purge_vmap_area_lazy's unmap_vmap_area: the walk still finds the freed page.
      expect(step(r, { op: 'vmalloc_to_page', addr: '0xc8800000' })).toEqual({ op: 'vmalloc_to_page', ok: true, count: p0.count, log: [] });
      step(r, { op: 'vm_unmap_aliases' });
    }
    // 2.6.27 unmap_vm_area, 2.6.39 free_unmap_vmap_area_noflush -> unmap_vmap_area clear them in vfree
    expect(step(r, { op: 'vmalloc_to_page', addr: '0xc8800000' })).toEqual(NULL_PAGE('vmalloc_to_page'));
  });

  it('gives NULL inside alloc_vm_area: page tables built, no pte set', () => {
    const r = boot(v);
    const z = step(r, { op: 'alloc_vm_area', size: 2 * PAGE, as: 'z' });
    expect(z.ok).toBe(true);
    expect(step(r, { op: 'vmalloc_to_page', ref: 'z' })).toEqual(NULL_PAGE('vmalloc_to_page'));
    expect(step(r, { op: 'vmalloc_to_page', ref: 'z', offset: PAGE })).toEqual(NULL_PAGE('vmalloc_to_page'));
  });

  it('walks four levels on x86_64', () => {
    const r = boot(v, 'x86_64');
    step(r, { op: 'vmalloc', size: PAGE, as: 'a' });
    const p = step(r, { op: 'vmalloc_to_page', ref: 'a' });
    expect(p.ok).toBe(true);
    expect(p.count).toBeGreaterThanOrEqual(0);
    expect(step(r, { op: 'vmalloc_to_page', ref: 'a', offset: PAGE })).toEqual(NULL_PAGE('vmalloc_to_page'));
    // user-half addresses: init_level4_pgt's user slots are empty after boot, NULL (a SIM guard in vmx)
    expect(step(r, { op: 'vmalloc_to_page', addr: '0x1000' })).toEqual(NULL_PAGE('vmalloc_to_page'));
    expect(step(r, { op: 'vmalloc_to_pfn', addr: '0xc0000000' })).toEqual(NULL_PAGE('vmalloc_to_pfn'));
  });
});

describe.each(VERSIONS_26)('%s module_alloc', (v) => {
  // 2.6.27: vmlist first fit, areas back to back (guard page included in size).
  // 2.6.32, 2.6.39: alloc_vmap_area restarts at va_end + PAGE_SIZE: one unreserved page between.
  const second = v === '2.6.27' ? '0xffffffffa0003000' : '0xffffffffa0004000';

  it('x86_64: allocates in MODULES_VADDR..MODULES_END, page-rounded plus the guard page; vfree frees it', () => {
    const r = boot(v, 'x86_64');
    // module_alloc(5000): PAGE_ALIGN -> 0x2000, area 0x3000 with the guard page, at MODULES_VADDR
    const c = runStep(r, { op: 'module_alloc', size: 5000, as: 'm' } as Step);
    expect(c.result).toEqual({ op: 'module_alloc', ok: true, addr: '0xffffffffa0000000', log: [] });
    expect(c.detail.cost).toMatchObject({ pages_alloc: 2, ptes_set: 2 });
    expect(step(r, { op: 'module_alloc', size: PAGE, as: 'n' }).addr).toBe(second);
    // ordinary vmalloc stays in the vmalloc window
    expect(step(r, { op: 'vmalloc', size: PAGE }).addr).toBe(v === '2.6.27' ? '0xffffc20000000000' : '0xffffc90000000000');
    const f = finalState(r);
    expect(f.areas.filter((x) => x.addr.startsWith('0xffffffffa'))).toEqual([
      { addr: '0xffffffffa0000000', size: 0x3000, flags: ['VM_ALLOC'] },
      { addr: second, size: 0x2000, flags: ['VM_ALLOC'] },
    ]);
    // (final pagesMapped / pageTablePages count the vmalloc window only, as the contract defines them)
    const info = step(r, { op: 'vmallocinfo' }).text!;
    expect(info).toMatch(/^0xffffffffa0000000-0xffffffffa0003000\s+12288 module_alloc\+0x0\/0x0 pages=2 vmalloc/m);
    // module_free is vfree
    expect(step(r, { op: 'vfree', ref: 'm' })).toEqual({ op: 'vfree', ok: true, log: [] });
    if (v === '2.6.32') step(r, { op: 'vm_unmap_aliases' }); // the ptes go at the lazy purge (see above)
    // the module_free op is the same vfree
    expect(step(r, { op: 'module_free', ref: 'n' })).toEqual({ op: 'module_free', ok: true, log: [] });
    expect(step(r, { op: 'vmalloc_to_page', addr: '0xffffffffa0000000' })).toEqual(NULL_PAGE('vmalloc_to_page'));
  });

  it('x86_64: NULL above MODULES_LEN (0x5f000000) and for size 0, without a message', () => {
    const r = boot(v, 'x86_64');
    expect(step(r, { op: 'module_alloc', size: 0x5f000001 })).toEqual({ op: 'module_alloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(step(r, { op: 'module_alloc', size: 0 })).toEqual({ op: 'module_alloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(finalState(r).areas).toEqual([]);
  });

  it('i386: allocates in the vmalloc window (2.6.27 vmalloc_exec; 2.6.32/2.6.39 MODULES_VADDR = VMALLOC_START)', () => {
    const r = boot(v);
    expect(step(r, { op: 'module_alloc', size: 5000 }).addr).toBe('0xc8800000');
    expect(finalState(r).areas).toEqual([{ addr: '0xc8800000', size: 0x3000, flags: ['VM_ALLOC'] }]);
  });
});

describe('module_alloc on i386: MODULES_LEN = (MODULES_VADDR - MODULES_END) wraps (QUERY)', () => {
  it('2.6.32: 1 GiB passes the size check (MODULES_LEN = 2^32 - 0x36ffe000 = 0xc9002000); the window search fails', () => {
    const r = boot('2.6.32');
    const res = step(r, { op: 'module_alloc', size: 0x40000000 });
    expect(res).toMatchObject({ op: 'module_alloc', ok: false, error: 'ENOMEM', addr: null });
    // alloc_vmap_area's overflow message for the va size with the guard page: 0x40001000
    expect(res.log.join('\n')).toContain('vmap allocation for size 1073745920 failed');
  });

  it('2.6.39: __vmalloc_node_range refuses more than totalram_pages first, silently; with 1 GiB of RAM 200 MiB reaches the window search', () => {
    expect(step(boot('2.6.39'), { op: 'module_alloc', size: 0x40000000 })).toEqual({ op: 'module_alloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    // 1 GiB: window 0xf7ffe000..0xff7fe000 (120 MiB), MODULES_LEN = 2^32 - 0x7800000; 200 MiB
    // passes both checks, and alloc_vmap_area fails for 0xc800000 + the guard page = 209719296
    const r = boot('2.6.39', 'i386', 1024);
    const res = step(r, { op: 'module_alloc', size: 200 * 1024 * 1024 });
    expect(res).toMatchObject({ op: 'module_alloc', ok: false, error: 'ENOMEM', addr: null });
    expect(res.log.join('\n')).toContain('vmap allocation for size 209719296 failed');
  });
});

describe.each(VERSIONS_26)('%s remap_vmalloc_range (the -EINVAL checks)', (v) => {
  it('accepts a VM_USERMAP area for up to area->size - PAGE_SIZE, rejects everything else with EINVAL', () => {
    const r = boot(v);
    expect(step(r, { op: 'vmalloc_user', size: 2 * PAGE, as: 'u' }).ok).toBe(true);
    expect(step(r, { op: 'vmalloc', size: 2 * PAGE, as: 'p' }).ok).toBe(true);
    const OK = { op: 'remap_vmalloc_range', ok: true, log: [] };
    const EINVAL = { op: 'remap_vmalloc_range', ok: false, error: 'EINVAL', log: [] };
    expect(step(r, { op: 'remap_vmalloc_range', ref: 'u' })).toEqual(OK);
    expect(step(r, { op: 'remap_vmalloc_range', ref: 'u', pages: 1 })).toEqual(OK);
    expect(step(r, { op: 'remap_vmalloc_range', ref: 'u', pages: 2 })).toEqual(OK);
    // 3 pages: 0x3000 > area->size - PAGE_SIZE = 0x2000
    expect(step(r, { op: 'remap_vmalloc_range', ref: 'u', pages: 3 })).toEqual(EINVAL);
    // (PAGE_SIZE-1) & addr
    expect(step(r, { op: 'remap_vmalloc_range', ref: 'u', offset: 1, pages: 1 })).toEqual(EINVAL);
    // aligned but not the start of an area: (__)find_vm_area matches the start address only
    expect(step(r, { op: 'remap_vmalloc_range', ref: 'u', offset: PAGE, pages: 1 })).toEqual(EINVAL);
    // vmalloc: no VM_USERMAP
    expect(step(r, { op: 'remap_vmalloc_range', ref: 'p', pages: 1 })).toEqual(EINVAL);
    // no area at all
    expect(step(r, { op: 'remap_vmalloc_range', addr: '0xf0000000', pages: 1 })).toEqual(EINVAL);
  });
});

describe('2.6.9: vmalloc_to_page (mm/memory.c line 1765) and the i386 module_alloc (vmalloc_exec); no vmalloc_to_pfn or remap_vmalloc_range yet', () => {
  it('walks pgd, pmd, pte to the vmap frames; NULL on the guard page and without a pte page', () => {
    for (const arch of ['i386', 'x86_64'] as const) {
      const r = boot('2.6.9', arch);
      const pages = [r.kernel.harness_alloc_page(), r.kernel.harness_alloc_page()];
      const a = r.api.vmap!(pages);
      expect(a).toBe(arch === 'i386' ? 0xc8800000 : r.window.start);
      expect(step(r, { op: 'vmalloc_to_page', addr: r.kernel.hex(a) })).toEqual({ op: 'vmalloc_to_page', ok: true, count: pages[0], log: [] });
      expect(step(r, { op: 'vmalloc_to_page', addr: r.kernel.hex(a + PAGE + 0xfff) })).toEqual({ op: 'vmalloc_to_page', ok: true, count: pages[1], log: [] });
      expect(step(r, { op: 'vmalloc_to_page', addr: r.kernel.hex(a + 2 * PAGE) })).toEqual(NULL_PAGE('vmalloc_to_page'));
      // vfree -> unmap_vm_area clears the ptes at once
      step(r, { op: 'vunmap', addr: r.kernel.hex(a) });
      expect(step(r, { op: 'vmalloc_to_page', addr: r.kernel.hex(a) })).toEqual(NULL_PAGE('vmalloc_to_page'));
    }
    expect(step(boot('2.6.9'), { op: 'vmalloc_to_page', addr: '0xf0000000' })).toEqual(NULL_PAGE('vmalloc_to_page'));
  });

  it('i386 module_alloc is vmalloc_exec (arch/i386/kernel/module.c), NULL for 0; vmalloc_to_pfn and remap_vmalloc_range are unsupported', () => {
    const r = boot('2.6.9');
    expect(step(r, { op: 'module_alloc', size: 0 })).toEqual({ op: 'module_alloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
    expect(step(r, { op: 'module_alloc', size: 5000, as: 'm' }).addr).toBe('0xc8800000');
    expect(finalState(r).areas).toEqual([{ addr: '0xc8800000', size: 0x3000, flags: ['VM_ALLOC'] }]);
    expect(step(r, { op: 'vfree', ref: 'm' }).ok).toBe(true);
    expect(step(r, { op: 'vmalloc_to_pfn', addr: '0xc8800000' })).toMatchObject({ ok: false, error: 'unsupported' });
    expect(step(r, { op: 'remap_vmalloc_range', addr: '0xc8800000' })).toMatchObject({ ok: false, error: 'unsupported' });
  });
});

describe('2.6.9 x86_64 module_alloc / module_free (arch/x86_64/kernel/module.c, its own mod_vmlist)', () => {
  it('places areas first fit from MODULES_VADDR with a guard page, off vmlist; module_free unlinks and frees them', () => {
    const r = boot('2.6.9', 'x86_64');
    // size 5000 -> PAGE_ALIGN 0x2000; addr = MODULES_VADDR; area->size = size + PAGE_SIZE
    const c = runStep(r, { op: 'module_alloc', size: 5000, as: 'm' } as Step);
    expect(c.result).toEqual({ op: 'module_alloc', ok: true, addr: '0xffffffffa0000000', log: [] });
    expect(c.detail.cost).toMatchObject({ pages_alloc: 2, ptes_set: 2 });
    // the walk: tmp = m, size + addr + PAGE_SIZE < tmp->addr fails, next = tmp->addr + tmp->size
    expect(step(r, { op: 'module_alloc', size: PAGE, as: 'n' }).addr).toBe('0xffffffffa0003000');
    // not on vmlist: vmalloc starts at VMALLOC_START and the final areas (vmlist) leave them out
    expect(finalState(r).areas.some((a) => a.addr.startsWith('0xffffffffa'))).toBe(false);
    const p = step(r, { op: 'vmalloc_to_page', addr: '0xffffffffa0001000' });
    expect(p.ok).toBe(true);
    // vfree does not know it (vmlist): the nonexistent WARN path
    expect(step(r, { op: 'vfree', ref: 'm' })).toMatchObject({ ok: false, error: 'nonexistent' });
    expect(step(r, { op: 'module_free', ref: 'm' })).toEqual({ op: 'module_free', ok: true, log: [] });
    expect(step(r, { op: 'vmalloc_to_page', addr: '0xffffffffa0001000' })).toEqual(NULL_PAGE('vmalloc_to_page'));
    // the freed hole is reused: size 0x1000 + addr + PAGE_SIZE < n's address 0xffffffffa0003000
    expect(step(r, { op: 'module_alloc', size: PAGE }).addr).toBe('0xffffffffa0000000');
    expect(step(r, { op: 'module_free', addr: '0xffffffffa0008000' })).toEqual({
      op: 'module_free',
      ok: false,
      error: 'nonexistent',
      log: ['Trying to unmap nonexistent module vm area (ffffffffa0008000)'],
    });
    // MODULES_LEN = 0x0fffffff: PAGE_ALIGN(0x10000000) is larger
    expect(step(r, { op: 'module_alloc', size: 0x10000000 })).toEqual({ op: 'module_alloc', ok: false, error: 'ENOMEM', addr: null, log: [] });
  });
});
