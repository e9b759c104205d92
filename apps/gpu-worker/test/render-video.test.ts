import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { ffprobe } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRegistry, type ModelRegistry } from '../src/models/model-registry';
import { readPcm } from '../src/pipelines/render/pcm-wav';
import { parseVtt } from '../src/pipelines/render/subtitle-files';
import { mattingSpec } from '../src/vision/matting-model';
import { ppocrSpecs } from '../src/vision/ocr-models';
import { createTextRecognizer } from '../src/vision/recognize-text';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { enqueueRender, type TestProject } from './support/render-project';
import {
  assetText,
  assetToFile,
  audibleSpan,
  integratedLoudness,
  outputOf,
  renderWorker,
  SKIMAGE,
  uploadAsset,
} from './support/render-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-render-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

type Row = { status: string; error: string | null; outputs: JobOutput[] };
const jobRow = (h: JobHarness, id: string) =>
  h.db.sql<Row[]>`select status, error, outputs from jobs where id = ${id}`.then((r) => r[0]!);
const finished = (h: JobHarness, id: string, timeoutMs = 240_000) =>
  waitFor(
    () => jobRow(h, id),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    timeoutMs,
  );
const steps = (h: JobHarness, id: string) =>
  h.db.sql<
    { name: string; status: string }[]
  >`select name, status from job_steps where job_id = ${id} order by name`;

