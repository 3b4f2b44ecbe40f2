/**
 * The kernel versions the oracle builds: where each one's files come from, the git blob id each file
 * must have, its arches, its build switches and the vmalloc window it derives when a scenario gives
 * none. tools/oracle/VERSIONS.md is the same table for people; test/oracle-versions.test.ts checks
 * that the two agree. Nothing here comes from vmx: the oracle must not share vmx's choices.
 */

export type OracleArch = 'i386' | 'i386-pae' | 'x86_64';

export interface SourceFile {
  /** Path inside the kernel tree. */
  path: string;
  /** `git hash-object` of the file: the oracle compiles this blob and refuses any other. */
  blob: string;
  /**
   * Functions taken from this file, unmodified and in the file's order, into the build's
   * oracle_memory.c (c/memory_tu.c compiles them); the rest of the file is not compiled.
   */
  extract?: string[];
  /**
   * Which generated file the extracted functions go to: 'memory' (oracle_memory.c, compiled by
   * c/memory_tu.c; the default) or 'ioremap' (oracle_ioremap.c, compiled by c/ioremap_tu.c: the
   * arch's ioremap / iounmap and the asm/io.h inlines they need).
   */
  unit?: 'memory' | 'ioremap';
  /** The arches whose build compiles this file's functions (default: every arch of the version). */
  arches?: OracleArch[];
}

export interface OracleVersion {
  id: string;
  /** Kernel family of the stub headers (tools/oracle/c/stubs/v24 or v26). */
  family: 'v24' | 'v26';
  /** The -D switch naming the version in the C (kstub.h, driver.c, oracle_rt.c). */
  define: string;
  /** The public mirror the files were taken from and the ref in it (documentation and look-up). */
  mirror: string;
  /** Refs tried in each kernel git directory, in order; the first whose files have the recorded blobs wins. */
  refs: string[];
  files: SourceFile[];
  arches: OracleArch[];
}

const VMALLOC_H = 'include/linux/vmalloc.h';
const f = (path: string, blob: string): SourceFile => ({ path, blob });
/** mm/memory.c's page-table allocation, as each family's mm/vmalloc.c reaches it. */
const MEMORY_24 = ['pte_alloc'];
const MEMORY_269 = ['pte_alloc_kernel', '__pmd_alloc'];
const MEMORY_26 = ['pmd_clear_bad', '__pud_alloc', '__pmd_alloc', '__pte_alloc_kernel', 'apply_to_pte_range', 'apply_to_pmd_range', 'apply_to_pud_range', 'apply_to_page_range'];
const memory = (blob: string, extract: string[]): SourceFile => ({ path: 'mm/memory.c', blob, extract });
/** 2.4 i386 ioremap: include/asm-i386/io.h's inlines and arch/i386/mm/ioremap.c's __ioremap / iounmap with their page-table walk. */
const IO_H_24 = ['virt_to_phys', 'phys_to_virt', 'ioremap', 'ioremap_nocache'];
const IOREMAP_24 = ['remap_area_pte', 'remap_area_pmd', 'remap_area_pages', '__ioremap', 'iounmap'];
const ioH = (blob: string, extract: string[]): SourceFile => ({ path: 'include/asm-i386/io.h', blob, extract, unit: 'ioremap' });
const ioremapC = (path: string, blob: string, extract: string[]): SourceFile => ({ path, blob, extract, unit: 'ioremap' });
const I386: OracleArch[] = ['i386', 'i386-pae'];
/** 2.6.9: io.h has the ioremap inline only; ioremap_nocache and iounmap are in arch/i386/mm/ioremap.c (i386 builds) or arch/x86_64/mm/ioremap.c (x86_64). */
const IO_H_269 = ['virt_to_phys', 'phys_to_virt', 'ioremap'];
/** 2.6.27 on: asm/io.h's inlines, physaddr.h's phys_addr_valid, lib/ioremap.c's ioremap_page_range walk, arch/x86/mm/ioremap.c. */
const IO_H_26 = ['virt_to_phys', 'phys_to_virt', 'ioremap'];
const LIB_IOREMAP = ['ioremap_pte_range', 'ioremap_pmd_range', 'ioremap_pud_range', 'ioremap_page_range'];
const IOREMAP_X86 = ['page_is_ram', '__ioremap_caller', 'ioremap_nocache', 'iounmap'];
/** 2.6.27: no physaddr.h; phys_addr_valid's i386 definition is the file's second (#else of CONFIG_X86_64). */
const IOREMAP_2627 = ['phys_addr_valid@2', 'page_is_ram', 'ioremap_change_attr', '__ioremap_caller', 'ioremap_nocache', 'iounmap'];
/** 2.6.39: page_is_ram is kernel/resource.c's generic one; is_ISA_range an inline of asm/e820.h. */
const RESOURCE_39 = ['find_next_system_ram', 'walk_system_ram_range', '__is_ram', 'page_is_ram'];
const IOREMAP_2639 = ['__ioremap_caller', 'ioremap_nocache', 'iounmap'];
const IOREMAP_269 = ['remap_area_pte', 'remap_area_pmd', 'remap_area_pages', '__ioremap', 'ioremap_nocache', 'iounmap'];

