/**
 * The differential oracle's own checks that need neither kernel trees nor a 32-bit toolchain:
 * tools/oracle/VERSIONS.md and versions.ts record the same refs, blob ids and arches; the default
 * windows are the C's numbers; a scenario reaches the driver as plain steps (generators expanded by
 * vmx's validation); a file with another blob is refused; bad usage is one line on stderr, exit 2,
 * nothing on stdout; vmx's src/ knows nothing of the oracle. The build-and-run smoke test is
 * test/oracle.test.ts. Run: npx vitest run test/oracle-versions.test.ts
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFunction } from '../tools/oracle/build.js';
import { firstDifference, formatDifference } from '../tools/oracle/compare.js';
import { oracleMain } from '../tools/oracle/main.js';
import { driverInput } from '../tools/oracle/run.js';
import { blobId } from '../tools/oracle/sources.js';
import { defaultWindow, hasIoremap, highMemory, ORACLE_VERSIONS } from '../tools/oracle/versions.js';
import { loadVmxScenario } from '../tools/oracle/vmx.js';

const root = join(import.meta.dirname, '..');
const versionsMd = readFileSync(join(root, 'tools', 'oracle', 'VERSIONS.md'), 'utf8');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await oracleMain(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'vmx-oracle-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tools/oracle/VERSIONS.md agrees with versions.ts', () => {
  it('the Blobs block lists exactly every version file with its blob id', () => {
    const block = versionsMd.split('## Blobs')[1].split('```')[1];
    const rows = block.trim().split('\n').map((l) => l.trim().split(/\s+/));
    const want = ORACLE_VERSIONS.flatMap((v) => v.files.map((f) => [v.id, f.path, f.blob]));
    expect(rows).toEqual(want);
  });
  it('the table names each version with its mirror, refs and arches', () => {
    for (const v of ORACLE_VERSIONS) {
      expect(versionsMd).toContain(`| ${v.id} | ${v.mirror} | ${v.refs.join(', ')} | ${v.arches.join(', ')} |`);
    }
  });
  it('blob ids are git hash-object ids', () => {
    expect(blobId(Buffer.alloc(0))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'); // git's empty blob
    expect(blobId(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

describe('default windows (numbers from each version\'s asm headers)', () => {
  const hex = (w: { start: bigint; end: bigint }) => [w.start.toString(16), w.end.toString(16)];
  it('2.4.19 i386, 128 MiB: VMALLOC_START 8 MiB-aligned past high_memory, PKMAP_BASE 0xfe000000 - 2 pages', () => {
    expect(hex(defaultWindow('2.4.19', 'i386', 128))).toEqual(['c8800000', 'fdffe000']);
  });
  it('2.4.0: FIXADDR_START 0xffffe000 - 73 pages; 2.4.31: PKMAP_BASE 0xff800000', () => {
    expect(hex(defaultWindow('2.4.0', 'i386', 128))).toEqual(['c8800000', 'fffb5000']);
    expect(hex(defaultWindow('2.4.31', 'i386', 128))).toEqual(['c8800000', 'ff7fe000']);
  });
  it('2.6.32 with 1 GiB: lowmem capped by MAXMEM, VMALLOC_START 0xf7ffe000 (PAE 0xf81fe000)', () => {
    expect(hex(defaultWindow('2.6.32', 'i386', 1024))).toEqual(['f7ffe000', 'ff7fe000']);
    expect(hex(defaultWindow('2.6.32', 'i386-pae', 1024))).toEqual(['f81fe000', 'ff9fe000']);
  });
  it('x86_64: 2.6.9 one pml4 slot, 2.6.27 before the 2.6.28 move, 2.6.32 after', () => {
    expect(hex(defaultWindow('2.6.9', 'x86_64', 2048))).toEqual(['ffffff0000000000', 'ffffff7fffffffff']);
    expect(hex(defaultWindow('2.6.27', 'x86_64', 2048))).toEqual(['ffffc20000000000', 'ffffe1ffffffffff']);
    expect(hex(defaultWindow('2.6.32', 'x86_64', 2048))).toEqual(['ffffc90000000000', 'ffffe8ffffffffff']);
  });
});

describe('high_memory and the arch ioremap (the machine line; ioremap_tu.c)', () => {
  it('PAGE_OFFSET + min(RAM, MAXMEM): 896 MiB on 2.4 and 2.6.9 / 2.6.27, VMALLOC_END - PAGE_OFFSET - 128 MiB on 2.6.32 / 2.6.39', () => {
    expect(highMemory('2.4.19', 'i386', 256).toString(16)).toBe('d0000000');
    expect(highMemory('2.4.19', 'i386', 1024).toString(16)).toBe('f8000000');
    expect(highMemory('2.6.9', 'i386', 1024, 256).toString(16)).toBe('f0000000');
    expect(highMemory('2.6.27', 'i386-pae', 1024).toString(16)).toBe('f8000000');
    // VMALLOC_START = high_memory + 8 MiB: the default windows' 0xf7ffe000 / 0xf81fe000
    expect(highMemory('2.6.32', 'i386', 1024).toString(16)).toBe('f77fe000');
    expect(highMemory('2.6.39', 'i386-pae', 1024).toString(16)).toBe('f79fe000');
    // x86_64: __va(end_pfn * PAGE_SIZE), 2.6.9's direct map at 1 << 40 (asm-x86_64/page.h), 2.6.27's at 0xffff880000000000
    expect(highMemory('2.6.9', 'x86_64', 512).toString(16)).toBe('10020000000');
    expect(highMemory('2.6.27', 'x86_64', 512).toString(16)).toBe('ffff880020000000');
  });
  it('every version compiles its arch ioremap on i386 and i386-pae, 2.6.9 and 2.6.27 on also on x86_64', () => {
    expect(ORACLE_VERSIONS.filter((v) => hasIoremap(v, 'i386') && hasIoremap(v, 'i386-pae')).map((v) => v.id)).toEqual(['2.4.0', '2.4.19', '2.4.22', '2.4.31', '2.6.9', '2.6.27', '2.6.32', '2.6.39']);
    expect(ORACLE_VERSIONS.filter((v) => hasIoremap(v, 'x86_64')).map((v) => v.id)).toEqual(['2.6.9', '2.6.27', '2.6.32', '2.6.39']);
  });
  it('a pc machine says so on the machine line', () => {
    const s = { name: 'pc', machine: { arch: 'i386', ramMiB: 128, cpus: 1, profile: 'pc' }, steps: [{ op: 'ioremap', phys: '0x100000', size: 4096 }] };
    expect(driverInput(s as never, '2.4.19')).toBe('machine 128 1 c8800000 fdffe000 high=c8000000 profile=pc\nioremap phys=0x100000 size=4096\n');
  });
});

describe('driver input', () => {
  it('a generated scenario reaches the driver as plain steps (vmx expands the generators)', () => {
    const doc = {
      name: 'gen',
      machine: { arch: 'i386', ramMiB: 64, vmallocStart: '0xd0800000', vmallocEnd: '0xd1000000' },
      steps: [{ repeat: 3, steps: [{ op: 'vmalloc', size: '${(i + 1) * PAGE_SIZE}', as: 'p${i}' }] }, { op: 'vfree', ref: 'p1' }],
    };
    const s = loadVmxScenario(JSON.stringify(doc), ['2.6.32'], 'gen');
    expect(driverInput(s as never, '2.6.32')).toBe(
      ['machine 64 1 d0800000 d1000000 high=c4000000', 'vmalloc size=4096 as=p0', 'vmalloc size=8192 as=p1', 'vmalloc size=12288 as=p2', 'vfree ref=p1', ''].join('\n'),
    );
  });
});

describe('comparison', () => {
  const step = (addr: string | null) => ({ op: 'vmalloc', ok: addr !== null, addr, log: [] });
  const final = { areas: [{ addr: '0xd0800000', size: 8192, flags: ['VM_ALLOC'] }], pagesMapped: 1, pageTablePages: 1, kmemleak: null };
  it('names the first differing step and field with both values', () => {
    const d = firstDifference({ steps: [step('0xd0800000'), step('0xd0802000')], final }, { steps: [step('0xd0800000'), step('0xd0803000')], final });
    expect(d && formatDifference(d)).toBe('step 1 (vmalloc) addr: oracle "0xd0802000", vmx "0xd0803000"');
  });
  it('descends into the final state', () => {
    const other = { ...final, areas: [{ addr: '0xd0800000', size: 12288, flags: ['VM_ALLOC'] }] };
    const d = firstDifference({ steps: [], final }, { steps: [], final: other });
    expect(d && formatDifference(d)).toBe('final areas[0].size: oracle 8192, vmx 12288');
  });
  it('identical results have no difference', () => {
    expect(firstDifference({ steps: [step(null)], final }, { steps: [step(null)], final })).toBeUndefined();
  });
});

describe('npm run oracle: refusals and bad usage (exit 2, one line on stderr, nothing on stdout)', () => {
  const scen = join(root, 'test', 'vectors', 'v01-assorted-sizes.scenario.json');
  const tree = join(tmp, 'tree');
  mkdirSync(join(tree, 'mm'), { recursive: true });
  writeFileSync(join(tree, 'mm', 'vmalloc.c'), '/* not 2.6.32 */\n');
  const cases: [string, string[], RegExp][] = [
    ['no scenario', ['--kernel-src', tree], /no scenario given/],
    ['no kernel directory', [scen], /--kernel-git DIR/],
    ['a version the oracle cannot build', ['--kernel-src', tree, '--versions', '2.6.10', scen], /cannot build 2\.6\.10/],
    ['an empty --versions', ['--kernel-src', tree, '--versions', '', scen], /--versions ""/],
    ['an unknown option', ['--kernel-src', tree, '--fast', scen], /--fast/],
    ['an unknown arch', ['--kernel-src', tree, '--arch', 'arm', scen], /--arch arm/],
    ['a directory that is neither git nor a kernel tree', ['--kernel-git', tmp, scen], /neither a git directory nor a kernel source tree/],
    ['--write-expected into a directory that does not exist', ['--kernel-src', tree, '--write-expected', join(tmp, 'no', 'x.json'), scen], /no directory/],
    ['--write-expected FILE with several scenarios', ['--kernel-src', tree, '--write-expected', join(root, 'package.json'), scen, scen], /not a directory/],
    ['a build dir inside the repository', ['--kernel-src', tree, '--build-dir', join(root, 'build'), scen], /inside the repository/],
    ['a scenario that does not validate', ['--kernel-src', tree, join(root, 'package.json')], /package\.json/],
    ['a tree whose mm/vmalloc.c is another blob (refused)', ['--kernel-src', tree, '--versions', '2.6.32', scen], /2\.6\.32: not found .*is blob 0088fca3a65a, VERSIONS\.md records 0f551a4a44cd/],
  ];
  for (const [what, argv, msg] of cases) {
    it(what, async () => {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(msg);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    });
  }
  it('--help prints the usage on stdout, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: npm run oracle -- --kernel-git DIR/);
  });
});

