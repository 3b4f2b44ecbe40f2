/**
 * The explorer page: the scenario editor and its form controls (which rewrite the document, so
 * the editor always holds exactly what runs), the run's results (step table, address map with a
 * step slider, causes, traces side by side, counter plots), permalinks and exports. Plain DOM:
 * the page has a handful of regions that each redraw from one piece of state.
 *
 * For tests and the curious, document.body.dataset.state is "running", "idle", "invalid" or
 * "failed", #map carries data-step (the step drawn), and window.vmxExplorer the timings.
 */
import { findVersion, VERSIONS } from '../registry.js';
import { byRelease } from '../contract/release.js';
import { ARCHES } from '../hw/arch.js';
import { CLASS_LABEL, type Explanation, type Finding } from '../diff/classify.js';
import { sideBySideRows, unifiedTraceDiff } from '../diff/traces.js';
import { cellText } from '../report/markdown.js';
import { renderAreaMap, renderCounterPlots } from '../report/svg.js';
import type { StepResult } from '../contract/result.js';
import { Backend, Cancelled } from './backend.js';
import { validate, type Reply, type RunSummary, type StepView } from './engine.js';
import { formatJson } from './format.js';
import { commitUrl, functionUrl, logLineUrl } from '../report/links.js';
import { decodeState, encodeState } from './permalink.js';

interface SourceFile {
  name: string;
  text: string;
}
/** The built-in scenarios, put into the bundle by src/web/build.ts. */
declare const __VMX_BUILTINS__: SourceFile[];

const DEFAULT_SCENARIO = 'reuse-freed-space';
/** Okabe-Ito, in order: distinguishable with every common colour-vision deficiency. */
const PLOT_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000', '#f0e442'];
/** Rows the step table renders at once (a window around the chosen step for long scenarios). */
const TABLE_WINDOW = 600;
const RUN_DELAY_MS = 250;
const HASH_DELAY_MS = 400;

type Attrs = Record<string, string | number | boolean | undefined>;
function h(tag: string, attrs: Attrs = {}, ...children: (Node | string | undefined | false)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}
function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer page: no #${id}`);
  return el as T;
}

/** The registered versions in release order (the registry is the only list of them). */
const RELEASES = byRelease(VERSIONS);

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name }) as HTMLAnchorElement;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function cellKey(st: StepResult): string {
  return cellText(st) + '\n' + st.log.join('\n');
}

interface Timings {
  firstResultMs?: number;
  lastRunMs?: number;
  runs: number;
  inWorker: boolean;
}

class Explorer {
  private readonly backend: Backend;
  private readonly editor = byId<HTMLTextAreaElement>('editor');
  private readonly message = byId('message');
  private readonly picker = byId<HTMLSelectElement>('picker');
  private readonly slider = byId<HTMLInputElement>('slider');
  private readonly table = byId<HTMLTableElement>('steps');
  private readonly wrap = byId('table-wrap');
  private readonly results = byId('results');
  private readonly status = byId('status');
  private readonly progress = byId<HTMLProgressElement>('progress');
  private readonly leftSel = byId<HTMLSelectElement>('left');
  private readonly rightSel = byId<HTMLSelectElement>('right');
  private builtins: SourceFile[] = typeof __VMX_BUILTINS__ !== 'undefined' ? __VMX_BUILTINS__ : [];
  private files: SourceFile[] = [];
  /** Name the validator's messages start with (as the CLI's start with the file path). */
  private where = 'scenario';
  private summary: RunSummary | undefined;
  private view: StepView | undefined;
  /** The chosen step; undefined: pick one when the next result arrives. */
  private step: number | undefined;
  private left: string | undefined;
  private right: string | undefined;
  private tableRange: [number, number] = [0, 0];
  private runTimer: ReturnType<typeof setTimeout> | undefined;
  private hashTimer: ReturnType<typeof setTimeout> | undefined;
  private writtenHash = '';
  private stepAsked: number | undefined;
  private stepBusy = false;
  /** Shown once in the message box instead of the scenario's summary (a damaged permalink). */
  private notice: string | undefined;
  readonly timings: Timings;

