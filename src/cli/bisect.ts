/**
 * vmx bisect <scenario> [--step N] [--field outcome|address|log|cost|final] [--versions a,b] [--json]
 * Runs the scenario on every registered version in release order and reports, per step, the
 * releases between which its behaviour flips and the catalogued change (with its commits) the
 * evidence points at — or "unexplained".
 */
import { bisect, BISECT_FIELDS, type BisectField, type Bisection, type Cause, type Flip } from '../diff/bisect.js';
import { compareRuns } from '../diff/classify.js';
import { runScenario } from '../harness/runner.js';
import { VERSIONS } from '../registry.js';
import { commitUrl } from '../report/links.js';
import { describeStep } from './run.js';
import { loadScenario, parseCommand, progress, UsageError, writeOut } from './io.js';

function causeText(c: Cause, linked: boolean): string {
  const commits = (c.change.commits ?? []).map((id) => (linked ? `[${id}](${commitUrl(c.change, id)})` : id)).join(', ');
  return `${commits ? commits + ' ' : ''}\`${c.change.id}\` (${c.change.since}): ${c.change.summary} Evidence: ${c.evidence}.`;
}

function flipLine(f: Flip, label: (j: number) => string): string {
  const where = f.step === null ? 'final state' : `step ${f.step} (${label(f.step)})`;
  const head = `${where} ${f.field}: ${f.from.version} ${f.from.value} -> ${f.to.version} ${f.to.value}, between ${f.from.version} and ${f.to.version}`;
  if (f.causes.length) {
    const [first, ...tied] = f.causes;
    const also = tied.length ? ` Also in this interval, with the same evidence: ${tied.map((c) => `\`${c.change.id}\` (${c.change.since})`).join(', ')}.` : '';
    return `- ${head}: ${causeText(first, true)}${also}`;
  }
  const cands = f.candidates.length ? ` (in the interval, matched by op only: ${f.candidates.map((c) => `\`${c.change.id}\``).join(', ')})` : '';
  return `- ${head}: unexplained${cands}`;
}

export function bisectMarkdown(b: Bisection, label: (j: number) => string): string {
  const out = [`# vmx bisect: ${b.scenario}`, '', `Versions in release order: ${b.versions.join(', ')}.`, ''];
  if (!b.flips.length) out.push('No flips: every version behaves the same on every step asked about.');
  for (const f of b.flips) out.push(flipLine(f, label));
  return out.join('\n') + '\n';
}

export function bisectJson(b: Bisection): unknown {
  const cause = (c: Cause) => ({ version: c.version, change: c.change.id, since: c.change.since, commits: c.change.commits ?? [], summary: c.change.summary, evidence: c.evidence });
  return {
    scenario: b.scenario,
    versions: b.versions,
    flips: b.flips.map((f) => ({ step: f.step, field: f.field, from: f.from, to: f.to, causes: f.causes.map(cause), unexplained: f.causes.length === 0, candidates: f.candidates.map(cause) })),
  };
}

export async function cmdBisect(argv: string[]): Promise<number> {
  const args = parseCommand('bisect', argv);
  const s = loadScenario(args.positionals[0], args.values.versions);
  const fieldArg = args.values.field as string | undefined;
  if (fieldArg !== undefined && !(BISECT_FIELDS as readonly unknown[]).includes(fieldArg))
    throw new UsageError(`--field must be one of ${BISECT_FIELDS.join(', ')} (got ${fieldArg === '' ? 'nothing' : fieldArg})`);
  const stepArg = args.values.step as string | undefined;
  let step: number | undefined;
  if (stepArg !== undefined) {
    step = Number(stepArg);
    if (stepArg.trim() === '' || !Number.isInteger(step) || step < 0 || step >= s.steps.length)
      throw new UsageError(`--step: want a step number from 0 to ${s.steps.length - 1} (got ${stepArg === '' ? 'nothing' : stepArg})`);
  }
  if (step !== undefined && fieldArg === 'final') throw new UsageError('--field final is the final state; it does not go with --step');
  const json = !!args.values.json;
  const say = progress(!json);
  const n = s.steps.length;
  const runs = runScenario(s, VERSIONS, { trace: true, detail: true, onStep: n > 20000 ? (i, run) => i % 10000 === 0 && say(`${run.version.id}: step ${i}/${n}`) : undefined });
  say('');
  // Evidence names earlier steps by index and label, as the reports do.
  const b = bisect(compareRuns(s, runs, { registry: VERSIONS }), (j) => `step ${j} (${describeStep(s.steps[j])})`, { step, field: fieldArg as BisectField | undefined });
  await writeOut(json ? JSON.stringify(bisectJson(b), null, 1) + '\n' : bisectMarkdown(b, (j) => describeStep(s.steps[j])));
  return 0;
}
