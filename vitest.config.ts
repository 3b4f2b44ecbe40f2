import { defineConfig } from 'vitest/config';
// vitest's own colour helper (a dependency of vitest, so always installed with it).
import { disableDefaultColors } from 'tinyrainbow';

// CI logs read plainly: vitest colours its output whenever CI is set, even into a file or pipe.
// Off for this process (already loaded) and, through NO_COLOR, for the workers; FORCE_COLOR wins.
if (process.env.CI && process.env.CI !== 'false' && process.env.FORCE_COLOR === undefined) {
  process.env.NO_COLOR = '1';
  disableDefaultColors();
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The plain closing line ("N passed, N failed") that CI logs are read for.
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
