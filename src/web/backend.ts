/**
 * The page's side of the engine: a Web Worker started from the page's own script (a blob URL,
 * which works from file:// too), one request at a time per id. A run can be cancelled: the
 * worker is terminated and a fresh one started. Where a worker cannot be made, or its script
 * fails to load before it says anything, the engine runs in the page itself, the requests already
 * sent included (no progress bar, no cancel). The blob URL is revoked once the worker answers.
 */
import { Engine, type Reply, type Request, type RequestBody } from './engine.js';

type Waiting = { req: Request; resolve: (r: Reply) => void; reject: (e: Error) => void };

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export class Backend {
  private worker: Worker | undefined;
  private local: Engine | undefined;
  private waiting = new Map<number, Waiting>();
  private nextId = 1;
  private runId = 0;
  /** Progress of the current run (done, total). */
  onProgress: (done: number, total: number) => void = () => {};

  constructor(private readonly source: string) {
    this.start();
  }

  /** False once the engine runs in the page (no Worker, or the worker's script would not load). */
  get inWorker(): boolean {
    return this.worker !== undefined;
  }

  private start(): void {
    let url: string | undefined;
    try {
      url = URL.createObjectURL(new Blob([this.source], { type: 'text/javascript' }));
      const worker = new Worker(url);
      let heard = false;
      const done = () => {
        if (url) URL.revokeObjectURL(url);
        url = undefined;
      };
      worker.onmessage = (e: MessageEvent<Reply>) => {
        heard = true;
        done();
        this.receive(e.data);
      };
      worker.onerror = (e) => {
        done();
        if (!heard) {
          // The script never started (a host's policy, say): run in the page, requests and all.
          e.preventDefault();
          this.inPage();
          return;
        }
        for (const [, w] of this.waiting) w.reject(new Error(`worker error: ${e.message}`));
        this.waiting.clear();
      };
      this.worker = worker;
    } catch {
      if (url) URL.revokeObjectURL(url);
      this.inPage();
    }
  }

  private inPage(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.local = new Engine((r) => this.receive(r));
    for (const [, w] of [...this.waiting].sort(([a], [b]) => a - b)) setTimeout(() => this.local!.handle(w.req), 0);
  }

  private receive(r: Reply): void {
    if (r.kind === 'progress') {
      if (r.id === this.runId) this.onProgress(r.done, r.total);
      return;
    }
    const w = this.waiting.get(r.id);
    if (!w) return;
    this.waiting.delete(r.id);
    w.resolve(r);
  }

  /** True while a run is in flight. */
  get running(): boolean {
    return this.waiting.has(this.runId);
  }

  ask(body: RequestBody): Promise<Reply> {
    const id = this.nextId++;
    if (body.kind === 'run') {
      if (this.running) this.cancel();
      this.runId = id;
    }
    const req = { ...body, id } as Request;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { req, resolve, reject });
      if (this.worker) this.worker.postMessage(req);
      else setTimeout(() => this.local!.handle(req), 0);
    });
  }

  /** Stop the run in flight (and anything queued behind it): a fresh worker takes over. */
  cancel(): void {
    if (!this.worker) return;
    this.worker.terminate();
    for (const [, w] of this.waiting) w.reject(new Cancelled());
    this.waiting.clear();
    this.start();
  }
}
