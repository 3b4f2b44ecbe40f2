/**
 * Reports (src/report/): SVG geometry for known addresses, the text map, counter plots,
 * markdown and HTML escaping of hostile scenario text, self-contained HTML, stable bytes.
 * Run: npx vitest run test/report.test.ts
 */
import { describe, expect, it, vi } from 'vitest';
import { validateScenario, type Scenario } from '../src/harness/scenario.js';
import { VERSIONS, VERSION_IDS } from '../src/registry.js';
import { collect, type MapSnapshot } from '../src/report/collect.js';
import { mapGeometry, renderAreaMap, renderCounterPlots, textMap, zoomSpan, MAX_SEPARATE_BOXES } from '../src/report/svg.js';
import { compareMarkdown, fence, mdText } from '../src/report/markdown.js';
import { renderHtml } from '../src/report/html.js';
import { generateReports, scenarioFiles } from '../src/report/generate.js';
import { cmdCompare } from '../src/cli/compare.js';

const has = (...ids: string[]) => ids.every((id) => VERSION_IDS.includes(id));

function snap(areas: { addr: number; size: number; flags?: string[] }[], extra: Partial<MapSnapshot> = {}): MapSnapshot {
  return {
    version: 'v1',
    step: 2,
    arch: 'i386',
    // An 8 MiB window: 0xc8800000 - 0xc9000000.
    window: { start: 0xc8800000, end: 0xc9000000 },
    areas: areas.map((a) => ({ addr: a.addr, size: a.size, flags: a.flags ?? ['VM_ALLOC'] })),
    ranges: [],
    summary: {},
    ...extra,
  };
}

