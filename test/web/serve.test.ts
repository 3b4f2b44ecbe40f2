/**
 * `vmx serve` (src/cli/serve.ts): loopback only, read-only, Host checked, the user's scenario
 * files listed within bounds. Run: npx vitest run test/web/serve.test.ts
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, scenarioFiles, startServer } from '../../src/cli/serve.js';

function get(port: number, path: string, opts: { method?: string; host?: string } = {}): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('vmx serve', () => {
  let dir: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vmx-serve-'));
    writeFileSync(join(dir, 'mine.json'), '{"name": "mine"}');
    writeFileSync(join(dir, 'mine.expected.json'), '{}');
    writeFileSync(join(dir, 'package.json'), '{}');
    writeFileSync(join(dir, 'big.json'), ' '.repeat(MAX_FILE_BYTES + 1));
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'x', 'nope.json'), '{}');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'two.json'), '{"name": "two"}');
    server = await startServer({ html: '<!doctype html><title>explorer</title>', paths: [dir], port: 0 });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('listens on the loopback address only', () => {
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('serves the page and the scenario files, skipping result documents, node_modules and oversized files', async () => {
    const page = await get(port, '/');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('<title>explorer</title>');
    const api = await get(port, '/api/scenarios', { host: `localhost:${port}` });
    expect(api.status).toBe(200);
    const list = JSON.parse(api.body) as { files: { name: string; text: string }[]; skipped: string[] };
    expect(list.files).toEqual([
      { name: 'mine.json', text: '{"name": "mine"}' },
      { name: 'sub/two.json', text: '{"name": "two"}' },
    ]);
    expect(list.skipped).toEqual([`big.json: larger than ${MAX_FILE_BYTES >> 20} MiB`]);
  });

  it('refuses other hosts (DNS rebinding), writes and unknown paths', async () => {
    expect((await get(port, '/', { host: 'evil.example' })).status).toBe(403);
    expect((await get(port, '/api/scenarios', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(port, '/', { method: 'POST' })).status).toBe(405);
    expect((await get(port, '/../../etc/passwd')).status).toBe(404);
    expect((await get(port, '/api/scenarios/../x')).status).toBe(404);
  });

  it('names a missing path as bad input', () => {
    expect(() => scenarioFiles([join(dir, 'absent')])).toThrow(/no such file or folder/);
  });
});
