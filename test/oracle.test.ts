/**
 * Smoke test of the differential oracle (tools/oracle): builds 2.6.32's real mm/vmalloc.c from a
 * kernel git directory, runs one reference vector on it and on vmx, and checks that the oracle's
 * result document is the committed expected.json and that vmx matches it. Needs gcc -m32
 * (apt-get install gcc-multilib) and the git directory of sepen/linux-2.6.32.y in VMX_LINUX_2632_GIT
 * (VMX_LINUX_HISTORY_GIT and VMX_LINUX_2639_GIT are passed too when set); skipped otherwise, so
 * `npm test` needs neither. The build is cached in VMX_ORACLE_BUILD_DIR (default $TMPDIR/vmx-oracle).
 * Run: VMX_LINUX_2632_GIT=/path/to/linux-2.6.32.y/.git npx vitest run test/oracle.test.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gccCanBuild } from '../tools/oracle/build.js';
import { oracleMain } from '../tools/oracle/main.js';

const gitDirs = [process.env.VMX_LINUX_2632_GIT, process.env.VMX_LINUX_HISTORY_GIT, process.env.VMX_LINUX_2639_GIT].filter((d): d is string => !!d);
const why = !process.env.VMX_LINUX_2632_GIT ? 'VMX_LINUX_2632_GIT is not set' : !gccCanBuild('-m32') ? 'gcc -m32 cannot build (apt-get install gcc-multilib)' : '';

describe.skipIf(why !== '')(`differential oracle smoke test${why ? ` (skipped: ${why})` : ''}`, () => {
  it('v01-assorted-sizes on 2.6.32: the oracle reproduces the committed vector and vmx matches it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmx-oracle-smoke-'));
    const out = join(dir, 'v01.expected.json');
    const vectors = join(import.meta.dirname, 'vectors');
    let stdout = '';
    let stderr = '';
    try {
      const code = await oracleMain(
        [
          ...gitDirs.flatMap((d) => ['--kernel-git', d]),
          ...(process.env.VMX_ORACLE_BUILD_DIR ? ['--build-dir', process.env.VMX_ORACLE_BUILD_DIR] : []),
          '--versions', '2.6.32',
          '--write-expected', out,
          join(vectors, 'v01-assorted-sizes.scenario.json'),
        ],
        { out: (s) => (stdout += s), err: (s) => (stderr += s) },
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      // It says what it compiled: 2.6.32's mm/vmalloc.c blob, at mainline's "Linux 2.6.32" commit.
      expect(stdout).toMatch(/^ {2}2\.6\.32 mm\/vmalloc\.c 0f551a4a44cddc7a042d47bbcd85c7126569ee69 .* = 22763c5cf3690a681551162c15d34d935308c8d7$/m);
      expect(stdout).toContain('v01-assorted-sizes 2.6.32 i386: identical (7 steps)');
      const committed = JSON.parse(readFileSync(join(vectors, 'v01-assorted-sizes.expected.json'), 'utf8'));
      const made = JSON.parse(readFileSync(out, 'utf8'));
      expect(made).toEqual({ scenario: committed.scenario, results: committed.results.filter((r: { version: string }) => r.version === '2.6.32') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
