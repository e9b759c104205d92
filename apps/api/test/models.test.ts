import { publishModelsReport } from '@clapboard/server/models-report';
import type { WorkerModelsReport } from '@clapboard/shared/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../src/auth/access-token';
import { createHarness, type Harness } from './harness';

describe('GET /api/v1/models', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await createHarness({}, []);
    const [u] = await h.db.sql<
      { id: string }[]
    >`insert into users (email, name, password_hash) values ('m@models.test', 'M', 'x') returning id`;
    token = (await signAccessToken(h.deps.jwtSecret, { userId: u!.id })).token;
  });
  afterAll(() => h.close());

  it('lists what each live worker published for this deployment, and nothing of other deployments', async () => {
    const report: WorkerModelsReport = {
      workerId: 'gpu-1',
      device: 'auto',
      activeProvider: 'cpu',
      deviceReason: 'CUDA provider libraries not found',
      updatedAt: new Date().toISOString(),
      models: [
        {
          name: 'silero-vad',
          task: 'voice-activity',
          version: '5',
          license: 'MIT',
          source: 'npm',
          origin: 'bundled',
          provider: 'cpu',
          fallbackReason: null,
          warm: true,
          runs: 3,
          status: 'ready',
          reason: null,
        },
      ] as WorkerModelsReport['models'],
      pipelines: [],
      unavailable: [],
      voices: [
        {
          id: 'provider:alloy',
          label: 'Alloy (openai)',
          source: 'provider',
          gender: null,
          available: true,
          reason: null,
        },
        {
          id: 'flite-slt',
          label: 'Flite, US female (slt)',
          source: 'bundled',
          gender: 'female',
          available: false,
          reason: 'flite not installed (no program "flite"): apt-get install flite',
        },
      ],
    };
    await publishModelsReport(h.redis, report, 30, h.deps.redisPrefix);
    await publishModelsReport(
      h.redis,
      { ...report, workerId: 'elsewhere' },
      30,
      `${h.deps.redisPrefix}-other`,
    );
    const res = await h.app.request('/api/v1/models', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ workers: [report] });
  });
});
