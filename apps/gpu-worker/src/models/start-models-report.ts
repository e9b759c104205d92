import type { Logger } from '@clapboard/server/logger';
import { publishModelsReport } from '@clapboard/server/models-report';
import type { Redis } from '@clapboard/server/redis';
import type { VoiceOption, WorkerModelsReport } from '@clapboard/shared/models';
import type { ModelRegistry } from './model-registry';

/** The registry's state as the report the API reads (`readModelsReport`). */
export function buildModelsReport(
  registry: ModelRegistry,
  workerId: string,
  voices: readonly VoiceOption[] | (() => readonly VoiceOption[]) = [],
  pipelines: readonly string[] = [],
  unavailable: ReadonlyArray<{ type: string; reason: string }> = [],
): WorkerModelsReport {
  return {
    workerId,
    device: registry.device.requested,
    activeProvider: registry.device.provider,
    deviceReason: registry.device.reason,
    updatedAt: new Date().toISOString(),
    models: registry.report(),
    voices: [...(typeof voices === 'function' ? voices() : voices)],
    pipelines: [...pipelines],
    unavailable: unavailable.map((u) => ({ type: u.type, reason: u.reason })),
  };
}

/**
 * Publishes the models report now and then every `intervalMs` (default 15 s) with a TTL of three
 * intervals, so a worker that dies drops out of `GET /api/v1/models` within 45 s. Publish failures
 * are logged and retried on the next tick.
 *
 * @returns stop(): clears the timer and deletes nothing (the TTL expires the hash)
 */
export function startModelsReport(deps: {
  redis: Redis;
  /** REDIS_PREFIX of the deployment; default `clapboard`. */
  redisPrefix?: string;
  registry: ModelRegistry;
  workerId: string;
  /** Voices renders on this worker can speak with (see castVoices), read at each publish. */
  voices?: readonly VoiceOption[] | (() => readonly VoiceOption[]);
  /** Job types the worker runs, so the API offers and accepts only those. */
  pipelines?: readonly string[];
  /** Types it has a pipeline for but declines as configured, with the reason the API passes on. */
  unavailable?: ReadonlyArray<{ type: string; reason: string }>;
  log: Logger;
  intervalMs?: number;
}): { publishNow(): Promise<void>; stop(): void } {
  const interval = deps.intervalMs ?? 15_000;
  const ttlSec = Math.max(1, Math.ceil((interval * 3) / 1000));
  const publishNow = () =>
    publishModelsReport(
      deps.redis,
      buildModelsReport(deps.registry, deps.workerId, deps.voices, deps.pipelines, deps.unavailable),
      ttlSec,
      deps.redisPrefix,
    ).catch((err) => deps.log.warn({ err: (err as Error).message }, 'could not publish the models report'));
  void publishNow();
  const timer = setInterval(publishNow, interval);
  timer.unref();
  return { publishNow, stop: () => clearInterval(timer) };
}
