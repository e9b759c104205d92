import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { downloadAsset } from '@clapboard/server/assets';
import { JobInputError, jobInputsOf } from '@clapboard/server/jobs';
import { ffprobe } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { editLesson, seedLesson } from '@clapboard/server/testing';
import { lessonChaptersSchema } from '@clapboard/shared/lessons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, pipelineRegistry } from '../src/jobs/pipeline';
import { lessonDeps } from '../src/pipelines';
import { LESSON_FPS, PREVIEW_FPS, portraitLessonPipeline } from '../src/pipelines/portrait-lesson';
import { defaultRenderDeps } from '../src/pipelines/render';
import { parseVtt } from '../src/pipelines/render/subtitle-files';
import { createSpeechEngines } from '../src/speech/speech-engines';
import { speechPrograms } from '../src/speech/speech-programs';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, submitAsApi, waitFor } from './support/job-harness';
import { mouthEnvelopeCorrelation } from './support/lesson-video-checks';

const run = promisify(execFile);
const SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data';
const dir = mkdtempSync(join(tmpdir(), 'clapboard-lesson-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

const sections = [
  {
    title: 'Why drills matter',
    narration:
      'Welcome. Fire drills matter because a calm, practised exit saves lives. Today we look at the two things to remember.',
    slide: { title: 'Why drills matter', bullets: ['Practice makes the exit calm', 'Know two ways out'] },
  },
  {
    title: 'When the alarm sounds',
    narration: 'When the alarm sounds, stop what you are doing, leave at once, and meet your team outside.',
    slide: null,
  },
];

/** The two-section fire-drill lesson on the astronaut portrait, with `content` on top. */
function seedFireDrill(h: JobHarness, content?: Parameters<typeof seedLesson>[2]['content']) {
  return seedLesson(h.db.sql, store, {
    projectId: h.projectId,
    userId: h.userId,
    portrait: join(SKIMAGE, 'astronaut.png'),
    title: 'Fire drills',
    sections,
    ...(content ? { content } : {}),
  });
}

/** The job once it has ended, with its warnings and outputs. */
function finished(h: JobHarness, jobId: string, timeoutMs = 60_000) {
  return waitFor(
    async () =>
      (
        await h.db.sql<{ status: string; error: string | null; warnings: string[]; outputs: never[] }[]>`
        select status, error, warnings, outputs from jobs where id = ${jobId}`
      )[0]!,
    (j) => ['completed', 'failed', 'cancelled'].includes(j.status),
    timeoutMs,
  );
}

/** A ready worker running only the lesson pipeline with `render`'s speech and encoder. */
async function lessonWorker(h: JobHarness, render: ReturnType<typeof defaultRenderDeps>) {
  const pipeline = portraitLessonPipeline(lessonDeps(store, render));
  const worker = h.createWorker({ store, pipelines: pipelineRegistry([pipeline as Pipeline<never>]) });
  await worker.ready();
  return worker;
}

describe('portrait.lesson through the job service, BullMQ and the worker', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;

  beforeAll(async () => {
    h = await createJobHarness();
    worker = await lessonWorker(h, defaultRenderDeps());
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Prepares (checks and pins) and submits a render as the API does; returns the job id. */
  async function submit(lessonId: string, mode: 'preview' | 'final') {
    return submitAsApi(h, 'portrait.lesson', { lessonId, mode });
  }

  const finish = (jobId: string, timeoutMs?: number) => finished(h, jobId, timeoutMs);

  async function fileOf(assetId: string, name: string) {
    const [row] = await h.db.sql<
      { storage_key: string }[]
    >`select storage_key from assets where id = ${assetId}`;
    const file = join(dir, name);
    await downloadAsset(store, row!.storage_key, file);
    return file;
  }

  it('renders a talking presenter whose mouth follows the speech, with voice, captions and chapters', async () => {
    const lesson = await seedFireDrill(h, { burnCaptions: true });
    const jobId = await submit(lesson.lessonId, 'final');
    const job = await finish(jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    const outputs = new Map(
      (job.outputs as Array<{ name: string; assetId?: string; value?: unknown }>).map((o) => [o.name, o]),
    );
    expect([...outputs.keys()].sort()).toEqual(['captions', 'chapters', 'poster', 'video']);

    // The MP4: H.264 at 25 fps and AAC, as long as the speech, with one chapter per section.
    const video = await fileOf(outputs.get('video')!.assetId!, 'final.mp4');
    const probe = await ffprobe(video);
    const v = probe.streams.find((s) => s.codecType === 'video')!;
    const a = probe.streams.find((s) => s.codecType === 'audio')!;
    expect(v.codecName).toBe('h264');
    expect(v.fps).toBeCloseTo(LESSON_FPS, 3);
    expect([v.width, v.height]).toEqual([1280, 720]);
    expect(a.codecName).toBe('aac');
    expect(probe.durationSec!).toBeGreaterThan(8);
    expect(probe.durationSec!).toBeLessThan(25);
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_chapters',
      video,
    ]);
    const chapters = (
      JSON.parse(stdout) as { chapters: Array<{ start_time: string; tags: { title: string } }> }
    ).chapters;
    expect(chapters.map((c) => c.tags.title)).toEqual(['Why drills matter', 'When the alarm sounds']);
    const declared = lessonChaptersSchema.parse(outputs.get('chapters')!.value);
    expect(declared.map((c) => c.title)).toEqual(chapters.map((c) => c.tags.title));
    expect(Number(chapters[1]!.start_time)).toBeCloseTo(declared[1]!.startSec, 1);
    expect(declared[1]!.startSec).toBeGreaterThan(3);

    // Captions cover the narration in order, within the video.
    const cues = parseVtt(readFileSync(await fileOf(outputs.get('captions')!.assetId!, 'c.vtt'), 'utf8'));
    expect(cues.length).toBeGreaterThanOrEqual(4);
    expect(cues.map((c) => c.text).join(' ')).toContain('meet your team outside.');
    for (const [i, c] of cues.entries()) {
      expect(c.endSec).toBeGreaterThan(c.startSec);
      expect(c.endSec).toBeLessThanOrEqual(probe.durationSec! + 0.05);
      if (i) expect(c.startSec).toBeGreaterThanOrEqual(cues[i - 1]!.endSec - 0.001);
    }
    // The captions were burned into the picture too (the lesson asks for it): the strip where
    // libass sets them (across the slide and the card) changes while a cue shows, against the lead-in before the first cue.
    const [animate] = await h.db.sql<{ outputs: Array<{ value: { burnedCaptions: boolean } }> }[]>`
      select outputs from job_steps where job_id = ${jobId} and name = 'animate'`;
    expect(animate!.outputs[0]!.value.burnedCaptions).toBe(true);
    const strip = async (t: number) =>
      (
        await run(
          'ffmpeg',
          [
            '-v',
            'error',
            '-ss',
            String(t),
            '-i',
            video,
            '-frames:v',
            '1',
            '-vf',
            'crop=1280:80:0:490,format=gray',
            '-f',
            'rawvideo',
            '-',
          ],
          {
            encoding: 'buffer',
            maxBuffer: 1 << 24,
          },
        )
      ).stdout;
    const quiet = await strip(0.1);
    const captioned = await strip((cues[0]!.startSec + cues[0]!.endSec) / 2);
    let changed = 0;
    for (let i = 0; i < quiet.length; i++) if (Math.abs(quiet[i]! - captioned[i]!) > 40) changed++;
    expect(changed).toBeGreaterThan(500);
    const second = cues.find((c) => c.text.startsWith('When the alarm'))!;
    expect(second.startSec).toBeCloseTo(declared[1]!.startSec, 1);

    // Measured on the output alone: the mouth's opening follows the speech envelope, and the face
    // is found in every sampled frame, inside the picture.
    const measured = await mouthEnvelopeCorrelation(video, join(dir, 'measure'));
    expect(measured.correlation).toBeGreaterThanOrEqual(0.6);
    for (const box of measured.faces) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(1280);
      expect(box.y + box.height).toBeLessThanOrEqual(720);
    }
    expect(measured.faces.length).toBe(measured.sampled);
  }, 120_000);

  it('a preview is the still portrait with the voice and slides, at a low frame rate', async () => {
    const lesson = await seedLesson(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      portrait: join(SKIMAGE, 'astronaut.png'),
      sections,
      content: { layout: 'slides-with-inset' },
    });
    const jobId = await submit(lesson.lessonId, 'preview');
    const job = await finish(jobId);
    expect(job.status).toBe('completed');
    const outputs = job.outputs as Array<{ name: string; assetId?: string }>;
    const video = await fileOf(outputs.find((o) => o.name === 'video')!.assetId!, 'preview.mp4');
    const probe = await ffprobe(video);
    expect(probe.streams.find((s) => s.codecType === 'video')!.fps).toBeCloseTo(PREVIEW_FPS, 3);
    expect(probe.streams.some((s) => s.codecType === 'audio' && s.codecName === 'aac')).toBe(true);
    const steps = await h.db.sql<{ name: string }[]>`select name from job_steps where job_id = ${jobId}`;
    expect(steps.map((s) => s.name).sort()).toEqual(['assemble', 'check', 'still', 'voice']);
  }, 90_000);

  it('a portrait without a face fails at the check, before any voice or animation, and is not charged', async () => {
    const lesson = await seedLesson(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      portrait: join(SKIMAGE, 'coffee.png'),
      sections,
    });
    const jobId = await submit(lesson.lessonId, 'final');
    const job = await finish(jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/No face was found in the portrait/);
    const steps = await h.db.sql<{ name: string; status: string }[]>`
      select name, status from job_steps where job_id = ${jobId} order by name`;
    const ran = steps.filter((s) => s.status !== 'queued').map((s) => `${s.name}:${s.status}`);
    expect(ran).toEqual(['check:failed']);
    const ledger = await h.db.sql`select step from cost_ledger where job_id = ${jobId}`;
    expect(ledger).toEqual([]);
    const [assets] = await h.db.sql<
      { n: number }[]
    >`select count(*)::int as n from assets where job_id = ${jobId}`;
    expect(assets!.n).toBe(0);
  }, 60_000);

  it('refuses at submit, writing nothing, without a live consent, a portrait or narration', async () => {
    const lesson = await seedLesson(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      portrait: join(SKIMAGE, 'astronaut.png'),
      sections,
    });
    const prepare = () =>
      jobInputsOf('portrait.lesson')!.prepare(h.db.sql, {
        projectId: h.projectId,
        userId: h.userId,
        params: { lessonId: lesson.lessonId, mode: 'final' },
      });
    const refusal = async () => {
      const before = await h.db.sql`select id from doc_versions`;
      const err = await prepare().then(
        () => null,
        (e: unknown) => e,
      );
      expect((await h.db.sql`select id from doc_versions`).length).toBe(before.length);
      expect(err).toBeInstanceOf(JobInputError);
      return err as JobInputError;
    };
    await h.db.sql`update consents set revoked_at = now() where id = ${lesson.consentId}`;
    let err = await refusal();
    expect(err.status).toBe(409);
    expect(err.message).toMatch(/consent was revoked/);
    await editLesson(h.db.sql, h.projectId, lesson.lessonId, { portraitConsentId: null });
    expect((await refusal()).message).toMatch(/Record the consent/);
    await editLesson(h.db.sql, h.projectId, lesson.lessonId, { portraitAssetId: null });
    err = await refusal();
    expect(err.status).toBe(409);
    expect(err.message).toMatch(/no portrait/);
    const other = await seedLesson(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      portrait: join(SKIMAGE, 'astronaut.png'),
      sections: [{ title: 'Empty', narration: '   ', slide: null }],
    });
    const empty = await jobInputsOf('portrait.lesson')!
      .prepare(h.db.sql, {
        projectId: h.projectId,
        userId: h.userId,
        params: { lessonId: other.lessonId, mode: 'final' },
      })
      .catch((e: JobInputError) => e);
    expect((empty as JobInputError).status).toBe(409);
    expect((empty as JobInputError).message).toMatch(/no narration/);
  }, 30_000);
});

