import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRegistry, type ModelRegistry } from '../src/models/model-registry';
import { registerBundledModels } from '../src/models/register-bundled-models';
import { builtInPipelines } from '../src/pipelines';
import { defaultRenderDeps } from '../src/pipelines/render';
import { createSpeechEngines, type SpeechEngines } from '../src/speech/speech-engines';
import { speechPrograms } from '../src/speech/speech-programs';
import { createJobHarness, type JobHarness } from './support/job-harness';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-asr-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

describe('highlights.extract follows the PocketSphinx smoke run (real programs, Postgres, Redis)', () => {
  let h: JobHarness;
  let registry: ModelRegistry;
  beforeAll(async () => {
    h = await createJobHarness();
    const log = createLogger('asr-test', { level: 'silent' });
    registry = createModelRegistry({ device: { requested: 'cpu', provider: 'cpu', reason: null }, log });
  });
  afterAll(async () => {
    await registry?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const workerWith = (engines: SpeechEngines) =>
    h.createWorker({
      store,
      queues: ['cpu'],
      pipelines: builtInPipelines({
        store,
        render: defaultRenderDeps({ engines }),
        highlights: { registry, localUnavailable: () => engines.state('pocketsphinx').reason },
      }),
    });

  it('without PocketSphinx (and no provider) the worker declines the analysis and says why', async () => {
    const engines = createSpeechEngines({
      programs: speechPrograms({ pocketsphinx: join(dir, 'nowhere', 'pocketsphinx_continuous') }),
    });
    await engines.check(['pocketsphinx']);
    registerBundledModels(registry, engines);
    const worker = workerWith(engines);
    expect(worker.jobTypes).not.toContain('highlights.extract');
    expect(worker.declined).toContainEqual({
      type: 'highlights.extract',
      reason: expect.stringMatching(
        /^This worker cannot transcribe lectures: pocketsphinx not installed: apt-get install pocketsphinx pocketsphinx-en-us .*; or configure a transcription provider \(OPENAI_BASE_URL\)\.$/,
      ),
    });
    await worker.close();
  });

  it('with PocketSphinx installed the worker offers it', async () => {
    const engines = createSpeechEngines();
    await engines.check(['pocketsphinx']);
    const worker = workerWith(engines);
    expect(worker.jobTypes).toContain('highlights.extract');
    expect(worker.declined.map((d) => d.type)).not.toContain('highlights.extract');
    await worker.close();
  });
});