  constructor() {
    this.backend = new Backend(byId('vmx-app').textContent ?? '');
    this.timings = { runs: 0, inWorker: this.backend.inWorker };
    (window as unknown as { vmxExplorer: Explorer }).vmxExplorer = this;
  }

  async init(): Promise<void> {
    this.buildControls();
    this.fillPicker();
    this.wire();
    if (location.protocol === 'http:' || location.protocol === 'https:') void this.loadServedFiles();
    if (!(await this.loadHash())) this.loadSource('builtin', this.builtins.find((b) => b.name === DEFAULT_SCENARIO) ?? this.builtins[0]);
  }

  // ---- sources -------------------------------------------------------------------------------

  private fillPicker(): void {
    this.picker.replaceChildren();
    this.picker.append(h('option', { value: 'custom' }, 'your edits / a permalink'));
    const group = (label: string, kind: string, list: SourceFile[]) => {
      if (!list.length) return;
      const g = h('optgroup', { label });
      for (const f of list) g.append(h('option', { value: `${kind}:${f.name}` }, f.name));
      this.picker.append(g);
    };
    group('built-in scenarios', 'builtin', this.builtins);
    group('your files (vmx serve)', 'file', this.files);
  }

  /** `vmx serve` lists the user's scenario files at api/scenarios. */
  private async loadServedFiles(): Promise<void> {
    try {
      const res = await fetch('api/scenarios', { headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const list = (await res.json()) as { files: SourceFile[] };
      this.files = list.files.filter((f) => typeof f.name === 'string' && typeof f.text === 'string');
      const chosen = this.picker.value;
      this.fillPicker();
      this.picker.value = chosen;
    } catch {
      /* served without the API: built-ins only */
    }
  }

  private loadSource(kind: 'builtin' | 'file', f: SourceFile | undefined): void {
    if (!f) return;
    this.where = kind === 'builtin' ? `builtin/${f.name}.json` : f.name;
    this.editor.value = f.text;
    this.picker.value = `${kind}:${f.name}`;
    this.step = undefined;
    this.textChanged(0);
  }

  private async loadHash(): Promise<boolean> {
    if (!location.hash || location.hash === this.writtenHash) return false;
    try {
      const st = await decodeState(location.hash);
      if (!st) return false;
      this.writtenHash = location.hash;
      this.editor.value = st.scenario;
      const same = this.builtins.find((b) => b.text === st.scenario);
      this.picker.value = same ? `builtin:${same.name}` : 'custom';
      this.where = same ? `builtin/${same.name}.json` : 'scenario';
      this.step = st.step;
      this.left = st.left;
      this.right = st.right;
      this.textChanged(0);
      return true;
    } catch (e) {
      this.notice = `this permalink cannot be read (${(e as Error).message}); showing the default scenario`;
      return false;
    }
  }

  // ---- controls ------------------------------------------------------------------------------

  private buildControls(): void {
    const arch = byId<HTMLSelectElement>('m-arch');
    for (const a of Object.keys(ARCHES)) arch.append(h('option', { value: a }, a));
    const boxes = byId('version-boxes');
    for (const v of RELEASES) {
      const box = h('input', { type: 'checkbox', id: `v-${v.id}`, value: v.id }) as HTMLInputElement;
      box.addEventListener('change', () => this.editVersions());
      boxes.append(h('label', { for: `v-${v.id}`, title: v.title }, box, ` ${v.id}`));
    }
  }

  private wire(): void {
    this.editor.addEventListener('input', () => {
      // Edited: no longer the file it came from (whose name the validator's messages keep).
      this.picker.value = 'custom';
      this.textChanged(RUN_DELAY_MS);
    });
    this.picker.addEventListener('change', () => {
      const [kind, ...rest] = this.picker.value.split(':');
      const name = rest.join(':');
      if (kind === 'builtin') this.loadSource('builtin', this.builtins.find((b) => b.name === name));
      else if (kind === 'file') this.loadSource('file', this.files.find((f) => f.name === name));
    });
    byId('run').addEventListener('click', () => this.textChanged(0));
    byId('cancel').addEventListener('click', () => this.backend.cancel());
    byId('permalink').addEventListener('click', () => void this.copyPermalink());
    byId('export-md').addEventListener('click', () => void this.exportText('markdown'));
    byId('export-json').addEventListener('click', () => void this.exportText('json'));
    for (const id of ['m-arch', 'm-ram', 'm-cpus', 'm-nodes', 'm-zones']) byId(id).addEventListener('change', () => this.editMachine());
    this.slider.addEventListener('input', () => this.chooseStep(Number(this.slider.value)));
    this.table.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest('tr[data-step]');
      if (row) this.chooseStep(Number(row.getAttribute('data-step')));
    });
    this.wrap.addEventListener('keydown', (e) => {
      if (!this.summary) return;
      const n = this.summary.labels.length;
      const cur = this.step ?? 0;
      const to = { ArrowDown: cur + 1, ArrowUp: cur - 1, PageDown: cur + 10, PageUp: cur - 10, Home: -1, End: n - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      this.chooseStep(Math.max(-1, Math.min(n - 1, to)));
    });
    this.leftSel.addEventListener('change', () => ((this.left = this.leftSel.value), this.renderTraces(), this.scheduleHash()));
    this.rightSel.addEventListener('change', () => ((this.right = this.rightSel.value), this.renderTraces(), this.scheduleHash()));
    window.addEventListener('hashchange', () => void this.loadHash());
    this.backend.onProgress = (done, total) => {
      this.progress.value = done / total;
      this.status.textContent = `running: ${Math.floor((100 * done) / total)}% (${done}/${total} version-steps)`;
    };
  }

  /** The editor's document, when it is JSON (the form controls work on it). */
  private parsed(): Record<string, unknown> | undefined {
    try {
      const d = JSON.parse(this.editor.value) as unknown;
      return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private rewrite(doc: Record<string, unknown>): void {
    this.editor.value = formatJson(doc) + '\n';
    this.picker.value = 'custom';
    this.textChanged(0);
  }

  private editVersions(): void {
    const doc = this.parsed();
    if (!doc) return;
    const arch = typeof (doc.machine as Record<string, unknown> | undefined)?.arch === 'string' ? ((doc.machine as Record<string, unknown>).arch as string) : 'i386';
    const checked = RELEASES.filter((v) => byId<HTMLInputElement>(`v-${v.id}`).checked).map((v) => v.id);
    const all = RELEASES.filter((v) => v.arches.includes(arch as never)).map((v) => v.id);
    // Every version that has the arch: the default, so the field goes.
    if (checked.length === all.length && checked.every((id, i) => id === all[i])) delete doc.versions;
    else doc.versions = checked;
    this.rewrite(doc);
  }

  private editMachine(): void {
    const doc = this.parsed();
    if (!doc) return;
    const m = { ...((typeof doc.machine === 'object' && doc.machine) || {}) } as Record<string, unknown>;
    m.arch = byId<HTMLSelectElement>('m-arch').value;
    const num = (id: string, key: string) => {
      const v = byId<HTMLInputElement>(id).value.trim();
      if (v !== '') m[key] = /^-?\d+$/.test(v) ? Number(v) : v;
    };
    num('m-ram', 'ramMiB');
    num('m-cpus', 'cpus');
    num('m-nodes', 'nodes');
    const zones = byId<HTMLSelectElement>('m-zones').value;
    if (zones === 'split') m.zones = 'split';
    else if (m.zones !== undefined) m.zones = 'single';
    doc.machine = m;
    this.rewrite(doc);
  }

  /** Put the document's machine and versions into the form. */
  private syncControls(): void {
    const doc = this.parsed();
    const ok = doc !== undefined;
    byId<HTMLFieldSetElement>('versions').disabled = !ok;
    byId<HTMLFieldSetElement>('machine').disabled = !ok;
    if (!doc) return;
    const m = (typeof doc.machine === 'object' && doc.machine ? doc.machine : {}) as Record<string, unknown>;
    const set = (id: string, v: unknown, dflt: string) => {
      const el = byId<HTMLInputElement | HTMLSelectElement>(id);
      if (document.activeElement !== el) el.value = v === undefined ? dflt : String(v);
    };
    set('m-arch', m.arch, 'i386');
    set('m-ram', m.ramMiB, '');
    set('m-cpus', m.cpus, '1');
    set('m-nodes', m.nodes, '1');
    set('m-zones', m.zones, 'single');
    const arch = String(m.arch ?? 'i386');
    const listed = Array.isArray(doc.versions) ? (doc.versions as unknown[]) : undefined;
    for (const v of RELEASES) {
      const box = byId<HTMLInputElement>(`v-${v.id}`);
      const has = v.arches.includes(arch as never);
      box.checked = listed ? listed.includes(v.id) : has;
      box.disabled = !has && !box.checked;
      box.parentElement!.classList.toggle('off', !has);
      box.parentElement!.title = has ? v.title : `${v.title} (has no ${arch})`;
    }
  }

  // ---- running -------------------------------------------------------------------------------

  private setMessage(text: string, kind: 'bad' | 'good' | ''): void {
    this.message.textContent = text;
    this.message.className = `message ${kind}`;
  }

  private setState(state: 'running' | 'idle' | 'invalid' | 'failed'): void {
    document.body.dataset.state = state;
    byId('status').parentElement!.classList.toggle('busy', state === 'running');
    byId<HTMLButtonElement>('cancel').disabled = state !== 'running' || !this.backend.inWorker;
    this.results.classList.toggle('stale', state !== 'idle');
    // Exports describe the results on screen: only while they are the editor's.
    for (const id of ['export-md', 'export-json']) byId<HTMLButtonElement>(id).disabled = state !== 'idle';
  }

  /** The editor changed: validate now (messages as the CLI prints them), run after `delay`. */
  private textChanged(delay: number): void {
    this.syncControls();
    this.scheduleHash();
    clearTimeout(this.runTimer);
    this.runTimer = setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    const text = this.editor.value;
    const v = validate(text, this.where);
    if ('message' in v) {
      if (this.backend.running) this.backend.cancel();
      this.setMessage(v.message, 'bad');
      this.setState('invalid');
      this.status.textContent = 'the scenario does not validate: results below are from the last good one';
      return;
    }
    const s = v.scenario;
    if (this.notice) this.setMessage(this.notice, 'bad');
    else this.setMessage(`${s.name}: ${s.steps.length} step${s.steps.length === 1 ? '' : 's'} on ${s.machine.arch}${s.seed !== undefined ? `, random seed ${s.seed}` : ''}`, 'good');
    this.notice = undefined;
    this.setState('running');
    this.progress.value = 0;
    this.status.textContent = 'running…';
    let r: Reply;
    try {
      r = await this.backend.ask({ kind: 'run', text, where: this.where });
    } catch (e) {
      if (e instanceof Cancelled) {
        if (!this.backend.running) {
          this.setState('failed');
          this.status.textContent = 'cancelled: press Run (or edit) to run again';
          this.summary = undefined;
        }
        return;
      }
      throw e;
    }
    if (r.kind === 'invalid') {
      this.setMessage(r.message, 'bad');
      this.setState('invalid');
      return;
    }
    if (r.kind !== 'ran') {
      this.setState('failed');
      this.status.textContent = r.kind === 'failed' ? r.message : 'unexpected answer';
      return;
    }
    this.summary = r.summary;
    const n = r.summary.labels.length;
    if (this.step === undefined) {
      const first = r.summary.classes.findIndex((c) => c.length > 0);
      this.step = first >= 0 ? first : n - 1;
    }
    this.step = Math.max(-1, Math.min(n - 1, this.step));
    const ids = r.summary.versions.map((x) => x.id);
    if (!this.left || !ids.includes(this.left)) this.left = ids[0];
    if (!this.right || !ids.includes(this.right)) this.right = ids[ids.length - 1];
    this.renderSummary();
    this.renderTable(true);
    this.renderPlot();
    this.renderPairs();
    this.slider.min = '-1';
    this.slider.max = String(Math.max(-1, n - 1));
    this.slider.value = String(this.step);
    this.timings.runs++;
    this.timings.inWorker = this.backend.inWorker;
    this.timings.lastRunMs = r.summary.ms;
    if (this.timings.firstResultMs === undefined) {
      this.timings.firstResultMs = Math.round(performance.now());
      byId('timing').textContent = `First result ${this.timings.firstResultMs} ms after the page started loading${this.backend.inWorker ? '' : ' (no Web Worker: ran in the page)'}.`;
    }
    this.setState('idle');
    this.status.textContent = `${ids.length} version${ids.length === 1 ? '' : 's'} × ${n} steps: ${r.summary.ms} ms`;
    this.view = undefined;
    this.requestStep();
    this.scheduleHash();
  }

  private chooseStep(i: number): void {
    if (!this.summary) return;
    this.step = i;
    this.slider.value = String(i);
    this.renderTable(false);
    this.renderPlot();
    this.requestStep();
    this.scheduleHash();
  }

  /** Ask the engine for the chosen step's detail; while one request is out, only the latest waits. */
  private requestStep(): void {
    this.stepAsked = this.step;
    if (this.stepBusy || this.step === undefined) return;
    this.stepBusy = true;
    const want = this.step;
    this.backend
      .ask({ kind: 'step', index: want })
      .then((r) => {
        if (r.kind === 'step') {
          this.view = r.view;
          this.renderStep();
        }
      })
      .catch((e) => {
        if (!(e instanceof Cancelled)) this.status.textContent = String(e);
      })
      .finally(() => {
        this.stepBusy = false;
        if (this.stepAsked !== want && this.stepAsked !== undefined) this.requestStep();
      });
  }

  // ---- rendering -----------------------------------------------------------------------------

  private renderSummary(): void {
    const s = this.summary!;
    const n = s.labels.length;
    const differing = s.classes.filter((c) => c.length).length;
    const m = s.machine;
    const box = byId('summary');
    box.replaceChildren(
      h('p', {}, h('strong', {}, s.name), s.question ? ` — ${s.question}` : ''),
      h(
        'p',
        { class: 'hint' },
        `${m.arch}, ${m.ramMiB} MiB, ${m.cpus} CPU${m.cpus === 1 ? '' : 's'}${m.nodes > 1 ? `, ${m.nodes} nodes` : ''}; ${n} steps; ` +
          (s.versions.length < 2 ? 'one version: nothing to compare.' : `${differing} step${differing === 1 ? '' : 's'} differ between versions${s.finalComparison.classes.length ? ', and so does the final layout' : ''}.`),
      ),
    );
  }

  private renderTable(full: boolean): void {
    const s = this.summary;
    if (!s) return;
    const n = s.labels.length;
    const step = this.step ?? 0;
    const [lo, hi] = this.tableRange;
    if (full || n > TABLE_WINDOW && (step < lo || step >= hi)) {
      const start = n <= TABLE_WINDOW ? 0 : Math.max(0, Math.min(n - TABLE_WINDOW, step - TABLE_WINDOW / 2));
      this.tableRange = [start, Math.min(n, start + TABLE_WINDOW)];
      this.drawTable();
    }
    for (const tr of this.table.querySelectorAll('tr.selected')) {
      tr.classList.remove('selected');
      tr.removeAttribute('aria-current');
    }
    const row = this.table.querySelector(`tr[data-step="${step}"]`) as HTMLElement | null;
    if (row) {
      row.classList.add('selected');
      row.setAttribute('aria-current', 'true');
      const head = (this.table.tHead?.offsetHeight ?? 0) + 2;
      if (row.offsetTop - head < this.wrap.scrollTop) this.wrap.scrollTop = row.offsetTop - head;
      else if (row.offsetTop + row.offsetHeight > this.wrap.scrollTop + this.wrap.clientHeight) this.wrap.scrollTop = row.offsetTop + row.offsetHeight - this.wrap.clientHeight;
    }
  }

  private drawTable(): void {
    const s = this.summary!;
    const [lo, hi] = this.tableRange;
    const n = s.labels.length;
    const head = h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'step'), ...s.versions.map((v) => h('th', { scope: 'col', title: v.title }, v.id)), h('th', { scope: 'col' }, 'differences')));
    const body = h('tbody');
    const more = (text: string) => h('tr', { class: 'more' }, h('td', { colspan: s.versions.length + 3 }, text));
    if (lo > 0) body.append(more(`… steps 0–${lo - 1} above (move the slider)`));
    for (let i = lo; i < hi; i++) {
      const cls = s.classes[i] ?? [];
      const tr = h('tr', { 'data-step': i, class: cls.length ? 'differs' : undefined }, h('td', {}, String(i)), h('td', {}, s.labels[i]));
      let prev: string | undefined;
      for (let j = 0; j < s.versions.length; j++) {
        const st = s.steps[j][i];
        const key = cellKey(st);
        const differs = prev !== undefined && key !== prev && cls.length > 0;
        prev = key;
        const td = h('td', { class: [differs ? 'diff' : '', st.ok ? '' : 'fail'].filter(Boolean).join(' ') || undefined, 'data-version': s.versions[j].id }, h('span', { class: 'v' }, cellText(st)));
        if (differs) td.title = `differs from ${s.versions[j - 1].id}`;
        if (st.log.length) {
          // A BUG/WARN line links to the line of the version's source it names.
          const ver = findVersion(s.versions[j].id);
          const log = h('span', { class: 'log' });
          st.log.forEach((line, k) => {
            const url = ver && logLineUrl(ver, line);
            log.append(...(k ? ['\n'] : []), url ? h('a', { href: url, target: '_blank', rel: 'noopener' }, line) : line);
          });
          td.append(log);
        }
        tr.append(td);
      }
      tr.append(h('td', { class: 'classes' }, s.versions.length < 2 ? '–' : cls.length ? cls.join(', ') : 'same'));
      body.append(tr);
    }
    if (hi < n) body.append(more(`… steps ${hi}–${n - 1} below (move the slider)`));
    this.table.className = 'steps';
    this.table.replaceChildren(h('caption', { class: 'sr-only' }, `${n} steps of ${s.name}, one column per version`), head, body);
  }