describe('vmx knows nothing of the oracle', () => {
  it('no source file under src/ or versions/ mentions tools/oracle (NOTES.md may say how a port was checked; the bench runs it as a program)', () => {
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    const hits = [...walk(join(root, 'src')), ...walk(join(root, 'versions'))].filter((f) => f.endsWith('.ts') && !f.includes('/src/bench/') && readFileSync(f, 'utf8').includes('tools/oracle'));
    expect(hits).toEqual([]);
  });
});

describe('functions extracted from mm/memory.c', () => {
  const text = [
    '/* pte_alloc(mm, pmd, address) is documented here */',
    'pte_t *pte_alloc(struct mm_struct *mm, pmd_t *pmd, unsigned long address);',
    'static int apply_to_pte_range(struct mm_struct *mm, pmd_t *pmd,',
    '\t\t\t     unsigned long addr)',
    '{',
    '\treturn pte_alloc(mm, pmd, addr) != 0;',
    '}',
    'pte_t *pte_alloc(struct mm_struct *mm, pmd_t *pmd, unsigned long address)',
    '{',
    '\tif (x) {',
    '\t}',
    '\treturn 0;',
    '}',
  ].join('\n');
  it('takes the definition, not the prototype or a call, through the closing brace at column 0', () => {
    expect(extractFunction(text, 'pte_alloc')).toEqual({ line: 8, code: text.split('\n').slice(7).join('\n') });
  });
  it('takes a declarator spread over lines', () => {
    expect(extractFunction(text, 'apply_to_pte_range').line).toBe(3);
    expect(extractFunction(text, 'apply_to_pte_range').code.split('\n')).toHaveLength(5);
  });
  it('a function that is not defined is an error', () => {
    expect(() => extractFunction(text, 'pte_alloc_kernel')).toThrow(/no definition of pte_alloc_kernel/);
  });
});
