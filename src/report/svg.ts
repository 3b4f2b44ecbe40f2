/**
 * Pictures as SVG strings (no browser needed to make them): a to-scale map of the vmalloc window
 * per version, with a zoom on the occupied span, and line plots of counters over the steps.
 * Geometry is computed first (mapGeometry) so tests can check offsets and widths directly; the
 * renderers only draw it. Every text that reaches the SVG is XML-escaped.
 */
import { ARCHES } from '../hw/arch.js';
import { hexAddr, type Addr } from '../hw/addr.js';
import type { AreaView, RangeView } from '../contract/version.js';
import type { MapSnapshot, Series } from './collect.js';

const PAGE = 4096;

/** Versions get colours by their position in a comparison, never by name. */
export const VERSION_COLOURS = ['#1f6fb4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

/** An area may tell where its vmalloc'ed pages array lives (VM_VPAGES); optional in AreaView. */
type AreaWithArray = AreaView & { pagesArray?: Addr };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Coordinates with at most two decimals and no trailing zeros (stable bytes). */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export function humanSize(bytes: number): string {
  if (bytes >= 1 << 30 && bytes % (1 << 30) === 0) return `${bytes / (1 << 30)} GiB`;
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

// ---- map geometry --------------------------------------------------------------------------

export interface Span {
  x: number;
  w: number;
}

export type AreaKind = 'alloc' | 'ioremap' | 'map' | 'pages-array' | 'other';

export interface AreaBox {
  addr: Addr;
  hex: string;
  size: number;
  flags: string[];
  kind: AreaKind;
  /** Set when the area's pages array is itself vmalloc'ed (VM_VPAGES). */
  vpages: boolean;
  nrPages?: number;
  pagesArray?: Addr;
  /** The scenario's names ("as") pointing into the area, in binding order. */
  names: string[];
  /** The whole area (guard page included) on the full-window bar. */
  full: Span;
  /** On the zoom bar: the usable part and the guard page (the last page of `size`). */
  zoom: Span;
  guard: Span;
}

export interface RangeBox {
  start: Addr;
  end: Addr;
  state: RangeView['state'];
  label?: string;
  full: Span;
  zoom: Span;
}

export interface MapRow {
  version: string;
  step: number;
  hexStart: string;
  hexEnd: string;
  areas: AreaBox[];
  ranges: RangeBox[];
  /** The zoomed span on the full bar. */
  lens: Span;
  summary: Record<string, number | string>;
  /** The summary as the lines drawn under the row's heading (wrapped, never cut). */
  summaryLines: string[];
  /** Top of the row in the picture. */
  y: number;
  /** Height of the row (more when its summary wraps). */
  h: number;
}

export interface MapGeometry {
  width: number;
  height: number;
  /** x of the bars' left edge and their width. */
  barX: number;
  barW: number;
  /** The zoomed address span shared by every row (so rows compare). */
  zoomStart: Addr;
  zoomEnd: Addr;
  zoomHexStart: string;
  zoomHexEnd: string;
  rows: MapRow[];
}

export interface MapOptions {
  width?: number;
  title?: string;
  /** Prefix of the ids inside the SVG, unique per picture when several share one HTML page. */
  id?: string;
}

const ROW_H = 118;
const HEAD_H = 34;
const LEGEND_H = 30;
/** Height of one wrapped summary line under a row's heading, and the width of a 10px character. */
const SUMMARY_LINE_H = 12;
const SUMMARY_CHAR_W = 6.1;

/** "k v, k v, …" wrapped at item boundaries into lines of at most `chars` characters. */
export function wrapSummary(summary: Record<string, number | string>, chars: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const [k, v] of Object.entries(summary)) {
    const item = `${k} ${v}`;
    if (cur && cur.length + 2 + item.length > chars) {
      lines.push(cur + ',');
      cur = item;
    } else cur = cur ? `${cur}, ${item}` : item;
  }
  if (cur) lines.push(cur);
  return lines;
}

/**
 * Outer area → the area holding its vmalloc'ed pages array: AreaView.pagesArray when the version
 * reports it, else (VM_VPAGES with nrPages) the nearest area above it whose size is the array's,
 * PAGE_ALIGN(nrPages * sizeof(struct page *)) plus the guard page.
 */
export function nestedArrays(areas: readonly AreaWithArray[], ptrBytes: number): Map<Addr, Addr> {
  const out = new Map<Addr, Addr>();
  const taken = new Set<Addr>();
  for (const a of areas) if (a.pagesArray) (out.set(a.addr, a.pagesArray), taken.add(a.pagesArray));
  for (const a of areas) {
    if (out.has(a.addr) || !a.flags.includes('VM_VPAGES') || a.nrPages === undefined) continue;
    const want = Math.ceil((a.nrPages * ptrBytes) / PAGE) * PAGE + PAGE;
    const fits = areas.filter((b) => b !== a && b.size === want && !b.flags.includes('VM_VPAGES') && !taken.has(b.addr));
    const above = fits.filter((b) => b.addr > a.addr).sort((x, y) => x.addr - y.addr)[0];
    const pick = above ?? fits[0];
    if (pick) (out.set(a.addr, pick.addr), taken.add(pick.addr));
  }
  return out;
}

function kindOf(a: AreaView, arrays: ReadonlySet<Addr>): AreaKind {
  if (arrays.has(a.addr)) return 'pages-array';
  if (a.flags.includes('VM_IOREMAP')) return 'ioremap';
  if (a.flags.includes('VM_MAP')) return 'map';
  if (a.flags.includes('VM_ALLOC')) return 'alloc';
  return 'other';
}

/**
 * The zoomed span: every snapshot's occupied addresses (areas and ranges), padded by 4% on each
 * side and at least 16 pages wide, inside the window. With nothing occupied, the first 64 pages.
 */
export function zoomSpan(snaps: readonly MapSnapshot[]): { start: number; end: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let wlo = Infinity;
  let whi = -Infinity;
  for (const s of snaps) {
    wlo = Math.min(wlo, s.window.start);
    whi = Math.max(whi, s.window.end);
    for (const a of s.areas) {
      lo = Math.min(lo, a.addr);
      hi = Math.max(hi, a.addr + a.size);
    }
    for (const r of s.ranges) {
      lo = Math.min(lo, r.start);
      hi = Math.max(hi, r.end);
    }
  }
  if (!isFinite(wlo)) return { start: 0, end: 1 };
  if (!isFinite(lo)) return { start: wlo, end: Math.min(whi, wlo + 64 * PAGE) };
  const pad = Math.max(PAGE, Math.floor(((hi - lo) * 0.04) / PAGE) * PAGE);
  let start = Math.max(wlo, lo - pad);
  let end = Math.min(Math.max(whi, hi), hi + pad);
  if (end - start < 16 * PAGE) end = Math.min(Math.max(whi, hi), start + 16 * PAGE);
  if (end - start < 16 * PAGE) start = Math.max(Math.min(wlo, lo), end - 16 * PAGE);
  return { start, end };
}

export function mapGeometry(snaps: readonly MapSnapshot[], opts: MapOptions = {}): MapGeometry {
  const width = opts.width ?? 960;
  const barX = 20;
  const barW = width - 40;
  const z = zoomSpan(snaps);
  const zs = (z.end - z.start) || 1;
  const toZoom = (a: number, b: number): Span => {
    const x0 = Math.max(z.start, Math.min(z.end, a));
    const x1 = Math.max(z.start, Math.min(z.end, b));
    const x = barX + ((x0 - z.start) / zs) * barW;
    // At least 1.5 px, so a one-page area still shows in a wide zoom.
    return { x, w: Math.max(x1 > x0 ? 1.5 : 0, ((x1 - x0) / zs) * barW) };
  };
  const anyArch = snaps[0]?.arch ?? 'i386';
  let rowY = HEAD_H;
  const rows: MapRow[] = snaps.map((s) => {
    const ws = (s.window.end - s.window.start) || 1;
    const toFull = (a: number, b: number): Span => ({ x: barX + ((a - s.window.start) / ws) * barW, w: Math.max(0.5, ((b - a) / ws) * barW) });
    const arch = ARCHES[s.arch];
    const nested = nestedArrays(s.areas as AreaWithArray[], arch.ptrBytes);
    const arrays = new Set<Addr>(nested.values());
    const areas: AreaBox[] = (s.areas as AreaWithArray[]).map((a) => {
      const guardAt = a.addr + Math.max(0, a.size - PAGE);
      const box: AreaBox = {
        addr: a.addr,
        hex: hexAddr(arch, a.addr),
        size: a.size,
        flags: a.flags,
        kind: kindOf(a, arrays),
        vpages: a.flags.includes('VM_VPAGES'),
        names: (s.names ?? []).filter((n) => n.addr >= a.addr && n.addr < a.addr + a.size).map((n) => n.name),
        full: toFull(a.addr, a.addr + a.size),
        zoom: toZoom(a.addr, guardAt),
        guard: toZoom(guardAt, a.addr + a.size),
      };
      if (a.nrPages !== undefined) box.nrPages = a.nrPages;
      const arr = nested.get(a.addr);
      if (arr !== undefined) box.pagesArray = arr;
      return box;
    });
    const ranges: RangeBox[] = s.ranges.map((r) => {
      const box: RangeBox = { start: r.start, end: r.end, state: r.state, full: toFull(r.start, r.end), zoom: toZoom(r.start, r.end) };
      if (r.label) box.label = r.label;
      return box;
    });
    const lensA = Math.max(s.window.start, z.start);
    const lensB = Math.min(s.window.end, z.end);
    const summaryLines = wrapSummary(s.summary, Math.floor(barW / SUMMARY_CHAR_W));
    const h = ROW_H + SUMMARY_LINE_H * summaryLines.length;
    const y = rowY;
    rowY += h;
    return {
      version: s.version,
      step: s.step,
      hexStart: hexAddr(arch, s.window.start),
      hexEnd: hexAddr(arch, s.window.end),
      areas,
      ranges,
      lens: toFull(lensA, Math.max(lensA, lensB)),
      summary: s.summary,
      summaryLines,
      y,
      h,
    };
  });
  const arch = ARCHES[anyArch];
  return {
    width,
    height: rowY + LEGEND_H,
    barX,
    barW,
    zoomStart: z.start,
    zoomEnd: z.end,
    zoomHexStart: hexAddr(arch, z.start),
    zoomHexEnd: hexAddr(arch, z.end),
    rows,
  };
}

// ---- map rendering ---------------------------------------------------------------------------

const AREA_FILL: Record<AreaKind, string> = {
  alloc: '#4a7fd4',
  ioremap: '#c77f2a',
  map: '#2a9d8f',
  'pages-array': '#d45a9a',
  other: '#7a7a7a',
};
const RANGE_STYLE: Record<RangeView['state'], { fill: string; label: string }> = {
  live: { fill: '#9ec79a', label: 'vmap_area in use' },
  lazy: { fill: '#f2a541', label: 'lazily freed (awaiting purge)' },
  block: { fill: '#a78bd4', label: 'vmap block' },
  other: { fill: '#bbbbbb', label: 'other range' },
};

/** Boxes drawn separately while a row has at most this many; beyond, runs closer than a pixel merge. */
export const MAX_SEPARATE_BOXES = 120;

interface Run<T> {
  x: number;
  end: number;
  items: T[];
}

/** Merge boxes (sorted by x) of the same key that touch at pixel resolution. */
function coalesce<T>(items: readonly T[], span: (t: T) => Span, key: (t: T) => string): Run<T>[] {
  const runs: Run<T>[] = [];
  for (const t of [...items].sort((a, b) => span(a).x - span(b).x)) {
    const sp = span(t);
    const last = runs[runs.length - 1];
    if (last && key(last.items[0]) === key(t) && sp.x <= last.end + 1) {
      last.end = Math.max(last.end, sp.x + sp.w);
      last.items.push(t);
    } else runs.push({ x: sp.x, end: sp.x + sp.w, items: [t] });
  }
  return runs;
}

function rect(sp: Span, y: number, h: number, attrs: string, title?: string): string {
  const t = title ? `<title>${escapeXml(title)}</title>` : '';
  return `<rect x="${num(sp.x)}" y="${num(y)}" width="${num(sp.w)}" height="${num(h)}" ${attrs}>${t}</rect>`;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${num(x)}" y="${num(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(s)}</text>`;
}

function areaTitle(a: AreaBox): string {
  const parts = [`${a.names.length ? a.names.join(', ') + ': ' : ''}${a.hex} size ${a.size} (0x${a.size.toString(16)}, ${humanSize(a.size)} incl. one guard page)`, a.flags.join('|') || 'no flags'];
  if (a.nrPages !== undefined) parts.push(`${a.nrPages} pages`);
  if (a.vpages) parts.push("pages array vmalloc'ed (VM_VPAGES)");
  if (a.kind === 'pages-array') parts.push('holds the pages array of a larger area');
  return parts.join(', ');
}

/** The map: per version a full-window bar, a zoom lens and a to-scale zoom bar with ranges below. */
export function renderAreaMap(snaps: readonly MapSnapshot[], opts: MapOptions = {}): string {
  const g = mapGeometry(snaps, opts);
  const guardId = `${(opts.id ?? 'map').replace(/[^A-Za-z0-9_-]/g, '_')}-guard`;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11" role="img">`,
  );
  out.push(`<title>${escapeXml(opts.title ?? 'vmalloc address map')}</title>`);
  out.push(
    `<defs><pattern id="${guardId}" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#e6e6e6"/><line x1="0" y1="0" x2="0" y2="4" stroke="#888" stroke-width="1.5"/></pattern></defs>`,
  );
  out.push(`<rect x="0" y="0" width="${g.width}" height="${g.height}" fill="#ffffff"/>`);
  out.push(text(g.barX, 16, opts.title ?? 'vmalloc address map', 'font-size="13" font-weight="bold"'));
  out.push(text(g.barX, 29, `zoom: ${g.zoomHexStart} - ${g.zoomHexEnd} (${humanSize(g.zoomEnd - g.zoomStart)}), the same span for every version`, 'fill="#555"'));
  for (const r of g.rows) {
    const y = r.y;
    // The version's state summary wraps under the heading (never cut), pushing the bars down.
    const off = SUMMARY_LINE_H * r.summaryLines.length;
    const fullY = y + 22 + off;
    const zoomY = y + 56 + off;
    const laneY = zoomY + 30;
    out.push(`<g class="row" data-version="${escapeXml(r.version)}" data-step="${r.step}">`);
    const head = `${r.version}  ${r.step < 0 ? 'after boot' : `after step ${r.step}`}: ${r.areas.length} area${r.areas.length === 1 ? '' : 's'}`;
    out.push(`<text x="${g.barX}" y="${y + 12}" font-weight="bold">${escapeXml(head)}</text>`);
    r.summaryLines.forEach((line, k) => out.push(text(g.barX, y + 12 + SUMMARY_LINE_H * (k + 1), line, 'fill="#555" font-size="10" class="summary"')));
    const many = r.areas.length > MAX_SEPARATE_BOXES;
    // Full window bar.
    out.push(rect({ x: g.barX, w: g.barW }, fullY, 12, 'fill="#f4f4f4" stroke="#999" stroke-width="0.5"'));
    const fullRanges = r.ranges.length > MAX_SEPARATE_BOXES ? coalesce(r.ranges, (x) => x.full, (x) => x.state) : r.ranges.map((x) => ({ x: x.full.x, end: x.full.x + x.full.w, items: [x] }));
    for (const run of fullRanges) out.push(rect({ x: run.x, w: run.end - run.x }, fullY, 12, `fill="${RANGE_STYLE[run.items[0].state].fill}"`));
    if (many) {
      for (const run of coalesce(r.areas, (a) => a.full, (a) => a.kind))
        out.push(rect({ x: run.x, w: run.end - run.x }, fullY, 12, `fill="${AREA_FILL[run.items[0].kind]}" class="area-full-run" data-count="${run.items.length}"`));
    } else for (const a of r.areas) out.push(rect(a.full, fullY, 12, `fill="${AREA_FILL[a.kind]}" class="area-full" data-addr="${a.hex}"`));
    out.push(text(g.barX, fullY + 23, r.hexStart, 'fill="#555" font-size="10"'));
    out.push(text(g.barX + g.barW, fullY + 23, r.hexEnd, 'fill="#555" font-size="10" text-anchor="end"'));
    // The lens from the occupied span to the zoom bar.
    out.push(rect(r.lens, fullY - 2, 16, 'fill="none" stroke="#333" stroke-width="1"'));
    out.push(
      `<path d="M${num(r.lens.x)} ${fullY + 14} L${g.barX} ${zoomY} M${num(r.lens.x + r.lens.w)} ${fullY + 14} L${g.barX + g.barW} ${zoomY}" stroke="#999" stroke-width="0.8" stroke-dasharray="3 2" fill="none"/>`,
    );
    // Zoom bar.
    out.push(rect({ x: g.barX, w: g.barW }, zoomY, 24, 'fill="#fafafa" stroke="#666" stroke-width="0.8"'));
    const zoomRuns = many
      ? coalesce(r.areas, (a) => ({ x: a.zoom.x, w: a.guard.x + a.guard.w - a.zoom.x }), (a) => a.kind + (a.vpages ? '+vpages' : ''))
      : r.areas.map((a) => ({ x: a.zoom.x, end: a.guard.x + a.guard.w, items: [a] }));
    // Names of areas too narrow to hold them go just above the zoom bar, left to right, none overlapping.
    let nameEnd = -Infinity;
    for (const run of zoomRuns) {
      if (run.items.length > 1) {
        const first = run.items[0];
        const last = run.items[run.items.length - 1];
        out.push(
          rect(
            { x: run.x, w: run.end - run.x },
            zoomY,
            24,
            `fill="${AREA_FILL[first.kind]}" fill-opacity="0.85" class="area-run" data-count="${run.items.length}" data-addr="${first.hex}"`,
            `${run.items.length} ${first.kind === 'pages-array' ? 'pages arrays' : 'areas'} from ${first.hex} to ${last.hex} (+${humanSize(last.size)}), each with its guard page (too narrow to draw one by one)`,
          ),
        );
        continue;
      }
      const a = run.items[0];
      out.push(
        rect(a.zoom, zoomY, 24, `fill="${AREA_FILL[a.kind]}" stroke="#ffffff" stroke-width="0.5" class="area" data-addr="${a.hex}" data-size="${a.size}" data-kind="${a.kind}"`, areaTitle(a)),
      );
      out.push(rect(a.guard, zoomY, 24, `fill="url(#${guardId})" class="guard"`, `guard page of ${a.hex}`));
      if (a.vpages) out.push(rect(a.zoom, zoomY, 24, 'fill="none" stroke="#d45a9a" stroke-width="2" stroke-dasharray="4 2" class="vpages"'));
      // The scenario's names label an area where they fit (all of them, else the first), else its address.
      const named = a.names.length ? [a.names.join(', '), a.names[0]] : [];
      const label = [...named, a.kind === 'pages-array' ? 'pages[]' : a.hex].find((l) => a.zoom.w >= l.length * 6.7 + 4);
      if (label) out.push(text(a.zoom.x + 3, zoomY + 16, label, `fill="#ffffff"${named.includes(label) ? ' font-weight="bold" class="name"' : ''}`));
      if (named.length && !named.includes(label ?? '')) {
        const above = named.find((l) => a.zoom.x + l.length * 5.5 <= g.barX + g.barW) ?? named[named.length - 1];
        if (a.zoom.x >= nameEnd + 4) {
          out.push(text(a.zoom.x, zoomY - 2, above, 'fill="#1d1d1f" font-size="9" font-weight="bold" class="name-above"'));
          nameEnd = a.zoom.x + above.length * 5.5;
        }
      }
    }
    // Nesting: a curve from a VM_VPAGES area to the area holding its pages array.
    for (const a of r.areas) {
      const arr = a.pagesArray !== undefined ? r.areas.find((b) => b.addr === a.pagesArray) : undefined;
      if (!arr) continue;
      const x1 = a.zoom.x + a.zoom.w / 2;
      const x2 = arr.zoom.x + arr.zoom.w / 2;
      out.push(`<path d="M${num(x1)} ${zoomY} C${num(x1)} ${zoomY - 14} ${num(x2)} ${zoomY - 14} ${num(x2)} ${zoomY}" stroke="#d45a9a" stroke-width="1.5" fill="none" class="nesting"/>`);
      const label = `pages[] of ${a.hex} at ${arr.hex}`;
      out.push(text(g.barX + g.barW / 2, zoomY + 50, label, 'fill="#b03a7a" font-size="10" text-anchor="middle"'));
    }
    // Allocator ranges lane (vmap_areas, lazily freed ranges, vmap blocks).
    const laneRuns = r.ranges.length > MAX_SEPARATE_BOXES ? coalesce(r.ranges, (x) => x.zoom, (x) => x.state) : r.ranges.map((x) => ({ x: x.zoom.x, end: x.zoom.x + x.zoom.w, items: [x] }));
    for (const run of laneRuns) {
      const rg = run.items[0];
      const title = run.items.length > 1 ? `${run.items.length} ranges: ${RANGE_STYLE[rg.state].label}` : `${rg.label ? rg.label + ': ' : ''}${RANGE_STYLE[rg.state].label}`;
      out.push(rect({ x: run.x, w: run.end - run.x }, laneY, 8, `fill="${RANGE_STYLE[rg.state].fill}" stroke="#ffffff" stroke-width="0.5" class="range" data-state="${rg.state}"`, title));
    }
    out.push(text(g.barX, laneY + 20, g.zoomHexStart, 'fill="#555" font-size="10"'));
    out.push(text(g.barX + g.barW, laneY + 20, g.zoomHexEnd, 'fill="#555" font-size="10" text-anchor="end"'));
    out.push('</g>');
  }
  // Legend.
  const ly = g.height - LEGEND_H + 12;
  const items: [string, string][] = [
    [AREA_FILL.alloc, 'VM_ALLOC'],
    [AREA_FILL.ioremap, 'VM_IOREMAP'],
    [AREA_FILL.map, 'VM_MAP'],
    [AREA_FILL['pages-array'], 'pages array'],
    [`url(#${guardId})`, 'guard page'],
    [RANGE_STYLE.live.fill, 'vmap_area'],
    [RANGE_STYLE.lazy.fill, 'lazily freed'],
    [RANGE_STYLE.block.fill, 'vmap block'],
  ];
  // The key is set apart (a framed strip headed "key:", grey italic text) so that no entry reads
  // like one of the scenario's names, which label the areas in bold white.
  out.push(`<rect x="${g.barX - 4}" y="${ly - 14}" width="${g.barW + 8}" height="20" fill="#f7f7f7" stroke="#cccccc" stroke-width="0.5" class="legend"/>`);
  out.push(text(g.barX, ly, 'key:', 'fill="#555" font-weight="bold"'));
  let lx = g.barX + 40;
  for (const [fill, label] of items) {
    out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${fill}" stroke="#666" stroke-width="0.5"/>`);
    out.push(text(lx + 16, ly, label, 'fill="#444" font-style="italic"'));
    lx += 24 + label.length * 6.7;
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

// ---- text map (terminals) --------------------------------------------------------------------

/** The zoom bar as characters: '#' area, '.' guard page, '~' lazily freed, 'b' vmap block. */
export function textMap(snaps: readonly MapSnapshot[], columns = 64): string {
  const z = zoomSpan(snaps);
  const span = (z.end - z.start) || 1;
  const arch = ARCHES[snaps[0]?.arch ?? 'i386'];
  const out = [`zoom ${hexAddr(arch, z.start)} - ${hexAddr(arch, z.end)}, one column = ${humanSize(Math.max(1, Math.round(span / columns)))}; # area, . guard page, ~ lazily freed, b vmap block`];
  const w = Math.max(...snaps.map((s) => s.version.length), 6);
  for (const s of snaps) {
    const cells = new Array<string>(columns).fill(' ');
    const paint = (a: number, b: number, ch: string, rank: string) => {
      const c0 = Math.floor(((Math.max(a, z.start) - z.start) / span) * columns);
      const c1 = Math.ceil(((Math.min(b, z.end) - z.start) / span) * columns);
      for (let c = Math.max(0, c0); c < Math.min(columns, Math.max(c1, c0 + 1)); c++) if (rank.indexOf(cells[c]) < rank.indexOf(ch)) cells[c] = ch;
    };
    const rank = ' b~#.';
    for (const r of s.ranges) if (r.state === 'lazy' || r.state === 'block') paint(r.start, r.end, r.state === 'lazy' ? '~' : 'b', rank);
    for (const a of s.areas) {
      paint(a.addr + a.size - PAGE, a.addr + a.size, '.', rank);
      paint(a.addr, a.addr + a.size - PAGE, '#', rank);
    }
    out.push(`${s.version.padEnd(w)} |${cells.join('')}|`);
  }
  return out.join('\n');
}

// ---- line plots ------------------------------------------------------------------------------

export interface PlotPanel {
  title: string;
  pick: (s: Series) => number[];
}

export const DEFAULT_PANELS: readonly PlotPanel[] = [
  { title: 'page-table pages in the vmalloc window', pick: (s) => s.pageTablePages },
  { title: 'live areas (vmlist)', pick: (s) => s.liveAreas },
  { title: 'ptes present in the window (lazily freed areas stay mapped until a purge)', pick: (s) => s.ptesPresent },
  { title: 'TLB flushes so far (flush_tlb_all + flush_tlb_kernel_range)', pick: (s) => s.tlbFlushes },
];

/** Per version (by position): a dash pattern, so that series drawn on top of each other stay apart. */
export const VERSION_DASHES = ['', '8 4', '2 3', '12 3 2 3', '5 2 1 2'];

/** Line width per version position: wider underneath, so coinciding series show as nested strokes. */
function lineWidth(si: number): number {
  return Math.max(1.2, 5.5 - si * 1.8);
}

/** A tick interval of 1, 2 or 5 × 10^k giving at most `max` intervals over `span`. */
function tickStep(span: number, max = 10): number {
  if (span <= 0) return 1;
  const raw = span / max;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return Math.max(1, m * p);
  return 10 * p;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Small multiples: one panel per counter, one line per version (after-step values). */
export function renderCounterPlots(
  series: readonly Series[],
  opts: {
    title?: string;
    width?: number;
    panels?: readonly PlotPanel[];
    /** Line colours by position (default VERSION_COLOURS). */
    colours?: readonly string[];
    /** A step to mark with a dashed vertical line in every panel (the explorer's chosen step). */
    marker?: number;
  } = {},
): string {
  const width = opts.width ?? 960;
  const colours = opts.colours ?? VERSION_COLOURS;
  const panels = opts.panels ?? DEFAULT_PANELS;
  const panelH = 150;
  const top = 26;
  const legendH = 22;
  const height = top + panels.length * panelH + legendH;
  const px = 60;
  const pw = width - px - 20;
  const lastStep = Math.max(0, ...series.map((s) => s.steps[s.steps.length - 1] ?? 0));
  // The x axis runs past the last step (by 3% of the steps, at least one): the value after step i
  // holds from i to the next sample, and the last one to the end, so the last step's change shows
  // inside the frame, not on its right edge.
  const maxStep = lastStep + Math.max(1, Math.ceil(lastStep * 0.03));
  const xOf = (st: number) => px + (st / maxStep) * pw;
  const ticks: number[] = [];
  for (let t = 0, d = tickStep(lastStep); t <= lastStep; t += d) ticks.push(t);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11" role="img">`,
  );
  out.push(`<title>${escapeXml(opts.title ?? 'counters over the steps')}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(text(20, 17, opts.title ?? 'counters over the steps', 'font-size="13" font-weight="bold"'));
  panels.forEach((p, pi) => {
    const y0 = top + pi * panelH + 18;
    const ph = panelH - 48;
    const vmax = niceMax(Math.max(0, ...series.flatMap((s) => p.pick(s))));
    out.push(text(px, y0 - 5, p.title, 'font-weight="bold"'));
    out.push(`<rect x="${px}" y="${y0}" width="${pw}" height="${ph}" fill="#fbfbfb" stroke="#999" stroke-width="0.6"/>`);
    // Counts: integer ticks only; the top tick sits 8px below the frame so a line there stays visible.
    const inner = ph - 8;
    for (const f of Number.isInteger(vmax / 2) ? [0, 0.5, 1] : [0, 1]) {
      const gy = y0 + ph - f * inner;
      out.push(`<line x1="${px}" y1="${num(gy)}" x2="${px + pw}" y2="${num(gy)}" stroke="#e2e2e2" stroke-width="0.6"/>`);
      out.push(text(px - 6, gy + 4, num(f * vmax), 'text-anchor="end" fill="#555"'));
    }
    // Step ticks along the bottom of the frame, labelled; the axis ends one past the last step.
    for (const t of ticks) {
      const tx = xOf(t);
      out.push(`<line x1="${num(tx)}" y1="${y0 + ph}" x2="${num(tx)}" y2="${y0 + ph + 4}" stroke="#999" stroke-width="0.6" class="tick"/>`);
      out.push(text(tx, y0 + ph + 14, t === 0 ? 'step 0' : String(t), `fill="#555" text-anchor="${t === 0 ? 'start' : 'middle'}"`));
    }
    if (opts.marker !== undefined && opts.marker >= 0) {
      const mx = xOf(Math.min(opts.marker, lastStep));
      out.push(`<line x1="${num(mx)}" y1="${y0}" x2="${num(mx)}" y2="${y0 + ph}" stroke="#333" stroke-width="1" stroke-dasharray="4 3" class="marker"/>`);
    }
    series.forEach((s, si) => {
      const vals = p.pick(s);
      const xs = s.steps.map(xOf);
      const ys = vals.map((v) => y0 + ph - (v / vmax) * inner);
      const colour = colours[si % colours.length];
      const widthPx = lineWidth(si);
      const dash = VERSION_DASHES[si % VERSION_DASHES.length];
      if (!vals.length) return;
      // Steps: the value holds until the next sample, and the last one to the end of the axis.
      const pts: string[] = [];
      for (let k = 0; k < vals.length; k++) {
        if (k > 0) pts.push(`${num(xs[k])},${num(ys[k - 1])}`);
        pts.push(`${num(xs[k])},${num(ys[k])}`);
      }
      pts.push(`${num(xOf(maxStep))},${num(ys[ys.length - 1])}`);
      out.push(
        `<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="${num(widthPx)}" stroke-opacity="0.85" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''} data-version="${escapeXml(s.version)}"/>`,
      );
    });
  });
  let lx = px;
  const ly = height - 8;
  series.forEach((s, si) => {
    const colour = colours[si % colours.length];
    const dash = VERSION_DASHES[si % VERSION_DASHES.length];
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 28}" y2="${ly - 4}" stroke="${colour}" stroke-width="${num(lineWidth(si))}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(text(lx + 32, ly, s.version));
    lx += 50 + s.version.length * 7;
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
