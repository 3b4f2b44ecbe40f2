/**
 * Source links (src/report/links.ts) against the line tables (versions/<v>/source-lines.ts,
 * generated from the real trees by tools/line-tables.mjs). The expected lines are read off the C
 * (git show <ref>:mm/vmalloc.c): 2.4.19 vfree at 205 and get_vm_area at 171, 2.4.22 vfree at 237,
 * 2.6.32 __vunmap at 1293 and vfree at 1345.
 */
import { describe, expect, it } from 'vitest';
import { findVersion } from '../src/registry.js';
import { commitUrl, functionLine, functionUrl, logLineUrl, sourceUrl } from '../src/report/links.js';

const v = (id: string) => findVersion(id)!;

describe('source links', () => {
  it('a function resolves to its definition line in the line table', () => {
    expect(functionLine(v('2.4.19'), 'vfree')).toEqual({ file: 'mm/vmalloc.c', line: 205 });
    expect(functionLine(v('2.4.19'), 'get_vm_area')).toEqual({ file: 'mm/vmalloc.c', line: 171 });
    expect(functionLine(v('2.4.22'), 'vfree')).toEqual({ file: 'mm/vmalloc.c', line: 237 });
    expect(functionLine(v('2.6.32'), '__vunmap')).toEqual({ file: 'mm/vmalloc.c', line: 1293 });
    expect(functionLine(v('2.6.32'), 'vfree')).toEqual({ file: 'mm/vmalloc.c', line: 1345 });
    expect(functionLine(v('2.6.32'), 'no_such_function')).toBeUndefined();
  });

  it('Elixir for releases it carries, the history tree at its tag for 2.4', () => {
    expect(functionUrl(v('2.6.32'), 'vfree')).toBe('https://elixir.bootlin.com/linux/v2.6.32/source/mm/vmalloc.c#L1345');
    expect(functionUrl(v('2.4.19'), 'vfree')).toBe('https://github.com/MaximeChretien/linux-history/blob/2.4.19/mm/vmalloc.c#L205');
    expect(sourceUrl(v('2.4.22'), 'arch/i386/mm/ioremap.c', 73)).toBe('https://github.com/MaximeChretien/linux-history/blob/2.4.22/arch/i386/mm/ioremap.c#L73');
  });

  it('BUG and WARN lines link to the line they name (2.4 prints the bare file name)', () => {
    expect(logLineUrl(v('2.4.19'), 'kernel BUG at vmalloc.c:236!')).toBe('https://github.com/MaximeChretien/linux-history/blob/2.4.19/mm/vmalloc.c#L236');
    expect(logLineUrl(v('2.6.32'), 'kernel BUG at mm/vmalloc.c:1321!')).toBe('https://elixir.bootlin.com/linux/v2.6.32/source/mm/vmalloc.c#L1321');
    expect(logLineUrl(v('2.6.32'), 'Trying to vfree() nonexistent vm area (c8800000)')).toBeUndefined();
  });

  it('mainline commits on git.kernel.org, pre-2.6.12 release commits in the history tree', () => {
    const base = { id: 'x', summary: '', functions: [], affects: [] };
    expect(commitUrl({ ...base, since: '2.6.28' }, 'db64fe02258f')).toBe('https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=db64fe02258f');
    expect(commitUrl({ ...base, since: '2.4.21' }, 'af455d459cf2')).toBe('https://github.com/MaximeChretien/linux-history/commit/af455d459cf2');
  });
});