describe('address map geometry', () => {
  // Two 64 KiB areas as 2.4 places them: 0xc8800000 and 0xc8811000, each 0x11000 with its guard page.
  const two = snap([
    { addr: 0xc8800000, size: 0x11000 },
    { addr: 0xc8811000, size: 0x11000 },
  ]);

  it('zooms on the occupied span, padded by a page and clamped to the window', () => {
    expect(zoomSpan([two])).toEqual({ start: 0xc8800000, end: 0xc8823000 });
  });

  it('places areas to scale on the full bar and the zoom bar, guard page last', () => {
    const g = mapGeometry([two], { width: 960 });
    expect([g.barX, g.barW]).toEqual([20, 920]);
    expect(g.zoomHexStart).toBe('0xc8800000');
    expect(g.zoomHexEnd).toBe('0xc8823000');
    const [a, b] = g.rows[0].areas;
    // Full bar: the window is 0x800000 bytes over 920 px.
    expect(a.full.x).toBe(20);
    expect(a.full.w).toBeCloseTo((0x11000 / 0x800000) * 920, 9);
    expect(b.full.x).toBeCloseTo(20 + (0x11000 / 0x800000) * 920, 9);
    // Zoom bar: 0x23000 bytes over 920 px; the data pages, then the guard page.
    expect(b.hex).toBe('0xc8811000');
    expect(b.zoom.x).toBeCloseTo(20 + (0x11000 / 0x23000) * 920, 9); // 466.857…
    expect(b.zoom.w).toBeCloseTo((0x10000 / 0x23000) * 920, 9); // 420.571…
    expect(b.guard.x).toBeCloseTo(20 + (0x21000 / 0x23000) * 920, 9); // 887.428…
    expect(b.guard.w).toBeCloseTo((0x1000 / 0x23000) * 920, 9); // 26.285…
    expect(a.guard.x + a.guard.w).toBeCloseTo(b.zoom.x, 9);
  });

  it('writes the geometry into the SVG with rounded coordinates', () => {
    const svg = renderAreaMap([two], { title: 'two areas', id: 'm1' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<rect x="466.86" y="90" width="420.57" height="24" fill="#4a7fd4" stroke="#ffffff" stroke-width="0.5" class="area" data-addr="0xc8811000" data-size="69632" data-kind="alloc">');
    expect(svg).toContain('<rect x="887.43" y="90" width="26.29" height="24" fill="url(#m1-guard)" class="guard">');
    expect(svg).toContain('>0xc8811000</text>');
  });

  it('draws lazily freed ranges and vmap blocks in the lane below, and the nesting of a vmalloc\'ed pages array', () => {
    const s = snap(
      [
        { addr: 0xc8800000, size: 0x402000, flags: ['VM_ALLOC', 'VM_VPAGES'] },
        { addr: 0xc8c03000, size: 0x3000 },
      ],
      { ranges: [{ start: 0xc8c07000, end: 0xc8c09000, state: 'lazy' }] },
    );
    (s.areas[0] as { pagesArray?: number }).pagesArray = 0xc8c03000;
    const g = mapGeometry([s]);
    expect(g.rows[0].areas.map((a) => [a.kind, a.vpages])).toEqual([
      ['alloc', true],
      ['pages-array', false],
    ]);
    const svg = renderAreaMap([s]);
    expect(svg).toContain('class="vpages"');
    expect(svg).toContain('class="nesting"');
    expect(svg).toContain('data-state="lazy"');
    expect(svg).toContain('data-kind="pages-array"');
  });

  it('merges areas too narrow to draw one by one', () => {
    const many = snap(Array.from({ length: 1000 }, (_, i) => ({ addr: 0xc8800000 + i * 0x2000, size: 0x2000 })));
    const svg = renderAreaMap([many]);
    expect(svg).toContain('class="area-run" data-count="1000"');
    expect(svg.match(/<rect /g)!.length).toBeLessThan(40);
    expect(MAX_SEPARATE_BOXES).toBeLessThan(1000);
  });

  it('escapes text', () => {
    const svg = renderAreaMap([snap([], { version: '<v>' })], { title: 'a <b> & "c"' });
    expect(svg).toContain('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>');
    expect(svg).not.toContain('<v>');
  });

  it('text map: # data, . guard page', () => {
    expect(textMap([two], 35)).toBe(
      ['zoom 0xc8800000 - 0xc8823000, one column = 4 KiB; # area, . guard page, ~ lazily freed, b vmap block', 'v1     |################.################. |'].join('\n'),
    );
  });
});

describe('counter plots', () => {
  it('one polyline per version and panel, step-shaped', () => {
    const series = [
      { version: 'a', steps: [0, 1, 2], pageTablePages: [1, 1, 2], liveAreas: [1, 2, 1], tlbFlushes: [0, 0, 1], ptesPresent: [16, 32, 16] },
      { version: 'b', steps: [0, 1, 2], pageTablePages: [1, 1, 1], liveAreas: [1, 2, 2], tlbFlushes: [0, 0, 0], ptesPresent: [16, 32, 32] },
    ];
    const svg = renderCounterPlots(series, { title: 'plot' });
    expect(svg.match(/<polyline /g)!.length).toBe(8);
    expect(svg.match(/data-version="a"/g)!.length).toBe(4);
    // Three samples of a step line, held to one past the last step: (x0,y0) (x1,y0) (x1,y1) (x2,y1) (x2,y2) (x3,y2).
    const first = /<polyline points="([^"]+)"/.exec(svg)![1].split(' ');
    expect(first.length).toBe(6);
    // The last step's change lies inside the frame: the axis runs to step 3 (x = 60 + 880).
    expect(first[4].split(',')[0]).toBe('646.67'); // 60 + (2 / 3) * 880
    expect(first[5].split(',')[0]).toBe('940');
  });
});

