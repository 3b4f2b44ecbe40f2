/**
 * The command line as a new user meets it (issue 12 §5, issue 21): --version, help and -h/--help
 * on every command, bad usage (no command, extra arguments, an empty --versions, a bad --out)
 * exiting 2 with one line and nothing on stdout, versions refused on arches they do not model,
 * --summary, --json with the machine and inputs, --format, completion scripts, progress on a
 * terminal only, and the messages for JSON syntax errors, misspelt fields, big numbers and check
 * mismatches. Everything user-facing runs through the built CLI as a child process.
 * Run: npx vitest run test/cli-ux.test.ts
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_SPECS, commandHelp, mainUsage } from '../src/cli/commands.js';
import { mismatchText } from '../src/cli/check.js';
import { formatRunTable } from '../src/cli/run.js';
import { resultDocument } from '../src/harness/document.js';
import { runScenario } from '../src/harness/runner.js';
import { checkVersionArches, closest, parseScenario, ScenarioError } from '../src/harness/scenario.js';
import { VERSIONS, VERSION_IDS } from '../src/registry.js';
import { collect, snapshotAt } from '../src/report/collect.js';
import { mapGeometry, renderAreaMap, renderCounterPlots } from '../src/report/svg.js';
import { compareMarkdown, fence } from '../src/report/markdown.js';
import { renderHtml } from '../src/report/html.js';
import { loadScenario } from '../src/cli/io.js';
import { buildOnce, ROOT, vmx, VMX_ENTRY } from './property/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmx-cli-ux-'));
  buildOnce();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let nfile = 0;
function file(content: unknown, name = `case-${nfile++}.json`): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 1));
  return p;
}

/** Bad usage: exit 2, nothing on stdout, one line on stderr (no stack trace) matching `msg`. */
function badUsage(args: string[], msg?: RegExp, timeoutMs = 30_000): string {
  const r = vmx(args, timeoutMs);
  expect({ args, status: r.status, signal: r.signal, stdout: r.stdout }).toEqual({ args, status: 2, signal: null, stdout: '' });
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (msg) expect(r.stderr).toMatch(msg);
  return r.stderr;
}

const X86_64 = { arch: 'x86_64', ramMiB: 256 };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('packaging (issue 12 §5)', () => {
  it('typescript and vitest are devDependencies with their pinned versions; files ships no tests or reports', () => {
    expect(pkg.dependencies.typescript).toBeUndefined();
    expect(pkg.dependencies.vitest).toBeUndefined();
    expect(pkg.devDependencies.typescript).toBe('5.9.3');
    expect(pkg.devDependencies.vitest).toBe('4.1.12');
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    expect(lock.packages[''].devDependencies).toMatchObject({ typescript: '5.9.3', vitest: '4.1.12' });
    expect(lock.packages['node_modules/typescript'].dev).toBe(true);
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'dist/', 'docs/', '!docs/reports/', 'README.md', 'LICENSE', 'src/scenarios/builtin/']));
    expect(pkg.files.some((f: string) => f.startsWith('test'))).toBe(false);
  });

  it('npm pack takes bin, dist, the built-in scenarios and docs, but no tests, sources or reports', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain('bin/vmx.js');
    expect(files).toContain('dist/src/cli.js');
    expect(files).toContain('src/scenarios/builtin/vread-holes.json');
    expect(files).toContain('docs/contract.md');
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('docs/reports/') || f.startsWith('dist/.test-') || /\.ts$/.test(f))).toEqual([]);
  });
});

