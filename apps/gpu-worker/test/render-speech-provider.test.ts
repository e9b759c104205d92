import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/media/encode-wav';
import { castVoices } from '../src/pipelines/render/cast-voices';
import type { VoiceValue } from '../src/pipelines/render/voice-step';
import { createOpenAiCompatibleProviders } from '../src/providers/create-openai-compatible-providers';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { enqueueRender, type TestProject } from './support/render-project';
import { renderWorker } from './support/render-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-speech-'));
const store = createLocalBlobStore(join(dir, 'blobs'));
const RATE = 24_000;

/** What the local server says for `text`: a tone of 0.4 s + 40 ms per character, so its length is known. */
const spokenSec = (text: string) => 0.4 + 0.04 * text.length;
function speechWav(text: string): Buffer {
  const n = Math.round(spokenSec(text) * RATE);
  const samples = new Float32Array(n).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / RATE));
  return encodeWav({ samples, sampleRate: RATE });
}

type Row = { status: string; error: string | null; outputs: JobOutput[] };
const ended = (h: JobHarness, id: string) =>
  waitFor(
    () => h.db.sql<Row[]>`select status, error, outputs from jobs where id = ${id}`.then((r) => r[0]!),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    120_000,
  );
const voiceOf = (h: JobHarness, jobId: string, scene: number) =>
  h.db.sql<{ status: string; outputs: JobOutput[] }[]>`
    select status, outputs from job_steps where job_id = ${jobId} and name = ${`scene-${scene}/voice`}`.then(
    (r) => ({ status: r[0]!.status, value: r[0]!.outputs[0]!.value as VoiceValue }),
  );

describe('render.video voices from an OpenAI-compatible speech provider (real local HTTP server)', () => {
  let h: JobHarness;
  let server: Server;
  let worker: ClapboardWorker;
  const calls: Array<{ model: string; voice: string; input: string }> = [];
  /** Voices the server refuses with a 500, as a provider that is down would. */
  const broken = new Set<string>();

  beforeAll(async () => {
    h = await createJobHarness();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const request = JSON.parse(body) as { model: string; voice: string; input: string };
        calls.push(request);
        if (req.url !== '/v1/audio/speech' || broken.has(request.voice)) {
          res.writeHead(500).end('model crashed');
          return;
        }
        res.writeHead(200, { 'content-type': 'audio/wav' }).end(speechWav(request.input));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { synthesizer } = createOpenAiCompatibleProviders({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      chatModel: 'none',
      imageModel: 'none',
      transcribeModel: 'none',
      speechModel: 'kokoro',
      timeoutMs: 10_000,
    });
    worker = renderWorker(h, store, { speech: synthesizer });
    await worker.ready();
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    if (server) await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const story: TestProject = {
    scenes: [
      {
        id: 'deck',
        heading: 'EXT. DECK - DAY',
        dialogue: [
          { character: 'ANA', text: 'Wind is rising.' },
          { character: 'BO', text: 'Then we sail.' },
          { character: 'CY', text: 'Not with me.' },
        ],
      },
    ],
    // CY chose a bundled voice: the provider is never asked for it.
    characters: { CY: { voice: 'flite-slt' } },
    settings: { transition: 'cut' },
  };

  it('offers the provider voices first, and speaks each character with them; subtitles time the provider audio', async () => {
    expect(castVoices().map((v) => v.id)).not.toContain('provider:alloy');
    const { jobId } = await enqueueRender(h, story, { preset: { resolution: '480p' } });
    const row = await ended(h, jobId);
    expect(row.error).toBeNull();
    const { value } = await voiceOf(h, jobId, 0);
    // Characters without a voice get the provider's in cast order (ANA, BO, CY sorted).
    expect(value.lines.map((l) => l.voice)).toEqual(['provider:alloy', 'provider:echo', 'flite-slt']);
    expect(calls).toEqual([
      { model: 'kokoro', voice: 'alloy', input: 'Wind is rising.', response_format: 'wav' },
      { model: 'kokoro', voice: 'echo', input: 'Then we sail.', response_format: 'wav' },
    ]);
    // The lines last as long as the audio the provider returned.
    for (const line of value.lines.slice(0, 2))
      expect(Math.abs(line.endSec - line.startSec - spokenSec(line.text))).toBeLessThan(0.03);
    expect(value.warnings).toBeUndefined();
  }, 120_000);

  it('a provider voice that fails: a bundled voice speaks, the step says so and is not kept for reuse', async () => {
    broken.add('echo');
    calls.length = 0;
    // New words, so nothing of the first render is reused.
    const scene = story.scenes[0]!;
    const changed: TestProject = {
      ...story,
      scenes: [{ ...scene, dialogue: scene.dialogue!.map((l) => ({ ...l, text: `${l.text} Now!` })) }],
    };
    const first = await enqueueRender(h, changed, { preset: { resolution: '480p' } });
    expect((await ended(h, first.jobId)).status).toBe('completed');
    const voice = await voiceOf(h, first.jobId, 0);
    expect(voice.value.warnings).toEqual([
      expect.stringMatching(
        /^The speech provider could not speak with echo \(.*500.*\); Festival, US male .* spoke instead\.$/,
      ),
    ]);
    const [job] = await h.db.sql<
      { warnings: string[] }[]
    >`select warnings from jobs where id = ${first.jobId}`;
    expect(job!.warnings).toEqual(voice.value.warnings);
    // BO's line still got spoken (by festival), with its own length.
    const bo = voice.value.lines[1]!;
    expect(bo.endSec - bo.startSec).toBeGreaterThan(0.3);
    expect(Math.abs(bo.endSec - bo.startSec - spokenSec(bo.text))).toBeGreaterThan(0.03);

    // Once the provider is back, the next render asks it again instead of reusing the stand-in.
    broken.clear();
    calls.length = 0;
    const again = await enqueueRender(h, changed, { preset: { resolution: '480p' } });
    expect((await ended(h, again.jobId)).status).toBe('completed');
    const redone = await voiceOf(h, again.jobId, 0);
    expect(redone.status).toBe('completed');
    expect(redone.value.warnings).toBeUndefined();
    expect(calls.map((c) => c.voice)).toEqual(['alloy', 'echo']);
  }, 180_000);
});
