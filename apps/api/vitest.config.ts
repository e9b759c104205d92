import { defineConfig } from 'vitest/config';
import { testWorkers } from '../../infra/local/test-workers.ts';

/**
 * The API's integration tests a second time, against the edge entry: the bundle in workerd, driven
 * over HTTP by the same test files and assertions (test/harness.ts, API_RUNTIME=workerd). A file is
 * listed when everything it checks is something the edge API does. Left out, and why (docs/edge.md):
 * Node-only parts (asset-serving-node: local-store ranges and a local ffprobe; review-video-frames:
 * ffmpeg; admin-queues; metrics; project-list-cache; submit-batch: the edge does not batch;
 * review-heavy-script: Node's event loop under load; probe-service and limit-store: Node-side
 * pieces tested directly), overrides that cannot cross into workerd (account: a mailer; health: a
 * dead Redis client; campaign-budgets: a clock moved to the next day; hostile-input and
 * blob-store-contract: their own stores and servers), and
 * uploads (tus): it passes on workerd except resuming after a dropped connection, where the edge
 * does not keep the bytes that arrived before the drop.
 */
const EDGE_TEST_FILES = [
  'test/authorization-matrix.test.ts',
  'test/auth.test.ts',
  'test/projects.test.ts',
  'test/jobs.test.ts',
  'test/job-service.test.ts',
  'test/job-submit-rate.test.ts',
  'test/render-submit.test.ts',
  'test/assets.test.ts',
  'test/direct-uploads.test.ts',
  'test/lecture-clips-submit.test.ts',
  'test/lms-export-submit.test.ts',
  'test/portrait-lesson-submit.test.ts',
  'test/seed.test.ts',
  'test/revocation-parity.test.ts',
  'test/review.test.ts',
  'test/deliverables.test.ts',
  'test/versions.test.ts',
  'test/script-import.test.ts',
  'test/lessons.test.ts',
  'test/lesson-shares.test.ts',
  'test/lectures.test.ts',
  'test/models.test.ts',
  'test/openapi-docs.test.ts',
  'test/web-read-shapes.test.ts',
  'test/briefs.test.ts',
  'test/campaigns.test.ts',
  'test/brand-kits.test.ts',
  'test/variant-review.test.ts',
  'test/variant-renders.test.ts',
];

/** Files that assert latencies of the API's event loop: they run alone (project `node-quiet`). */
const QUIET_TEST_FILES = ['test/review-heavy-script.test.ts'];

/**
 * Three projects in one run: `node` (every test, the app in-process), `node-quiet` (the timing
 * files above, alone, after the rest) and `workerd` (the edge files above against the edge
 * bundle). `npx vitest run --project workerd` runs the edge half alone.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files mostly wait on Postgres, Redis and workerd: 1.5 per core. Every file builds its own app,
    // database and Redis prefix and nothing here mocks modules, so a worker keeps the modules it
    // imported for its next file (isolate: false) instead of importing the whole API again (that
    // import was 138 s of the suite's 468 s).
    maxWorkers: testWorkers(1.5),
    isolate: false,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: QUIET_TEST_FILES },
      },
      // Timed against the event loop: run alone, after everything else, not beside other files.
      {
        extends: true,
        test: {
          name: 'node-quiet',
          include: QUIET_TEST_FILES,
          maxWorkers: 1,
          isolate: true,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'workerd',
          include: EDGE_TEST_FILES,
          globalSetup: ['test/edge-global-setup.ts'],
          env: { API_RUNTIME: 'workerd', EDGE_BUNDLE_FRESH: '1' },
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