describe('--version, help and usage', () => {
  it('vmx --version prints the package version', () => {
    const r = vmx(['--version']);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, `vmx ${pkg.version}\n`, '']);
  });

  it('vmx with no arguments prints the usage to stderr and exits 2; vmx help and --help print it to stdout', () => {
    const r = vmx([]);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(mainUsage());
    for (const args of [['help'], ['--help'], ['-h']]) {
      const h = vmx(args);
      expect([h.status, h.stdout, h.stderr]).toEqual([0, mainUsage(), '']);
    }
    expect(mainUsage()).toMatch(/^usage: vmx <command> \[options\]/);
    for (const c of COMMAND_SPECS) expect(mainUsage()).toContain(`  ${c.name} `);
  });

  it('every command answers -h, --help and vmx help <command> with its own usage on stdout, exit 0, without running', () => {
    for (const c of COMMAND_SPECS) {
      const want = commandHelp(c);
      expect(want.startsWith(`usage: vmx ${c.name}`)).toBe(true);
      for (const o of c.options) expect(want).toContain(`--${o.name}`);
      const variants = c.name === 'run' ? [[c.name, '--help'], [c.name, '-h'], ['help', c.name], [c.name, 'whatever', '--json', '-h']] : [[c.name, '--help'], ['help', c.name]];
      for (const args of variants) {
        const r = vmx(args);
        expect({ args, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, status: 0, stdout: want, stderr: '' });
      }
    }
  });

  it('help for an unknown command, an unknown command and an unknown option are bad usage', () => {
    badUsage(['help', 'nosuch'], /vmx help: unknown command "nosuch"/);
    const r = vmx(['nosuch']);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^vmx: unknown command "nosuch"/);
    badUsage(['run', 'vread-holes', '--jsn'], /unknown option --jsn \(allowed: --json, --summary, --format, --versions, --trace/);
    badUsage(['run', 'vread-holes', '--summary=yes'], /option --summary takes no value/);
    badUsage(['run', 'vread-holes', '--versions'], /option --versions needs a value/);
    badUsage(['faults', 'vmalloc-zero', '--max-per-site', '-3'], /option --max-per-site needs a value \(a value starting with "-" goes as --max-per-site=VALUE\)/);
    badUsage(['faults', 'vmalloc-zero', '--max-per-site=-3'], /--max-per-site must be an integer of at least 2/);
  });
});

describe('bad usage is refused, not ignored', () => {
  it('--versions "" (or only commas) and a repeated version exit 2', () => {
    for (const cmd of ['run', 'compare'])
      for (const v of [['--versions', ''], ['--versions='], ['--versions', ','], ['--versions', ' , ']]) badUsage([cmd, 'vread-holes', ...v], /--versions: give at least one version/);
    badUsage(['faults', 'vmalloc-zero', '--versions', ''], /--versions: give at least one version/);
    badUsage(['run', 'vread-holes', '--versions', '2.4.19,,2.6.32'], /--versions: an empty version id/);
    badUsage(['run', 'vread-holes', '--versions', '2.4.19,2.4.19'], /--versions: 2\.4\.19 is listed twice/);
  });

  it('extra positional arguments exit 2 naming them', () => {
    badUsage(['run', 'vread-holes', 'vmalloc-zero'], /unexpected argument "vmalloc-zero"; usage: vmx run /);
    badUsage(['compare', 'vread-holes', 'x', 'y'], /unexpected arguments "x" "y"; usage: vmx compare /);
    badUsage(['list', 'extra'], /unexpected argument "extra"; usage: vmx list/);
    badUsage(['report', 'extra'], /usage: vmx report/);
    badUsage(['demo', 'extra'], /usage: vmx demo/);
    badUsage(['completion', 'bash', 'zsh'], /usage: vmx completion/);
    badUsage(['help', 'run', 'faults'], /unexpected arguments "faults"/);
    badUsage(['run'], /^vmx run: usage: vmx run /);
  });

  it('--out under /proc or /sys, on a file, below a file or not writable exits 2 at once, with one line, and never hangs', () => {
    const aFile = file('{}', 'not-a-dir.json');
    for (const cmd of [['report'], ['compare', 'vread-holes']]) {
      badUsage([...cmd, '--out', '/proc/x'], /--out \/proc\/x: \/proc is a kernel pseudo-filesystem/, 20_000);
      badUsage([...cmd, '--out', '/proc/self/fd/x/y'], /\/proc is a kernel pseudo-filesystem/, 20_000);
      badUsage([...cmd, '--out', '/sys/kernel/vmx'], /\/sys is a kernel pseudo-filesystem/, 20_000);
      badUsage([...cmd, '--out', aFile], /exists and is not a directory/);
      badUsage([...cmd, '--out', join(aFile, 'sub')], /is not a directory/);
      badUsage([...cmd, '--out', ''], /option --out needs a directory/);
    }
    // A symlink into /proc is /proc.
    spawnSync('ln', ['-s', '/proc', join(dir, 'procdir')]);
    badUsage(['report', '--out', join(dir, 'procdir', 'x')], /\/proc is a kernel pseudo-filesystem/, 20_000);
  });

  it.skipIf(process.getuid?.() === 0)('--out in a directory the user cannot write exits 2', () => {
    const ro = join(dir, 'readonly');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    badUsage(['compare', 'vread-holes', '--out', join(ro, 'sub')], /is not writable/);
    badUsage(['compare', 'vread-holes', '--out', ro], /is not writable/);
  });

  it('a good --out is created and written', () => {
    const out = join(dir, 'new', 'nested');
    const r = vmx(['compare', 'vread-holes', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, 'vread-holes.html'))).toBe(true);
  });
});

