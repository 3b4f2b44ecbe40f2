/**
 * Address-space pictures for docs/scenarios.md, in the manner of the kernel's memblock tests
 * (draw the space, then say what to expect): after a chosen step, one character per page from
 * VMALLOC_START -- a letter for an area's pages, '.' for its guard page, '~' for a range freed
 * lazily but still reserved (2.6.32), '=' for a vmap_block, '-' for free space.
 */
import { bootVersion, runStep } from '../harness/runner.js';
import type { Scenario } from '../harness/scenario.js';
import type { KernelVersion } from '../contract/version.js';

const PAGE = 4096;
const MAX_PAGES = 100;

/** Resolve a picture reference ("d": the last step binding d, "#4": step 4) to a step index. */
export function pictureStep(s: Scenario, ref: string): number | undefined {
  if (ref.startsWith('#')) {
    const i = Number(ref.slice(1));
    return Number.isInteger(i) && i >= 0 && i < s.steps.length ? i : undefined;
  }
  let found: number | undefined;
  s.steps.forEach((st, i) => st.as === ref && (found = i));
  return found;
}

/**
 * One character per "as" name, the same on every version: the name itself if it is one
 * character, else one of its characters (the last first when it ends in a digit, q3 -> 3), else
 * the first free letter. '#' marks an area no step named.
 */
function areaLetters(s: Scenario): Map<string, string> {
  const used = new Set(['.', '~', '-', '=', '#']);
  const out = new Map<string, string>();
  for (const st of s.steps) {
    const name = st.as;
    if (!name || out.has(name)) continue;
    const own = /[0-9]$/.test(name) ? [...name].reverse() : [...name];
    const pick = [...own, ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].find((c) => !used.has(c)) ?? '?';
    used.add(pick);
    out.set(name, pick);
  }
  return out;
}

/** Markdown lines: for each picture reference, the map of every version after that step. */
export function drawPictures(s: Scenario, versions: readonly KernelVersion[], describeStep: (i: number) => string): string[] {
  const refs = s.pictures ?? [];
  if (refs.length === 0 || versions.length === 0) return [];
  const wanted = refs.map((r) => [r, pictureStep(s, r)] as const);
  const last = Math.max(...wanted.map(([, i]) => i ?? -1));
  const letters = areaLetters(s);
  const maps = new Map<number, { version: string; line: string }[]>();
  const legends = new Map<number, Set<string>>();
  for (const v of versions) {
    const run = bootVersion(s, v, { trace: false, detail: false });
    const names = new Map<number, string>();
    for (let i = 0; i <= last; i++) {
      const { result } = runStep(run, s.steps[i], { detail: false });
      const st = s.steps[i];
      if (st.as && result.ok && result.addr) names.set(run.bindings.get(st.as)!, st.as);
      if (!wanted.some(([, w]) => w === i)) continue;
      const start = run.window.start;
      const areas = run.api.areas();
      const ranges = run.api.ranges?.() ?? [];
      let endPage = 0;
      for (const a of areas) endPage = Math.max(endPage, (a.addr - start + a.size) / PAGE);
      for (const r of ranges) endPage = Math.max(endPage, (r.end - start) / PAGE);
      endPage = Math.min(endPage + 1, MAX_PAGES);
      const cells: string[] = new Array(Math.max(0, endPage)).fill('-');
      for (const r of ranges) {
        if (r.state !== 'lazy' && r.state !== 'block') continue;
        for (let p = (r.start - start) / PAGE; p < (r.end - start) / PAGE && p < endPage; p++) if (p >= 0) cells[p] = r.state === 'lazy' ? '~' : '=';
      }
      const legend = legends.get(i) ?? new Set<string>();
      for (const a of areas) {
        const first = (a.addr - start) / PAGE;
        const pages = a.size / PAGE;
        const name = names.get(a.addr);
        const letter = name === undefined ? '#' : letters.get(name)!;
        if (name !== undefined && name !== letter) legend.add(`${letter}=${name}`);
        for (let p = first; p < first + pages && p < endPage; p++) if (p >= 0) cells[p] = p === first + pages - 1 ? '.' : letter;
      }
      legends.set(i, legend);
      const list = maps.get(i) ?? [];
      list.push({ version: v.id, line: cells.join('') + (endPage === MAX_PAGES ? ' …' : '') });
      maps.set(i, list);
    }
  }
  const out: string[] = [];
  for (const [ref, i] of wanted) {
    if (i === undefined) {
      out.push('', `(picture "${ref}": no such step)`);
      continue;
    }
    const legend = [...(legends.get(i) ?? [])];
    out.push(
      '',
      `After step ${i} (\`${describeStep(i)}\`), one character per page from VMALLOC_START: a letter is an area's page, \`.\` its guard page, \`~\` freed lazily but still reserved, \`b\` a vmap_block, \`-\` free${legend.length ? ` (${legend.join(', ')})` : ''}:`,
      '',
      '```',
      ...(maps.get(i) ?? []).map((m) => `${m.version.padEnd(7)} ${m.line}`),
      '```',
    );
  }
  return out;
}
