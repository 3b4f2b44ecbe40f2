/**
 * machine.profile "pc" (issue 13, item 9): a PC's boot reservations, and what ioremap of RAM does
 * on it (LDD3 ch. 9's "ioremap of RAM" cases). Expected values from the C:
 *   arch/i386/kernel/setup.c (2.4.19) setup_memory: reserve_bootmem(HIGH_MEMORY, kernel image +
 *     bootmap), reserve_bootmem(0, PAGE_SIZE) ("special BIOS page") and, CONFIG_SMP,
 *     reserve_bootmem(PAGE_SIZE, PAGE_SIZE) (the trampoline); the 640K-1M hole is not E820_RAM, so
 *     its struct pages are never freed and stay PageReserved. vmx's pc profile reserves frames 0
 *     and 1, frames 0xa0-0xff and the image at 1-4 MiB (frames 0x100-0x3ff).
 *   arch/i386/mm/ioremap.c (2.4.19) __ioremap: 0xa0000 <= phys, last < 0x100000 gives
 *     phys_to_virt(phys) (0xc00a0000); below high_memory every page of the range must be
 *     PageReserved or the result is NULL.
 *   arch/x86/mm/ioremap.c (2.6.32) __ioremap_caller: the ISA range as above; for each pfn with
 *     (pfn << PAGE_SHIFT) < (last_addr & PAGE_MASK): page_is_ram && !PageReserved gives NULL, and
 *     WARN_ON_ONCE(is_ram) (line 148) for reserved RAM; page_is_ram is 0 for page 0 and 640K-1M.
 * Run: npx vitest run test/versions/pc-profile.test.ts
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError, validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, type VersionRun } from '../../src/harness/runner.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';

function boot(v: string, profile?: 'pc' | 'stub'): VersionRun {
  const machine = { arch: 'i386' as const, ramMiB: 128, cpus: 1, ...(profile ? { profile } : {}) };
  return bootVersion(validateScenario({ name: 'pc', machine, steps: [] }, VERSION_IDS, 'pc'), findVersion(v)!);
}
const ioremap = (r: VersionRun, phys: string, size: number) => runStep(r, { op: 'ioremap', phys, size } as Step).result;

describe('machine.profile "pc": the frames a PC reserves at boot', () => {
  it('reserves frames 0 and 1, the ISA hole and the kernel image at 1-4 MiB, not 8 KiB-640 KiB or RAM above 4 MiB', () => {
    const r = boot('2.4.19', 'pc');
    const k = r.kernel;
    expect(k.PageReserved(0)).toBe(true);
    expect(k.PageReserved(1)).toBe(true);
    for (const pfn of [2, 0x50, 0x9f]) expect(k.PageReserved(pfn)).toBe(false);
    for (const pfn of [0xa0, 0xc0, 0xff, 0x100, 0x200, 0x3ff]) expect(k.PageReserved(pfn)).toBe(true);
    expect(k.PageReserved(0x400)).toBe(false);
    // swapper_pg_dir is a frame of the image (2.4 head.S: 0x101000)
    expect(k.machine.pt.pgdPfn).toBe(0x101);
  });
  it('leaves the default machine as it was: no frame reserved but the boot tables', () => {
    const k = boot('2.4.19').kernel;
    for (const pfn of [0, 0xa0, 0x100, 0x200]) expect(k.PageReserved(pfn)).toBe(false);
  });
  it('is validated: an unknown profile names the field', () => {
    expect(() => validateScenario({ name: 'x', machine: { arch: 'i386', ramMiB: 128, profile: 'laptop' }, steps: [] }, VERSION_IDS)).toThrow(
      new ScenarioError('scenario: machine.profile must be "stub" or "pc" (got "laptop")'),
    );
  });
});

describe('2.4.19 __ioremap on the pc profile', () => {
  it('maps the ISA hole through the linear map, a reserved kernel-image frame through vmalloc, refuses free RAM', () => {
    const r = boot('2.4.19', 'pc');
    expect(ioremap(r, '0xa0000', 0x10000)).toMatchObject({ ok: true, addr: '0xc00a0000' });
    // 0x200000-0x201fff: two PageReserved image frames: get_vm_area + remap_area_pages (first area of the window)
    expect(ioremap(r, '0x200000', 0x2000)).toMatchObject({ ok: true, addr: '0xc8800000' });
    // 0x800000: free RAM below high_memory
    expect(ioremap(r, '0x800000', 0x2000)).toMatchObject({ ok: false, error: 'ENOMEM' });
    // pages 0 and 1 are reserved, page 2 is not
    expect(ioremap(r, '0x0', 0x2000)).toMatchObject({ ok: true });
    expect(ioremap(r, '0x1000', 0x2000)).toMatchObject({ ok: false, error: 'ENOMEM' });
  });
  it('refuses the kernel image on the default machine, where nothing is reserved', () => {
    expect(ioremap(boot('2.4.19'), '0x200000', 0x2000)).toMatchObject({ ok: false, error: 'ENOMEM' });
  });
});

describe('2.6.32 __ioremap_caller on the pc profile', () => {
  it('warns once and maps reserved RAM, refuses free RAM, maps page 0 (not RAM to page_is_ram)', () => {
    const r = boot('2.6.32', 'pc');
    expect(ioremap(r, '0xa0000', 0x10000)).toMatchObject({ ok: true, addr: '0xc00a0000' });
    expect(ioremap(r, '0x200000', 0x2000)).toEqual({ op: 'ioremap', ok: true, addr: '0xc8800000', log: ['WARNING: at arch/x86/mm/ioremap.c:148 __ioremap_caller()'] });
    // WARN_ON_ONCE: the second reserved range maps silently
    expect(ioremap(r, '0x300000', 0x2000)).toEqual({ op: 'ioremap', ok: true, addr: '0xc8804000', log: [] });
    expect(ioremap(r, '0x800000', 0x2000)).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(ioremap(r, '0x0', 0x2000)).toMatchObject({ ok: true });
  });
  it('refuses the kernel image on the default machine', () => {
    expect(ioremap(boot('2.6.32'), '0x200000', 0x2000)).toMatchObject({ ok: false, error: 'ENOMEM' });
  });
});
