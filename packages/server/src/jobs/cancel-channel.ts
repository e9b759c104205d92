import type { Redis } from 'ioredis';

/** Redis pub/sub channel on which cancel requests reach every worker within milliseconds. */
export function cancelChannel(prefix = 'clapboard'): string {
  return `${prefix}:jobs:cancel`;
}

/** Tells every worker to abort the running steps of `jobId`. */
export async function publishCancel(redis: Redis, jobId: string, prefix?: string): Promise<void> {
  await redis.publish(cancelChannel(prefix), jobId);
}
