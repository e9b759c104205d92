import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAsset, saveJobFile } from '@clapboard/server/assets';
import { ffprobe, runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { seedLectureAnalysis } from '@clapboard/server/testing';
import type { HighlightsClipsPayload } from '@clapboard/shared/highlights';
import type { JobOutput } from '@clapboard/shared/jobs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, pipelineRegistry } from '../src/jobs/pipeline';
import { highlightsClipsPipeline } from '../src/pipelines/highlights-clips';
import { CLIP_SIZES } from '../src/pipelines/highlights-clips/clip-geometry';
import { parseVtt } from '../src/pipelines/render/subtitle-files';
import type { FaceDetector } from '../src/vision/detect-faces';
import { sharedFaceDetector } from '../src/vision/shared-face-detector';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, submitAsApi, waitFor } from './support/job-harness';
import { buildLectureFixture, type LectureFixture } from './support/lecture-fixture';

const SENTENCES = [
  'Heat always flows from hot things to cold things.',
  'The key idea is that energy spreads out.',
  'Why does a cup of tea cool down so fast?',
  'In summary, wait and everything cools.',
];

/** Integrated loudness (LUFS) of a file by FFmpeg's own EBU R128 meter (`ebur128`, its summary). */
function integratedLufs(file: string): number {
  const out = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128', '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  );
  const m = /Integrated loudness:\s*I:\s*(-?[\d.]+) LUFS/.exec(out.stderr);
  if (!m) throw new Error(`no ebur128 summary for ${file}`);
  return Number(m[1]);
}

/** SubRip cues back out (times in seconds, text on one line). */
function parseSrt(srt: string) {
  const t = (s: string) => {
    const [h, m, rest] = s.split(':') as [string, string, string];
    return Number(h) * 3600 + Number(m) * 60 + Number(rest.replace(',', '.'));
  };
  return srt
    .split(/\n\n+/)
    .map((b) => /(\d+:\d+:\d+,\d+) --> (\d+:\d+:\d+,\d+)\n([\s\S]*)/.exec(b.trim()))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ startSec: t(m[1]!), endSec: t(m[2]!), text: m[3]!.trim() }));
}

