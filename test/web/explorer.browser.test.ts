/**
 * The web explorer in a real browser: builds the page (src/web/build.ts, into test-output/, not
 * docs/), opens it from disk in headless Chromium (Debian's chromium package, driven by
 * playwright-core through executablePath; no browser download) and checks what a user sees:
 * - the default built-in scenario's table cells are what `vmx run --json` gives (the same
 *   streamed document the CLI writes, built in-process), and Export JSON is that document byte
 *   for byte;
 * - an edit that breaks the scenario shows the validator's own message (step index and field),
 *   and the results do not move while typing;
 * - a permalink round-trips: a new page opened on it shows the same scenario, step and traces;
 * - the step slider (and the arrow keys on the table) redraws the address map, in the page's
 *   colour-blind-safe colours;
 * - the version checkboxes (release order, from the registry) rewrite the document and rerun;
 * - a long scenario shows its progress and can be cancelled;
 * - served by `vmx serve`, the picker lists the user's files and runs one;
 * - at phone width nothing overflows the page; when the worker cannot
 *   start, the page runs the engine itself.
 * Screenshots go to test-output/ for a reader. Without chromium the suite is skipped and its
 * name says why. Run: npx vitest run test/web/explorer.browser.test.ts
 * (VMX_CHROMIUM=/path/to/chrome picks another browser.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parseScenario, ScenarioError } from '../../src/harness/scenario.js';
import { VERSIONS, VERSION_IDS } from '../../src/registry.js';
import { byRelease } from '../../src/contract/release.js';
import { streamResultDocument } from '../../src/cli/run.js';
import { versionsFor } from '../../src/harness/runner.js';
import type { ResultDocument, StepResult } from '../../src/contract/result.js';
import { buildExplorerHtml } from '../../src/web/build.js';
import { startServer } from '../../src/cli/serve.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'test-output');
const DEFAULT = 'reuse-freed-space';

function findChromium(): string | undefined {
  if (process.env.VMX_CHROMIUM) return existsSync(process.env.VMX_CHROMIUM) ? process.env.VMX_CHROMIUM : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    try {
      const p = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch {
      /* not on PATH */
    }
  }
  return undefined;
}

async function loadPlaywright(): Promise<typeof import('playwright-core') | undefined> {
  try {
    return await import('playwright-core');
  } catch {
    return undefined;
  }
}

const chromiumPath = findChromium();
const playwright = await loadPlaywright();
const skipReason = !chromiumPath
  ? ' (skipped: no chromium found; apt-get install -y chromium, or set VMX_CHROMIUM)'
  : !playwright
    ? ' (skipped: playwright-core is not installed; npm install)'
    : '';
if (skipReason) process.stderr.write(`explorer.browser.test.ts${skipReason}\n`);

/** The CLI's table-cell rule, written out: the error, else the address, else data/count, else ok. */
function expectedCell(st: StepResult): string {
  if (!st.ok) return st.error ?? 'failed';
  if (st.addr) return st.addr;
  if (st.data !== undefined) return `${st.count} bytes${st.data ? ' ' + (st.data.length > 16 ? st.data.slice(0, 16) + '…' : st.data) : ''}`;
  if (st.count !== undefined) return `count ${st.count}`;
  return 'ok';
}

async function cliJson(text: string, where: string): Promise<string> {
  const s = parseScenario(text, VERSION_IDS, where);
  let out = '';
  await streamResultDocument(s, versionsFor(s, VERSIONS), (chunk) => {
    out += chunk;
  });
  return out;
}

const idle = (page: Page, step?: number) =>
  page.waitForFunction(
    (want) => document.body.dataset.state === 'idle' && document.getElementById('map')!.dataset.step !== undefined && (want === null || document.getElementById('map')!.dataset.step === String(want)),
    step ?? null,
    { timeout: 20_000 },
  );

