import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['integration/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // These start whole processes and browsers: one file at a time keeps the 2-core machine honest.
    fileParallelism: false,
  },
});
