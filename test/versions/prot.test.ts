/**
 * Protection bits in ptes (issue 13, item 7): every port passes its C's pgprot to set_pte, and
 * lookup_pte shows the pte the MMU sees. Expected flag bits are worked out from the cited header
 * lines and written out here, never read back from vmx; the frame half of each pte is checked
 * against the frame the page tables map there (Kernel.walk).
 *
 * Bits (every version): _PAGE_PRESENT 0x001, _RW 0x002, _USER 0x004, _PWT 0x008, _PCD 0x010,
 * _ACCESSED 0x020, _DIRTY 0x040, _GLOBAL 0x100; _PAGE_NX = 1 << 63 on PAE and x86_64 only.
 *
 * 2.4 (include/asm-i386/pgtable.h 2.4.22 lines 187-232; the same in 2.4.0, 2.4.19, 2.4.31):
 *   __PAGE_KERNEL = P|RW|D|A = 0x063 (line 208), __PAGE_KERNEL_NOCACHE = 0x073 (line 210),
 *   PAGE_KERNEL = MAKE_GLOBAL(__PAGE_KERNEL) (line 230) = 0x163 with cpu_has_pge, 0x063 without
 *   (MAKE_GLOBAL without CONFIG_X86_PGE, line 218); no PAGE_KERNEL_EXEC; __mk_pte does not mask
 *   (pgtable-2level.h line 63, pgtable-3level.h line 95). arch/i386/mm/ioremap.c line 31:
 *   __pgprot(P|RW|D|A | flags), ioremap flags 0, ioremap_nocache _PAGE_PCD (io.h line 149):
 *   0x063 and 0x073, no _PAGE_GLOBAL. 2.4.0 arch/i386/mm/init.c line 92 get_bad_pte_table:
 *   pte_mkdirty(mk_pte_phys(__pa(empty_bad_page), PAGE_SHARED)) = 0x027 | D = 0x067.
 * 2.6.9 i386 (include/asm-i386/pgtable.h lines 125-166, arch/i386/mm/init.c lines 295-325, 417,
 *   444-455): _PAGE_KERNEL = P|RW|D|A|NX, _PAGE_KERNEL_EXEC = P|RW|D|A, | _PAGE_GLOBAL with PGE;
 *   __supported_pte_mask = ~_PAGE_NX, | _PAGE_NX by set_nx with NX (PAE only); PAE's pfn_pte masks
 *   (pgtable-3level.h line 112). So PAGE_KERNEL 0x163 (i386), 0x8000000000000163 (PAE with NX),
 *   0x163 (PAE without NX); PAGE_KERNEL_EXEC 0x163.
 * 2.6.9 x86_64 (include/asm-x86_64/pgtable.h lines 173-193, 234; setup64.c lines 44, 222):
 *   PAGE_KERNEL = MAKE_GLOBAL(P|RW|D|A|NX) = 0x8000000000000163, PAGE_KERNEL_EXEC 0x163;
 *   pfn_pte masks with __supported_pte_mask, which check_efer clears of NX without NX.
 * 2.6.27 (include/asm-x86/pgtable.h lines 84-106, 257; arch/x86/mm/init_32.c lines 504, 551, 791),
 * 2.6.32 (arch/x86/include/asm/pgtable_types.h lines 96-134; pgtable.h lines 219-232; init_32.c
 *   line 591, init_64.c line 75, init.c line 160, setup_nx.c), 2.6.39 (pgtable_types.h lines
 *   99-137; pgtable.h lines 297-310; init_32.c line 532, init_64.c line 77, init.c line 155,
 *   setup_nx.c x86_configure_nx): __PAGE_KERNEL_EXEC = P|RW|D|A|G = 0x163, __PAGE_KERNEL =
 *   __PAGE_KERNEL_EXEC | _PAGE_NX, _NOCACHE | PCD|PWT (0x17b), _UC_MINUS | PCD (0x173), _IO | _PAGE_IOMAP
 *   (0x400, 2.6.32+). i386's __supported_pte_mask starts without NX and G (and IOMAP), gets G with
 *   PGE and NX with NX on PAE; x86_64's is ~0 (~_PAGE_IOMAP in 2.6.32+) less NX without NX. ioremap
 *   (= ioremap_nocache, _PAGE_CACHE_UC_MINUS) maps PAGE_KERNEL(_IO)_UC_MINUS: 0x173 | NX.
 * Run: npx vitest run test/versions/prot.test.ts
 */
