// npm run bench:lesson — a 3-minute lesson (12 sections with slides, the astronaut portrait, the
// festival voice, 720p) rendered on this machine through the real job path (job service → BullMQ
// → worker): the preview and the final render, each as a fraction of the lesson's duration, beside
// the FFmpeg encode floor of the same frames (the same number of frames of a still, same size and
// x264 settings). Needs DATABASE_URL and REDIS_URL. Writes the `lesson` section of docs/benchmarks.md.

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAsset } from '@clapboard/server/assets';
import { jobInputsOf, submitJob } from '@clapboard/server/jobs';
import { ffprobe, h264Args, runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { seedLesson } from '@clapboard/server/testing';
import { frameSize } from '@clapboard/shared/document';
import { writeBenchSection } from '../../../infra/bench/report';
import { type Pipeline, pipelineRegistry } from '../src/jobs/pipeline';
import { lessonDeps } from '../src/pipelines';
import { LESSON_FPS, PREVIEW_FPS, portraitLessonPipeline } from '../src/pipelines/portrait-lesson';
import { FaceAnimator } from '../src/pipelines/portrait-lesson/face-animator';
import { faceRig } from '../src/pipelines/portrait-lesson/face-rig';
import { lessonLayout } from '../src/pipelines/portrait-lesson/lesson-layout';
import { normalizePortrait, portraitCard } from '../src/pipelines/portrait-lesson/portrait-card';
import { presenterPoses } from '../src/pipelines/portrait-lesson/presenter-motion';
import { writeRgbToYuv420 } from '../src/pipelines/portrait-lesson/yuv';
import { defaultRenderDeps, RENDER_QUALITY } from '../src/pipelines/render';
import { closeFestivalSessions } from '../src/speech/festival-session';
import { synthesizeSpeech } from '../src/speech/synthesize-speech';
import { sharedFaceDetector } from '../src/vision/shared-face-detector';
import { createJobHarness, waitFor } from '../test/support/job-harness';
import { markdownTable } from './markdown-table';

const SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data';
const TOPICS = [
  'why drills matter',
  'the alarm',
  'two ways out',
  'closed doors',
  'smoke',
  'the stairs',
  'helping others',
  'the assembly point',
  'counting heads',
  'extinguishers',
  'reporting',
  'what we learned',
];

/** About 15 seconds of narration per section: 12 sections make a 3-minute lesson. */
function narration(topic: string, tail: string): string {
  return `This part is about ${topic}. When the alarm sounds, stop what you are doing and leave the building at once, by the nearest safe exit. Close the doors behind you to slow the smoke, and walk to the stairs. ${tail}`;
}

async function main() {
  const loadBefore = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-bench-lesson-'));
  const store = createLocalBlobStore(join(dir, 'blobs'));
  const h = await createJobHarness();
  const render = defaultRenderDeps();
  const pipeline = portraitLessonPipeline(lessonDeps(store, render));
  const worker = h.createWorker({ store, pipelines: pipelineRegistry([pipeline as Pipeline<never>]) });
  await worker.ready();
  // A running worker has its face model loaded and a festival session started: warm both, so the
  // numbers are a render's, not a process start's.
  await sharedFaceDetector();
  await synthesizeSpeech('Warming up.', join(dir, 'warm.wav'));

  const timed = async (mode: 'preview' | 'final', tail: string) => {
    const lesson = await seedLesson(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      portrait: join(SKIMAGE, 'astronaut.png'),
      title: `Fire safety (${mode})`,
      sections: TOPICS.map((t) => ({
        title: t[0]!.toUpperCase() + t.slice(1),
        narration: narration(t, tail),
        slide: {
          title: t[0]!.toUpperCase() + t.slice(1),
          bullets: ['Leave at once', 'Close the doors', 'Meet outside'],
        },
      })),
    });
    const params = { lessonId: lesson.lessonId, mode };
    const started = performance.now();
    const prepared = await jobInputsOf('portrait.lesson')!.prepare(h.db.sql, {
      projectId: h.projectId,
      userId: h.userId,
      params,
    });
    const { job } = await submitJob(h.db.sql, h.queues, undefined, {
      projectId: h.projectId,
      userId: h.userId,
      type: 'portrait.lesson',
      params,
      versionId: prepared.versionId,
      planInput: prepared.planInput,
    });
    const row = await waitFor(
      async () =>
        (
          await h.db.sql<
            { status: string; error: string | null; outputs: Array<{ name: string; assetId?: string }> }[]
          >`
            select status, error, outputs from jobs where id = ${job.id}`
        )[0]!,
      (j) => ['completed', 'failed'].includes(j.status),
      600_000,
    );
    const wallSec = (performance.now() - started) / 1000;
    if (row.status !== 'completed') throw new Error(`${mode} render failed: ${row.error}`);
    const steps = await h.db.sql<{ name: string; sec: number }[]>`
      select name, extract(epoch from finished_at - started_at)::float8 as sec from job_steps
      where job_id = ${job.id} order by started_at`;
    const video = join(dir, `${mode}.mp4`);
    const [asset] = await h.db.sql<{ storage_key: string }[]>`
      select storage_key from assets where id = ${row.outputs.find((o) => o.name === 'video')!.assetId!}`;
    await downloadAsset(store, asset!.storage_key, video);
    const probe = await ffprobe(video);
    return {
      wallSec,
      steps,
      video,
      durationSec: probe.durationSec ?? 0,
      estimate: prepared.planInput.filmSec ?? 0,
    };
  };

  const final = await timed('final', 'Thank you for listening.');
  const preview = await timed('preview', 'Thanks for listening.');

  // The floor: FFmpeg encoding the same number of frames of a still (the lesson's first frame),
  // the same size and x264 settings, and nothing else.
  const floor = async (video: string, fps: number, preset: string, durationSec: number) => {
    const still = join(dir, `still-${fps}.png`);
    await runFfmpeg(['-y', '-ss', '1', '-i', video, '-frames:v', '1', still]);
    const frames = Math.round(durationSec * fps);
    const t = performance.now();
    await runFfmpeg([
      '-y',
      '-i',
      still,
      '-vf',
      `format=yuv420p,loop=loop=${frames - 1}:size=1:start=0,setpts=N/${fps}/TB`,
      '-frames:v',
      String(frames),
      '-r',
      String(fps),
      ...h264Args('libx264', { preset, crf: RENDER_QUALITY.crf }),
      '-an',
      join(dir, `floor-${fps}.mp4`),
    ]);
    return (performance.now() - t) / 1000;
  };
  const finalFloor = await floor(final.video, LESSON_FPS, RENDER_QUALITY.preset, final.durationSec);
  const previewFloor = await floor(preview.video, PREVIEW_FPS, 'ultrafast', preview.durationSec);

  // Profile of `animate`: drawing alone (the warp of the card and its YUV conversion, per frame),
  // without FFmpeg, on the same portrait and card size.
  const { width, height } = frameSize('720p', '16:9');
  const layout = lessonLayout('presenter-and-slides', width, height);
  const portrait = await normalizePortrait(join(SKIMAGE, 'astronaut.png'));
  const [face] = await (await sharedFaceDetector()).detect(portrait);
  const card = await portraitCard(portrait, faceRig(face!), layout.card.width, layout.card.height);
  const animator = new FaceAnimator(card.rgb, card.width, card.height, card.rig);
  const poses = presenterPoses(
    Float32Array.from({ length: 500 }, (_, i) => 0.5 + 0.5 * Math.sin(i / 3)),
    LESSON_FPS,
    card.height,
    1,
  );
  const frame = new Uint8Array((width * height * 3) / 2);
  const out = new Uint8Array(card.rgb);
  const drawStart = performance.now();
  for (const pose of poses) {
    animator.render(pose, out);
    writeRgbToYuv420(out, card.width, card.height, frame, width, height, layout.card, animator.changed);
  }
  const drawMs = (performance.now() - drawStart) / poses.length;

  const x = (sec: number, dur: number) => `${(sec / dur).toFixed(3)}×`;
  const stepsOf = (r: typeof final) => r.steps.map((s) => `${s.name} ${s.sec.toFixed(1)} s`).join(', ');
  const table = markdownTable(
    ['render', 'lesson', 'frames', 'wall', 'of duration', 'encode floor', 'floor of duration'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    [
      [
        `preview (${PREVIEW_FPS} fps, x264 ultrafast)`,
        `${preview.durationSec.toFixed(1)} s`,
        String(Math.round(preview.durationSec * PREVIEW_FPS)),
        `${preview.wallSec.toFixed(1)} s`,
        x(preview.wallSec, preview.durationSec),
        `${previewFloor.toFixed(1)} s`,
        x(previewFloor, preview.durationSec),
      ],
      [
        `final (${LESSON_FPS} fps, x264 ${RENDER_QUALITY.preset} CRF ${RENDER_QUALITY.crf})`,
        `${final.durationSec.toFixed(1)} s`,
        String(Math.round(final.durationSec * LESSON_FPS)),
        `${final.wallSec.toFixed(1)} s`,
        x(final.wallSec, final.durationSec),
        `${finalFloor.toFixed(1)} s`,
        x(finalFloor, final.durationSec),
      ],
    ],
  );
  const markdown = `## bench:lesson

\`npm run bench:lesson\` — a ${Math.round(final.durationSec)}-second lesson (12 sections with slides, the skimage
astronaut portrait, the festival kal voice, 720p 16:9, layout presenter-and-slides) rendered through
the real job path (job service submit → BullMQ → worker) on this ${cpus().length}-core machine, with the
face model and a festival session already warm, as in a running worker. Wall time is submit to
completed; the floor is FFmpeg alone encoding the same number of frames of a still with the same
size and x264 settings. Targets: preview ≤ 0.1×, final ≤ 0.5× the lesson's duration.

${table}

Where the time goes (step wall times; the rest is queue hand-offs):

- preview: ${stepsOf(preview)}
- final: ${stepsOf(final)}
- inside \`animate\`: drawing a frame (the card's ${animator.changed.width}×${animator.changed.height} moving region warped
  and converted to YUV, in JavaScript) costs ${drawMs.toFixed(1)} ms, ${((drawMs * Math.round(final.durationSec * LESSON_FPS)) / 1000).toFixed(1)} s for the lesson's frames; x264 encoding the
  same frames of a still costs the floor above (${finalFloor.toFixed(1)} s), and a moving face costs x264 more than a
  still. The two run at once (FFmpeg on its threads, the drawing on the worker's), so on 2 cores they share the CPU.
- preview: the still step is mostly piping raw frames and x264 \`ultrafast\`; the voice step is festival
  (two sections at a time) and one AAC encode.

Load average (1 min) at the start and end of the run: ${loadBefore.toFixed(2)} and ${loadavg()[0]!.toFixed(2)}
(other work on the machine slows both the renders and the floor).

The plan estimated ${final.estimate.toFixed(0)} s of video from the narration's length (${NARRATION_NOTE}).
`;
  writeBenchSection('lesson', markdown);
  console.log(markdown);
  await worker.close();
  closeFestivalSessions();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
}

const NARRATION_NOTE = '15 characters a second, `NARRATION_CHARS_PER_SEC`';

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
