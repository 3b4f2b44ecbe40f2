/**
 * npm run -s oracle:mix -- --seed N [--steps N] [--arch A] [--ram MiB] [--cpus N] [--name NAME]
 *
 * Writes on stdout a seeded random scenario that mixes every op the oracle drives, for a fresh
 * differential check of all eight versions (`npm run oracle -- … FILE`): allocations of every
 * flavour, their frees (and now and then the wrong free, a double free or a free of an address no
 * area has), reads and writes inside live areas, pte lookups, CPU reads, injected faults in the
 * middle of allocations, purges and /proc/vmallocinfo. The steps are plain (no generators), so the
 * file reads like a trace; the same arguments always give the same bytes.
 * Exit 2 with one line on stderr for bad arguments.
 */
import { parseArgs } from 'node:util';
import { Mulberry32 } from '../../src/harness/generate.js';
import { ORACLE_ARCHES, ORACLE_VERSIONS, type OracleArch } from './versions.js';

export interface MixOptions {
  seed: number;
  steps: number;
  arch: OracleArch;
  ramMiB: number;
  cpus: number;
  name: string;
}

const PAGE = 4096;
/** Live areas at most: enough for walks of some length, few enough that the window never fills. */
const MAX_LIVE = 48;

type Kind = 'vmalloc' | 'vmap' | 'area' | 'ioremap' | 'ram';
interface Live {
  name: string;
  kind: Kind;
  /** Bytes the caller asked for (reads and writes stay inside them). */
  size: number;
  /** Pages for vm_unmap_ram. */
  pages: number;
}
type Step = Record<string, unknown>;

/** The scenario document for these options (deterministic in all of them). */
export function makeMix(o: MixOptions): Record<string, unknown> {
  const rng = new Mulberry32(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.between(0, xs.length - 1)];
  const chance = (pct: number): boolean => rng.between(0, 99) < pct;
  const live: Live[] = [];
  const dead: string[] = [];
  const steps: Step[] = [];
  let names = 0;
  let phys = 0xe0000000;

  const bytes = (): number => {
    const pages = chance(85) ? rng.between(1, 16) : rng.between(17, 96);
    // a size that is not a page multiple now and then: PAGE_ALIGN rounds it up
    return chance(20) ? pages * PAGE - rng.between(1, PAGE - 1) : pages * PAGE;
  };
  const bind = (kind: Kind, size: number, pages = 0): string => {
    const name = `${kind[0]}${names++}`;
    live.push({ name, kind, size, pages });
    return name;
  };
  const takeLive = (): Live => live.splice(rng.between(0, live.length - 1), 1)[0];

  // vfree of an address no area starts at: in the kernel half, word-aligned, sometimes page-aligned
  const strayAddress = (): string => {
    const base = o.arch === 'x86_64' ? 0xffffc20000000000n : 0xc0000000n;
    const off = BigInt(rng.between(0, 0x3fffffff)) * (chance(50) ? 4096n : 4n);
    return `0x${(base + (off % 0x40000000n)).toString(16)}`;
  };

  const allocate = (): void => {
    const size = bytes();
    switch (pick(['vmalloc', 'vmalloc', 'vmalloc', 'vmalloc', 'flavour', 'vmap', 'area', 'ioremap', 'ram', 'odd'] as const)) {
      case 'vmalloc':
        steps.push({ op: 'vmalloc', size, as: bind('vmalloc', size) });
        return;
      case 'flavour': {
        const op = pick(['vmalloc_dma', 'vmalloc_user', 'vmalloc_exec', 'vzalloc', '__vmalloc', 'vmalloc_node', 'vzalloc_node', 'alloc_vm_area'] as const);
        const step: Step = { op, size };
        if (op === '__vmalloc') step.prot = pick(['PAGE_KERNEL', 'PAGE_KERNEL_EXEC', 'PAGE_KERNEL_NOCACHE']);
        if (op === 'vmalloc_node' || op === 'vzalloc_node') step.node = 0;
        step.as = bind(op === 'alloc_vm_area' ? 'area' : 'vmalloc', size);
        steps.push(step);
        return;
      }
      case 'vmap': {
        const pages = rng.between(1, 8);
        steps.push({ op: 'vmap', pages, as: bind('vmap', pages * PAGE, pages) });
        return;
      }
      case 'area': {
        const flags = pick(['VM_ALLOC', 'VM_IOREMAP']);
        steps.push({ op: 'get_vm_area', size, flags, as: bind('area', 0) });
        return;
      }
      case 'ioremap': {
        // device memory above RAM, sometimes not page-aligned
        const off = chance(25) ? rng.between(1, PAGE - 1) : 0;
        const len = rng.between(1, 8) * PAGE - (off ? rng.between(0, off) : 0);
        steps.push({ op: pick(['ioremap', 'ioremap_nocache']), phys: `0x${(phys + off).toString(16)}`, size: len, as: bind('ioremap', len) });
        phys += 0x10000;
        return;
      }
      case 'ram': {
        const pages = rng.between(1, 4);
        steps.push({ op: 'vm_map_ram', pages, as: bind('ram', pages * PAGE, pages) });
        return;
      }
      case 'odd':
        // the edges: vmalloc(0), a size PAGE_ALIGN wraps, more than RAM
        // (the wrapping size only on the 32-bit arches: x86_64's would exceed a JSON number)
        steps.push({ op: 'vmalloc', size: pick(o.arch === 'x86_64' ? [0, (o.ramMiB + 1) * 1024 * 1024] : [0, 0xfffff001, (o.ramMiB + 1) * 1024 * 1024]) });
        return;
    }
  };

  const free = (): void => {
    const a = takeLive();
    dead.push(a.name);
    // The wrong free now and then: a vmalloc'ed area vunmap'ed or removed, an area vfree'd.
    if (chance(8)) {
      steps.push({ op: pick(['vfree', 'vunmap', 'remove_vm_area']), ref: a.name });
      return;
    }
    switch (a.kind) {
      case 'vmalloc':
        steps.push({ op: 'vfree', ref: a.name });
        return;
      case 'vmap':
        steps.push({ op: 'vunmap', ref: a.name });
        return;
      case 'area':
        steps.push({ op: pick(['remove_vm_area', 'free_vm_area']), ref: a.name });
        return;
      case 'ioremap':
        steps.push({ op: 'iounmap', ref: a.name });
        return;
      case 'ram':
        steps.push({ op: 'vm_unmap_ram', ref: a.name, pages: a.pages });
        return;
    }
  };

  const touch = (): void => {
    const a = live[rng.between(0, live.length - 1)];
    const span = Math.max(1, a.size);
    const offset = rng.between(0, span - 1);
    const count = rng.between(1, Math.min(64, span - offset));
    switch (pick(['vread', 'vwrite', 'lookup_pte', 'peek'] as const)) {
      case 'vread':
        steps.push({ op: 'vread', ref: a.name, offset, count });
        return;
      case 'vwrite': {
        let data = '';
        for (let i = 0; i < Math.min(count, 16); i++) data += rng.between(0, 255).toString(16).padStart(2, '0');
        steps.push({ op: 'vwrite', ref: a.name, offset, data });
        return;
      }
      case 'lookup_pte':
        steps.push({ op: 'lookup_pte', ref: a.name, offset });
        return;
      case 'peek':
        steps.push({ op: 'peek', ref: a.name, offset, count: Math.min(count, 8) });
        return;
    }
  };

  while (steps.length < o.steps) {
    const r = rng.between(0, 99);
    if (r < 4) steps.push({ op: 'fail', site: pick(['alloc_page', 'alloc_page', 'pte_alloc', 'kmalloc']), nth: rng.between(1, 4) });
    else if (r < 6) steps.push({ op: pick(['vm_unmap_aliases', 'vmallocinfo']) });
    else if (r < 8 && dead.length) {
      // a stale handle: double free, or a read through it
      const name = pick(dead);
      steps.push(chance(50) ? { op: 'vfree', ref: name } : { op: 'vread', ref: name, count: 8 });
    } else if (r < 9) steps.push({ op: 'vfree', addr: strayAddress() });
    else if (r < 25 && live.length) touch();
    else if (live.length >= MAX_LIVE || (r < 60 && live.length)) free();
    else allocate();
  }
  return {
    name: o.name,
    description: `seeded mix ${o.seed} (tools/oracle/mix.ts, ${o.steps} steps, ${o.arch}): every op the oracle drives, for a differential check of all versions`,
    versions: ORACLE_VERSIONS.filter((v) => v.arches.includes(o.arch)).map((v) => v.id),
    machine: { arch: o.arch, ramMiB: o.ramMiB, cpus: o.cpus },
    steps,
  };
}

