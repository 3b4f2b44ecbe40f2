/**
 * docs/reports/ must be what `vmx report` generates from this commit: the reports are
 * regenerated in memory (every built-in scenario on every registered version) and compared
 * byte for byte with the files on disk. When this fails, regenerate and commit:
 *   npm run build && node bin/vmx.js report
 * Run: npx vitest run test/report-docs.test.ts
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR } from '../src/paths.js';
import { VERSIONS } from '../src/registry.js';
import { generateReports, REGENERATE_COMMAND } from '../src/report/generate.js';
import { builtinScenarios, staleFiles } from '../src/cli/report-files.js';

describe('docs/reports', () => {
  it('is current (regenerate with the command in the failure message)', { timeout: 600_000 }, () => {
    const builtin = builtinScenarios(VERSIONS);
    const files = generateReports({ registry: VERSIONS, scenarios: builtin.scenarios, invalid: builtin.invalid });
    const stale = staleFiles(join(DOCS_DIR, 'reports'), files);
    if (stale.length) {
      const list = stale.slice(0, 12).join(', ') + (stale.length > 12 ? `, … (${stale.length} in all)` : '');
      expect.fail(`docs/reports/ is stale: ${list}.\nRegenerate it with:\n  ${REGENERATE_COMMAND}`);
    }
    expect(REGENERATE_COMMAND).toBe('npm run build && node bin/vmx.js report');
  });
});
