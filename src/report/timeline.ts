/**
 * The timeline section of a comparison (markdown; html.ts colours its cells by class): a row per
 * step, a column per version in release order, a letter per group of identical behaviour, and
 * each flip marked with the change the evidence points at.
 */
import type { Step } from '../contract/scenario.js';
import type { Timeline } from '../diff/timeline.js';

/** Marks a timeline cell: the class letter, then this, then the value (html.ts keys on it). */
export const CLASS_MARK = '▸';

const LETTERS = 'ABCDEFGH';

/** Rows shown in full up to this many steps; longer scenarios show the rows with flips. */
const FULL_ROWS = 60;

/**
 * `absent` renders an op a version lacks (markdown.ts absentCell: grey in HTML, with the release
 * that brought the function); without it the cell says "unsupported".
 */
export function timelineMarkdown(
  t: Timeline,
  steps: readonly Step[],
  label: (s: Step) => string,
  esc: (s: string) => string,
  absent?: (op: string, version: string) => string,
): string[] {
  if (t.versions.length < 2) return [];
  const out = [
    '## Timeline',
    '',
    `Each row is a step and each column a version in release order. The letter names the row's group of identical behaviour (outcome, address, log; A is the oldest version's), and ◀ marks a flip from the version to its left, with the catalogued change the evidence points at.`,
    '',
  ];
  const rows = t.rows.length <= FULL_ROWS ? t.rows : t.rows.filter((r) => r.flips.length);
  out.push(`| step | op | ${t.versions.join(' | ')} |`, `|---|---|${t.versions.map(() => '---').join('|')}|`);
  for (const r of rows) {
    const cells = r.cells.map((c, j) => {
      const flip = r.flips.find((f) => f.at === j);
      const note = flip ? ` ◀ ${flip.cause ? `\`${flip.cause.id}\` (${flip.cause.since})` : 'unexplained'}` : '';
      const value = c.value === 'unsupported' && absent ? absent(steps[r.step].op, t.versions[j]) : esc(c.value);
      return `${LETTERS[Math.min(c.cls, LETTERS.length - 1)]}${CLASS_MARK} ${value}${note}`;
    });
    out.push(`| ${r.step} | ${esc(label(steps[r.step]))} | ${cells.join(' | ')} |`);
  }
  if (rows.length < t.rows.length) out.push('', `${t.rows.length - rows.length} steps behave the same on every version and are left out.`);
  const changed = t.changedBetween.filter((p) => p.steps.length);
  out.push('', changed.length ? `Releases where the behaviour changed: ${changed.map((p) => `${p.from} → ${p.to} (step${p.steps.length === 1 ? '' : 's'} ${p.steps.slice(0, 12).join(', ')}${p.steps.length > 12 ? ', …' : ''})`).join('; ')}.` : 'The behaviour is the same on every version.', '');
  return out;
}