describe('highlights.clips through submit, the queue and the worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-clips-'));
  const store = createLocalBlobStore(join(dir, 'blobs'));
  let h: JobHarness;
  let worker: ClapboardWorker;
  let detector: FaceDetector;
  let fx: LectureFixture;
  let lectureId: string;
  let analysisJobId: string;
  let clipA: { candidateId: string; startSec: number; endSec: number };
  let firstRender: Awaited<ReturnType<typeof render>> | undefined;

  beforeAll(async () => {
    h = await createJobHarness();
    worker = h.createWorker({
      store,
      pipelines: pipelineRegistry([highlightsClipsPipeline({ store }) as Pipeline<never>]),
    });
    detector = await sharedFaceDetector();
    fx = await buildLectureFixture(dir, detector, SENTENCES, [0.4, 0.7, 0.7, 0.7, 0.5], 2);
    const assetId = await saveJobFile(h.db.sql, store, {
      projectId: h.projectId,
      jobId: '00000000-0000-4000-8000-000000000000',
      file: fx.video,
      kind: 'video',
      mime: 'video/mp4',
      name: 'lecture.mp4',
      durationSec: fx.durationSec,
    });
    const [lecture] = await h.db.sql<{ id: string }[]>`
      insert into lectures (project_id, title, asset_id, duration_sec, created_by)
      values (${h.projectId}, 'Heat, briefly', ${assetId}, ${fx.durationSec}, ${h.userId}) returning id`;
    lectureId = lecture!.id;
    analysisJobId = (
      await seedLectureAnalysis(h.db.sql, store, {
        projectId: h.projectId,
        lectureId,
        userId: h.userId,
        results: { transcript: fx.transcript, layout: fx.layout },
      })
    ).jobId;
    // A 5.2 s clip (the shortest allowed is 5 s) of the picture-in-picture part.
    clipA = { candidateId: 'c-a', startSec: fx.speakerFromSec - 5.25, endSec: fx.speakerFromSec - 0.05 };
    expect(clipA.startSec).toBeGreaterThan(0);
    expect(clipA.endSec).toBeLessThan(fx.durationSec);
    await worker.ready();
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Submits as the API does (the type's input checks, then the job service) and waits for the end. */
  async function render(params: Partial<HighlightsClipsPayload>) {
    const jobId = await submitAsApi(h, 'highlights.clips', { lectureId, analysisJobId, ...params });
    const row = await waitFor(
      async () =>
        (
          await h.db.sql<
            { status: string; outputs: JobOutput[]; error: string | null; warnings: string[] }[]
          >`
            select status, outputs, error, warnings from jobs where id = ${jobId}`
        )[0]!,
      (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
      60_000,
    ).catch(async (e) => {
      console.log(
        await h.db.sql`select name, status, progress, error from job_steps where job_id = ${jobId}`,
      );
      throw e;
    });
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    const files = new Map<string, string>();
    for (const o of row.outputs) {
      const [a] = await h.db.sql<{ storage_key: string; original_name: string }[]>`
        select storage_key, original_name from assets where id = ${o.assetId!}`;
      const file = join(
        dir,
        `${jobId}-${o.name}${a!.original_name.slice(a!.original_name.lastIndexOf('.'))}`,
      );
      await downloadAsset(store, a!.storage_key, file);
      files.set(o.name, file);
    }
    return { jobId, outputs: row.outputs, files, warnings: row.warnings };
  }

  /** A frame of a video at `t` seconds as raw RGB. */
  async function frameAt(file: string, t: number) {
    const png = join(dir, `frame-${Math.random().toString(36).slice(2)}.png`);
    await runFfmpeg(['-y', '-ss', t.toFixed(3), '-i', file, '-frames:v', '1', png]);
    return { png, ...(await sharp(png).raw().toBuffer({ resolveWithObject: true })) };
  }

  /** The checks every clip video passes: aspect, length, H.264 + AAC, loudness, sidecars. */
  async function checkClip(
    files: Map<string, string>,
    base: string,
    aspect: '9:16' | '1:1' | '16:9',
    clip: { startSec: number; endSec: number },
  ) {
    const video = files.get(base)!;
    const probe = await ffprobe(video);
    const v = probe.streams.find((s) => s.codecType === 'video')!;
    const a = probe.streams.find((s) => s.codecType === 'audio');
    const [w, hgt] = aspect.split(':').map(Number) as [number, number];
    expect(v.codecName).toBe('h264');
    expect(v.width! / v.height!).toBeCloseTo(w / hgt, 2);
    expect({ width: v.width, height: v.height }).toEqual(CLIP_SIZES[aspect]);
    expect(a?.codecName).toBe('aac');
    expect(Math.abs(probe.durationSec! - (clip.endSec - clip.startSec))).toBeLessThanOrEqual(0.1);
    // EBU R128 integrated loudness of the clip, by FFmpeg's own meter: −14 LUFS ± 1.5 LU.
    expect(Math.abs(integratedLufs(video) - -14)).toBeLessThanOrEqual(1.5);
    // Sidecars: both parse, times inside the clip, and together they say every word heard in it.
    const heard = fx.transcript.words
      .filter(
        (x) => (x.startSec + x.endSec) / 2 >= clip.startSec && (x.startSec + x.endSec) / 2 < clip.endSec,
      )
      .map((x) => x.word);
    expect(heard.length).toBeGreaterThan(6);
    const vtt = parseVtt(readFileSync(files.get(`${base}-vtt`)!, 'utf8'));
    const srt = parseSrt(readFileSync(files.get(`${base}-srt`)!, 'utf8'));
    for (const cues of [vtt, srt]) {
      expect(cues.map((c) => c.text).join(' ')).toBe(heard.join(' '));
      for (const c of cues) {
        expect(c.startSec).toBeGreaterThanOrEqual(0);
        expect(c.endSec).toBeLessThanOrEqual(clip.endSec - clip.startSec + 0.001);
        expect(c.endSec).toBeGreaterThan(c.startSec);
      }
    }
    expect(srt.map((c) => [c.startSec, c.endSec])).toEqual(vtt.map((c) => [c.startSec, c.endSec]));
    const thumb = await sharp(files.get(`${base}-thumb`)!).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual([
      'jpeg',
      CLIP_SIZES[aspect].width,
      CLIP_SIZES[aspect].height,
    ]);
    return { video, cues: vtt };
  }

  /** Faces the real detector finds in a frame, with their share of the frame's height. */
  async function facesAt(video: string, t: number) {
    const f = await frameAt(video, t);
    return (await detector.detect(f.png))
      .filter((d) => d.score >= 0.5)
      .map((d) => ({ ...d.box, share: d.box.height / f.info.height }));
  }

  it('speaker focus: each aspect a face-tracked crop with the face in it, captions, sidecars, −14 LUFS', async () => {
    const r = await render({
      clips: [clipA],
      aspects: ['9:16', '16:9'],
      layout: 'speaker',
      burnCaptions: true,
    });
    expect(r.outputs.map((o) => o.name)).toEqual([
      'clip-1-9x16',
      'clip-1-9x16-srt',
      'clip-1-9x16-vtt',
      'clip-1-9x16-thumb',
      'clip-1-16x9',
      'clip-1-16x9-srt',
      'clip-1-16x9-vtt',
      'clip-1-16x9-thumb',
    ]);
    expect(r.outputs[0]!.value).toMatchObject({
      candidateId: 'c-a',
      layoutUsed: 'speaker',
      burnedCaptions: true,
    });
    for (const aspect of ['9:16', '16:9'] as const) {
      const { video } = await checkClip(r.files, `clip-1-${aspect.replace(':', 'x')}`, aspect, clipA);
      // The picture-in-picture face (a sixth of the lecture frame) fills a good part of the crop.
      const faces = await facesAt(video, (clipA.endSec - clipA.startSec) / 2);
      expect(faces.length).toBe(1);
      expect(faces[0]!.share).toBeGreaterThan((fx.pipFace.height / 540) * 1.5);
    }
    firstRender = r;
  }, 60_000);

  it('burned-in captions: the caption band differs from the same clip without them, the picture above does not', async () => {
    const without = await render({
      clips: [clipA],
      aspects: ['9:16'],
      layout: 'speaker',
      burnCaptions: false,
    });
    const cue = parseVtt(readFileSync(firstRender!.files.get('clip-1-9x16-vtt')!, 'utf8'))[0]!;
    const t = (cue.startSec + cue.endSec) / 2;
    const a = await frameAt(firstRender!.files.get('clip-1-9x16')!, t);
    const b = await frameAt(without.files.get('clip-1-9x16')!, t);
    const { width, height } = a.info;
    const meanDiff = (y0: number, y1: number) => {
      let sum = 0;
      for (let y = Math.round(y0 * height); y < Math.round(y1 * height); y++)
        for (let x = 0; x < width * 3; x++)
          sum += Math.abs(a.data[y * width * 3 + x]! - b.data[y * width * 3 + x]!);
      return sum / ((Math.round(y1 * height) - Math.round(y0 * height)) * width * 3);
    };
    // 9:16 captions sit above the bottom fifth (where players put their buttons).
    const band = meanDiff(0.7, 0.8);
    const above = meanDiff(0, 0.5);
    const below = meanDiff(0.85, 1);
    expect(band).toBeGreaterThan(6);
    expect(above).toBeLessThan(1.5);
    expect(below).toBeLessThan(1.5);
  }, 60_000);

  it('split: the slide above the tracked speaker (9:16); slide: the slide letterboxed (1:1)', async () => {
    // The prepare step of clip A (face track, loudness) is reused from the first render.
    const split = await render({ clips: [clipA], aspects: ['9:16'], layout: 'split', burnCaptions: true });
    await checkClip(split.files, 'clip-1-9x16', '9:16', clipA);
    expect(split.outputs[0]!.value).toMatchObject({ layoutUsed: 'split', warnings: [] });
    // The slide's area on top (no face on it: the picture-in-picture is outside it), the speaker below.
    const faces = await facesAt(split.files.get('clip-1-9x16')!, 2);
    expect(faces.length).toBe(1);
    expect(faces[0]!.y).toBeGreaterThan(1280 * 0.4);

    const slide = await render({ clips: [clipA], aspects: ['1:1'], layout: 'slide', burnCaptions: false });
    await checkClip(slide.files, 'clip-1-1x1', '1:1', clipA);
    expect(slide.outputs[0]!.value).toMatchObject({ layoutUsed: 'slide' });
    const f = await frameAt(slide.files.get('clip-1-1x1')!, 1);
    // Letterboxed: black bars above and below the slide (its white card fills the middle).
    const row = (y: number) => {
      let sum = 0;
      for (let x = 0; x < f.info.width * 3; x++) sum += f.data[y * f.info.width * 3 + x]!;
      return sum / (f.info.width * 3);
    };
    expect(row(5)).toBeLessThan(20);
    expect(row(f.info.height - 5)).toBeLessThan(20);
    expect(row(f.info.height / 2)).toBeGreaterThan(150);
    // No face tracked for the slide layout, and none on the slide.
    expect(await facesAt(slide.files.get('clip-1-1x1')!, 1)).toEqual([]);
  }, 60_000);
});