import { describe, expect, it } from 'vitest';
import { validateScenario, type Step } from '../../src/harness/scenario.js';
import { bootVersion, runStep, type VersionRun } from '../../src/harness/runner.js';
import type { StepResult } from '../../src/contract/result.js';
import { VERSION_IDS, findVersion } from '../../src/registry.js';

type Arch = 'i386' | 'i386-pae' | 'x86_64';
const NX = 1n << 63n;

function boot(v: string, arch: Arch, cpu: { pge?: boolean; nx?: boolean } = {}): VersionRun {
  const machine = { arch, ramMiB: arch === 'x86_64' ? 1024 : 128, cpus: 1, nodes: 1, ...cpu };
  return bootVersion(validateScenario({ name: 'prot', machine, steps: [] }, VERSION_IDS, 'prot'), findVersion(v)!);
}

function step(run: VersionRun, s: Partial<Step>): StepResult {
  return runStep(run, s as Step).result;
}

/** Allocate with `op` (and its fields), then lookup_pte at the result: the pte's flag bits (0-11 and NX). */
function flagsOf(run: VersionRun, s: Partial<Step>): bigint {
  const r = step(run, { ...s, as: 'x' });
  expect(r).toMatchObject({ ok: true });
  const l = step(run, { op: 'lookup_pte', ref: 'x' });
  expect(l.ok).toBe(true);
  const v = BigInt(l.pte!);
  // the frame half is the frame the tables map there
  const addr = run.bindings.get('x')!;
  expect(v >> 12n & ((1n << 40n) - 1n)).toBe(BigInt(run.kernel.walk(addr)));
  return v & (0xfffn | NX);
}

