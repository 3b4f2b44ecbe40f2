/**
 * Where the package's own files are, whether running from src/ (vitest) or dist/ (the CLI).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    // The package.json of vmx itself (an installed package has no versions/ or tests, only bin/, dist/, …).
    if (existsSync(join(d, 'package.json')) && /"name":\s*"vmalloc-explorer"/.test(readFileSync(join(d, 'package.json'), 'utf8'))) return d;
    d = dirname(d);
  }
  throw new Error('vmx: cannot find the package root (the package.json of vmalloc-explorer)');
}

export const PACKAGE_ROOT = findRoot();
export const BUILTIN_SCENARIOS_DIR = join(PACKAGE_ROOT, 'src', 'scenarios', 'builtin');
export const DOCS_DIR = join(PACKAGE_ROOT, 'docs');
/** The web explorer's page, built by `npm run build:web` (src/web/build.ts), served by `vmx serve`. */
export const EXPLORER_HTML = join(DOCS_DIR, 'explorer', 'index.html');