describe('render.video through the real queue, worker, Postgres, FFmpeg and TTS', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;
  let project: TestProject;
  let first: { jobId: string; outputs: JobOutput[] };
  let registry: ModelRegistry;

  beforeAll(async () => {
    h = await createJobHarness();
    // The runtime's real models: IS-Net matting cuts the portraits out, PP-OCR reads frames back.
    registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log: createLogger('render-test-models', { level: 'silent' }),
    });
    registry.register(mattingSpec());
    for (const spec of ppocrSpecs()) registry.register(spec);
    worker = renderWorker(h, store, { registry });
    await worker.ready();
    const astronaut = await uploadAsset(h, store, join(SKIMAGE, 'astronaut.png'), 'image', 'image/png');
    project = {
      scenes: [
        {
          id: 's1',
          heading: 'EXT. HARBOUR - NIGHT',
          synopsis: 'Mara waits on the pier',
          dialogue: [{ character: 'MARA', text: 'The ferry is late again.' }],
          shot: 'wide',
          camera: 'pan-right',
          durationSec: 2,
        },
        {
          id: 's2',
          heading: 'INT. CABIN - DAY',
          synopsis: 'Jonas pours the coffee',
          dialogue: [
            { character: 'JONAS', text: 'Sit down.' },
            { character: 'MARA', text: 'Thank you.' },
          ],
          shot: 'medium',
          camera: 'zoom-in',
          durationSec: 2,
        },
        {
          id: 's3',
          heading: 'EXT. ROAD - DUSK',
          synopsis: 'They drive away',
          dialogue: [{ character: 'JONAS', text: 'Home.' }],
          shot: 'close',
          camera: 'static',
          durationSec: 2,
        },
      ],
      characters: { MARA: { portraitAssetId: astronaut }, JONAS: {} },
    };
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await registry?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders a 3-scene, 2-character project: picture, sound, loudness, subtitles, progress', async () => {
    const { jobId, versionId } = await enqueueRender(h, project, { preset: { resolution: '480p' } });
    const watcher = await h.watch(jobId);
    const row = await finished(h, jobId);
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    first = { jobId, outputs: row.outputs };
    expect(row.outputs.map((o) => o.name).sort()).toEqual(
      ['poster', 'strip', 'subtitles.srt', 'subtitles.vtt', 'video'].sort(),
    );
    const video = outputOf(row.outputs, 'video');
    const meta = video.value as {
      versionId: string;
      shots: number[];
      transitionSec: number;
      durationSec: number;
    };
    expect(meta.versionId).toBe(versionId);

    const file = await assetToFile(h, store, video.assetId!, join(dir, 'render.mp4'));
    const probe = await ffprobe(file);
    const v = probe.streams.find((s) => s.codecType === 'video')!;
    const a = probe.streams.find((s) => s.codecType === 'audio')!;
    expect([v.codecName, v.width, v.height, v.fps]).toEqual(['h264', 854, 480, 24]);
    expect([a.codecName, a.sampleRate]).toEqual(['aac', 48_000]);
    const expected = meta.shots.reduce((s, d) => s + d, 0) - (meta.shots.length - 1) * meta.transitionSec;
    expect(meta.shots).toHaveLength(3);
    expect(meta.transitionSec).toBeCloseTo(0.5, 5);
    expect(Math.abs(probe.durationSec! - expected)).toBeLessThan(0.1);
    expect(Math.abs(v.durationSec! - expected)).toBeLessThan(0.1);

    const lufs = await integratedLoudness(file);
    expect(Math.abs(lufs - -16)).toBeLessThanOrEqual(1);

    // Cues against where speech is actually heard in each scene's voice track.
    const cues = parseVtt(await assetText(h, store, outputOf(row.outputs, 'subtitles.vtt').assetId!, dir));
    expect(cues.map((c) => [c.speaker, c.text])).toEqual([
      ['MARA', 'The ferry is late again.'],
      ['JONAS', 'Sit down.'],
      ['MARA', 'Thank you.'],
      ['JONAS', 'Home.'],
    ]);
    const [steps1] = await h.db.sql<{ outputs: JobOutput[] }[]>`
      select outputs from job_steps where job_id = ${jobId} and name = 'scene-1/voice'`;
    const voiceTrack = await assetToFile(h, store, steps1!.outputs[0]!.assetId!, join(dir, 'voice-1.wav'));
    const pcm = await readPcm(voiceTrack, dir, { sampleRate: 48_000 });
    const offset = meta.shots[0]! - meta.transitionSec;
    const firstLine = audibleSpan(
      pcm.subarray(0, Math.round((cues[1]!.endSec - offset + 0.1) * 48_000)),
      48_000,
    )!;
    expect(Math.abs(firstLine.startSec + offset - cues[1]!.startSec)).toBeLessThan(0.25);
    expect(Math.abs(firstLine.endSec + offset - cues[1]!.endSec)).toBeLessThan(0.25);
    const whole = audibleSpan(pcm, 48_000)!;
    expect(Math.abs(whole.endSec + offset - cues[2]!.endSec)).toBeLessThan(0.25);

    // Every frame carries its scene's caption, readable: OCR gives it back.
    const recognizer = await createTextRecognizer(registry);
    const letters = (t: string) => t.toLowerCase().replace(/[^a-z]/g, '');
    for (const [i, scene] of project.scenes.entries()) {
      const [step] = await h.db.sql<{ outputs: JobOutput[] }[]>`
        select outputs from job_steps where job_id = ${jobId} and name = ${`scene-${i}/frame`}`;
      const png = await assetToFile(h, store, step!.outputs[0]!.assetId!, join(dir, `frame-${i}.png`));
      const read = (await recognizer.recognize(png)).map((l) => l.text).join(' ');
      expect(letters(read), read).toContain(letters(scene.synopsis!));
    }

    // Progress: a stage per step, a preview as soon as each frame exists, an ETA along the way.
    await waitFor(
      () => watcher.finished.length,
      (n) => n === 1,
    );
    const previews = new Set(watcher.progress.map((p) => p.previewAssetId).filter(Boolean));
    expect(previews.size).toBe(3);
    const stages = watcher.progress.map((p) => p.stage).join('\n');
    for (const s of ['scene 1: frame', 'scene 2: voices', 'scene 3: shot', 'assemble: mixing'])
      expect(stages).toContain(s);
    expect(watcher.progress.some((p) => p.etaSec !== null)).toBe(true);
    expect(watcher.progress.at(-1)!.progress).toBe(100);
    // Each step reports its own percent too, and it only moves forward.
    const perStep = new Map<string, number[]>();
    for (const p of watcher.progress)
      if (p.step) perStep.set(p.step, [...(perStep.get(p.step) ?? []), p.stepProgress!]);
    expect(perStep.size).toBeGreaterThanOrEqual(3 * 3 + 2); // frame, voice, shot per scene; music; assemble
    for (const [step, values] of perStep) {
      expect([step, values.every((v, i) => v >= 0 && v <= 100 && (i === 0 || v >= values[i - 1]!))]).toEqual([
        step,
        true,
      ]);
      expect([step, values.at(-1)]).toEqual([step, 100]);
    }
  }, 120_000);

  it('changing one scene redoes that scene and the assembly only', async () => {
    const changed: TestProject = {
      ...project,
      scenes: project.scenes.map((s) =>
        s.id === 's2'
          ? {
              ...s,
              dialogue: [
                { character: 'JONAS', text: 'Sit down, please, the coffee is hot.' },
                s.dialogue![1]!,
              ],
            }
          : s,
      ),
    };
    const { jobId } = await enqueueRender(h, changed, { preset: { resolution: '480p' } });
    const row = await finished(h, jobId);
    expect(row.status).toBe('completed');
    const byName = Object.fromEntries((await steps(h, jobId)).map((s) => [s.name, s.status]));
    expect(byName).toEqual({
      'scene-0/frame': 'reused',
      'scene-0/voice': 'reused',
      'scene-0/shot': 'reused',
      'scene-1/frame': 'reused', // same characters, same caption: the picture did not change
      'scene-1/voice': 'completed',
      'scene-1/shot': 'completed',
      'scene-2/frame': 'reused',
      'scene-2/voice': 'reused',
      'scene-2/shot': 'reused',
      music: 'reused',
      assemble: 'completed',
    });
    const before = outputOf(first.outputs, 'video').value as { shots: number[] };
    const after = outputOf(row.outputs, 'video').value as { shots: number[] };
    expect(after.shots[0]).toBe(before.shots[0]);
    expect(after.shots[2]).toBe(before.shots[2]);
    expect(after.shots[1]).toBeGreaterThan(before.shots[1]!);
    const cues = parseVtt(await assetText(h, store, outputOf(row.outputs, 'subtitles.vtt').assetId!, dir));
    const old = parseVtt(await assetText(h, store, outputOf(first.outputs, 'subtitles.vtt').assetId!, dir));
    expect(cues[0]).toEqual(old[0]);
    expect(cues[1]!.text).toBe('Sit down, please, the coffee is hot.');
    // Scene 3 moves later by exactly how much longer scene 2 became.
    expect(cues[3]!.startSec - old[3]!.startSec).toBeCloseTo(after.shots[1]! - before.shots[1]!, 2);
  }, 120_000);
});
