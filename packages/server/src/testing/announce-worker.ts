import { JOB_TYPES, type JobType } from '@clapboard/shared/jobs';
import type { Redis } from 'ioredis';
import { publishModelsReport } from '../models-report';

/**
 * Publishes the models report of a worker that runs `types`, as a worker process does at start,
 * for tests and benchmarks that run the API without one (the API accepts only job types some live
 * worker announces). The report lives `ttlSec` (default 600).
 *
 * @returns the worker id (its report is the hash `<redisPrefix>:models:<id>`)
 */
export async function announceWorker(
  redis: Redis,
  redisPrefix: string,
  types: readonly JobType[] = JOB_TYPES,
  workerId = 'test-worker',
  ttlSec = 600,
  /** Types the worker has a pipeline for but declines as configured, with its reason. */
  unavailable: ReadonlyArray<{ type: string; reason: string }> = [],
): Promise<string> {
  await publishModelsReport(
    redis,
    {
      workerId,
      device: 'cpu',
      activeProvider: 'cpu',
      deviceReason: null,
      updatedAt: new Date().toISOString(),
      models: [],
      voices: [],
      pipelines: [...types],
      unavailable: [...unavailable],
    },
    ttlSec,
    redisPrefix,
  );
  return workerId;
}