  private renderPlot(): void {
    const s = this.summary!;
    byId('plot').innerHTML =
      s.labels.length > 1
        ? renderCounterPlots(s.series, { title: `${s.name}: counters over the steps (dashed: the chosen step)`, colours: PLOT_COLOURS, marker: this.step })
        : `<p class="hint">${s.labels.length} step${s.labels.length === 1 ? '' : 's'}: nothing to plot.</p>`;
  }

  private renderPairs(): void {
    const ids = this.summary!.versions.map((v) => v.id);
    for (const [sel, val] of [[this.leftSel, this.left], [this.rightSel, this.right]] as const) {
      sel.replaceChildren(...ids.map((id) => h('option', { value: id }, id)));
      sel.value = val ?? ids[0];
    }
  }

  private renderStep(): void {
    const v = this.view;
    const s = this.summary;
    if (!v || !s) return;
    const label = v.index < 0 ? 'boot' : `step ${v.index} (${s.labels[v.index]})`;
    byId('step-out').textContent = label;
    this.slider.setAttribute('aria-valuetext', label);
    const map = byId('map');
    map.innerHTML = renderAreaMap(v.snapshots, { title: `${s.name}: after ${label}`, id: 'explorer-map' });
    map.dataset.step = String(v.index);
    this.renderCauses();
    this.renderTraces();
  }

