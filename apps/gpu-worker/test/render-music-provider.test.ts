import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobStore, publishCancel } from '@clapboard/server/jobs';
import { runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/media/encode-wav';
import { readPcm } from '../src/pipelines/render/pcm-wav';
import { musicStyleFor, synthesizeMusic } from '../src/pipelines/render/synthesize-music';
import { createMusicProvider } from '../src/providers/create-music-provider';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { enqueueRender, type TestProject } from './support/render-project';
import { assetToFile, outputOf, renderWorker } from './support/render-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-music-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

const PROMPT = 'tense thriller strings';
/** One silent scene: the soundtrack is the music alone. */
const project: TestProject = {
  scenes: [{ id: 'dock', heading: 'EXT. DOCK - NIGHT', synopsis: 'Fog rolls in', durationSec: 4 }],
  settings: { transition: 'cut', musicPrompt: PROMPT },
};

type Row = { status: string; error: string | null; outputs: JobOutput[] };
const ended = (h: JobHarness, id: string, timeoutMs = 120_000) =>
  waitFor(
    () => h.db.sql<Row[]>`select status, error, outputs from jobs where id = ${id}`.then((r) => r[0]!),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    timeoutMs,
  );
type MusicValue = { sha256: string; source: string; warnings?: string[] };
const musicStep = (h: JobHarness, id: string) =>
  h.db.sql<{ status: string; outputs: JobOutput[] }[]>`
    select status, outputs from job_steps where job_id = ${id} and name = 'music'`.then((r) => ({
    status: r[0]!.status,
    value: r[0]!.outputs[0]?.value as MusicValue,
  }));

/** In-place iterative radix-2 FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const a = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len)
      for (let k = 0; k < len / 2; k++) {
        const [wr, wi] = [Math.cos(a * k), Math.sin(a * k)];
        const [xr, xi] = [re[i + k + len / 2]!, im[i + k + len / 2]!];
        const [tr, ti] = [xr * wr - xi * wi, xr * wi + xi * wr];
        re[i + k + len / 2] = re[i + k]! - tr;
        im[i + k + len / 2] = im[i + k]! - ti;
        re[i + k]! += tr;
        im[i + k]! += ti;
      }
  }
}

/** The strongest frequency (Hz) in 2^15 samples from the middle of the clip (Hann window, 1.5 Hz bins). */
function dominantFrequency(samples: Float32Array, rate: number): number {
  const n = 1 << 15;
  const from = Math.max(0, Math.floor((samples.length - n) / 2));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++)
    re[i] = (samples[from + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  fft(re, im);
  let best = 1;
  for (let k = 1; k < n / 2; k++) if (re[k]! ** 2 + im[k]! ** 2 > re[best]! ** 2 + im[best]! ** 2) best = k;
  return (best * rate) / n;
}

/** The strongest frequency in the finished video's soundtrack. */
async function soundtrackPeak(h: JobHarness, row: Row, name: string): Promise<number> {
  const video = await assetToFile(
    h,
    store,
    outputOf(row.outputs, 'video').assetId!,
    join(dir, `${name}.mp4`),
  );
  return dominantFrequency(await readPcm(video, dir, { sampleRate: 48_000 }), 48_000);
}

describe('render.video music from a provider, against a real local HTTP server', () => {
  let h: JobHarness;
  let server: Server;
  let base: string;
  let worker: ClapboardWorker | undefined;
  const tones = new Map<number, Buffer>();
  const calls: Array<{ path: string; auth?: string; body: Record<string, unknown> }> = [];
  const dropped: string[] = [];
  let flakyCalls = 0;

  beforeAll(async () => {
    h = await createJobHarness();
    // Real WAVs FFmpeg made: sines at frequencies no chord of the synthesized bed is built on.
    for (const hz of [1000, 1500]) {
      const file = join(dir, `tone-${hz}.wav`);
      await runFfmpeg([
        '-y',
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=${hz}:duration=8`,
        '-ar',
        '44100',
        '-ac',
        '1',
        file,
      ]);
      tones.set(hz, readFileSync(file));
    }
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const path = req.url ?? '';
      calls.push({
        path,
        auth: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      req.socket.once('close', () => {
        if (!res.writableEnded) dropped.push(path);
      });
      const wav = (hz: number) => {
        res.writeHead(200, { 'content-type': 'audio/wav' });
        res.end(tones.get(hz));
      };
      if (path.startsWith('/tone/')) return wav(Number(path.slice(6)));
      if (path === '/broken') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('model crashed');
      }
      if (path === '/garbage') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body>Welcome to nginx!</body></html>');
      }
      if (path === '/flaky') {
        flakyCalls++;
        if (flakyCalls === 1) {
          res.writeHead(503);
          return res.end('warming up');
        }
        return wav(1000);
      }
      // '/slow' never answers.
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startWorker(path: string, timeoutMs = 20_000): Promise<string> {
    const url = `${base}${path}`;
    const music = createMusicProvider({ url, apiKey: 'music-key', timeoutMs });
    worker = renderWorker(h, store, { music });
    await worker.ready();
    return `provider:music provider ${url}`;
  }

  /** sha256 of the synthesized bed for PROMPT, as the music step stores it. */
  const bedSha = () =>
    createHash('sha256')
      .update(encodeWav({ samples: synthesizeMusic(musicStyleFor(PROMPT), 48_000), sampleRate: 48_000 }))
      .digest('hex');

  it("the soundtrack is the provider's track, asked for with the mood, length and seed; a re-render reuses it", async () => {
    const source = await startWorker('/tone/1000');
    const { jobId } = await enqueueRender(h, project, { preset: { resolution: '480p' } });
    const row = await ended(h, jobId);
    expect(row.error).toBeNull();
    expect((await musicStep(h, jobId)).value).toMatchObject({ source });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.auth).toBe('Bearer music-key');
    expect(calls[0]!.body).toEqual({
      prompt: `Instrumental background music for a film, tense mood: ${PROMPT}`,
      durationSec: 30,
      seed: expect.any(Number),
    });
    expect(Math.abs((await soundtrackPeak(h, row, 'a')) - 1000)).toBeLessThan(3);

    const again = await enqueueRender(h, project, { preset: { resolution: '480p' } });
    expect((await ended(h, again.jobId)).status).toBe('completed');
    expect((await musicStep(h, again.jobId)).status).toBe('reused');
    expect(calls).toHaveLength(1);
  });

  it('switching providers makes new music', async () => {
    const source = await startWorker('/tone/1500');
    const { jobId } = await enqueueRender(h, project, { preset: { resolution: '480p' } });
    const row = await ended(h, jobId);
    expect(row.status).toBe('completed');
    expect(await musicStep(h, jobId)).toMatchObject({ status: 'completed', value: { source } });
    expect(Math.abs((await soundtrackPeak(h, row, 'b')) - 1500)).toBeLessThan(3);
  });

  it.each([
    ['/broken', /^The music provider failed \(.*answered 500\); a synthesized tense bed plays instead\.$/],
    [
      '/garbage',
      /^The music provider failed \(.*text\/html that is not WAV, MP3, FLAC or Ogg audio\.\); a synthesized tense bed/,
    ],
  ])(
    'a provider at %s: the synthesized bed plays, with a warning, and the render completes',
    async (path, warning) => {
      await startWorker(path);
      const { jobId } = await enqueueRender(h, project, { preset: { resolution: '480p' } });
      const row = await ended(h, jobId);
      expect(row.error).toBeNull();
      expect(row.status).toBe('completed');
      const { value } = await musicStep(h, jobId);
      expect(value.source).toBe('synthesized:tense');
      expect(value.warnings).toHaveLength(1);
      expect(value.warnings![0]).toMatch(warning);
      expect(value.sha256).toBe(bedSha());
      const peak = await soundtrackPeak(h, row, path.slice(1));
      expect(Math.abs(peak - 1000)).toBeGreaterThan(20);
      expect(Math.abs(peak - 1500)).toBeGreaterThan(20);
    },
  );

  it('a stand-in bed is not cached: the next render asks the provider again and gets its track', async () => {
    const source = await startWorker('/flaky');
    const first = await enqueueRender(h, project, { preset: { resolution: '480p' } });
    expect((await ended(h, first.jobId)).status).toBe('completed');
    expect((await musicStep(h, first.jobId)).value.source).toBe('synthesized:tense');
    const second = await enqueueRender(h, project, { preset: { resolution: '480p' } });
    const row = await ended(h, second.jobId);
    expect(await musicStep(h, second.jobId)).toMatchObject({ status: 'completed', value: { source } });
    expect(flakyCalls).toBe(2);
    expect(Math.abs((await soundtrackPeak(h, row, 'flaky')) - 1000)).toBeLessThan(3);
  });

  it('a provider that does not answer in time: the bed plays and the progress message says why', async () => {
    await startWorker('/slow', 1_500);
    const { jobId } = await enqueueRender(h, project, { preset: { resolution: '480p' } });
    const watcher = await h.watch(jobId);
    const row = await ended(h, jobId);
    expect(row.status).toBe('completed');
    const { value } = await musicStep(h, jobId);
    expect(value.source).toBe('synthesized:tense');
    expect(value.warnings![0]).toMatch(/^The music provider failed \(Could not reach .*\/slow: .*timeout/);
    expect(watcher.progress.map((p) => p.message)).toContain(value.warnings![0]);
  });

  it('cancelling while the provider works drops its request and cancels the render (no stand-in)', async () => {
    await startWorker('/slow', 60_000);
    const { jobId } = await enqueueRender(h, project, { preset: { resolution: '480p' } });
    const before = dropped.length;
    const asked = calls.length;
    await waitFor(
      () => calls.length,
      (n) => n > asked,
    );
    await jobStore.requestCancel(h.db.sql, jobId);
    await publishCancel(h.redis, jobId, h.prefix);
    expect((await ended(h, jobId, 20_000)).status).toBe('cancelled');
    expect((await musicStep(h, jobId)).status).toBe('cancelled');
    await waitFor(
      () => dropped.length,
      (n) => n > before,
      5_000,
    );
  });
});
