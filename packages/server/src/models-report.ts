import { type WorkerModelsReport, workerModelsReportSchema } from '@clapboard/shared/models';
import type { Redis } from 'ioredis';

/** Key prefix of the per-worker hashes; one hash per worker id. */
export const MODELS_REPORT_PREFIX = 'clapboard:models:';

/** Key prefix of the per-worker hashes under a deployment's REDIS_PREFIX. */
export function modelsReportKeyPrefix(redisPrefix: string): string {
  return `${redisPrefix}:models:`;
}

/**
 * Key of the index of live reports under a deployment's REDIS_PREFIX: a sorted set of worker ids
 * scored by when their report expires (ms), so a reader finds the workers without a SCAN over the
 * whole keyspace (which grows with every queued job: BullMQ keeps a hash per job).
 */
export function modelsReportIndexKey(redisPrefix: string): string {
  return `${redisPrefix}:models-index`;
}

/** Default lifetime of a worker's report: a worker that stops publishing drops out after this. */
export const MODELS_REPORT_TTL_SEC = 60;

/**
 * Writes one worker's models report as a Redis hash `clapboard:models:<workerId>` (fields: `meta`
 * and one per model name, each JSON) with a TTL, replacing what was there in one MULTI.
 *
 * @param ttlSec seconds until the hash expires unless published again; default 60
 */
export async function publishModelsReport(
  redis: Redis,
  report: WorkerModelsReport,
  ttlSec = MODELS_REPORT_TTL_SEC,
  /** REDIS_PREFIX of the deployment; default `clapboard`. */
  redisPrefix = 'clapboard',
): Promise<void> {
  const key = modelsReportKeyPrefix(redisPrefix) + report.workerId;
  const { models, ...meta } = report;
  const fields: Record<string, string> = { meta: JSON.stringify(meta) };
  for (const m of models) fields[`model:${m.name}`] = JSON.stringify(m);
  await redis
    .multi()
    .del(key)
    .hset(key, fields)
    .expire(key, ttlSec)
    .zadd(modelsReportIndexKey(redisPrefix), Date.now() + ttlSec * 1000, report.workerId)
    .exec();
}

/**
 * Reads every live worker's models report: the workers named in the index whose reports have not
 * expired (expired index entries are dropped on the way), each hash read in one pipeline. Costs
 * O(workers), whatever else the Redis holds. Hashes that fail to parse (written by an
 * incompatible worker version) are skipped rather than failing the caller.
 *
 * @returns reports sorted by worker id; empty when no worker published within its TTL
 */
export async function readModelsReport(
  redis: Redis,
  redisPrefix = 'clapboard',
): Promise<WorkerModelsReport[]> {
  const index = modelsReportIndexKey(redisPrefix);
  const [, live] = (await redis
    .multi()
    .zremrangebyscore(index, '-inf', String(Date.now()))
    .zrange(index, '0', '-1')
    .exec()) as [[Error | null, number], [Error | null, string[]]];
  if (live[0]) throw live[0];
  const workerIds = [...live[1]].sort();
  if (workerIds.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of workerIds) pipeline.hgetall(modelsReportKeyPrefix(redisPrefix) + id);
  const hashes = ((await pipeline.exec()) ?? []) as Array<[Error | null, Record<string, string>]>;
  const reports: WorkerModelsReport[] = [];
  for (const [err, hash] of hashes) {
    if (err || !hash.meta) continue; // expired between the index read and HGETALL
    try {
      const models = Object.entries(hash)
        .filter(([field]) => field.startsWith('model:'))
        .map(([, value]) => JSON.parse(value) as unknown);
      const parsed = workerModelsReportSchema.safeParse({ ...JSON.parse(hash.meta), models });
      if (parsed.success)
        reports.push({
          ...parsed.data,
          models: parsed.data.models.sort((a, b) => a.name.localeCompare(b.name)),
        });
    } catch {
      // malformed JSON from another version: skip this worker
    }
  }
  return reports;
}