export const ORACLE_VERSIONS: readonly OracleVersion[] = [
  {
    id: '2.4.0', family: 'v24', define: 'ORACLE_V2400', mirror: 'MaximeChretien/linux-history', refs: ['2.4.0'],
    files: [
      f('mm/vmalloc.c', '62ce5f1ffed814878c445f86b011a8ee98566e62'), f(VMALLOC_H, 'f87bd857133bdaa240f7f728b7a2f92d68d4bc62'),
      // pte_alloc_kernel is an inline of asm-i386/pgalloc.h over arch/i386/mm/init.c's get_pte_kernel_slow
      { path: 'arch/i386/mm/init.c', blob: 'b2e5a1bfc71d84f4852642b75d945337f6838eff', extract: ['get_bad_pte_table', '__handle_bad_pmd_kernel', 'get_pte_kernel_slow'] },
      { path: 'include/asm-i386/pgalloc.h', blob: '64a9a7f68c61e5273128a0831d657afd0ab9ccdb', extract: ['pte_alloc_kernel'] },
      // ioremap.c: pte_alloc_kernel / pmd_alloc_kernel, no page_table_lock (2.4.x added them later)
      ioH('7a4e9facc0d4b11e1dcd161c6314020da44cda53', IO_H_24), ioremapC('arch/i386/mm/ioremap.c', 'bb72da8c86a618b25ac834ea943c6ac72a36dd23', IOREMAP_24),
    ],
    arches: ['i386', 'i386-pae'],
  },
  {
    id: '2.4.19', family: 'v24', define: 'ORACLE_V2419', mirror: 'MaximeChretien/linux-history', refs: ['2.4.19'],
    files: [f('mm/vmalloc.c', '63d3c25f9ba87cf59f76e2c0c623ac630c9162b7'), f(VMALLOC_H, 'f87bd857133bdaa240f7f728b7a2f92d68d4bc62'), memory('81166b88daf3104e644078910b96ef5f4b6c60be', MEMORY_24),
      ioH('27a3b85eb2dae7fca6e29573e0d003865d1ade01', IO_H_24), ioremapC('arch/i386/mm/ioremap.c', 'cf93cacb2f8a4350f0f15b4799f960542e777362', IOREMAP_24)],
    arches: ['i386', 'i386-pae'],
  },
  {
    id: '2.4.22', family: 'v24', define: 'ORACLE_V2422', mirror: 'MaximeChretien/linux-history', refs: ['2.4.22'],
    files: [f('mm/vmalloc.c', 'e91e12aa506ed517aa2b72367b8d430129b9aa99'), f(VMALLOC_H, '902d247261fa57e2a10fac60aa783e29c8e3c52a'), memory('435723c8eb916cf5a8efa565eaf33968b4779e97', MEMORY_24),
      ioH('ce6dd5beb6c5b9aa618808146a4f92a237684995', IO_H_24), ioremapC('arch/i386/mm/ioremap.c', 'cf93cacb2f8a4350f0f15b4799f960542e777362', IOREMAP_24)],
    arches: ['i386', 'i386-pae'],
  },
  {
    id: '2.4.31', family: 'v24', define: 'ORACLE_V2431', mirror: 'MaximeChretien/linux-history', refs: ['2.4.31'],
    files: [f('mm/vmalloc.c', '4d2a93a08804a538dcb2095f869096437ce95e4e'), f(VMALLOC_H, '902d247261fa57e2a10fac60aa783e29c8e3c52a'), memory('9cde424cb6e8d33bac530ea8fe28ba30ee732643', MEMORY_24),
      ioH('ce6dd5beb6c5b9aa618808146a4f92a237684995', IO_H_24), ioremapC('arch/i386/mm/ioremap.c', 'f61a5b1c9932fe89e8bed85144eba36cc15607ae', IOREMAP_24)],
    arches: ['i386', 'i386-pae'],
  },
  {
    id: '2.6.9', family: 'v26', define: 'ORACLE_V2609', mirror: 'MaximeChretien/linux-history', refs: ['v2.6.9'],
    files: [f('mm/vmalloc.c', '4093deae381b93efa1ed2e89c9f10c98e0b0b3b7'), f(VMALLOC_H, '8c68717810c324c8c38ada474fbf2e7cedb254ff'), memory('0a7013a26019e9760894bb28b1a5c096cac90b7d', MEMORY_269),
      { ...ioH('083e3b8f8c7f04c8b2040b194f95fa0ee9f5db12', IO_H_269), arches: I386 },
      { ...ioremapC('arch/i386/mm/ioremap.c', 'aee0bb1f495d6380ba4a1b498c34aa01882a0686', IOREMAP_269), arches: I386 },
      { path: 'include/asm-x86_64/io.h', blob: 'd5a214064cc03280bc33d06faecbf7e048b32c2b', extract: IO_H_269, unit: 'ioremap', arches: ['x86_64'] },
      { ...ioremapC('arch/x86_64/mm/ioremap.c', '9fc032b9923113de08bec5bf78cf9dcaa96b2fa9', IOREMAP_269), arches: ['x86_64'] }],
    arches: ['i386', 'i386-pae', 'x86_64'],
  },
  {
    id: '2.6.27', family: 'v26', define: 'ORACLE_V2627', mirror: 'sepen/linux-2.6.32.y', refs: ['3fa8749e584b', 'v2.6.27'],
    files: [f('mm/vmalloc.c', '85b9a0d2c877402ee6c06e97fd9084919ed8485b'), f(VMALLOC_H, '328eb40227277967c8a6179efb56ad14e03fc233'), memory('1002f473f497c37f34c5c33d4dfa7d2bd49faed0', MEMORY_26),
      { path: 'include/asm-x86/io_32.h', blob: 'e876d89ac15618f88ea4b624de64c6b1fc27e9cd', extract: IO_H_26, unit: 'ioremap', arches: I386 },
      { path: 'include/asm-x86/io_64.h', blob: '22995c5c5adc0d001bb40730fbeb15d47951ff01', extract: IO_H_26, unit: 'ioremap', arches: ['x86_64'] },
      { path: 'lib/ioremap.c', blob: '14c6078f17a2a2aa26da4ac638da4a7e966649ed', extract: LIB_IOREMAP, unit: 'ioremap' },
      { path: 'arch/x86/mm/ioremap.c', blob: 'd4b6e6a29ae3597c45071805f734a502a12d6ab2', extract: IOREMAP_2627, unit: 'ioremap', arches: I386 },
      // x86_64: phys_addr_valid is the file's first definition (CONFIG_X86_64)
      { path: 'arch/x86/mm/ioremap.c', blob: 'd4b6e6a29ae3597c45071805f734a502a12d6ab2', extract: IOREMAP_2627.map((n) => n.replace('@2', '')), unit: 'ioremap', arches: ['x86_64'] }],
    arches: ['i386', 'i386-pae', 'x86_64'],
  },
  {
    id: '2.6.32', family: 'v26', define: 'ORACLE_V2632', mirror: 'sepen/linux-2.6.32.y', refs: ['22763c5cf369', 'v2.6.32'],
    files: [
      f('mm/vmalloc.c', '0f551a4a44cddc7a042d47bbcd85c7126569ee69'), f(VMALLOC_H, '227c2a585e4f326a4e3355fc01f34a1eb4901b03'),
      f('lib/rbtree.c', 'e2aa3be29858cdcdd69bf4a43a67813db84079ee'), f('include/linux/rbtree.h', '9c295411d01f66a65a22b034c6d13b7c7569cef4'),
      memory('6ab19dd4a1990f3f463c1db3eee4f19ce4f5a3de', MEMORY_26),
      { path: 'arch/x86/include/asm/io.h', blob: '73739322b6d05675ca8155aac9f5126a5e701460', extract: IO_H_26, unit: 'ioremap' },
      { path: 'arch/x86/mm/physaddr.h', blob: 'a3cd5a0c97b3ec7316eafffc977e465c58661b8f', extract: ['phys_addr_valid'], unit: 'ioremap' },
      { path: 'lib/ioremap.c', blob: '14c6078f17a2a2aa26da4ac638da4a7e966649ed', extract: LIB_IOREMAP, unit: 'ioremap' },
      { path: 'arch/x86/mm/ioremap.c', blob: '2feb9bdedaaf01fd2f66e08899fb160bf810d220', extract: IOREMAP_X86, unit: 'ioremap' },
    ],
    arches: ['i386', 'i386-pae', 'x86_64'],
  },
  {
    // robacklin/linux-2.6.39.4 @ HEAD (a 2.6.39.4 snapshot) holds the same four blobs: 'HEAD' finds them there.
    id: '2.6.39', family: 'v26', define: 'ORACLE_V2639', mirror: 'gpl-releases/linux-2.6.39.3', refs: ['61c4f2c81c61', 'v2.6.39', 'HEAD'],
    files: [
      f('mm/vmalloc.c', '5d6030235d7a8e4462498e6d9154ca97029069ed'), f(VMALLOC_H, '9332e52ea8c270aadacb79b61446336202e1fea6'),
      f('lib/rbtree.c', 'a16be19a130545ce44fc4f8c6a3f9fde866b9159'), f('include/linux/rbtree.h', '7066acb2c53072c4d6df35b7bc909723d1d646a9'),
      memory('61e66f026563b4b473fc73922d58a984c490c827', MEMORY_26),
      { path: 'arch/x86/include/asm/io.h', blob: '072273082528c3bcff89ca88d9d98e26567c38df', extract: IO_H_26, unit: 'ioremap' },
      { path: 'arch/x86/include/asm/e820.h', blob: '908b96957d88adf11694f6e83652b47d06d3b8f0', extract: ['is_ISA_range'], unit: 'ioremap' },
      { path: 'arch/x86/mm/physaddr.h', blob: 'a3cd5a0c97b3ec7316eafffc977e465c58661b8f', extract: ['phys_addr_valid'], unit: 'ioremap' },
      { path: 'kernel/resource.c', blob: '798e2fae2a069645c13853f4b658dada92af8f66', extract: RESOURCE_39, unit: 'ioremap' },
      { path: 'lib/ioremap.c', blob: 'da4e2ad74b688db71fe2b0bcce0440c51641eefb', extract: LIB_IOREMAP, unit: 'ioremap' },
      { path: 'arch/x86/mm/ioremap.c', blob: '0369843511dc34292b6b0e944fc53bcab7396f8d', extract: IOREMAP_2639, unit: 'ioremap' },
    ],
    arches: ['i386', 'i386-pae', 'x86_64'],
  },
];

