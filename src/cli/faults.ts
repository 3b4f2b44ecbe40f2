/**
 * vmx faults <scenario…> [--all] [--json] [--versions a,b] [--sites s1,s2] [--max-per-site N | --exhaustive] [--jobs N]
 *
 * Fails, in turn, each alloc_page, each pte_alloc and each kmalloc call the scenario makes, on
 * every version, and reports which injected failures leave leaked pages, leaked slab objects,
 * stale page-table entries or a vmlist / vmap_area inconsistency (src/harness/faultsweep.ts).
 * `--all` sweeps every built-in scenario. Markdown on stdout, or `--json`. By default at most
 * DEFAULT_MAX_PER_SITE calls per site and version fail (an even spread, faultsweep.ts pick());
 * `--exhaustive` fails every call. The (scenario, version) sweeps are independent jobs: with
 * `--jobs N` > 1 (default: the cores available) they run in worker threads (faults-worker.ts) and
 * the results are put back in the serial order, so the output is the same byte for byte as with
 * `--jobs 1`, which runs them one after the other in this process. docs/faults.md is this
 * command's output:
 *   npx vmx faults --all --max-per-site 24 > docs/faults.md
 * Exit 0 when the sweep ran (kernel findings are results), 1 when the simulator was
 * inconsistent during an injected run (a vmx defect), 2 for bad input.
 */
import { FAULT_SITES, type FaultSite } from '../kernel/faults.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_MAX_PER_SITE, formatSweepMarkdown, sweepJson, sweepVersion, VERDICT_CLASSES, type ScenarioSweep, type VersionSweep } from '../harness/faultsweep.js';
import { versionsFor } from '../harness/runner.js';
import type { Scenario } from '../contract/scenario.js';
import type { KernelVersion } from '../contract/version.js';
import type { FaultJob, FaultReply } from './faults-worker.js';
import { VERSIONS, VERSION_IDS } from '../registry.js';
import { builtinPaths, collectPaths, loadFile } from '../scenarios/library.js';
import { parseCommand, progress, UsageError, versionList, writeOut } from './io.js';
import { archProblem } from '../harness/scenario.js';

const USAGE = 'usage: vmx faults <scenario.json | built-in name | folder>… | --all  [--json] [--versions a,b] [--sites alloc_page,pte_alloc,kmalloc] [--max-per-site N | --exhaustive] [--jobs N]';


