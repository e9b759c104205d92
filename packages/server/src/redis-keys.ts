import { z } from 'zod';

/**
 * One Redis can serve several Clapboard deployments (or test runs): every key, queue, channel and
 * Socket.IO adapter key is derived from REDIS_PREFIX.
 */
export const redisPrefixSchema = z
  .string()
  .regex(/^[\w-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
  .default('clapboard');

export interface RedisNames {
  /** Prefix of the app's own keys (rate limits). */
  prefix: string;
  /** BullMQ key prefix. */
  queuePrefix: string;
  /** Socket.IO adapter/emitter key shared by realtime, API and workers. */
  socketKey: string;
}

/** Every Redis name a service needs, from one prefix. */
export function redisNames(prefix: string): RedisNames {
  return { prefix, queuePrefix: `${prefix}:q`, socketKey: `${prefix}:sio` };
}

/**
 * The Redis list BullMQ keeps a queue's waiting jobs in (`<queuePrefix>:<queue>:wait`): the
 * workers' `clapboard_queue_waiting_jobs` gauge reads its length, and KEDA's redis scaler in
 * infra/k8s scales each worker pool on it.
 */
export function bullWaitListKey(queuePrefix: string, queueName: string): string {
  return `${queuePrefix}:${queueName}:wait`;
}
