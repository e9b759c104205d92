import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';

/** Redis pub/sub channel on which cancel requests reach every worker within milliseconds. */
export function cancelChannel(prefix = 'clapboard'): string {
  return `${prefix}:jobs:cancel`;
}

/** Tells every worker to abort the running steps of `jobId`. */
export async function publishCancel(redis: Redis, jobId: string, prefix?: string): Promise<void> {
  await redis.publish(cancelChannel(prefix), jobId);
}

/**
 * A step stopped because its job was cancelled. Unrecoverable (BullMQ does not retry it); the
 * failure handler recognises it by class (`instanceof`), and a step failed this way is stored with
 * status `cancelled`, which is what a parent failed by it reads — never the message text.
 */
export class JobCancelledError extends UnrecoverableError {
  override name = 'JobCancelledError';
  constructor() {
    super('Job was cancelled.');
  }
}