export async function cmdFaults(argv: string[]): Promise<number> {
  const args = parseCommand('faults', argv);
  const all = !!args.values.all;
  if (all === args.positionals.length > 0) throw new UsageError(USAGE);
  const paths = all ? builtinPaths() : collectPaths(args.positionals);

  let versions = VERSIONS;
  const ids = versionList(args.values.versions);
  if (ids) versions = VERSIONS.filter((v) => ids.includes(v.id));
  let sites: FaultSite[] = [...FAULT_SITES];
  const sflag = args.values.sites;
  if (sflag !== undefined) {
    sites = String(sflag).split(',').map((x) => x.trim()).filter(Boolean) as FaultSite[];
    for (const s of sites) if (!(FAULT_SITES as readonly string[]).includes(s)) throw new UsageError(`--sites: ${s} is not a fault site (sites: ${FAULT_SITES.join(', ')})`);
  }
  let maxPerSite: number | undefined = DEFAULT_MAX_PER_SITE;
  const mflag = args.values['max-per-site'];
  if (args.values.exhaustive) {
    if (mflag !== undefined) throw new UsageError('--exhaustive and --max-per-site exclude each other');
    maxPerSite = undefined;
  } else if (mflag !== undefined) {
    maxPerSite = Number(mflag);
    if (!Number.isSafeInteger(maxPerSite) || maxPerSite < 2) throw new UsageError('--max-per-site must be an integer of at least 2');
  }

  // Validate everything before running anything: a bad file never yields a partial report.
  const scenarios = paths.map((p) => loadFile(p, VERSION_IDS, VERSIONS).scenario);
  // A version named with --versions that cannot run a single one of the scenarios' machines is a mistake.
  for (const v of versions)
    if (ids && scenarios.length && !scenarios.some((s) => !archProblem(s.machine.arch, v))) throw new UsageError(`--versions: ${archProblem(scenarios[0].machine.arch, v)}`);
  const json = !!args.values.json;
  const say = progress(!json);
  // A scenario naming its versions keeps those of them --versions allows (possibly none).
  const restricted = scenarios.map((s) => ({ ...s, versions: s.versions?.filter((id) => versions.some((v) => v.id === id)) }));
  // One job per (scenario, version), in the serial order; the results go back into that order.
  const jobs: Job[] = restricted.flatMap((s, k) => versionsFor(s, versions).map((v) => ({ scenario: k, version: v })));
  const jflag = args.values.jobs;
  let workers = Math.min(availableParallelism(), Math.max(1, jobs.length));
  if (jflag !== undefined) {
    workers = Number(jflag);
    if (!Number.isSafeInteger(workers) || workers < 1) throw new UsageError('--jobs must be an integer of at least 1');
    workers = Math.min(workers, Math.max(1, jobs.length));
  }
  // The ETA weighs each job by its scenario's steps (a run's cost; the injections per site are capped).
  const weight = (j: Job) => restricted[j.scenario].steps.length + 1;
  const total = jobs.reduce((a, j) => a + weight(j), 0);
  const started = Date.now();
  let done = 0;
  let doneWeight = 0;
  const finished = (j: Job) => {
    done++;
    doneWeight += weight(j);
  };
  const status = (msg: string) => {
    const eta = done === 0 ? '' : `, ETA ${formatDuration(((Date.now() - started) / doneWeight) * (total - doneWeight))}`;
    say(`${done}/${jobs.length} jobs done${eta}${workers > 1 ? ` (${workers} workers)` : ''}: ${msg}`);
  };
  let results: VersionSweep[];
  if (workers <= 1) {
    // In-process, one job after the other: the serial path.
    results = jobs.map((j) => {
      const r = sweepVersion(restricted[j.scenario], j.version, { sites, maxPerSite, onProgress: status });
      finished(j);
      return r;
    });
  } else {
    results = await runPool(jobs, workers, (j, job) => ({ job, path: paths[j.scenario], versions: restricted[j.scenario].versions, version: j.version.id, sites, maxPerSite, progress: !json && process.stderr.isTTY === true }), (msg) => status(msg), finished, restricted);
  }
  const sweeps: ScenarioSweep[] = restricted.map((s, k) => ({ scenario: s.name, arch: s.machine.arch, versions: results.filter((_, i) => jobs[i].scenario === k) }));
  say('');
  const defects = sweeps.flatMap((sw) => sw.versions.flatMap((v) => v.injections.filter((i) => i.defect).map((i) => `${sw.scenario} ${v.version} ${i.site} call ${i.nth}: ${i.defect}`)));
  if (json) await writeOut(JSON.stringify(sweepJson(sweeps), null, 1) + '\n');
  else await writeOut(header(sweeps, versions.map((v) => v.id), sites, argv, maxPerSite) + formatSweepMarkdown(sweeps, versions.map((v) => v.id), versions) + '\n');
  if (defects.length) {
    process.stderr.write(`vmx faults: ${defects.length} injected runs hit a simulator inconsistency (a vmx defect):\n${defects.join('\n')}\n`);
    return 1;
  }
  return 0;
}