describe('2.4: PAGE_KERNEL = MAKE_GLOBAL(__PAGE_KERNEL), ioremap without _PAGE_GLOBAL, no NX', () => {
  for (const v of ['2.4.0', '2.4.19', '2.4.22', '2.4.31']) {
    for (const arch of ['i386', 'i386-pae'] as const) {
      it(`${v} ${arch}`, () => {
        const r = boot(v, arch);
        expect(flagsOf(r, { op: 'vmalloc', size: 4096 })).toBe(0x163n);
        expect(flagsOf(r, { op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_NOCACHE' })).toBe(0x173n);
        expect(flagsOf(r, { op: 'ioremap', phys: '0xf0000000', size: 4096 })).toBe(0x063n);
        expect(flagsOf(r, { op: 'ioremap_nocache', phys: '0xf0001000', size: 4096 })).toBe(0x073n);
        // no PAGE_KERNEL_EXEC in 2.4's headers
        expect(step(r, { op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_EXEC' })).toMatchObject({ ok: false, error: 'unsupported' });
        // pgprot_t is an unsigned long: bit 63 of a given value is cut off
        expect(flagsOf(r, { op: '__vmalloc', size: 4096, prot: '0x8000000000000023' })).toBe(0x023n);
        const nopge = boot(v, arch, { pge: false, nx: false });
        expect(flagsOf(nopge, { op: 'vmalloc', size: 4096 })).toBe(0x063n);
        expect(flagsOf(nopge, { op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_NOCACHE' })).toBe(0x073n);
      });
    }
  }

  it('2.4.0: a failed pte page leaves empty_bad_pte_table, every entry pte_mkdirty(mk_pte_phys(empty_bad_page, PAGE_SHARED))', () => {
    const r = boot('2.4.0', 'i386');
    step(r, { op: 'fail', site: 'pte_alloc', nth: 1 });
    expect(step(r, { op: 'vmalloc', size: 4096 })).toMatchObject({ ok: false, error: 'ENOMEM' });
    // empty_bad_page is the frame max_mapnr = 128 MiB / 4 KiB = 0x8000 (see versions/2.4.0/arch/i386/mm/init.ts)
    const l = step(r, { op: 'lookup_pte', addr: '0xc8802000' }); // past the failed area (whose vfree cleared its two entries)
    expect(l).toMatchObject({ ok: true, pte: '0x08000067', prot: 'P RW US A D' });
  });
});

describe('2.6.9: __PAGE_KERNEL and __supported_pte_mask', () => {
  it('i386: 0x163 for PAGE_KERNEL and PAGE_KERNEL_EXEC (no NX bit), 0x063 without PGE', () => {
    const r = boot('2.6.9', 'i386');
    expect(flagsOf(r, { op: 'vmalloc', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: 'vmalloc_exec', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: 'module_alloc', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_NOCACHE' })).toBe(0x173n);
    expect(flagsOf(r, { op: 'ioremap', phys: '0xf0000000', size: 4096 })).toBe(0x063n);
    expect(flagsOf(r, { op: 'ioremap_nocache', phys: '0xf0001000', size: 4096 })).toBe(0x073n);
    expect(flagsOf(boot('2.6.9', 'i386', { pge: false }), { op: 'vmalloc', size: 4096 })).toBe(0x063n);
  });

  it('i386-pae: PAGE_KERNEL has NX where the CPU has it; set_nx does not run without it', () => {
    const r = boot('2.6.9', 'i386-pae');
    expect(flagsOf(r, { op: 'vmalloc', size: 4096 })).toBe(NX | 0x163n);
    expect(flagsOf(r, { op: 'vmalloc_exec', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_NOCACHE' })).toBe(NX | 0x173n);
    const nonx = boot('2.6.9', 'i386-pae', { nx: false });
    expect(flagsOf(nonx, { op: 'vmalloc', size: 4096 })).toBe(0x163n);
    expect(flagsOf(nonx, { op: '__vmalloc', size: 4096, prot: '0x8000000000000063' })).toBe(0x063n);
  });

  it('x86_64: MAKE_GLOBAL always; check_efer masks NX without NX', () => {
    const r = boot('2.6.9', 'x86_64');
    expect(flagsOf(r, { op: 'vmalloc', size: 4096 })).toBe(NX | 0x163n);
    expect(flagsOf(r, { op: 'vmalloc_exec', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_NOCACHE' })).toBe(NX | 0x173n);
    expect(flagsOf(boot('2.6.9', 'x86_64', { nx: false, pge: false }), { op: 'vmalloc', size: 4096 })).toBe(0x163n);
  });
});

describe.each(['2.6.27', '2.6.32', '2.6.39'])('%s: __PAGE_KERNEL = __PAGE_KERNEL_EXEC | _PAGE_NX through __supported_pte_mask', (v) => {
  it('i386: no NX bit; _PAGE_GLOBAL only with PGE', () => {
    const r = boot(v, 'i386');
    expect(flagsOf(r, { op: 'vmalloc', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: 'vmalloc_exec', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: 'vmalloc_32_user', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_NOCACHE' })).toBe(0x17bn);
    expect(flagsOf(r, { op: 'ioremap', phys: '0xf0000000', size: 4096 })).toBe(0x173n);
    expect(flagsOf(r, { op: 'vmap', pages: 1 })).toBe(0x163n);
    if (v !== '2.6.27') expect(flagsOf(r, { op: 'vm_map_ram', pages: 1 })).toBe(0x163n);
    const nopge = boot(v, 'i386', { pge: false });
    expect(flagsOf(nopge, { op: 'vmalloc', size: 4096 })).toBe(0x063n);
    expect(flagsOf(nopge, { op: 'vmalloc_exec', size: 4096 })).toBe(0x063n);
  });

  it('i386-pae: NX in PAGE_KERNEL and ioremap, not in PAGE_KERNEL_EXEC; masked without NX', () => {
    const r = boot(v, 'i386-pae');
    expect(flagsOf(r, { op: 'vmalloc', size: 4096 })).toBe(NX | 0x163n);
    expect(flagsOf(r, { op: 'vmalloc_exec', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: 'module_alloc', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: 'ioremap_nocache', phys: '0xf0000000', size: 4096 })).toBe(NX | 0x173n);
    const nonx = boot(v, 'i386-pae', { nx: false });
    expect(flagsOf(nonx, { op: 'vmalloc', size: 4096 })).toBe(0x163n);
  });

  it('x86_64: PAGE_KERNEL 0x8000000000000163, module_alloc PAGE_KERNEL_EXEC in MODULES_VADDR', () => {
    const r = boot(v, 'x86_64');
    expect(flagsOf(r, { op: 'vmalloc', size: 4096 })).toBe(NX | 0x163n);
    expect(flagsOf(r, { op: 'vmalloc_exec', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: 'module_alloc', size: 4096 })).toBe(0x163n);
    expect(flagsOf(r, { op: 'ioremap', phys: '0xf0000000', size: 4096 })).toBe(NX | 0x173n);
    expect(flagsOf(r, { op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_NOCACHE' })).toBe(NX | 0x17bn);
    expect(flagsOf(boot(v, 'x86_64', { nx: false }), { op: 'vmalloc', size: 4096 })).toBe(0x163n);
  });
});

describe('lookup_pte and the pte fields', () => {
  it('64-bit exact hex on x86_64, names in bit order, 0 for a none pte, nonexistent where no pte table is', () => {
    const r = boot('2.6.32', 'x86_64');
    step(r, { op: 'vmalloc', size: 4096, as: 'a' });
    const frame = r.kernel.walk(r.bindings.get('a')!);
    const l = step(r, { op: 'lookup_pte', ref: 'a' });
    expect(l).toEqual({ op: 'lookup_pte', ok: true, pte: '0x8' + (frame * 4096 + 0x163).toString(16).padStart(15, '0'), prot: 'P RW A D G NX', log: [] });
    // the guard page: a none pte in the same table
    expect(step(r, { op: 'lookup_pte', ref: 'a', offset: 4096 })).toEqual({ op: 'lookup_pte', ok: true, pte: '0x0000000000000000', prot: '', log: [] });
    expect(step(r, { op: 'lookup_pte', addr: '0xffffe80000000000' })).toEqual({ op: 'lookup_pte', ok: false, error: 'nonexistent', log: [] });
  });

  it('refuses a prot that is no name and no pte flag value, and a CPU field that is not a boolean', () => {
    const bad = (steps: unknown[], machine: Record<string, unknown> = {}) => () =>
      validateScenario({ name: 'p', machine: { arch: 'i386', ramMiB: 64, cpus: 1, nodes: 1, ...machine }, steps }, VERSION_IDS, 'p');
    expect(bad([{ op: '__vmalloc', size: 4096, prot: 'PAGE_KERNEL_RX' }])).toThrow(/field "prot" must be one of PAGE_KERNEL, PAGE_KERNEL_EXEC, PAGE_KERNEL_NOCACHE/);
    expect(bad([{ op: '__vmalloc', size: 4096, prot: '0x1163' }])).toThrow(/only the pte flag bits 0-11 and 63/);
    expect(bad([{ op: '__vmalloc', size: 4096, prot: '0x162' }])).toThrow(/must include _PAGE_PRESENT/);
    expect(bad([{ op: '__vmalloc', size: 4096 }])).toThrow(/field "prot" is required/);
    expect(bad([], { nx: 'yes' })).toThrow(/machine.nx must be true or false/);
    expect(bad([], { pge: 1 })).toThrow(/machine.pge must be true or false/);
  });
});

/**
 * The MMU reading the bits back (issue 13 item 7): x86 in kernel mode with CR0.WP set (Intel SDM
 * vol. 3 4.6: a supervisor store to a page without R/W faults; 4.8: the walk that fills the TLB sets
 * A, the first store sets D; an instruction fetch from a page with XD faults once EFER.NXE is set).
 * The NX line before the oops: 2.6.9 arch/i386/mm/fault.c lines 436-443 (CONFIG_X86_PAE, error_code
 * & 16; arch/x86_64/mm/fault.c has none), 2.6.27 arch/x86/mm/fault.c lines 389-399 (CONFIG_X86_PAE),
 * 2.6.32 / 2.6.39 show_fault_oops (PF_INSTR, any arch): "kernel tried to execute NX-protected page -
 * exploit attempt? (uid: %d)" when lookup_address finds a present pte without exec.
 */
describe('the MMU honours RW, sets A and D, faults a fetch on NX', () => {
  const NXLINE = 'kernel tried to execute NX-protected page - exploit attempt? (uid: 0)';
  it.each(VERSION_IDS)('%s i386-pae: a hex prot without D gains D on the first store, one without RW OOPSes on a store', (v) => {
    const r = boot(v, 'i386-pae');
    step(r, { op: '__vmalloc', size: 4096, prot: '0x23', as: 'w' }); // P RW A
    expect(step(r, { op: 'lookup_pte', ref: 'w' }).prot).toBe('P RW A');
    expect(step(r, { op: 'peek', ref: 'w', count: 1 }).ok).toBe(true);
    expect(step(r, { op: 'lookup_pte', ref: 'w' }).prot).toBe('P RW A');
    expect(step(r, { op: 'poke', ref: 'w', data: '01' })).toMatchObject({ ok: true, count: 1 });
    expect(step(r, { op: 'lookup_pte', ref: 'w' }).prot).toBe('P RW A D');
    step(r, { op: '__vmalloc', size: 4096, prot: '0x101', as: 'r' }); // P G
    expect(step(r, { op: 'lookup_pte', ref: 'r' }).prot).toBe('P G');
    expect(step(r, { op: 'peek', ref: 'r', count: 2 })).toMatchObject({ ok: true, data: '0000' });
    expect(step(r, { op: 'lookup_pte', ref: 'r' }).prot).toBe('P A G');
    const addr = run_hex(r, 'r');
    const line = v.startsWith('2.4') || v === '2.6.9' ? `Unable to handle kernel paging request at virtual address ${addr}` : `BUG: unable to handle kernel paging request at ${addr}`;
    expect(step(r, { op: 'poke', ref: 'r', data: '01' })).toEqual({ op: 'poke', ok: false, error: 'OOPS', log: [line] });
    expect(step(r, { op: 'lookup_pte', ref: 'r' }).prot).toBe('P A G');
  });

  const cases: [string, Arch, boolean][] = [
    ['2.6.9', 'i386-pae', true],
    ['2.6.9', 'x86_64', false],
    ['2.6.27', 'i386-pae', true],
    ['2.6.27', 'x86_64', false],
    ['2.6.32', 'i386-pae', true],
    ['2.6.32', 'x86_64', true],
    ['2.6.39', 'i386-pae', true],
    ['2.6.39', 'x86_64', true],
  ];
  it.each(cases)('%s %s: exec of a vmalloc (PAGE_KERNEL, NX) page OOPSes, the NX line first: %s', (v, arch, nxLine) => {
    const r = boot(v, arch);
    step(r, { op: 'vmalloc', size: 4096, as: 'a' });
    const e = step(r, { op: 'exec', ref: 'a' });
    expect(e).toMatchObject({ op: 'exec', ok: false, error: 'OOPS' });
    expect(e.log.length).toBe(nxLine ? 2 : 1);
    if (nxLine) expect(e.log[0]).toBe(NXLINE);
    expect(e.log[e.log.length - 1]).toMatch(/paging request at /);
    // PAGE_KERNEL_EXEC (vmalloc_exec) executes; its guard page faults as not present: no NX line
    step(r, { op: 'vmalloc_exec', size: 4096, as: 'x' });
    expect(step(r, { op: 'exec', ref: 'x', offset: 17 })).toEqual({ op: 'exec', ok: true, log: [] });
    const g = step(r, { op: 'exec', ref: 'x', offset: 4096 });
    expect(g).toMatchObject({ ok: false, error: 'OOPS' });
    expect(g.log.length).toBe(1);
  });

  it('no NX bit, no fault: i386 2.6.32, PAE without machine.nx, 2.4 PAE', () => {
    for (const r of [boot('2.6.32', 'i386'), boot('2.6.32', 'i386-pae', { nx: false }), boot('2.4.22', 'i386-pae')]) {
      step(r, { op: 'vmalloc', size: 4096, as: 'a' });
      expect(step(r, { op: 'exec', ref: 'a' })).toEqual({ op: 'exec', ok: true, log: [] });
    }
  });
});

/** The bound address as the version's %08lx / %p print it on i386 (8 hex digits). */
function run_hex(r: VersionRun, name: string): string {
  return r.bindings.get(name)!.toString(16).padStart(8, '0');
}
