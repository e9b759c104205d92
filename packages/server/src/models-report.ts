import { type WorkerModelsReport, workerModelsReportSchema } from '@clapboard/shared/models';
import type { Redis } from 'ioredis';

/** Key prefix of the per-worker hashes; one hash per worker id. */
export const MODELS_REPORT_PREFIX = 'clapboard:models:';

/** Key prefix of the per-worker hashes under a deployment's REDIS_PREFIX. */
export function modelsReportKeyPrefix(redisPrefix: string): string {
  return `${redisPrefix}:models:`;
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
  await redis.multi().del(key).hset(key, fields).expire(key, ttlSec).exec();
}

/**
 * Reads every live worker's models report (SCAN over `clapboard:models:*`). Hashes that fail to
 * parse (written by an incompatible worker version) are skipped rather than failing the caller.
 *
 * @returns reports sorted by worker id; empty when no worker published within its TTL
 */
export async function readModelsReport(
  redis: Redis,
  redisPrefix = 'clapboard',
): Promise<WorkerModelsReport[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(
      cursor,
      'MATCH',
      `${modelsReportKeyPrefix(redisPrefix)}*`,
      'COUNT',
      200,
    );
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const reports: WorkerModelsReport[] = [];
  for (const key of [...new Set(keys)].sort()) {
    const hash = await redis.hgetall(key);
    if (!hash.meta) continue; // expired between SCAN and HGETALL
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
