/**
 * The boot page tables the default machine preinstalls (issue 13, item 9): on x86_64 the kernel
 * image's top-slot tables, so module_alloc finds its pgd and pud (2.6.27+: and pmd) entries the
 * way the real kernel does and allocates pte pages only. Expected values from the C:
 *   arch/x86/kernel/head_64.S (2.6.27, 2.6.32, 2.6.39): init_level4_pgt[511] = level3_kernel_pgt,
 *     level3_kernel_pgt[510] = level2_kernel_pgt, [511] = level2_fixmap_pgt; KERNEL_IMAGE_SIZE
 *     512 MiB, so MODULES_VADDR 0xffffffffa0000000 is level2_kernel_pgt[256], the first entry
 *     the boot code leaves 0; 0xffffffffc0000000 and above are level2_fixmap_pgt's.
 *   arch/x86_64/kernel/head.S (2.6.9): init_level4_pgt[511] = level3_kernel_pgt (0x103007),
 *     level3_kernel_pgt[510] = level2_kernel_pgt (0x105007), which maps 40 MiB; MODULES_VADDR
 *     0xffffffffa0000000 (include/asm-x86_64/pgtable.h) is its entry 256.
 *   So module_alloc(8192) allocates one page-table page (pte_alloc_one), and a request crossing
 *   0xffffffffc0000000 one pte page per 2 MiB and no pmd page. A fault armed for the second
 *   page-table allocation (fail pte_alloc nth=2) is still pending after module_alloc(8192).
 * These tables are kernel-image frames outside RAM: never counted in pageTablePages.
 * Run: npx vitest run test/versions/boot-tables.test.ts
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, type VersionRun } from '../../src/harness/runner.js';
import { pageTablePages } from '../../src/harness/final.js';
import { checkMachine } from '../../src/harness/invariants.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';

function boot(v: string): VersionRun {
  const machine = { arch: 'x86_64' as const, ramMiB: 1024, cpus: 1 };
  return bootVersion(validateScenario({ name: 'boot-tables', machine, steps: [] }, VERSION_IDS, 'boot-tables'), findVersion(v)!);
}
const run = (r: VersionRun, s: Partial<Step>) => runStep(r, s as Step);

describe.each(['2.6.9', '2.6.27', '2.6.32', '2.6.39'])('%s x86_64 boot tables of the kernel image', (v) => {
  it('module_alloc(8192) finds the pgd and pud entries of head.S and allocates one pte page', () => {
    const r = boot(v);
    const s = run(r, { op: 'module_alloc', size: 8192, as: 'm' });
    expect(s.result.addr).toBe('0xffffffffa0000000');
    expect(s.detail.cost.pt_pages).toBe(1);
    // the vmalloc window has no table yet; the module area's are outside it
    expect(pageTablePages(r)).toBe(0);
  });

  it('a fault armed for the second page-table page is still pending after module_alloc(8192)', () => {
    const r = boot(v);
    run(r, { op: 'fail', site: 'pte_alloc', nth: 2 });
    expect(run(r, { op: 'module_alloc', size: 8192 }).result.ok).toBe(true);
    // the next page-table allocation is the armed one: a module area in a fresh 2 MiB needs one
    expect(run(r, { op: 'module_alloc', size: 2 * 1024 * 1024 }).result).toMatchObject({ ok: false, error: 'ENOMEM' });
  });
});

describe.each(['2.6.27', '2.6.32', '2.6.39'])('%s x86_64 level2_fixmap_pgt', (v) => {
  it('a module area crossing 0xffffffffc0000000 gets pte pages under level2_fixmap_pgt and no pmd page', () => {
    const r = boot(v);
    // 514 MiB from 0xffffffffa0000000: 256 pte pages under level2_kernel_pgt[256..511], one under level2_fixmap_pgt[0]
    const s = run(r, { op: 'module_alloc', size: 514 * 1024 * 1024, as: 'm' });
    expect(s.result.addr).toBe('0xffffffffa0000000');
    // plus the vmalloc'ed pages array (131584 pointers, 257 pages) in the empty vmalloc window:
    // its pud, pmd and pte pages, the window's only tables
    expect(s.detail.cost.pt_pages).toBe(257 + 3);
    expect(pageTablePages(r)).toBe(3);
    expect(checkMachine(r, 0).filter((f) => f.kind === 'page-table')).toEqual([]);
  });
});
