import type { Sql } from '@clapboard/server/db';
import { once } from '@clapboard/server/lifecycle';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { QUEUE_NAMES, type ResourceClass } from '@clapboard/shared/jobs';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { ProcessorMap } from './jobs/processors';

export interface WorkerDeps {
  redis: Redis;
  sql: Sql;
  log: Logger;
  /** Queues to consume; default both. */
  queues?: ResourceClass[];
  concurrency?: number;
  /** BullMQ key prefix; tests isolate themselves with their own. */
  prefix?: string;
  processors?: ProcessorMap;
}

export interface ClapboardWorker {
  workers: Worker[];
  /** Resolves when every BullMQ worker is connected and waiting for jobs. */
  ready(): Promise<void>;
  /** Idempotent: stops taking jobs, lets running ones finish (BullMQ hands back the rest). */
  close(): Promise<void>;
}

/**
 * BullMQ workers for the Clapboard queues. Each job is dispatched by name to a processor; a job
 * type this worker does not know fails without retry (UnrecoverableError).
 */
export function createWorker(deps: WorkerDeps): ClapboardWorker {
  const processors = deps.processors ?? {};
  const workers = (deps.queues ?? ['gpu', 'cpu']).map((cls) => {
    const worker = new Worker(
      QUEUE_NAMES[cls],
      async (job: Job, token?: string) => {
        const processor = processors[job.name];
        const log = deps.log.child({
          jobId: job.data?.jobId ?? job.id,
          bullId: job.id,
          name: job.name,
          queue: cls,
        });
        if (!processor)
          throw new UnrecoverableError(`This worker has no processor for job type "${job.name}".`);
        const controller = new AbortController();
        void token;
        return processor(job, { log, signal: controller.signal });
      },
      {
        connection: deps.redis.duplicate(),
        concurrency: deps.concurrency ?? 2,
        prefix: deps.prefix,
        autorun: true,
      },
    );
    worker.on('failed', (job, err) =>
      deps.log.warn({ bullId: job?.id, name: job?.name, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => deps.log.error({ err }, 'worker error'));
    return worker;
  });
  return {
    workers,
    ready: async () => {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },
    close: once(async () => {
      await Promise.all(workers.map((w) => w.close()));
    }),
  };
}