describe('versions refused on arches they do not model (issue 21 item 1)', () => {
  const x64 = () => file({ name: 'x64', machine: X86_64, steps: [{ op: 'vmalloc', size: 4096 }] });
  const i386Only = VERSIONS.filter((v) => !v.arches.includes('x86_64'));
  const x64Capable = VERSIONS.filter((v) => v.arches.includes('x86_64'));

  it('from --versions: exit 2, one line naming the version and the arches it models', () => {
    expect(i386Only.length).toBeGreaterThan(0);
    const p = x64();
    for (const v of i386Only) {
      badUsage(['run', p, '--versions', v.id], new RegExp(`--versions: ${v.id.replace(/\./g, '\\.')} does not model x86_64 \\(it models ${v.arches.join(', ')}`));
      badUsage(['compare', p, '--versions', v.id], /does not model x86_64/);
      badUsage(['run', p, '--versions', [...x64Capable.map((x) => x.id), v.id].join(',')], /does not model x86_64/);
      badUsage(['faults', p, '--versions', v.id], /does not model x86_64/);
    }
  });

  it('from the scenario\'s "versions": exit 2 in run, compare, check, pin and faults', () => {
    for (const v of i386Only) {
      const p = file({ name: 'x64v', machine: X86_64, versions: [...x64Capable.map((x) => x.id), v.id], steps: [{ op: 'vmalloc', size: 4096 }] });
      const at = x64Capable.length;
      for (const cmd of ['run', 'compare', 'pin', 'faults']) badUsage([cmd, p], new RegExp(`versions\\[${at}\\]: ${v.id.replace(/\./g, '\\.')} does not model x86_64`));
      // check reports every file; with one not valid it exits 2 and, like every exit 2, leaves stdout empty.
      const r = vmx(['check', p]);
      expect([r.status, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(/^BAD /);
      expect(r.stderr).toMatch(/does not model x86_64/);
    }
  });

  it('every registered version declares its arches, and the check uses them (library level)', () => {
    for (const v of VERSIONS) expect(v.arches.length).toBeGreaterThan(0);
    const s = parseScenario(JSON.stringify({ name: 'x', machine: X86_64, versions: [i386Only[0].id], steps: [] }), VERSION_IDS, 'x');
    expect(() => checkVersionArches(s, VERSIONS, 'x')).toThrow(ScenarioError);
    expect(() => loadScenario(x64(), i386Only[0].id)).toThrow(/does not model x86_64/);
    // A scenario without "versions" still runs on whichever versions model its arch.
    const r = vmx(['run', x64(), '--json', 'final']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { version: string }) => x.version)).toEqual(x64Capable.map((v) => v.id));
  });
});

