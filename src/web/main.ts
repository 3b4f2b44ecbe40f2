/**
 * The web explorer's one script. In a page it builds the UI (page.ts); started as a Web Worker
 * (from this same script's text, so the page stays one self-contained file that also opens from
 * disk) it runs scenarios with the engine (engine.ts) and answers the page's requests.
 */
import { Engine, type Reply, type Request } from './engine.js';
import { startPage } from './page.js';

interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((e: MessageEvent<Request>) => void) | null;
}

if (typeof document === 'undefined') {
  const scope = globalThis as unknown as WorkerScope;
  const engine = new Engine((r: Reply) => scope.postMessage(r));
  scope.onmessage = (e) => engine.handle(e.data);
} else {
  startPage();
}
