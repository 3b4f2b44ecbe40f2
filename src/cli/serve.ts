/**
 * vmx serve [files or folders] [--port N]
 * Serves the web explorer (docs/explorer/index.html, built by `npm run build:web` and by
 * npm install's prepare script) on 127.0.0.1 only, with the user's scenario files (default: the current folder)
 * listed in its picker. Read-only and bounded: GET and HEAD only, two routes (the page and
 * api/scenarios), Host must name the loopback address (no DNS rebinding), at most MAX_FILES
 * files of at most MAX_FILE_BYTES each, folders walked MAX_DEPTH deep skipping node_modules and
 * dot folders, short timeouts and a connection cap. Ctrl-C stops it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, relative, resolve } from 'node:path';
import { EXPLORER_HTML } from '../paths.js';
import { parseCommand, UsageError, writeOut } from './io.js';

export const DEFAULT_PORT = 8019;
export const MAX_FILES = 200;
export const MAX_FILE_BYTES = 2 << 20;
export const MAX_DEPTH = 4;

export interface ScenarioFile {
  /** Shown in the picker: the path relative to the folder given (or the file's own path). */
  name: string;
  text: string;
}

/** The scenario files below the given files and folders, read now, within the bounds above. */
export function scenarioFiles(args: readonly string[]): { files: ScenarioFile[]; skipped: string[] } {
  const files: ScenarioFile[] = [];
  const skipped: string[] = [];
  const add = (path: string, name: string) => {
    if (files.length >= MAX_FILES) return void skipped.push(`${name}: more than ${MAX_FILES} files`);
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      return void skipped.push(`${name}: ${(e as Error).message}`);
    }
    if (st.size > MAX_FILE_BYTES) return void skipped.push(`${name}: larger than ${MAX_FILE_BYTES >> 20} MiB`);
    try {
      files.push({ name, text: readFileSync(path, 'utf8') });
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message}`);
    }
  };
  const walk = (dir: string, root: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      return void skipped.push(`${dir}: ${(e as Error).message}`);
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || e.name === 'node_modules') continue;
        if (depth < MAX_DEPTH) walk(p, root, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.json') && !e.name.endsWith('.expected.json') && e.name !== 'package.json' && e.name !== 'package-lock.json' && !e.name.startsWith('tsconfig'))
        add(p, relative(root, p).replace(/\\/g, '/'));
    }
  };
  for (const a of args.length ? args : ['.']) {
    let st;
    try {
      st = statSync(a);
    } catch {
      throw new UsageError(`${a}: no such file or folder`);
    }
    if (st.isDirectory()) walk(resolve(a), resolve(a), 0);
    else add(a, basename(a) === a ? a : a.replace(/\\/g, '/'));
  }
  return { files, skipped };
}

export interface ServeOptions {
  /** The page (docs/explorer/index.html's text). */
  html: string;
  /** Scenario files and folders, re-read on every api/scenarios request (edits show on reload). */
  paths: readonly string[];
  /** 0: any free port. */
  port: number;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

/** Start the server on 127.0.0.1; resolves once it listens. */
export function startServer(opts: ServeOptions): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const port = (server.address() as AddressInfo).port;
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return send(res, 405, 'text/plain; charset=utf-8', 'vmx serve: read-only (GET and HEAD only)\n', false);
    if (!hostAllowed(req.headers.host, port)) return send(res, 403, 'text/plain; charset=utf-8', 'vmx serve: the Host header must be 127.0.0.1 or localhost with this port\n', head);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', opts.html, head);
    if (path === '/api/scenarios') {
      const { files, skipped } = scenarioFiles(opts.paths);
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ files, skipped }), head);
    }
    return send(res, 404, 'text/plain; charset=utf-8', 'vmx serve: not found (the explorer is at /)\n', head);
  });
  server.maxConnections = 64;
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise(server);
    });
  });
}

/** The explorer page (npm install builds it through the prepare script, or npm run build:web). */
function explorerHtml(): string {
  if (!existsSync(EXPLORER_HTML)) throw new UsageError(`${EXPLORER_HTML} is missing: build it with npm run build:web`);
  return readFileSync(EXPLORER_HTML, 'utf8');
}

export async function cmdServe(argv: string[]): Promise<number> {
  const args = parseCommand('serve', argv);
  const p = (args.values.port as string | undefined) ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(p) || Number(p) > 65535) throw new UsageError(`--port must be a port number from 0 to 65535 (got ${p === '' ? 'nothing' : p})`);
  const { files, skipped } = scenarioFiles(args.positionals);
  const html = explorerHtml();
  let server: Server;
  try {
    server = await startServer({ html, paths: args.positionals, port: Number(p) });
  } catch (e) {
    throw new UsageError(`cannot listen on 127.0.0.1:${p} (${(e as Error).message}); try --port 0 for any free port`);
  }
  const port = (server.address() as AddressInfo).port;
  for (const s of skipped) process.stderr.write(`vmx serve: skipping ${s}\n`);
  await writeOut(`vmx serve: http://127.0.0.1:${port}/ with ${files.length} scenario file${files.length === 1 ? '' : 's'} from ${args.positionals.join(', ') || 'the current folder'} (Ctrl-C stops)\n`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