  private explanation(e: Explanation): HTMLElement {
    const s = this.summary!;
    const ver = findVersion(e.version);
    // Catalogued functions link to their definition in that version's source (report/links.ts).
    const fns = (): (Node | string)[] =>
      e.functions.flatMap((fn, k) => {
        const url = ver && functionUrl(ver, fn);
        const name = h('code', {}, fn);
        return [...(k ? [', '] : []), url ? h('a', { href: url, target: '_blank', rel: 'noopener' }, name) : name];
      });
    const how: (Node | string)[] =
      e.match === 'step'
        ? ['ran here: ', ...fns()]
        : e.match === 'state'
          ? [`the state left by step ${e.via.map((j) => `${j} (${s.labels[j]})`).join(', ')}: `, ...fns()]
          : e.match === 'earlier'
            ? ['ran in an earlier step: ', ...fns()]
            : ['matched by op only'];
    const li = h('li', {}, `${e.version} `, h('span', { class: 'id' }, e.change.id), ` (since ${e.change.since}): ${e.change.summary} — `, ...how);
    if (e.change.commits?.length) {
      li.append(' · commit ');
      e.change.commits.forEach((c, k) => {
        if (k) li.append(', ');
        li.append(h('a', { href: commitUrl(e.change, c), target: '_blank', rel: 'noopener' }, c));
      });
    } else if (e.change.commitNote) li.append(` · ${e.change.commitNote}`);
    return li;
  }

