export { announceWorker } from './announce-worker';
export { createTestDatabase, type TestDatabase, testPrefix } from './test-database';
export { type TestServices, testServices } from './test-services';
