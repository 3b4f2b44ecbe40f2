/**
 * The page's side of the engine: a Web Worker started from the page's own script (a blob URL,
 * which works from file:// too), one request at a time per id. A run can be cancelled: the
 * worker is terminated and a fresh one started. Where workers cannot start, the engine runs in
 * the page itself (no progress, no cancel).
 */
import { Engine, type Reply, type Request, type RequestBody } from './engine.js';

type Waiting = { resolve: (r: Reply) => void; reject: (e: Error) => void };

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
  readonly inWorker: boolean;

  constructor(private readonly source: string) {
    this.inWorker = this.start();
  }

  private start(): boolean {
    try {
      const url = URL.createObjectURL(new Blob([this.source], { type: 'text/javascript' }));
      this.worker = new Worker(url);
      URL.revokeObjectURL(url);
      this.worker.onmessage = (e: MessageEvent<Reply>) => this.receive(e.data);
      this.worker.onerror = (e) => {
        for (const [, w] of this.waiting) w.reject(new Error(`worker error: ${e.message}`));
        this.waiting.clear();
      };
      return true;
    } catch {
      this.worker = undefined;
      this.local = new Engine((r) => this.receive(r));
      return false;
    }
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
      this.waiting.set(id, { resolve, reject });
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