  private findings(list: readonly Finding[]): HTMLElement {
    const ul = h('ul');
    for (const f of list) {
      const li = h('li', {}, h('span', { class: 'cls' }, CLASS_LABEL[f.class]), `: ${f.detail}`);
      const sub = h('ul');
      if (!f.explanations.length) sub.append(h('li', {}, 'unexplained: no catalogued change matches this difference'));
      // As the markdown report does: the best three in full, and any pointing at an earlier step's state.
      const full = f.explanations.filter((e, k) => k < 3 || e.match === 'state');
      for (const e of full) sub.append(this.explanation(e));
      const rest = f.explanations.filter((e) => !full.includes(e));
      if (rest.length) sub.append(h('li', {}, `also consistent with: ${rest.map((e) => `${e.version} ${e.change.id}`).join(', ')}`));
      li.append(sub);
      ul.append(li);
    }
    return ul;
  }

  private renderCauses(): void {
    const v = this.view!;
    const s = this.summary!;
    const box = byId('causes');
    box.replaceChildren();
    if (s.versions.length < 2) box.append(h('p', { class: 'hint' }, 'Only one version ran: nothing to compare.'));
    else if (v.index < 0) box.append(h('p', { class: 'hint' }, 'After boot, before the first step.'));
    else if (!v.comparison?.overall.length) box.append(h('p', {}, `All versions agree at step ${v.index}.`));
    else box.append(h('p', {}, `At step ${v.index}:`), this.findings(v.comparison.overall));
    if (s.finalComparison.overall.length) box.append(h('p', {}, 'In the final state:'), this.findings(s.finalComparison.overall));
  }

