import { defineConfig } from 'vitest/config';
import { testWorkers } from '../../infra/local/test-workers.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: testWorkers(1),
  },
});