/** Set the slider as a user dragging it would (an input event). */
async function slideTo(page: Page, step: number): Promise<void> {
  await page.$eval(
    '#slider',
    (el, v) => {
      (el as HTMLInputElement).value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    step,
  );
  await idle(page, step);
}

describe.skipIf(!!skipReason)(`the web explorer in headless Chromium${skipReason}`, () => {
  let browser: Browser;
  let url: string;
  const builtinText = readFileSync(join(ROOT, 'src', 'scenarios', 'builtin', `${DEFAULT}.json`), 'utf8');

  beforeAll(async () => {
    mkdirSync(join(OUT, 'explorer'), { recursive: true });
    const { html } = await buildExplorerHtml();
    const file = join(OUT, 'explorer', 'index.html');
    writeFileSync(file, html);
    url = pathToFileURL(file).href;
    browser = await playwright!.chromium.launch({ executablePath: chromiumPath });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the default built-in scenario with the cells `vmx run --json` gives, and exports that JSON byte for byte', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await idle(page);
    expect(await page.inputValue('#picker')).toBe(`builtin:${DEFAULT}`);
    const json = await cliJson(builtinText, `builtin/${DEFAULT}.json`);
    const doc = JSON.parse(json) as ResultDocument;
    expect(doc.results.map((r) => r.version)).toEqual(VERSION_IDS.filter((id) => VERSIONS.find((v) => v.id === id)!.arches.includes('i386')));
    const headers = await page.$$eval('#steps thead th', (ths) => ths.map((t) => t.textContent));
    expect(headers).toEqual(['#', 'step', ...doc.results.map((r) => r.version), 'differences']);
    const cells = await page.$$eval('#steps tbody tr[data-step]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-version] .v')].map((td) => td.textContent)));
    expect(cells).toEqual(doc.results[0].steps.map((_, i) => doc.results.map((r) => expectedCell(r.steps[i]))));
    // A cell is marked where its value (cell and log lines) differs from the version to its left.
    const marked = await page.$$eval('#steps tbody tr[data-step]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-version]')].map((td) => td.classList.contains('diff'))));
    const key = (st: StepResult) => expectedCell(st) + '\n' + st.log.join('\n');
    expect(marked).toEqual(doc.results[0].steps.map((_, i) => doc.results.map((r, j) => j > 0 && key(r.steps[i]) !== key(doc.results[j - 1].steps[i]))));
    // Step 1 differs in address between 2.4 and 2.6.32 (0xc8811000 / 0xc8812000, the gap page): some cell is marked.
    expect(marked[1].some(Boolean)).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(json);
    const timings = await page.evaluate(() => (window as unknown as { vmxExplorer: { timings: { firstResultMs: number; inWorker: boolean } } }).vmxExplorer.timings);
    expect(timings.inWorker).toBe(true);
    expect(timings.firstResultMs).toBeGreaterThan(0);
    writeFileSync(join(OUT, 'explorer-timings.json'), JSON.stringify(timings, null, 1) + '\n');
    await page.screenshot({ path: join(OUT, 'explorer-1280.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says a damaged permalink cannot be read, and shows the validator's message for a broken edit without moving the results", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url + '#v=1&s=AAAA');
    await idle(page);
    expect(await page.textContent('#message')).toMatch(/^this permalink cannot be read \(.+\); showing the default scenario$/);
    expect(await page.inputValue('#editor')).toBe(builtinText);
    const before = await page.$eval('#results', (el) => el.getBoundingClientRect().top);
    const doc = JSON.parse(builtinText) as { steps: Record<string, unknown>[] };
    doc.steps[2].size = -5;
    const broken = JSON.stringify(doc, null, 2);
    await page.fill('#editor', broken);
    await page.waitForFunction(() => document.body.dataset.state === 'invalid', null, { timeout: 10_000 });
    let want = '';
    try {
      // An edited built-in keeps its name in messages, as an edited file keeps its path in the CLI's.
      parseScenario(broken, VERSION_IDS, `builtin/${DEFAULT}.json`);
    } catch (e) {
      if (e instanceof ScenarioError) want = e.message;
    }
    expect(want).toMatch(/step 2/);
    expect(want).toMatch(/size/);
    expect(await page.textContent('#message')).toBe(want);
    // Typing a character that breaks the JSON itself: the parse error, and still no shift.
    await page.focus('#editor');
    await page.keyboard.press('End');
    await page.keyboard.type('x');
    await page.waitForFunction(() => /not valid JSON/.test(document.getElementById('message')!.textContent ?? ''), null, { timeout: 10_000 });
    expect(await page.$eval('#results', (el) => el.getBoundingClientRect().top)).toBe(before);
    await page.screenshot({ path: join(OUT, 'explorer-invalid.png') });
    await page.close();
  });

  it('round-trips a permalink: scenario, step and the traced pair', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await idle(page);
    const edited = builtinText.replace('"size": 65536,\n      "as": "d"', '"size": 131072,\n      "as": "d"');
    expect(edited).not.toBe(builtinText);
    await page.fill('#editor', edited);
    await page.waitForFunction(() => document.body.dataset.state === 'running' || document.body.dataset.state === 'idle');
    await idle(page);
    await slideTo(page, 4);
    // The second version in the table (not the default left one, the first).
    const second = versionsFor(parseScenario(edited, VERSION_IDS, 'x'), VERSIONS)[1].id;
    await page.selectOption('#left', second);
    await page.click('#permalink');
    await page.waitForFunction((l) => location.hash.includes('step=4') && location.hash.includes(`l=${l}`), second);
    const link = page.url();
    const again = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await again.goto(link);
    await idle(again, 4);
    expect(await again.inputValue('#editor')).toBe(edited);
    expect(await again.inputValue('#picker')).toBe('custom');
    expect(await again.inputValue('#slider')).toBe('4');
    expect(await again.inputValue('#left')).toBe(second);
    expect(await again.$eval('#steps tr.selected', (tr) => tr.getAttribute('data-step'))).toBe('4');
    expect(await again.$eval('#steps tr[data-step="4"] td[data-version] .v', (td) => td.textContent)).toBe(await page.$eval('#steps tr[data-step="4"] td[data-version] .v', (td) => td.textContent));
    expect(await again.innerHTML('#map')).toBe(await page.innerHTML('#map'));
    await page.close();
    await again.close();
  });

  it('redraws the address map when the slider or the arrow keys move the step', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await idle(page);
    await slideTo(page, 0);
    const first = await page.innerHTML('#map');
    expect(first).toContain('after step 0: 1 area');
    await slideTo(page, 2);
    const third = await page.innerHTML('#map');
    expect(third).not.toBe(first);
    expect(third).toContain('after step 2: 3 areas');
    expect(await page.textContent('#step-out')).toMatch(/^step 2 /);
    // The counter plots mark the chosen step too.
    const markerAt = () => page.$$eval('#plot line.marker', (ls) => ls.map((l) => l.getAttribute('x1')));
    const at2 = await markerAt();
    // One marker per counter panel: page-table pages, live areas, TLB flushes, ptes present.
    expect(at2.length).toBe(4);
    await page.focus('#table-wrap');
    await page.keyboard.press('ArrowDown');
    await idle(page, 3);
    expect(await page.innerHTML('#map')).toContain('after step 3: 2 areas');
    expect(await page.inputValue('#slider')).toBe('3');
    expect(Number((await markerAt())[0])).toBeGreaterThan(Number(at2[0]));
    // 2.6.32 keeps the freed b lazily: its range is drawn in the page's colour-blind-safe orange.
    expect(await page.$eval('#map rect.range[data-state="lazy"]', (el) => getComputedStyle(el).fill)).toBe('rgb(230, 159, 0)');
    await page.close();
  });

  it('rewrites the document from the version checkboxes (release order, from the registry) and the machine form, and reruns', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await idle(page);
    const boxes = await page.$$eval('#version-boxes input', (els) => els.map((e) => (e as HTMLInputElement).value));
    expect(boxes).toEqual(byRelease(VERSIONS).map((v) => v.id));
    const i386 = byRelease(VERSIONS).filter((v) => v.arches.includes('i386')).map((v) => v.id);
    await page.uncheck(`#v-${i386[0].replace(/\./g, '\\.')}`);
    await page.waitForFunction((n) => document.body.dataset.state === 'idle' && document.querySelectorAll('#steps thead th').length === n, i386.length - 1 + 3);
    expect((JSON.parse(await page.inputValue('#editor')) as { versions: string[] }).versions).toEqual(i386.slice(1));
    expect(await page.$$eval('#steps thead th', (ths) => ths.slice(2, -1).map((t) => t.textContent))).toEqual(i386.slice(1));
    // The machine form: x86_64 keeps only the listed versions that have it (the rest is the validator's business).
    await page.check(`#v-${i386[0].replace(/\./g, '\\.')}`);
    await page.waitForFunction(() => document.body.dataset.state === 'idle' && !/"versions"/.test((document.getElementById('editor') as HTMLTextAreaElement).value));
    await page.selectOption('#m-arch', 'x86_64');
    const x64 = byRelease(VERSIONS).filter((v) => v.arches.includes('x86_64')).map((v) => v.id);
    await page.waitForFunction((n) => document.body.dataset.state === 'idle' && document.querySelectorAll('#steps thead th').length === n, x64.length + 3);
    expect((JSON.parse(await page.inputValue('#editor')) as { machine: { arch: string } }).machine.arch).toBe('x86_64');
    expect(await page.$eval('#steps tr[data-step="0"] td[data-version] .v', (td) => td.textContent)).toMatch(/^0xffff/);
    await page.close();
  });

  it('runs a long scenario in the worker with progress, and cancels it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await idle(page);
    const long = JSON.stringify({
      name: 'long',
      machine: { arch: 'i386', ramMiB: 128, cpus: 1 },
      steps: [{ repeat: 8000, steps: [{ op: 'vmalloc', size: 4096, as: 'a${i}' }, { op: 'vfree', ref: 'a${i}' }] }],
    });
    await page.fill('#editor', long);
    await page.waitForFunction(() => document.body.dataset.state === 'running' && (document.getElementById('progress') as HTMLProgressElement).value > 0, null, { timeout: 10_000 });
    // Every registered i386 version runs the 16,000 steps.
    const versionSteps = 16000 * VERSIONS.filter((v) => v.arches.includes('i386')).length;
    expect(await page.textContent('#status')).toMatch(new RegExp(`^running: \\d+% \\(\\d+/${versionSteps} version-steps\\)$`));
    await page.screenshot({ path: join(OUT, 'explorer-progress.png') });
    await page.click('#cancel');
    await page.waitForFunction(() => document.body.dataset.state === 'failed');
    expect(await page.textContent('#status')).toMatch(/^cancelled/);
    // The fresh worker runs the next edit.
    await page.fill('#editor', builtinText);
    await idle(page);
    await page.close();
  });

  it('lists the user\'s files when served by vmx serve, and runs one picked from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmx-serve-page-'));
    const mine = builtinText.replace('"name": "reuse-freed-space"', '"name": "my-reuse"');
    writeFileSync(join(dir, 'my-reuse.json'), mine);
    const server = await startServer({ html: readFileSync(join(OUT, 'explorer', 'index.html'), 'utf8'), paths: [dir], port: 0 });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await idle(page);
      await page.waitForSelector('#picker option[value="file:my-reuse.json"]', { state: 'attached' });
      await page.selectOption('#picker', 'file:my-reuse.json');
      await page.waitForFunction(() => document.body.dataset.state === 'idle' && /my-reuse/.test(document.getElementById('summary')!.textContent ?? ''));
      expect(await page.inputValue('#editor')).toBe(mine);
      await page.close();
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it("fits a phone-width screen, and runs in the page itself when the worker's script cannot load", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    // A host whose policy blocks blob workers: the worker reports an error before any message.
    await page.addInitScript(() => {
      (window as unknown as { Worker: unknown }).Worker = class {
        onerror: ((e: { message: string; preventDefault(): void }) => void) | null = null;
        onmessage: unknown = null;
        constructor() {
          setTimeout(() => this.onerror?.({ message: 'blocked', preventDefault() {} }), 20);
        }
        postMessage(): void {}
        terminate(): void {}
      };
    });
    await page.goto(url);
    await idle(page);
    expect(await page.evaluate(() => (window as unknown as { vmxExplorer: { timings: { inWorker: boolean } } }).vmxExplorer.timings.inWorker)).toBe(false);
    expect(await page.$$eval('#steps tbody tr[data-step]', (trs) => trs.length)).toBe(JSON.parse(builtinText).steps.length);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUT, 'explorer-phone.png'), fullPage: false });
    await page.close();
  });
});