describe('markdown and HTML', () => {
  it('mdText escapes markdown and HTML; fence outgrows backtick runs', () => {
    expect(mdText('a|b *c* <x> & [l](u) `q`')).toBe('a\\|b \\*c\\* &lt;x&gt; &amp; \\[l\\](u) \\`q\\`');
    expect(fence('x ``` y')).toBe('````text\nx ``` y\n````');
  });

  it('raw HTML in markdown never reaches the page, and links go nowhere outside the reports', () => {
    const html = renderHtml('# t\n\n<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> [a](https://example.com) [b](other.md)\n', { title: '<t>', svgs: new Map() });
    expect(html).not.toMatch(/<script|<img|https:\/\/example/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<a href="other.html">b</a>');
    expect(html).toContain('<title>&lt;t&gt;</title>');
  });

  it('an escaped pipe stays inside its table cell', () => {
    const html = renderHtml(`| a | b |\n| --- | --- |\n| ${mdText('x|y <z>')} | w |\n`, { title: 't', svgs: new Map() });
    expect(html).toContain('<td>x|y &lt;z&gt;</td>');
    expect(html.match(/<td>/g)!.length).toBe(2);
  });

  it('inlines SVG pictures in place of their image links', () => {
    const html = renderHtml('![a map](m.svg)\n', { title: 't', svgs: new Map([['m.svg', '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n']]) });
    expect(html).toContain('<figure><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n<figcaption>a map</figcaption></figure>');
    expect(html).not.toMatch(/src=|href="http/);
  });

  const hostile: Scenario = validateScenario(
    {
      name: 'evil <img src=x onerror=alert(2)> | name',
      description: '<script>alert(1)</script> | *bold* [link](javascript:alert(3))',
      question: '<iframe src=x></iframe>?',
      machine: { arch: 'i386', ramMiB: 128, cpus: 1 },
      steps: [
        { op: 'vmalloc', size: 4096, as: 'a', comment: '</code></pre><script>alert(4)</script>' },
        { op: 'vfree', ref: 'a' },
      ],
    },
    VERSION_IDS,
  );

  it('escapes hostile scenario text in markdown and in the HTML page', () => {
    const c = collect(hostile, { registry: VERSIONS });
    const files = new Map<string, string>();
    const md = scenarioFiles('evil', c, files);
    expect(md).toContain('> &lt;script&gt;alert(1)&lt;/script&gt; \\| \\*bold\\* \\[link\\](javascript:alert(3))');
    expect(md).toContain('# Scenario evil &lt;img src=x onerror=alert(2)&gt; \\| name');
    expect(md).toContain('**Question:** &lt;iframe src=x&gt;&lt;/iframe&gt;?');
    expect(md).not.toMatch(/<script|<img|<iframe/);
    const html = files.get('evil.html')!;
    expect(html).not.toMatch(/<script|<img|<iframe|href="javascript:|onerror=alert\(2\)>/);
    // The link syntax stays literal text.
    expect(html).toContain('[link](javascript:alert(3))');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>vmx: evil &lt;img src=x onerror=alert(2)&gt; | name</title>');
    // Self-contained: no external references of any kind.
    // Nothing is loaded from anywhere; the only outside links are source and commit links.
    expect(html).not.toMatch(/<link |<script|src="/);
    for (const m of html.matchAll(/href="(https?:[^"]*)"/g)) expect(m[1]).toMatch(/^https:\/\/(elixir\.bootlin\.com|github\.com|git\.kernel\.org)\//);
    for (const [name, content] of files) if (name.endsWith('.svg')) expect(content).not.toMatch(/<script|<img/);
  });

  it.skipIf(!has('2.4.22', '2.6.32'))('the reuse comparison shows addresses, classified differences with explanations, traces and maps', () => {
    const s = validateScenario(
      {
        name: 'reuse',
        machine: { arch: 'i386', ramMiB: 128, cpus: 1 },
        versions: ['2.4.22', '2.6.32'],
        steps: [
          { op: 'vmalloc', size: 65536, as: 'a' },
          { op: 'vmalloc', size: 65536, as: 'b' },
          { op: 'vmalloc', size: 65536, as: 'c' },
          { op: 'vfree', ref: 'b' },
          { op: 'vmalloc', size: 65536, as: 'd' },
          { op: 'vfree', ref: 'a' },
        ],
      },
      VERSION_IDS,
    );
    const c = collect(s, { registry: VERSIONS });
    expect(c.mapSteps).toEqual([1, 4]);
    const pictures: string[] = [];
    const md = compareMarkdown(c, { picture: (name, alt) => (pictures.push(name), `![${alt}](${name}.svg)`) });
    expect(md).toContain('| 4 | vmalloc size=65536 (64 KiB) → d | 0xc8811000 | 0xc8836000 | address, cost |');
    expect(md).toContain('- **different address**: address: 2.4.22: 0xc8811000 · 2.6.32: 0xc8836000');
    expect(md).toMatch(/caused by 2\.6\.32 `lazy-free`.*the state left by step 3 \(vfree ref=b\)/);
    expect(md).toContain('#### Traces, 2.4.22 and 2.6.32');
    expect(md).toContain('```diff\n--- 2.4.22\n+++ 2.6.32');
    expect(pictures).toEqual(['map-final', 'map-step-1', 'map-step-4', 'counters']);
  });

  it('the same input generates the same bytes, without machine paths or dates', () => {
    const scenarios = [{ slug: 'evil', scenario: hostile }];
    const a = generateReports({ registry: VERSIONS, scenarios });
    const b = generateReports({ registry: VERSIONS, scenarios });
    expect([...a.keys()]).toEqual(['evil.counters.svg', 'evil.html', 'evil.map-final.svg', 'evil.md', 'evolution.html', 'evolution.md', 'index.html', 'index.md']);
    expect([...a.entries()]).toEqual([...b.entries()]);
    for (const content of a.values()) {
      expect(content).not.toContain(process.cwd());
      expect(content).not.toMatch(/20\d\d-\d\d-\d\d|\/work\/|\/home\/|\/tmp\//);
    }
    expect(a.get('index.md')).toContain('[evil](evil.md)');
    expect(a.get('index.html')).toContain('<a href="evil.html">evil</a>');
  });
});

describe('vmx compare', () => {
  async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    }) as typeof process.stdout.write);
    try {
      return { code: await fn(), out };
    } finally {
      spy.mockRestore();
    }
  }

  it.skipIf(!has('2.4.19', '2.4.22', '2.6.32'))('reuse-freed-space: addresses per version, classified differences with explanations, traces and maps', async () => {
    const { code, out } = await capture(() => cmdCompare(['reuse-freed-space', '--versions', '2.4.19,2.4.22,2.6.32']));
    expect(code).toBe(0);
    expect(out).toContain('| 4 | vmalloc size=65536 (64 KiB) → d | 0xc8811000 | 0xc8811000 | 0xc8836000 | address, cost |');
    expect(out).toContain('- **different address**: address: 2.4.19, 2.4.22: 0xc8811000 · 2.6.32: 0xc8836000');
    expect(out).toMatch(/caused by 2\.6\.32 `lazy-free`[^\n]*the state left by step 3 \(vfree ref=b\)/);
    expect(out).toContain('- **different outcome**: outcome: 2.4.19, 2.4.22: unsupported · 2.6.32: ok');
    expect(out).toContain('#### Traces, 2.4.22 and 2.6.32');
    expect(out).toMatch(/\n\+\s*__vmalloc_node\(\) \{/);
    expect(out).toContain('vmalloc window after step 4, per version:');
    expect(out).toMatch(/2\.6\.32 \|#+\.~+#+/);
  });

  it.skipIf(!has('2.4.19', '2.4.22'))('--json prints the classification', async () => {
    const { code, out } = await capture(() => cmdCompare(['vmalloc-zero', '--json', '--versions', '2.4.19,2.4.22']));
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.versions).toEqual(['2.4.19', '2.4.22']);
    expect(doc.steps[0].classes).toEqual(expect.arrayContaining(['outcome', 'log']));
    expect(doc.steps[0].pairs[0].findings[0].explanations[0].change).toBe('vmalloc-bad-size-null');
  });
});