export const ORACLE_ARCHES: readonly OracleArch[] = ['i386', 'i386-pae', 'x86_64'];

/** Whether the version's build compiles its arch ioremap (drives ioremap, ioremap_nocache, iounmap). */
export function hasIoremap(v: OracleVersion, arch?: OracleArch): boolean {
  if (arch && !v.arches.includes(arch)) return false;
  return v.files.some((f) => f.unit === 'ioremap' && (!arch || !f.arches || f.arches.includes(arch)));
}

/**
 * high_memory of the version's i386 setup (the end of the directly mapped RAM) as a kernel address:
 * PAGE_OFFSET + min(RAM, MAXMEM). 2.4, 2.6.9, 2.6.27: MAXMEM = -PAGE_OFFSET - __VMALLOC_RESERVE
 * (896 MiB; 2.6.9 honours vmalloc=); 2.6.32, 2.6.39: MAXMEM = VMALLOC_END - PAGE_OFFSET -
 * __VMALLOC_RESERVE with the assumed fixmap, high_memory = __va(max_low_pfn * PAGE_SIZE - 1) + 1.
 */
export function highMemory(version: string, arch: OracleArch, ramMiB: number, reserveMiB?: number): bigint {
  const ram = BigInt(ramMiB) * MiB;
  // x86_64, 2.6.9 (asm-x86_64/page.h, arch/x86_64/mm/init.c): __PAGE_OFFSET 0x10000000000 (1 << 40, the lower half),
  // high_memory = __va(end_pfn * PAGE_SIZE), all RAM directly mapped
  if (arch === 'x86_64' && version === '2.6.9') return 0x10000000000n + ram;
  // x86_64 (2.6.27 on, page_64.h / page_64_types.h): __PAGE_OFFSET 0xffff880000000000, all RAM directly mapped
  if (arch === 'x86_64') return 0xffff880000000000n + ram;
  const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
  if (version === '2.6.32' || version === '2.6.39') {
    const end = arch === 'i386-pae' ? 0xff9fe000n : 0xff7fe000n;
    return PAGE_OFFSET + min(ram, (end - PAGE_OFFSET - VMALLOC_RESERVE) & ~0xfffn);
  }
  const reserve = version === '2.6.9' && reserveMiB !== undefined ? BigInt(reserveMiB) * MiB : VMALLOC_RESERVE;
  return PAGE_OFFSET + min(ram, (1n << 32n) - PAGE_OFFSET - reserve);
}