describe('vmx run output', () => {
  it('--summary counts failed and unsupported steps apart (item 2)', () => {
    const s = loadScenario('api-surface');
    const runs = runScenario(s, VERSIONS, { detail: false });
    const r = vmx(['run', 'api-surface', '--summary']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(runs.length);
    runs.forEach((run, i) => {
      const unsupported = run.steps.filter((x) => x.error === 'unsupported').length;
      const failed = run.steps.filter((x) => !x.ok && x.error !== 'unsupported').length;
      expect(lines[i]).toContain(`${run.version}: ${s.steps.length} steps, ${failed} failed, ${unsupported} unsupported, `);
    });
    // api-surface on 2.4.19: nothing fails, a dozen calls are absent.
    expect(lines.find((l) => l.startsWith('2.4.19:'))).toMatch(/^2\.4\.19: 25 steps, 0 failed, 12 unsupported, /);
  });

  it('the table: op outputs below it keyed by step, log lines under their step, no * legend for one version (item 6)', () => {
    const r = vmx(['run', 'api-surface']);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    const below = out.slice(out.indexOf('op outputs'));
    expect(out.indexOf('op outputs')).toBeGreaterThan(out.indexOf('*12  vmallocinfo'));
    // One block per distinct output, naming every version that gave it (vmallocinfo since 2.6.26:
    // 2.6.27's text differs from 2.6.32's, which leaves a gap page after every area).
    const s = loadScenario('api-surface');
    const runs = runScenario(s, VERSIONS, { detail: false });
    const sameText = (i: number, id: string) => {
      const text = runs.find((r) => r.version === id)!.steps[i].text;
      return runs.filter((r) => r.steps[i].ok && r.steps[i].text === text).map((r) => r.version).join(', ');
    };
    expect(sameText(12, '2.6.32').split(', ')).toContain('2.6.32');
    expect(below).toContain(`step 12 vmallocinfo, ${sameText(12, '2.6.32')}:\n  0xc4800000-0xc4802000    8192 vmalloc+0x0/0x0 pages=1 vmalloc\n`);
    const having = (i: number) => runs.filter((r) => r.steps[i].ok).map((r) => r.version).join(', ');
    expect(below).toContain(`step 13 kmemleak_scan, ${having(13)}:\n  (empty)\n`);
    expect(out).toContain('* marks steps where the versions differ');

    const one = vmx(['run', 'printk-texts', '--versions', '2.6.32']);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).not.toContain('* marks');
    expect(one.stdout).not.toMatch(/^\*/m);
    expect(one.stdout).toMatch(/^2 +vfree addr=0xc8800010 +bad-address\n +2\.6\.32 log: WARNING: at mm\/vmalloc\.c:1301 __vunmap\(\)\n +2\.6\.32 log: Trying to vfree\(\) bad address \(c8800010\)$/m);

    const all = vmx(['run', 'printk-texts']);
    const table = all.stdout.slice(all.stdout.indexOf('\n#'), all.stdout.indexOf('final state:'));
    for (const line of table.split('\n')) expect(line.length, line).toBeLessThanOrEqual(150);
  });

  it('a log line that would widen the table past 150 columns goes below it, referenced from its step', () => {
    // No modelled printk is that long; the rendering is checked on a real run with one line lengthened.
    const s = loadScenario('printk-texts');
    const runs = runScenario(s, VERSIONS, { detail: true });
    const long = `Trying to vfree() bad address (${'c'.repeat(160)})`;
    runs[0].steps[2].log = [long];
    const out = formatRunTable(s, runs);
    const v0 = runs[0].version;
    expect(out).toMatch(new RegExp(`^\\*2 +vfree addr=0xc8800010 .*\\n +${v0.replace(/\./g, '\\.')} log: \\[1\\] below$`, 'm'));
    expect(out).toContain(`long log lines:\n  [1] step 2, ${v0}: ${long}\n`);
    for (const line of out.slice(out.indexOf('\n#'), out.indexOf('long log lines:')).split('\n')) expect(line.length).toBeLessThanOrEqual(150);
    expect(vmx(['run', 'printk-texts']).stdout).not.toContain('long log lines:');
  });

  it('vread data longer than the cell shows in full below the table', () => {
    const p = file({ name: 'rd', machine: { arch: 'i386', ramMiB: 64 }, steps: [{ op: 'vmalloc', size: 4096, as: 'a' }, { op: 'vwrite', ref: 'a', data: '00112233445566778899aabbccddeeff0102' }, { op: 'vread', ref: 'a', count: 18 }] });
    const r = vmx(['run', p, '--versions', '2.4.22']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('step 2 vread, 2.4.22:\n  000000  00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff\n  000010  01 02\n');
  });

  it('--json carries the machine and each step\'s inputs as new fields; the contract\'s fields are unchanged (item 9)', () => {
    const s = loadScenario('vread-holes');
    const contract = resultDocument(s, runScenario(s, VERSIONS, { detail: false }));
    const r = vmx(['run', 'vread-holes', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['scenario', 'machine', 'inputs', 'results']);
    expect(doc.machine).toEqual({ arch: 'i386', ramMiB: 128, cpus: 1, nodes: 1 });
    expect(doc.inputs).toHaveLength(s.steps.length);
    expect(doc.inputs[2]).toEqual({ op: 'vwrite', ref: 'a', offset: 4092, data: '0102030405060708' });
    for (const x of doc.inputs) expect(x.expect).toBeUndefined();
    const { machine: _m, inputs: _i, ...rest } = doc;
    expect(rest).toEqual(JSON.parse(JSON.stringify(contract)));
  });

  it('--json with a field list keeps only those fields (item 13)', () => {
    const doc = (args: string[]) => {
      const r = vmx(['run', ...args]);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const a = doc(['vread-holes', '--json', 'steps,final']);
    expect(Object.keys(a)).toEqual(['scenario', 'results']);
    expect(Object.keys(a.results[0])).toEqual(['version', 'steps', 'final']);
    const b = doc(['--json', 'final', 'vread-holes']);
    expect(Object.keys(b.results[0])).toEqual(['version', 'final']);
    const c = doc(['vread-holes', '--json=machine,inputs']);
    expect(Object.keys(c)).toEqual(['scenario', 'machine', 'inputs', 'results']);
    expect(Object.keys(c.results[0])).toEqual(['version']);
    badUsage(['run', 'vread-holes', '--json=steps,bogus'], /--json: unknown field "bogus" \(fields: machine, inputs, steps, final\)/);
    badUsage(['run', 'vread-holes', '--json', '--summary'], /alternatives/);
  });

  it('--format markdown | csv | json prints the step table (item 13)', () => {
    const s = loadScenario('vread-holes');
    const runs = runScenario(s, VERSIONS, { detail: false });
    const md = vmx(['run', 'vread-holes', '--format', 'markdown']);
    expect(md.status, md.stderr).toBe(0);
    const mdLines = md.stdout.trimEnd().split('\n');
    expect(mdLines[0]).toBe(`| # | step | ${VERSION_IDS.join(' | ')} | differs |`);
    expect(mdLines).toHaveLength(2 + s.steps.length);
    expect(mdLines[3]).toBe(`| 1 | vmalloc size=4096 -\\> b | ${runs.map((r) => r.steps[1].addr).join(' | ')} | yes |`);

    const csv = vmx(['run', 'vread-holes', '--format', 'csv']);
    const rows = csv.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toBe(['step', 'description', ...VERSION_IDS, ...VERSION_IDS.map((v) => `${v} log`), 'differs'].join(','));
    expect(rows).toHaveLength(1 + s.steps.length);
    expect(rows[1].split(',').slice(0, 2 + runs.length)).toEqual(['0', 'vmalloc size=4096 -> a', ...runs.map((r) => r.steps[0].addr)]);

    const js = JSON.parse(vmx(['run', 'vread-holes', '--format', 'json']).stdout);
    expect(js.versions).toEqual(VERSION_IDS);
    expect(js.rows).toHaveLength(s.steps.length);
    expect(js.rows[4].results).toEqual(Object.fromEntries(runs.map((r) => [r.version, `${r.steps[4].count} bytes ${r.steps[4].data}`])));

    badUsage(['run', 'vread-holes', '--format', 'xml'], /--format: want one of table, markdown, csv, json/);
    badUsage(['run', 'vread-holes', '--format', 'csv', '--json'], /alternatives/);
  });
});

describe('scenario messages (item 10)', () => {
  it('JSON syntax errors name line and column', () => {
    const p = file('{"name": "x",\n "machine": {"arch": "i386", "ramMiB": 128},\n "steps": [ {"op": "vmalloc", "size": 4096,} ]\n}\n');
    badUsage(['run', p], /not valid JSON at line 3, column 44 \(Expected double-quoted property name\)/);
    badUsage(['run', file('{"name": "x",\n "steps": [ }')], /not valid JSON at line 2, column 13 \(Unexpected token '}'\)/);
    badUsage(['run', file('{"name": "x",\n "steps": [')], /not valid JSON at line 2, column 12 \(the text ends before the document does\)/);
    badUsage(['run', file('')], /not valid JSON at line 1, column 1 \(the text ends before the document does\)/);
    badUsage(['run', file('{\n\n  "a": nul')], /not valid JSON at line 3, column 11/);
    badUsage(['run', file('{"a": "x\ty"}')], /not valid JSON at line 1, column 9/);
  });

  it('a misspelt field or op gets "did you mean"', () => {
    const m = { arch: 'i386', ramMiB: 128 };
    badUsage(['run', file({ name: 'x', machine: m, steps: [{ op: 'vmalloc', sise: 4096 }] })], /step 0 \(vmalloc\): unknown field "sise" \(did you mean "size"\?\)/);
    badUsage(['run', file({ name: 'x', machine: m, steps: [{ op: 'vmaloc', size: 4096 }] })], /unknown op "vmaloc" \(did you mean "vmalloc"\?\)/);
    badUsage(['run', file({ name: 'x', machine: { arch: 'i386', ramMib: 128 }, steps: [] })], /machine: unknown field "ramMib" \(did you mean "ramMiB"\?\)/);
    badUsage(['run', file({ name: 'x', machine: m, step: [] })], /unknown top-level field "step" \(did you mean "steps"\?\)/);
    badUsage(['run', file({ name: 'x', machine: m, steps: [{ op: 'vmalloc', size: 1, gfp: 'GFP_ATOMIC' }] })], /unknown field "gfp"$/m);
    expect(closest('adress', ['address', 'ref', 'offset'])).toBe('address');
    expect(closest('adr', ['addr', 'as'])).toBe('addr');
    expect(closest('zzz', ['size', 'as'])).toBeUndefined();
  });

  it('a number beyond 2^53 is echoed as typed, not rounded', () => {
    const p = file('{"name": "big", "machine": {"arch": "x86_64", "ramMiB": 256}, "steps": [{"op": "vmalloc", "size": 18446744073709551615}]}');
    const e = badUsage(['run', p], /field "size" exceeds 2\^53-1, the largest size vmx represents exactly \(got 18446744073709551615\)/);
    expect(e).not.toContain('18446744073709552000');
    badUsage(['run', file('{"name": "big", "machine": {"arch": "i386", "ramMiB": 128}, "steps": [{"op": "vread", "addr": "0xc8800000", "count": 9007199254740993}]}')], /\(got 9007199254740993\)/);
  });
});

describe('vmx check mismatches show the differing element in full (item 11)', () => {
  it('a long log or text expectation names the first differing line, uncut', () => {
    const longLine = `Trying to vfree() bad address (${'c'.repeat(150)})`;
    const doc = {
      name: 'long-mismatch',
      machine: { arch: 'i386', ramMiB: 128 },
      versions: ['2.4.22'],
      steps: [
        { op: 'vmalloc', size: 8192, as: 'a' },
        { op: 'vfree', addr: '0xc8800010', expect: { '2.4.22': { log: [longLine] } } },
        { op: 'vfree', ref: 'a' },
      ],
    };
    const r = vmx(['check', file(doc)]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain(`step 1 (vfree addr=0xc8800010), 2.4.22: log[0] expected ${JSON.stringify(longLine)}, actual "Trying to vfree() bad address (c8800010)" (first difference; both 1 long)`);
    expect(r.stdout).not.toContain('…');
  });

  it('mismatchText: lists, multi-line text and short values', () => {
    const a = Array.from({ length: 30 }, (_, i) => `line ${i} of a long log that goes on and on`);
    const b = [...a];
    b[17] = 'something else entirely';
    expect(mismatchText('log', a, b)).toBe(`log[17] expected ${JSON.stringify(a[17])}, actual "something else entirely" (first difference; both 30 long)`);
    expect(mismatchText('text', a.join('\n'), b.join('\n'))).toBe(`text line 18 expected ${JSON.stringify(a[17])}, actual "something else entirely" (first difference; 30 lines expected, 30 actual)`);
    expect(mismatchText('addr', '0x1', '0x2')).toBe('addr expected "0x1", actual "0x2"');
  });
});

describe('vmx faults (item 4)', () => {
  it('"Generated by" names the command the user can rerun, with no build step', () => {
    const r = vmx(['faults', 'vmalloc-zero', '--versions', '2.4.22', '--max-per-site', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Generated by `npx vmx faults vmalloc-zero --versions 2.4.22 --max-per-site 2` (rerun it from a clone after `npm install`)');
    expect(r.stdout).not.toContain('tsc');
  });
});

/** Run vmx under script(1), so stdout and stderr are a terminal; returns everything the terminal got. */
function onTerminal(args: string[], timeoutMs = 120_000): { status: number | null; out: string } {
  const cmd = [process.execPath, VMX_ENTRY, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, TERM: 'xterm' } });
  return { status: r.status, out: r.stdout ?? '' };
}
const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('progress on a terminal only (item 12)', () => {
  // 25002 steps: progress shows every 10000 steps of scenarios over 20000.
  const long = () => file({ name: 'long', machine: { arch: 'i386', ramMiB: 128 }, steps: [{ repeat: 12501, steps: [{ op: 'vmalloc', size: 4096, as: 'x' }, { op: 'vfree', ref: 'x' }] }] });

  it('vmx run names the version in its progress; none with --json, none when not a terminal', () => {
    const p = long();
    const t = onTerminal(['run', p, '--summary', '--versions', '2.4.22,2.6.32']);
    expect(t.status).toBe(0);
    expect(t.out).toContain('\r\x1b[K2.4.22: step 10000/25002');
    expect(t.out).toContain('\r\x1b[K2.6.32: step 20000/25002');
    const j = onTerminal(['run', p, '--json', 'final', '--versions', '2.4.22']);
    expect(j.status).toBe(0);
    expect(j.out).not.toContain('\x1b[K');
    const piped = vmx(['run', p, '--summary', '--versions', '2.4.22']);
    expect(piped.stderr).toBe('');
  });

  it('vmx faults shows jobs done k/N, the scenario, the version and an ETA', () => {
    const t = onTerminal(['faults', 'vmalloc-zero', 'printk-texts', '--max-per-site', '2', '--versions', '2.4.22', '--jobs', '1']);
    expect(t.status).toBe(0);
    expect(t.out).toMatch(/\r\x1b\[K0\/2 jobs done: vmalloc-zero 2\.4\.22 /);
    expect(t.out).toMatch(/\r\x1b\[K1\/2 jobs done, ETA \d+ s: printk-texts 2\.4\.22 /);
    const j = onTerminal(['faults', 'vmalloc-zero', '--max-per-site', '2', '--versions', '2.4.22', '--json']);
    expect(j.out).not.toContain('\x1b[K');
  });
});

describe('vmx completion (item 14)', () => {
  it('bash, zsh and fish scripts name the commands, options, scenario names and versions', () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = vmx(['completion', shell]);
      expect(r.status, r.stderr).toBe(0);
      for (const c of COMMAND_SPECS) expect(r.stdout).toContain(c.name);
      for (const o of ['versions', 'summary', 'max-per-site', 'format']) expect(r.stdout).toContain(o);
      for (const v of VERSION_IDS) expect(r.stdout).toContain(v);
      expect(r.stdout).toContain('vread-holes');
      expect(r.stdout).toContain('scullv-quanta-i386');
    }
    badUsage(['completion', 'tcsh'], /completion: want one of bash, zsh, fish/);
    badUsage(['completion'], /usage: vmx completion/);
  });

  it('the bash script parses and completes commands, versions and scenario names', () => {
    const script = vmx(['completion', 'bash']).stdout;
    const p = file(script, 'vmx.bash');
    expect(spawnSync('bash', ['-n', p]).status).toBe(0);
    const complete = (words: string[]) => {
      const line = `source ${p}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _vmx; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return spawnSync('bash', ['-c', line], { encoding: 'utf8', cwd: dir }).stdout.trim().split('\n');
    };
    expect(complete(['vmx', 'com'])).toEqual(['compare', 'completion']);
    expect(complete(['vmx', 'run', 'x', '--versions', '2.6'])).toEqual(VERSION_IDS.filter((v) => v.startsWith('2.6')));
    expect(complete(['vmx', 'run', 'vread-h'])).toContain('vread-holes');
    expect(complete(['vmx', 'run', '--su'])).toEqual(['--summary']);
    expect(complete(['vmx', 'run', 'x', '--format', ''])).toEqual(['table', 'markdown', 'csv', 'json']);
  });

  it.skipIf(spawnSync('zsh', ['--version']).status !== 0)('the zsh script parses', () => {
    expect(spawnSync('zsh', ['-n', file(vmx(['completion', 'zsh']).stdout, '_vmx')]).status).toBe(0);
  });

  it.skipIf(spawnSync('fish', ['--version']).status !== 0)('the fish script parses', () => {
    expect(spawnSync('fish', ['-n', file(vmx(['completion', 'fish']).stdout, 'vmx.fish')]).status).toBe(0);
  });
});

describe('reports (items 5, 15)', () => {
  it('HTML shows "unsupported" as absent: grey, with the introducing release in the tooltip, never as an error', () => {
    const c = collect(loadScenario('api-surface'), { registry: VERSIONS });
    const md = compareMarkdown(c, { picture: (_n, alt) => alt });
    expect(md).toContain('[unsupported](#absent "vm_map_ram is not in 2.4.19 (the change catalogue dates it to 2.6.28)")');
    expect(md).not.toContain('**unsupported**');
    const html = renderHtml(md, { title: 't', svgs: new Map() });
    expect(html).toContain('<span class="absent" title="vm_map_ram is not in 2.4.19 (the change catalogue dates it to 2.6.28)">unsupported</span>');
    // kmemleak_scan is no function of its own: no release is known, the tooltip says so.
    expect(html).toContain('<span class="absent" title="kmemleak_scan is not in this version">unsupported</span>');
    expect(html).toMatch(/\.absent \{ color: #8a8a8a;/);
    expect(html).not.toContain('<strong>unsupported</strong>');
    expect(html).not.toContain('href="#absent"');
    // Errors stay red and bold.
    expect(html).toMatch(/td strong \{ color: #b00020; \}/);
    const zero = renderHtml(compareMarkdown(collect(loadScenario('vmalloc-zero'), { registry: VERSIONS }), { picture: (_n, alt) => alt }), { title: 't', svgs: new Map() });
    expect(zero).toContain('<strong>ENOMEM</strong>');
  });

  it('markdown uses standard fences: text (side-by-side traces, maps) and diff', () => {
    const c = collect(loadScenario('reuse-freed-space'), { registry: VERSIONS });
    const md = compareMarkdown(c, { picture: (_n, alt, _svg, text) => `${alt}:\n\n${text()}` });
    const infos = [...md.matchAll(/^(`{3,})(.*)$/gm)].map((m) => m[2]).filter((x) => x !== '');
    expect(infos.length).toBeGreaterThan(0);
    for (const info of infos) expect(['text', 'diff', 'text side-by-side']).toContain(info);
    expect(md).toContain('```text side-by-side\n');
    expect(md).not.toMatch(/^```side-by-side/m);
    expect(renderHtml(md, { title: 't', svgs: new Map() })).toContain('<pre><code class="side-by-side">');
    expect(fence('a')).toBe('```text\na\n```');
  });

  it('maps label areas by the scenario\'s names, set the key apart and wrap the 2.6.32 summary instead of cutting it (item 7)', () => {
    const c = collect(loadScenario('ldd3-ioremap'), { registry: VERSIONS });
    // After step 2: quantum, fb and regs (regs is an offset pointer into its area) are live on every version.
    const snaps = c.runs.map((r) => snapshotAt(c.snapshots.get(r.version), 2)!);
    const svg = renderAreaMap(snaps, { id: 'm' });
    // fb is wide enough to hold its name; quantum and regs are a few pixels wide: their names sit above the bar.
    expect(svg).toMatch(/<text [^>]*font-weight="bold" class="name">fb<\/text>/);
    for (const name of ['quantum', 'regs']) expect(svg).toMatch(new RegExp(`<text [^>]*class="name-above">${name}</text>`));
    expect(svg).toMatch(/<title>fb: 0xc8805000 size 1052672 /);
    expect(svg).toContain('class="legend"');
    expect(svg).toMatch(/>key:<\/text>/);
    expect(svg).not.toContain('…');
    const g = mapGeometry(snaps);
    const v32 = g.rows.find((r) => r.version === '2.6.32')!;
    const summary = Object.entries(v32.summary).map(([k, v]) => `${k} ${v}`).join(', ');
    expect(v32.summaryLines.join(' ')).toBe(summary);
    for (const line of v32.summaryLines) expect(svg).toContain(`class="summary">${line}</text>`);
    // Rows follow each other: a wrapped summary makes its row taller.
    g.rows.forEach((r, i) => i && expect(r.y).toBe(g.rows[i - 1].y + g.rows[i - 1].h));
  });

  it('counter plots: a ptes-present panel, a dash pattern per version, step ticks, the last change inside the frame (item 8)', () => {
    const c = collect(loadScenario('lazy-purge-threshold'), { registry: VERSIONS });
    const svg = renderCounterPlots(c.series, { title: 't' });
    expect(svg).toContain('ptes present in the window');
    const dashes = [...svg.matchAll(/<polyline [^>]*?(?:stroke-dasharray="([^"]+)")?[^>]*data-version="([^"]+)"/g)].map((m) => `${m[2]} ${m[1] ?? 'solid'}`);
    expect(new Set(dashes.map((d) => d.split(' ')[0]))).toEqual(new Set(c.runs.map((r) => r.version)));
    expect(new Set(dashes).size).toBe(c.runs.length); // one pattern per version, the same in every panel
    expect(svg.match(/class="tick"/g)!.length).toBeGreaterThan(4 * 3);
    // 2.6.32's ptes present drop at its purge and stay visible: its last sample equals the final state.
    const s32 = c.series.find((s) => s.version === '2.6.32')!;
    expect(s32.ptesPresent[s32.ptesPresent.length - 1]).toBe(c.runs.find((r) => r.version === '2.6.32')!.final.pagesMapped);
  });

  it('vitest under CI=true prints no colour codes', () => {
    const script: string = pkg.scripts.test;
    expect(script).toContain('env ${CI:+NO_COLOR=1} vitest run');
    const vitestBin = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    // The suite's own command, on one small file.
    const r = spawnSync('sh', ['-c', `env \${CI:+NO_COLOR=1} ${JSON.stringify(process.execPath)} ${JSON.stringify(vitestBin)} run test/expect.test.ts`], { cwd: ROOT, encoding: 'utf8', env, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/vitest: \d+ passed, 0 failed/);
    expect(r.stdout + r.stderr).not.toContain('\x1b[');
  });
});
