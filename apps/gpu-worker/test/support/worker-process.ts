// A worker as its own process, for the crash test: the test SIGKILLs it mid-step.

import { createSql } from '@clapboard/server/db';
import { createLogger } from '@clapboard/server/logger';
import { createRedis } from '@clapboard/server/redis';
import { createWorker } from '../../src/worker';
import { TEST_DEFINITIONS, testPipelines } from './test-pipelines';

const env = process.env;
const sql = createSql(env.DATABASE_URL!, { max: 3 });
const redis = createRedis(env.REDIS_URL!);
const worker = createWorker({
  redis,
  sql,
  log: createLogger('worker-proc', { level: 'silent' }),
  queues: ['cpu'],
  prefix: env.TEST_PREFIX,
  socketKey: env.TEST_SOCKET_KEY,
  pipelines: testPipelines(),
  definitions: TEST_DEFINITIONS,
  lockDurationMs: Number(env.TEST_LOCK_MS ?? 2000),
});
await worker.ready();
process.stdout.write('worker-ready\n');