export function oracleVersion(id: string): OracleVersion | undefined {
  return ORACLE_VERSIONS.find((v) => v.id === id);
}

/** Page-table levels the C is built with (ORACLE_PT_LEVELS): 2.6.9's x86_64 hides the pml4 (3 generic levels). */
export function ptLevels(v: OracleVersion, arch: OracleArch): number {
  if (arch === 'x86_64') return v.id === '2.6.9' ? 3 : 4;
  return arch === 'i386-pae' ? 3 : 2;
}

const MiB = 1n << 20n;
const PAGE_OFFSET = 0xc0000000n;
const VMALLOC_OFFSET = 8n * MiB;
const VMALLOC_RESERVE = 128n * MiB;
const align8m = (x: bigint): bigint => (x + 2n * VMALLOC_OFFSET - 1n) & ~(VMALLOC_OFFSET - 1n);

/**
 * VMALLOC_START/END each version derives from its own asm headers when the scenario gives no window
 * (the config-dependent parts, the fixmap behind PKMAP_BASE / FIXADDR_START, are the oracle's stated
 * assumptions: VERSIONS.md). Exact integers (bigint): x86_64 addresses do not fit a double.
 * `reserveMiB` is the machine's vmallocReserveMiB (the vmalloc= boot option), which 2.6.9's i386
 * setup.c honours; the other versions' windows here keep the 128 MiB default.
 */
