// A render worker as its own process, for the crash test: the test SIGKILLs it mid-shot.

import { createSql } from '@clapboard/server/db';
import { createLogger } from '@clapboard/server/logger';
import { createRedis } from '@clapboard/server/redis';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { builtInPipelines } from '../../src/pipelines';
import { defaultRenderDeps } from '../../src/pipelines/render';
import { createWorker } from '../../src/worker';

const env = process.env;
const sql = createSql(env.DATABASE_URL!, { max: 3 });
const redis = createRedis(env.REDIS_URL!);
const store = createLocalBlobStore(env.TEST_BLOB_DIR!);
const worker = createWorker({
  redis,
  sql,
  log: createLogger('render-worker-proc', { level: 'silent' }),
  queues: ['gpu'],
  prefix: env.TEST_PREFIX,
  socketKey: env.TEST_SOCKET_KEY,
  store,
  pipelines: builtInPipelines({ store, render: defaultRenderDeps() }),
  lockDurationMs: Number(env.TEST_LOCK_MS ?? 2000),
});
await worker.ready();
process.stdout.write('worker-ready\n');
