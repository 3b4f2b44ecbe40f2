import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The plain closing line ("N passed, N failed") that CI logs are read for.
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
