/**
 * Cost curves: the modelled cost of one vmalloc (list or tree nodes visited, from the
 * nodes_visited counter the ported code bumps) against the number of live areas, for each
 * version. The machine fills up with 1-page areas that stay; after each one a probe
 * {vmalloc 1 page; vfree} measures what an allocation costs at that population. 2.4 walks vmlist
 * linearly; 2.6.32 descends the rbtree and then walks the area list from the first candidate,
 * and its lazily freed probes pile up until a purge (the spikes).
 */
import { bootVersion, runStep } from '../harness/runner.js';
import { validateScenario, type Step } from '../harness/scenario.js';
import type { KernelVersion } from '../contract/version.js';
import { COUNTER_INDEX } from '../kernel/counters.js';
import { PAGE } from './workloads.js';

export interface CurvePoint {
  live: number;
  /** nodes_visited of the probe vmalloc. */
  alloc: number;
  /** nodes_visited of the probe vfree (2.6.32's lazy purges land here or in a failing alloc). */
  free: number;
  /** Lazy purges during the probe pair. */
  purges: number;
}

export interface Curve {
  version: string;
  points: CurvePoint[];
}

export const CURVE_MAX_LIVE = 20000;
export const CURVE_MIN_LIVE = 10;

export function costCurve(v: KernelVersion, maxLive = CURVE_MAX_LIVE, registered: readonly string[] = [v.id]): Curve {
  const s = validateScenario(
    { name: 'cost-curve', machine: { arch: 'i386', ramMiB: 896, cpus: 1, vmallocStart: '0xc8800000', vmallocEnd: '0xff7fe000' }, steps: [] },
    registered,
  );
  const run = bootVersion(s, v, { detail: false });
  const c = run.kernel.counters;
  const NODES = COUNTER_INDEX.nodes_visited;
  const PURGES = COUNTER_INDEX.purges;
  const keep: Step = { op: 'vmalloc', size: PAGE };
  const probe: Step = { op: 'vmalloc', size: PAGE, as: 'probe' };
  const unprobe: Step = { op: 'vfree', ref: 'probe' };
  const opts = { detail: false };
  const points: CurvePoint[] = [];
  for (let live = 1; live <= maxLive; live++) {
    if (!runStep(run, keep, opts).result.ok) break;
    const n0 = c[NODES];
    const p0 = c[PURGES];
    runStep(run, probe, opts);
    const n1 = c[NODES];
    runStep(run, unprobe, opts);
    if (live >= CURVE_MIN_LIVE) points.push({ live, alloc: n1 - n0, free: c[NODES] - n1, purges: c[PURGES] - p0 });
  }
  return { version: v.id, points };
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

function esc(t: string): string {
  return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A log-log plot of nodes visited per vmalloc against live areas. Each version is drawn as the
 * band between the smallest and largest cost in each of ~400 columns, so single-call spikes (a
 * purge) stay visible at any zoom, with a line through the column medians.
 */
export function curvesSvg(curves: readonly Curve[]): string {
  const W = 760;
  const H = 420;
  const L = 70;
  const R = 150;
  const T = 30;
  const B = 50;
  const pw = W - L - R;
  const ph = H - T - B;
  const x0 = Math.log10(CURVE_MIN_LIVE);
  const x1 = Math.log10(CURVE_MAX_LIVE);
  let ymax = 10;
  for (const c of curves) for (const p of c.points) ymax = Math.max(ymax, p.alloc);
  const y1 = Math.ceil(Math.log10(ymax + 1));
  const X = (live: number) => L + ((Math.log10(live) - x0) / (x1 - x0)) * pw;
  const Y = (n: number) => T + ph - (Math.log10(Math.max(1, n)) / y1) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${L}" y="18" font-size="14">Modelled cost of one vmalloc(1 page): list/tree nodes visited vs live areas</text>`);
  // grid and axes
  for (let e = 1; e <= 5; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v < CURVE_MIN_LIVE || v > CURVE_MAX_LIVE) continue;
      const x = X(v).toFixed(1);
      out.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${T + ph}" stroke="#ddd"/>`);
      out.push(`<text x="${x}" y="${T + ph + 16}" text-anchor="middle">${v.toLocaleString('en-US')}</text>`);
    }
  }
  for (let e = 0; e <= y1; e++) {
    const y = Y(10 ** e).toFixed(1);
    out.push(`<line x1="${L}" y1="${y}" x2="${L + pw}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${(10 ** e).toLocaleString('en-US')}</text>`);
  }
  out.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${L + pw / 2}" y="${H - 12}" text-anchor="middle">live areas (log scale)</text>`);
  out.push(`<text transform="translate(16 ${T + ph / 2}) rotate(-90)" text-anchor="middle">nodes visited per vmalloc (log scale)</text>`);
  const COLS = 400;
  curves.forEach((c, ci) => {
    const colour = COLOURS[ci % COLOURS.length];
    const cols: { min: number; max: number; med: number; live: number }[] = [];
    let bucket: CurvePoint[] = [];
    let col = -1;
    const flush = () => {
      if (!bucket.length) return;
      const a = bucket.map((p) => p.alloc).sort((p, q) => p - q);
      cols.push({ min: a[0], max: a[a.length - 1], med: a[a.length >> 1], live: bucket[bucket.length >> 1].live });
      bucket = [];
    };
    for (const p of c.points) {
      const k = Math.floor(((Math.log10(p.live) - x0) / (x1 - x0)) * COLS);
      if (k !== col) {
        flush();
        col = k;
      }
      bucket.push(p);
    }
    flush();
    const band = [...cols.map((b) => `${X(b.live).toFixed(1)},${Y(b.max).toFixed(1)}`), ...cols.reverse().map((b) => `${X(b.live).toFixed(1)},${Y(b.min).toFixed(1)}`)];
    cols.reverse();
    out.push(`<polygon points="${band.join(' ')}" fill="${colour}" fill-opacity="0.25" stroke="${colour}" stroke-opacity="0.5" stroke-width="0.5"/>`);
    out.push(`<polyline points="${cols.map((b) => `${X(b.live).toFixed(1)},${Y(b.med).toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    const ly = T + 20 + ci * 36;
    out.push(`<rect x="${L + pw + 12}" y="${ly - 9}" width="14" height="10" fill="${colour}" fill-opacity="0.6"/>`);
    out.push(`<text x="${L + pw + 32}" y="${ly}">${esc(c.version)}</text>`);
    const last = c.points[c.points.length - 1];
    const purges = c.points.reduce((n, p) => n + p.purges, 0);
    out.push(`<text x="${L + pw + 32}" y="${ly + 14}" font-size="10" fill="#555">${last ? `${last.alloc.toLocaleString('en-US')} at ${last.live.toLocaleString('en-US')}` : ''}${purges ? `, ${purges} purges` : ''}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