class Usage extends Error {}

function positive(flag: string, text: string | undefined, dflt: number): number {
  if (text === undefined) return dflt;
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new Usage(`${flag} must be a positive integer, not "${text}"`);
  return Number(text);
}

export function parseMixArgs(argv: string[]): MixOptions {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { seed: { type: 'string' }, steps: { type: 'string' }, arch: { type: 'string' }, ram: { type: 'string' }, cpus: { type: 'string' }, name: { type: 'string' } } }));
  } catch (e) {
    throw new Usage((e as Error).message);
  }
  if (values.seed === undefined) throw new Usage('--seed is required');
  const arch = (values.arch ?? 'i386') as OracleArch;
  if (!ORACLE_ARCHES.includes(arch)) throw new Usage(`--arch must be ${ORACLE_ARCHES.slice(0, -1).join(', ')} or ${ORACLE_ARCHES.at(-1)}, not "${values.arch}"`);
  const seed = positive('--seed', values.seed, 1);
  return {
    seed,
    steps: positive('--steps', values.steps, 400),
    arch,
    ramMiB: positive('--ram', values.ram, 64),
    cpus: positive('--cpus', values.cpus, 1),
    name: values.name ?? `mix-${seed}-${arch}`,
  };
}

/** The command: the document on `io.out`, or one line on `io.err` and 2 for bad arguments. */
export function mixMain(argv: string[], io: { out: (s: string) => void; err: (s: string) => void }): number {
  let options: MixOptions;
  try {
    options = parseMixArgs(argv);
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    io.err(`oracle:mix: ${e.message}\n`);
    return 2;
  }
  io.out(`${JSON.stringify(makeMix(options), null, 1)}\n`);
  return 0;
}

if (process.argv[1]?.endsWith('mix.js')) {
  process.exitCode = mixMain(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
}