export function defaultWindow(version: string, arch: OracleArch, ramMiB: number, reserveMiB?: number): { start: bigint; end: bigint } {
  if (arch === 'x86_64') {
    // 2.6.9 asm-x86_64/pgtable.h: one pml4 slot (510)
    if (version === '2.6.9') return { start: 0xffffff0000000000n, end: 0xffffff7fffffffffn };
    // 2.6.27 include/asm-x86/pgtable_64.h (before 2.6.28 moved the vmalloc area)
    if (version === '2.6.27') return { start: 0xffffc20000000000n, end: 0xffffe1ffffffffffn };
    // 2.6.28 on, arch/x86/include/asm/pgtable_64_types.h
    return { start: 0xffffc90000000000n, end: 0xffffe8ffffffffffn };
  }
  const ram = BigInt(ramMiB) * MiB;
  const lowmem = (maxmem: bigint): bigint => PAGE_OFFSET + (ram < maxmem ? ram : maxmem);
  const pae = arch === 'i386-pae';
  if (version === '2.6.9' || version === '2.6.27') {
    // 2.6.9 asm-i386/page.h, 2.6.27 asm-x86/page_32.h: MAXMEM = -__PAGE_OFFSET - __VMALLOC_RESERVE (896 MiB);
    // VMALLOC_START = (high_memory [+ vmalloc_earlyreserve, 0 without EFI] + 2*VMALLOC_OFFSET-1) & ~(VMALLOC_OFFSET-1);
    // VMALLOC_END = PKMAP_BASE - 2 pages (CONFIG_HIGHMEM), with 2.6.32's assumed fixmap (PKMAP_BASE 0xff800000, PAE 0xffa00000)
    // 2.6.9 setup.c: vmalloc=<size> sets __VMALLOC_RESERVE (8cc3d21cc3)
    const reserve = version === '2.6.9' && reserveMiB !== undefined ? BigInt(reserveMiB) * MiB : VMALLOC_RESERVE;
    const high = lowmem((1n << 32n) - PAGE_OFFSET - reserve);
    return { start: align8m(high), end: pae ? 0xff9fe000n : 0xff7fe000n };
  }
  if (version.startsWith('2.4.')) {
    // asm-i386/page.h: MAXMEM = -PAGE_OFFSET - __VMALLOC_RESERVE (896 MiB); setup.c: high_memory = __va(max_low_pfn << PAGE_SHIFT);
    // asm-i386/pgtable.h: VMALLOC_START = (high_memory + 2*VMALLOC_OFFSET-1) & ~(VMALLOC_OFFSET-1)
    const start = align8m(lowmem((1n << 32n) - PAGE_OFFSET - VMALLOC_RESERVE));
    // 2.4.0 asm-i386/pgtable.h: VMALLOC_END = FIXADDR_START = 0xffffe000 - __end_of_fixed_addresses pages (fixmap.h, SMP
    // config: FIX_APIC_BASE 1 + FIX_IO_APIC_BASE MAX_IO_APICS 8 + FIX_KMAP KM_TYPE_NR 2 * NR_CPUS 32 = 73 pages)
    if (version === '2.4.0') return { start, end: 0xffffe000n - 73n * 0x1000n };
    // 2.4.26 on: asm-i386/highmem.h PKMAP_BASE 0xff800000; before: 0xfe000000; VMALLOC_END = PKMAP_BASE - 2 pages
    if (version === '2.4.31') return { start, end: 0xff800000n - 0x2000n };
    return { start, end: 0xfe000000n - 0x2000n };
  }
  // 2.6.32 and 2.6.39 pgtable_32_types.h: VMALLOC_END = PKMAP_BASE - 2 pages (the assumed fixmap),
  // MAXMEM = VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE (pgtable_32.c: 128 MiB); init_32.c:
  // max_low_pfn = min(max_pfn, PFN_DOWN(MAXMEM)), high_memory = __va(max_low_pfn * PAGE_SIZE - 1) + 1;
  // VMALLOC_START = high_memory + VMALLOC_OFFSET
  const end = pae ? 0xff9fe000n : 0xff7fe000n;
  const maxmem = (end - PAGE_OFFSET - VMALLOC_RESERVE) & ~0xfffn;
  return { start: lowmem(maxmem) + VMALLOC_OFFSET, end };
}
