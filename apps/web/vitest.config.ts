import { defineConfig } from 'vitest/config';
import { testWorkers } from '../../infra/local/test-workers.ts';

// Unit tests: the pure pieces run in Node; hook tests (`.test.tsx`) set their DOM environment with a
// `// @vitest-environment happy-dom` line. Requests go to a real local HTTP server
// (src/test/local-api.ts). `npm test -w @clapboard/web` runs them after the bundle budget check.
export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
    setupFiles: ['src/test/setup-dom.ts'],
    testTimeout: 30_000,
    maxWorkers: testWorkers(1),
  },
});
