/**
 * `npm run build:web` (node-only): bundles src/web/main.ts with esbuild into one self-contained
 * page, docs/explorer/index.html: the script, the styles and the built-in scenarios inline, no
 * other file, so it opens from disk or any static host. The same script runs the page and,
 * started from its own text as a blob, the Web Worker.
 *
 *   node dist/src/web/build.js [--out DIR] [--no-minify]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILTIN_SCENARIOS_DIR, EXPLORER_HTML, PACKAGE_ROOT } from '../paths.js';
import { builtinPaths } from '../scenarios/library.js';


export interface BuildResult {
  file: string;
  bytes: number;
  scriptBytes: number;
  ms: number;
}

/** The built-in scenario files, name (path below builtin/ without .json) and text. */
export function builtinSources(): { name: string; text: string }[] {
  return builtinPaths().map((p) => ({ name: relative(BUILTIN_SCENARIOS_DIR, p).replace(/\\/g, '/').replace(/\.json$/, ''), text: readFileSync(p, 'utf8') }));
}

/** Build the page in memory. */
export async function buildExplorerHtml(opts: { minify?: boolean } = {}): Promise<{ html: string; scriptBytes: number }> {
  const esbuild = await import('esbuild');
  const web = join(PACKAGE_ROOT, 'src', 'web');
  const out = await esbuild.build({
    entryPoints: [join(web, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: opts.minify ?? true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    define: { __VMX_BUILTINS__: JSON.stringify(builtinSources()) },
  });
  // An inline script must not contain "</script" (esbuild already escapes it in strings; be sure).
  const script = out.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1');
  const css = readFileSync(join(web, 'style.css'), 'utf8');
  const template = readFileSync(join(web, 'index.html'), 'utf8');
  const html = template.replace('/*VMX-CSS*/', () => css).replace('/*VMX-SCRIPT*/', () => script);
  return { html, scriptBytes: Buffer.byteLength(script) };
}

export async function buildExplorer(opts: { outDir?: string; minify?: boolean } = {}): Promise<BuildResult> {
  const t0 = performance.now();
  const dir = opts.outDir ?? dirname(EXPLORER_HTML);
  const { html, scriptBytes } = await buildExplorerHtml(opts);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.html');
  writeFileSync(file, html);
  return { file, bytes: Buffer.byteLength(html), scriptBytes, ms: Math.round(performance.now() - t0) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  buildExplorer({ outDir: outAt >= 0 ? args[outAt + 1] : undefined, minify: !args.includes('--no-minify') }).then(
    (r) => process.stdout.write(`vmx build:web: ${relative(process.cwd(), r.file) || r.file} (${(r.bytes / 1024).toFixed(0)} KiB, script ${(r.scriptBytes / 1024).toFixed(0)} KiB) in ${r.ms} ms\n`),
    (e) => {
      process.stderr.write(`vmx build:web: ${(e as Error).message ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