  private renderTraces(): void {
    const v = this.view;
    const s = this.summary;
    const box = byId('traces');
    if (!v || !s) return;
    box.replaceChildren();
    const ids = s.versions.map((x) => x.id);
    const li = Math.max(0, ids.indexOf(this.left ?? ''));
    const ri = Math.max(0, ids.indexOf(this.right ?? ''));
    // The step's cost per version (counter changes), the numbers the cost class compares.
    const keys = [...new Set(v.costs.flatMap((c) => Object.keys(c)))];
    if (keys.length)
      box.append(
        h('table', { class: 'costs' }, h('tr', {}, h('th', {}, 'counter'), ...ids.map((id) => h('th', {}, id))), ...keys.map((k) => h('tr', {}, h('td', {}, k), ...v.costs.map((c) => h('td', {}, String((c as Record<string, number>)[k] ?? 0)))))),
      );
    if (v.index < 0) return void box.append(h('p', { class: 'hint' }, 'Choose a step to see its traces.'));
    // What the step printed besides its log (vmallocinfo text, a kmemleak report), the two versions side by side.
    const out = [li, ri].map((j) => {
      const st = s.steps[j][v.index];
      return [st.text ?? '', ...(st.leaks ?? []).map((l) => `leak ${l.ptr} size ${l.size}`)].filter(Boolean).join('\n');
    });
    if (out.some(Boolean))
      box.append(
        h('table', { class: 'side output' }, h('colgroup', {}, h('col', { class: 'half' }), h('col', { class: 'mk' }), h('col', { class: 'half' })), h('tr', {}, h('th', {}, `${ids[li]} output`), h('th', {}, out[0] === out[1] ? '' : '|'), h('th', {}, `${ids[ri]} output`)), h('tr', { class: out[0] === out[1] ? 'm-same' : 'm-changed' }, h('td', { class: 'l' }, out[0]), h('td', { class: 'mark' }, out[0] === out[1] ? '' : '|'), h('td', { class: 'r' }, out[1]))),
      );
    if (!s.traced) return void box.append(h('p', { class: 'hint' }, 'Traces were not recorded: the scenario is too long to keep them for every step.'));
    const a = v.traces[li];
    const b = v.traces[ri];
    const rows = sideBySideRows(a, b);
    if (!rows.length) return void box.append(h('p', { class: 'hint' }, 'No traced kernel function ran in this step on either version.'));
    const markName = { ' ': 'same', '|': 'changed', '<': 'left', '>': 'right' } as const;
    const table = h('table', { class: 'side' }, h('colgroup', {}, h('col', { class: 'half' }), h('col', { class: 'mk' }), h('col', { class: 'half' })), h('tr', {}, h('th', {}, ids[li]), h('th', {}, ''), h('th', {}, ids[ri])));
    for (const r of rows)
      table.append(h('tr', { class: `m-${markName[r.mark]}` }, h('td', { class: 'l', title: r.left || undefined }, r.left), h('td', { class: 'mark', title: markName[r.mark] }, r.mark), h('td', { class: 'r', title: r.right || undefined }, r.right)));
    box.append(table);
    const diff = unifiedTraceDiff({ label: ids[li], trace: a }, { label: ids[ri], trace: b });
    box.append(diff ? h('details', {}, h('summary', {}, 'unified diff'), h('pre', {}, diff)) : h('p', { class: 'hint' }, 'The two traces are identical.'));
  }