describe('portrait.lesson on a worker without festival', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;

  beforeAll(async () => {
    h = await createJobHarness();
    const engines = createSpeechEngines({
      programs: speechPrograms({ festival: join(dir, 'not-installed', 'festival') }),
    });
    await engines.check(['festival']);
    worker = await lessonWorker(h, defaultRenderDeps({ engines }));
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await h?.close();
  });

  it('the default festival voice is spoken by eSpeak NG, and the lesson says so', async () => {
    const lesson = await seedFireDrill(h);
    const jobId = await submitAsApi(h, 'portrait.lesson', { lessonId: lesson.lessonId, mode: 'preview' });
    const job = await finished(h, jobId);
    expect(job.error).toBeNull();
    expect(job.warnings).toEqual([
      expect.stringMatching(
        /^Voice "Festival, US male \(kal diphone\)" is unavailable on this worker: festival not installed: apt-get install festival festvox-kallpc16k .*\. eSpeak NG, US English spoke instead\.$/,
      ),
    ]);
    const video = (job.outputs as Array<{ name: string; assetId?: string }>).find((o) => o.name === 'video')!;
    const [row] = await h.db.sql<
      { storage_key: string }[]
    >`select storage_key from assets where id = ${video.assetId!}`;
    const file = join(dir, 'fallback-preview.mp4');
    await downloadAsset(store, row!.storage_key, file);
    const probe = await ffprobe(file);
    expect(probe.streams.some((s) => s.codecType === 'audio')).toBe(true);
    // Both sections spoken: seconds of narration, not a silent stub.
    expect(probe.durationSec!).toBeGreaterThan(6);
  }, 120_000);
});
