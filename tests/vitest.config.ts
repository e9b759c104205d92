import { defineConfig } from 'vitest/config';
import { testWorkers } from '../infra/local/test-workers.ts';

export default defineConfig({
  test: {
    include: ['integration/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // These start whole stacks and browsers on free ports: one file per core (measured on 2 cores,
    // 96 % busy, 511 s one at a time → 388 s two at a time).
    maxWorkers: testWorkers(1),
  },
});
