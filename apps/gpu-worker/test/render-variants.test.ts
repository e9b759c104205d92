import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffprobe } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { type VariantVideoValue, variantOutputName } from '@clapboard/shared/render-result';
import { transitionSeconds } from '@clapboard/shared/render-timing';
import { fitVariant } from '@clapboard/shared/variant-fit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInPipelines } from '../src/pipelines';
import { defaultRenderDeps } from '../src/pipelines/render';
import { parseVtt } from '../src/pipelines/render/subtitle-files';
import type { VoiceValue } from '../src/pipelines/render/voice-step';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { submitVariants, type TestProject } from './support/render-project';
import { assetText, assetToFile, outputOf } from './support/render-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-variants-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

type Row = { status: string; error: string | null; outputs: JobOutput[]; cost_actual_usd: string };
const finished = (h: JobHarness, id: string) =>
  waitFor(
    () =>
      h.db.sql<Row[]>`select status, error, outputs, cost_actual_usd from jobs where id = ${id}`.then(
        (r) => r[0]!,
      ),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    300_000,
  );
const stepsOf = (h: JobHarness, id: string) =>
  h.db.sql<{ name: string; status: string; outputs: JobOutput[] }[]>`
    select name, status, outputs from job_steps where job_id = ${id} order by name`;

const HOOK = 'Look what came in the post today, the new grinder we ordered last week.';
const TASTE = 'That is the best coffee I have had in years, and I have had a lot of coffee.';
const CTA = 'Order yours today from our shop and get free delivery on your first order.';
/**
 * A storyboard of about 22 s: a hook, a silent middle scene, a middle scene with a long line, and
 * a call to action. Fifteen seconds cannot hold it even with every silence trimmed: vertical-15
 * leaves out the middle scenes (the silent one first).
 */
const project: TestProject = {
  scenes: [
    {
      id: 'hook',
      heading: 'INT. KITCHEN - DAY',
      synopsis: 'Ana opens the box',
      dialogue: [{ character: 'ANA', text: HOOK }],
      shot: 'medium',
      camera: 'zoom-in',
      durationSec: 5,
    },
    { id: 'pour', heading: 'INT. KITCHEN - DAY', synopsis: 'Coffee pours', shot: 'close', durationSec: 5 },
    {
      id: 'taste',
      heading: 'INT. KITCHEN - DAY',
      synopsis: 'Ben tastes it',
      dialogue: [{ character: 'BEN', text: TASTE }],
      shot: 'medium',
      camera: 'pan-right',
      durationSec: 5,
    },
    {
      id: 'cta',
      heading: 'EXT. STREET - DAY',
      synopsis: 'Order yours today',
      dialogue: [{ character: 'ANA', text: CTA }],
      shot: 'wide',
      durationSec: 5,
    },
  ],
  characters: { ANA: {}, BEN: {} },
};
const LINES = 3;
const SIZES = { 'vertical-15': [480, 854], 'square-30': [480, 480], 'landscape-60': [854, 480] } as const;

