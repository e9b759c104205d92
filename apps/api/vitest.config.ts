import { defineConfig } from 'vitest/config';

/**
 * The API's integration tests a second time, against the edge entry: the bundle in workerd, driven
 * over HTTP by the same test files and assertions (test/harness.ts, API_RUNTIME=workerd). A file is
 * listed when everything it checks is something the edge API does. Left out, and why (docs/edge.md):
 * Node-only parts (asset-serving-node: local-store ranges and a local ffprobe; review-video-frames:
 * ffmpeg; admin-queues; metrics; project-list-cache; submit-batch: the edge does not batch;
 * review-heavy-script: Node's event loop under load; probe-service and limit-store: Node-side
 * pieces tested directly), overrides that cannot cross into workerd (account: a mailer; health: a
 * dead Redis client; hostile-input and blob-store-contract: their own stores and servers), and
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
];

/**
 * Two projects in one run: `node` (every test, the app in-process) and `workerd` (the files above
 * against the edge bundle). `npx vitest run --project workerd` runs the edge half alone.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'node', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } },
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