  // ---- links and exports ---------------------------------------------------------------------

  private scheduleHash(): void {
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => void this.writeHash(), HASH_DELAY_MS);
  }

  private async writeHash(): Promise<string> {
    clearTimeout(this.hashTimer);
    const hash = '#' + (await encodeState({ scenario: this.editor.value, step: this.step, left: this.left, right: this.right }));
    if (hash !== location.hash) history.replaceState(null, '', hash);
    this.writtenHash = hash;
    return location.href;
  }

  private async copyPermalink(): Promise<void> {
    const href = await this.writeHash();
    try {
      await navigator.clipboard.writeText(href);
      this.status.textContent = 'permalink copied (it is also in the address bar)';
    } catch {
      this.status.textContent = 'permalink is in the address bar';
    }
  }

  private async exportText(kind: 'markdown' | 'json'): Promise<void> {
    if (!this.summary || this.backend.running) return;
    const r = await this.backend.ask(kind === 'markdown' ? { kind: 'markdown', step: this.step } : { kind: 'json' });
    if (r.kind !== 'text') return;
    const base = this.summary.name.replace(/[^A-Za-z0-9._-]/g, '_');
    if (kind === 'markdown') download(`${base}.md`, r.text, 'text/markdown');
    else download(`${base}.result.json`, r.text, 'application/json');
  }
}

export function startPage(): void {
  void new Explorer().init();
}