function header(sweeps: readonly ScenarioSweep[], ids: readonly string[], sites: readonly FaultSite[], argv: readonly string[], maxPerSite: number | undefined): string {
  const command = ['npx vmx faults', ...withoutJobs(argv).map((a) => (/^[\w./,=-]+$/.test(a) ? a : JSON.stringify(a)))].join(' ');
  return [
    '# Fault-injection sweep: which versions clean up after themselves',
    '',
    `Generated by \`${command}\` (rerun it from a clone after \`npm install\`) over ${sweeps.length} scenario(s), versions ${ids.join(', ')}, sites ${sites.join(', ')}, ${sampling(maxPerSite)}. How the sweep works and what the checks mean: [reliability.md](reliability.md).`,
    '',
    'For each version, a run without injected failures counts the calls the scenario makes at each fault site. Then each of those calls is made to fail, or, when a site has more calls than the sampling allows, an even spread of them that includes the first and the last, one per run, checked by the machine invariants after the failing step and at the end; then every area still live is freed (the scenario\'s handles first, then the rest of vmlist) and vm_unmap_aliases forces lazy frees out. A failure is *clean* when it leaves nothing the clean run did not: no new finding at the failing step, no new lost resource later, no extra leftover after freeing everything, no BUG or oops where the clean run had none. Findings of the run without injected failures are listed per version: they are the scenario\'s, not a failure path\'s. Verdict classes:',
    '',
    ...Object.entries(VERDICT_CLASSES).map(([k, v]) => `- ${v} (\`${k}\`)`),
    '',
    '',
  ].join('\n');
}

/** "1 min 5 s", "40 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

interface Job {
  scenario: number;
  version: KernelVersion;
}

/**
 * Run the jobs in `workers` worker threads (faults-worker.ts), the longest-looking first (most
 * steps), and return the results in the jobs' order, whatever order they finished in.
 */
function runPool(
  jobs: readonly Job[],
  workers: number,
  message: (j: Job, index: number) => FaultJob,
  onProgress: (msg: string) => void,
  onDone: (j: Job) => void,
  scenarios: readonly Scenario[],
): Promise<VersionSweep[]> {
  const order = jobs.map((_, i) => i).sort((a, b) => scenarios[jobs[b].scenario].steps.length - scenarios[jobs[a].scenario].steps.length || a - b);
  const results: VersionSweep[] = new Array(jobs.length);
  let next = 0;
  let finished = 0;
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    const idle = new Set<Worker>();
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(e);
    };
    const feed = (w: Worker) => {
      if (next < order.length) {
        const i = order[next++];
        w.postMessage(message(jobs[i], i));
      } else {
        idle.add(w);
        void w.terminate();
      }
    };
    for (let n = 0; n < workers; n++) {
      const w = new Worker(new URL('./faults-worker.js', import.meta.url));
      pool.push(w);
      w.on('message', (r: FaultReply) => {
        if (failed) return;
        if (r.type === 'progress') onProgress(r.msg);
        else if (r.type === 'error') fail(new Error(`faults worker, job ${r.job}: ${r.error}`));
        else {
          results[r.job] = r.result;
          onDone(jobs[r.job]);
          if (++finished === jobs.length) {
            for (const x of pool) {
              idle.add(x);
              void x.terminate();
            }
            resolve(results);
          } else feed(w);
        }
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!failed && !idle.has(w) && code !== 0) fail(new Error(`faults worker exited with code ${code}`));
      });
      feed(w);
    }
  });
}

/** What the header says about sampling. */
function sampling(maxPerSite: number | undefined): string {
  if (maxPerSite === undefined) return 'every call at each site (--exhaustive)';
  const how = maxPerSite === DEFAULT_MAX_PER_SITE ? 'the default sampling; --max-per-site N sets it, --exhaustive fails every call' : '--max-per-site; --exhaustive fails every call';
  return `at most ${maxPerSite} calls per site and version, spread evenly over its calls, the first and the last included (${how}; a cell says "(k swept)" where k is fewer than the calls made)`;
}

/** argv without --jobs (it does not change the output, so the header does not name it). */
function withoutJobs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (argv[i] === '--jobs') i++;
    else if (!argv[i].startsWith('--jobs=')) out.push(argv[i]);
  }
  return out;
}
