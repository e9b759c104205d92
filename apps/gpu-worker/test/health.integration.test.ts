import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@clapboard/server/logger';
import { readModelsReport } from '@clapboard/server/models-report';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthReport } from '../src/http/health-report';
import { createHealthServer } from '../src/http/health-server';
import { createModelRegistry, type ModelRegistry } from '../src/models/model-registry';
import { formatModelsMetrics } from '../src/models/models-metrics';
import { registerBundledModels } from '../src/models/register-bundled-models';
import { selectDevice } from '../src/models/select-device';
import { startModelsReport } from '../src/models/start-models-report';
import { castVoices } from '../src/pipelines/render/cast-voices';
import { createSpeechEngines, type SpeechEngines } from '../src/speech/speech-engines';
import { speechPrograms } from '../src/speech/speech-programs';

describe('worker health, metrics and models report (real ORT, Postgres, Redis)', () => {
  let db: TestDatabase;
  let redis: Redis;
  let registry: ModelRegistry;
  let engines: SpeechEngines;
  let server: Server;
  let base: string;
  const workerId = `health-test-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    const log = createLogger('health-test', { level: 'silent' });
    registry = createModelRegistry({ device: await selectDevice('auto', { log }), log });
    // Festival is made missing (as on a machine without the Debian package); the rest is installed.
    engines = createSpeechEngines({ programs: speechPrograms({ festival: '/nonexistent/bin/festival' }) });
    await engines.check();
    registerBundledModels(registry, engines);
    server = createHealthServer({
      sql: db.sql,
      redis,
      report: () => healthReport({ registry, workerId, queues: ['cpu'] }),
      metrics: () => formatModelsMetrics(registry),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await registry.close();
    await redis.del(`clapboard:models:${workerId}`);
    redis.disconnect();
    await db.drop();
  });

  it('/healthz reports the device, why CUDA is not used, and each model’s provider and warm state', async () => {
    await registry.load('silero-vad');
    const body = (await (await fetch(`${base}/healthz`)).json()) as ReturnType<typeof healthReport> & {
      status: string;
    };
    expect(body.status).toBe('ok');
    expect(body.device.requested).toBe('auto');
    if (body.device.activeProvider === 'cpu')
      expect(body.device.reason).toMatch(/CUDA execution provider did not load/);
    const byName = Object.fromEntries(body.models.map((m) => [m.name, m]));
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining([
        'silero-vad',
        'imgly-isnet',
        'ppocr-v4-det',
        'ppocr-v4-rec',
        'human-face',
        'rnnoise',
        'festival',
        'espeak-ng',
        'pocketsphinx',
      ]),
    );
    expect(byName['silero-vad']).toMatchObject({ provider: body.device.activeProvider, warm: true });
    expect(byName['imgly-isnet']).toMatchObject({ provider: body.device.activeProvider, warm: false });
    expect(byName['human-face']).toMatchObject({ provider: 'wasm' });
    expect(byName['silero-vad']).toMatchObject({ status: 'ready', reason: null });
    // Speech engines: ready only where the smoke run passed; the missing one says why and the fix.
    expect(byName.pocketsphinx).toMatchObject({
      provider: 'native',
      warm: true,
      status: 'ready',
      reason: null,
    });
    expect(byName.flite).toMatchObject({ status: 'ready', reason: null });
    expect(byName['espeak-ng']).toMatchObject({ status: 'ready', reason: null });
    expect(byName.festival).toMatchObject({
      provider: 'native',
      warm: false,
      status: 'unavailable',
      reason: expect.stringMatching(/^festival not installed: apt-get install festival festvox-kallpc16k /),
    });
  });

  it('/metrics exposes the provider per model in Prometheus text', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const provider = registry.device.provider;
    expect(text).toContain(`clapboard_worker_device_info{requested="auto",provider="${provider}"} 1`);
    expect(text).toContain(`clapboard_model_warm{model="silero-vad",provider="${provider}"} 1`);
    expect(text).toContain(`clapboard_model_warm{model="imgly-isnet",provider="${provider}"} 0`);
  });

  it('publishes the models report to Redis, where readModelsReport finds it', async () => {
    const publisher = startModelsReport({
      redis,
      registry,
      workerId,
      log: createLogger('x', { level: 'silent' }),
      intervalMs: 60_000,
      voices: () => castVoices(undefined, engines),
    });
    await publisher.publishNow();
    publisher.stop();
    const mine = (await readModelsReport(redis)).find((r) => r.workerId === workerId);
    expect(mine).toMatchObject({ device: 'auto', activeProvider: registry.device.provider });
    expect(mine!.models.find((m) => m.name === 'silero-vad')).toMatchObject({
      warm: true,
      license: 'MIT',
      origin: 'bundled',
    });
    expect(mine!.models.find((m) => m.name === 'festival')).toMatchObject({
      status: 'unavailable',
      reason: engines.state('festival').reason,
    });
    // What the web reads to offer voices: festival's unavailable with the reason, flite's offered.
    const voices = Object.fromEntries(mine!.voices.map((v) => [v.id, v]));
    expect(voices['festival-kal']).toMatchObject({
      available: false,
      reason: engines.state('festival').reason,
    });
    expect(voices['flite-slt']).toMatchObject({ available: true, gender: 'female', reason: null });
    expect(await redis.ttl(`clapboard:models:${workerId}`)).toBeGreaterThan(100);
  });
});
