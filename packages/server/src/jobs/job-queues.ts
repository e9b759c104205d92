import { QUEUE_NAMES, type ResourceClass } from '@clapboard/shared/jobs';
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface JobQueues {
  flows: FlowProducer;
  queues: Record<ResourceClass, Queue>;
  prefix: string | undefined;
  close(): Promise<void>;
}

/**
 * The producer side of the Clapboard queues. `prefix` isolates tests (BullMQ key prefix); the
 * connection is duplicated so blocking commands never share the caller's client.
 */
export function createJobQueues(redis: Redis, prefix?: string): JobQueues {
  const connection = redis.duplicate();
  const flows = new FlowProducer({ connection, prefix });
  const queues = {
    gpu: new Queue(QUEUE_NAMES.gpu, { connection, prefix }),
    cpu: new Queue(QUEUE_NAMES.cpu, { connection, prefix }),
  };
  return {
    flows,
    queues,
    prefix,
    async close() {
      await Promise.all([flows.close(), queues.gpu.close(), queues.cpu.close()]);
      connection.disconnect();
    },
  };
}
