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
 * Where BullMQ keeps a queue's jobs that wait for a worker: `wait`, a list (jobs without a priority)
 * and `prioritized`, a sorted set (every Clapboard job has a priority, so in practice all of them).
 * Queue backlog = LLEN wait + ZCARD prioritized: the `clapboard_queue_waiting_jobs` gauge, which
 * KEDA scales the worker pools on (infra/k8s).
 */
export function bullBacklogKeys(
  queuePrefix: string,
  queueName: string,
): { wait: string; prioritized: string } {
  return { wait: `${queuePrefix}:${queueName}:wait`, prioritized: `${queuePrefix}:${queueName}:prioritized` };
}