describe('render.variants: a 3-preset matrix through the real queue, worker, Postgres, FFmpeg and TTS', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;
  let spoken = 0;
  let jobId: string;

  beforeAll(async () => {
    h = await createJobHarness();
    const render = defaultRenderDeps();
    // The real speech engines, counted: each line of the storyboard must be spoken once for all variants.
    const speak = render.models.speak;
    render.models.speak = (...args) => {
      spoken++;
      return speak(...args);
    };
    worker = h.createWorker({ queues: ['gpu'], store, pipelines: builtInPipelines({ store, render }) });
    await worker.ready();
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    // KEEP=1 leaves the rendered files for a look.
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
    else console.info('rendered files in', dir);
  });

  it('renders one file per variant at its aspect, fitted to its length, each voice spoken once', async () => {
    const submitted = await submitVariants(
      h,
      project,
      [{ preset: 'vertical-15' }, { preset: 'square-30' }, { preset: 'landscape-60' }],
      { resolution: '480p' },
    );
    jobId = submitted.jobId;
    const watcher = await h.watch(jobId);
    const row = await finished(h, jobId);
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');

    // Shared work ran once: a voice and a plate per scene, one music bed, then one shots and one assemble step.
    const steps = await stepsOf(h, jobId);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['assemble', 'completed'],
      ['music', 'completed'],
      ['scene-0/frame', 'completed'],
      ['scene-0/voice', 'completed'],
      ['scene-1/frame', 'completed'],
      ['scene-1/voice', 'completed'],
      ['scene-2/frame', 'completed'],
      ['scene-2/voice', 'completed'],
      ['scene-3/frame', 'completed'],
      ['scene-3/voice', 'completed'],
      ['shots', 'completed'],
    ]);
    expect(spoken).toBe(LINES);

    // The fitting rule, from the voices as spoken: vertical-15 leaves out the silent middle scene.
    const voices = steps
      .filter((s) => s.name.endsWith('/voice'))
      .map((s) => s.outputs[0]!.value as VoiceValue);
    const fitScenes = voices.map((v) => ({
      naturalSec: v.durationSec,
      lineEndsSec: v.lines.map((l) => l.endSec),
    }));
    const T = transitionSeconds('crossfade', 24);
    const variants = await h.db.sql<
      { key: string; status: string; video_asset_id: string; poster_asset_id: string; cost_usd: string }[]
    >`select key, status, video_asset_id, poster_asset_id, cost_usd from variants where job_id = ${jobId}`;
    expect(variants).toHaveLength(3);
    let costs = 0;
    for (const [key, [width, height]] of Object.entries(SIZES)) {
      const target = Number(key.split('-')[1]);
      const expected = fitVariant(fitScenes, { targetSec: target, transitionSec: T, fps: 24 });
      const video = outputOf(row.outputs, variantOutputName(key, 'video'));
      const value = video.value as VariantVideoValue;
      expect(value.fit.dropped, key).toEqual(expected.dropped);
      const file = await assetToFile(h, store, video.assetId!, join(dir, `${key}.mp4`));
      const probe = await ffprobe(file);
      const v = probe.streams.find((s) => s.codecType === 'video')!;
      const a = probe.streams.find((s) => s.codecType === 'audio')!;
      expect([key, v.codecName, v.width, v.height, a.codecName]).toEqual([key, 'h264', width, height, 'aac']);
      expect(Math.abs(probe.durationSec! - expected.totalSec), key).toBeLessThan(0.1);
      expect(probe.durationSec!, key).toBeLessThanOrEqual(target + 0.05);
      // Each variant's subtitles carry the lines of the scenes it keeps.
      const cues = parseVtt(
        await assetText(
          h,
          store,
          outputOf(row.outputs, variantOutputName(key, 'subtitles.vtt')).assetId!,
          dir,
        ),
      );
      const lines = [HOOK, TASTE, CTA].filter((_, i) => !expected.dropped.includes([0, 2, 3][i]!));
      expect(cues.map((c) => c.text)).toEqual(lines);
      const rowOf = variants.find((r) => r.key === key)!;
      expect(rowOf).toMatchObject({ status: 'ready', video_asset_id: video.assetId });
      expect(rowOf.poster_asset_id).toBe(value.posterAssetId);
      expect(Number(rowOf.cost_usd)).toBeGreaterThan(0);
      costs += Number(rowOf.cost_usd);
    }
    expect(outputOf(row.outputs, variantOutputName('vertical-15', 'video')).value).toMatchObject({
      fit: { dropped: [1, 2], targetSec: 15 },
    });
    // The storyboard is shorter than 30 and 60 s: both keep it whole, at its own length.
    const square = outputOf(row.outputs, variantOutputName('square-30', 'video')).value as VariantVideoValue;
    const landscape = outputOf(row.outputs, variantOutputName('landscape-60', 'video'))
      .value as VariantVideoValue;
    expect(square.durationSec).toBeCloseTo(landscape.durationSec, 6);
    expect(square.fit.dropped).toEqual([]);
    // The cost shares add up to the job's cost.
    expect(costs).toBeCloseTo(Number(row.cost_actual_usd), 4);

    // Progress over the whole matrix: never backwards, an ETA along the way, 100 only at the end.
    await waitFor(
      () => watcher.finished.length,
      (n) => n === 1,
    );
    const progress = watcher.progress.map((p) => p.progress);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1]!)).toBe(true);
    expect(progress.slice(0, -1).every((p) => p < 100)).toBe(true);
    expect(progress.at(-1)).toBe(100);
    expect(watcher.progress.some((p) => p.etaSec !== null && p.etaSec > 0)).toBe(true);
    expect(watcher.progress.map((p) => p.stage).join('\n')).toContain('shots: encoding');
  }, 300_000);

  it('the same matrix again reuses every step but the assembly (a new pinned version), and speaks nothing', async () => {
    const before = spoken;
    const { jobId: again } = await submitVariants(
      h,
      project,
      [{ preset: 'vertical-15' }, { preset: 'square-30' }, { preset: 'landscape-60' }],
      { resolution: '480p' },
    );
    const row = await finished(h, again);
    expect(row.status).toBe('completed');
    const steps = await stepsOf(h, again);
    expect(steps.filter((s) => s.status !== 'reused').map((s) => [s.name, s.status])).toEqual([
      ['assemble', 'completed'],
    ]);
    expect(spoken).toBe(before);
    const [ready] = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from variants where job_id = ${again} and status = 'ready'`;
    expect(ready!.n).toBe(3);
  }, 120_000);
});
