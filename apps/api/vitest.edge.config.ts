import { defineConfig } from 'vitest/config';

/**
 * The API's integration tests a second time, against the edge entry: the bundle in workerd, driven
 * over HTTP by the same test files and assertions (test/harness.ts, API_RUNTIME=workerd). A file is
 * listed here when everything it checks is something the edge API does; see docs/edge.md for what
 * stays on Node (uploads, /metrics, /admin/queues).
 */
export const EDGE_TEST_FILES = [
  'test/auth.test.ts',
  'test/projects.test.ts',
  'test/jobs.test.ts',
];

export default defineConfig({
  test: {
    include: EDGE_TEST_FILES,
    globalSetup: ['test/edge-global-setup.ts'],
    env: { API_RUNTIME: 'workerd', EDGE_BUNDLE_FRESH: '1' },
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
