// npm run bench:clips -w @clapboard/gpu-worker — the `highlights.clips` steps on a 20 s clip of a
// 720p synthetic lecture (a slide with the speaker picture-in-picture: a real face photo), through
// submit, the real queue and worker: for each layout, `prepare` (face track + loudness) and the
// `encode` of each aspect on its own, from step_timings, as seconds and × real time. Captions are
// burned in. Needs DATABASE_URL and REDIS_URL; the numbers go in docs/highlights.md.

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveJobFile } from '@clapboard/server/assets';
import { runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { seedLectureAnalysis } from '@clapboard/server/testing';
import {
  CLIP_ASPECTS,
  CLIP_LAYOUTS,
  layoutResultSchema,
  transcriptSchema,
} from '@clapboard/shared/highlights';
import sharp from 'sharp';
import { type Pipeline, pipelineRegistry } from '../src/jobs/pipeline';
import { highlightsClipsPipeline } from '../src/pipelines/highlights-clips';
import { sharedFaceDetector } from '../src/vision/shared-face-detector';
import { createJobHarness, submitAsApi, waitFor } from '../test/support/job-harness';
import { ASTRONAUT } from '../test/support/lecture-fixture';

const LECTURE_SEC = 40;
const CLIP = { candidateId: 'bench', startSec: 10, endSec: 30 };
const clipSec = CLIP.endSec - CLIP.startSec;

const dir = mkdtempSync(join(tmpdir(), 'clapboard-bench-clips-'));
const store = createLocalBlobStore(join(dir, 'blobs'));
const h = await createJobHarness();
const worker = h.createWorker({
  store,
  pipelines: pipelineRegistry([highlightsClipsPipeline({ store }) as Pipeline<never>]),
});
try {
  await worker.ready();
  // The lecture: a slide (1280×720) with a 360 px picture-in-picture speaker, a 220 Hz voice stand-in.
  const slide = join(dir, 'slide.png');
  await sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720">
      <rect width="100%" height="100%" fill="#fff"/>
      <text x="60" y="140" font-family="DejaVu Sans" font-size="64" font-weight="bold">Heat flows downhill</text>
      <text x="80" y="280" font-family="DejaVu Sans" font-size="40">• Energy moves from hot to cold</text></svg>`),
  )
    .png()
    .toFile(slide);
  const pip = join(dir, 'pip.png');
  await sharp(ASTRONAUT).resize(360, 360).png().toFile(pip);
  const [face] = await (await sharedFaceDetector()).detect(pip);
  const video = join(dir, 'lecture.mp4');
  await runFfmpeg([
    ...['-y', '-loop', '1', '-framerate', '25', '-i', slide, '-loop', '1', '-framerate', '25', '-i', pip],
    ...[
      '-f',
      'lavfi',
      '-i',
      `sine=f=220:d=${LECTURE_SEC}`,
      '-filter_complex',
      '[0:v][1:v]overlay=900:340,format=yuv420p[v]',
    ],
    ...['-map', '[v]', '-map', '2:a', '-t', String(LECTURE_SEC), '-c:v', 'libx264', '-preset', 'veryfast'],
    ...['-g', '50', '-c:a', 'aac', video],
  ]);
  const assetId = await saveJobFile(h.db.sql, store, {
    projectId: h.projectId,
    jobId: '00000000-0000-4000-8000-000000000000',
    file: video,
    kind: 'video',
    mime: 'video/mp4',
    name: 'lecture.mp4',
    durationSec: LECTURE_SEC,
  });
  const [lecture] = await h.db.sql<{ id: string }[]>`
    insert into lectures (project_id, title, asset_id, duration_sec)
    values (${h.projectId}, 'Bench', ${assetId}, ${LECTURE_SEC}) returning id`;
  const words = Array.from({ length: Math.floor(LECTURE_SEC / 0.45) }, (_, i) => ({
    word: i % 12 === 11 ? 'energy.' : 'energy',
    startSec: i * 0.45,
    endSec: i * 0.45 + 0.38,
  }));
  const { jobId: analysisJobId } = await seedLectureAnalysis(h.db.sql, store, {
    projectId: h.projectId,
    lectureId: lecture!.id,
    userId: h.userId,
    results: {
      transcript: transcriptSchema.parse({ engine: 'bench', words, sentences: [] }),
      layout: layoutResultSchema.parse([
        {
          startSec: 0,
          endSec: LECTURE_SEC,
          kind: 'picture-in-picture',
          slide: { x: 0, y: 0, width: 880, height: 720 },
          face: {
            x: face!.box.x + 900,
            y: face!.box.y + 340,
            width: face!.box.width,
            height: face!.box.height,
          },
          textDensity: 0.1,
          slideText: 'Heat flows downhill',
        },
      ]),
    },
  });

  console.log(
    `${clipSec} s clip of a 1280×720 25 fps lecture, captions burned in, ${cpus().length} cores (${cpus()[0]?.model ?? ''}):\n`,
  );
  console.log(
    `| layout | prepare | ${CLIP_ASPECTS.join(' | ')} |\n| --- | --- | ${CLIP_ASPECTS.map(() => '---').join(' | ')} |`,
  );
  const cell = (s: number) => `${s.toFixed(1)} s (${(clipSec / s).toFixed(2)}×)`;
  for (const layout of CLIP_LAYOUTS) {
    const cells: string[] = [];
    let prepare = '';
    for (const aspect of CLIP_ASPECTS) {
      const jobId = await submitAsApi(h, 'highlights.clips', {
        lectureId: lecture!.id,
        analysisJobId,
        clips: [CLIP],
        aspects: [aspect],
        layout,
      });
      const row = await waitFor(
        async () =>
          (
            await h.db.sql<
              { status: string; error: string | null }[]
            >`select status, error from jobs where id = ${jobId}`
          )[0]!,
        (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
        600_000,
      );
      if (row.status !== 'completed') throw new Error(`${layout} ${aspect}: ${row.error}`);
      const timings = await h.db.sql<{ step_kind: string; seconds: number }[]>`
        select step_kind, seconds from step_timings where job_id = ${jobId}`;
      const sec = (kind: string) => timings.find((t) => t.step_kind === kind)?.seconds;
      // The prepare step runs once per layout kind (tracked or not); later jobs reuse it.
      if (sec('prepare') !== undefined) prepare = cell(Number(sec('prepare')));
      cells.push(cell(Number(sec('encode'))));
    }
    console.log(`| ${layout} | ${prepare || 'reused'} | ${cells.join(' | ')} |`);
  }
} finally {
  await worker.close();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
}
