// npm run bench:lms -w @clapboard/gpu-worker — the `export.lms` package step on lesson videos of
// 4, 60 and 180 s (720p H.264 at ~1.5 Mb/s, AAC), through the real queue and worker, each format;
// prints the step's measured seconds (from step_timings) and the work model fitted to them, the
// numbers the catalog's cold-start model comes from. Needs DATABASE_URL and REDIS_URL.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { insertLessonRender, makeLessonMedia } from '@clapboard/server/testing';
import { fitWorkModel } from '@clapboard/shared/job-plan';
import type { LmsFormat } from '@clapboard/shared/lessons';
import { type Pipeline, pipelineRegistry } from '../src/jobs/pipeline';
import { exportLmsPipeline } from '../src/pipelines/export-lms';
import { createJobHarness, waitFor } from '../test/support/job-harness';

const LENGTHS = [4, 60, 180];
const FORMATS: LmsFormat[] = ['scorm12', 'scorm2004', 'cmi5'];

const dir = mkdtempSync(join(tmpdir(), 'clapboard-bench-lms-'));
const store = createLocalBlobStore(join(dir, 'blobs'));
const h = await createJobHarness();
const worker = h.createWorker({
  store,
  pipelines: pipelineRegistry([exportLmsPipeline({ store }) as Pipeline<never>]),
});
try {
  await worker.ready();
  const samples: Array<{ units: number; seconds: number }> = [];
  console.log(
    `| video (s) | zip (MB) | ${FORMATS.join(' | ')} |\n| --- | --- | ${FORMATS.map(() => '---').join(' | ')} |`,
  );
  for (const sec of LENGTHS) {
    const folder = join(dir, `m${sec}`);
    mkdirSync(folder);
    const media = makeLessonMedia(folder, 2);
    // A lesson-like 720p picture at a realistic bitrate, `sec` seconds long.
    const video = join(folder, 'lesson-720p.mp4');
    await runFfmpeg(
      [
        ...[
          '-y',
          '-f',
          'lavfi',
          '-i',
          `testsrc2=s=1280x720:r=25:d=${sec}`,
          '-f',
          'lavfi',
          '-i',
          `sine=f=300:d=${sec}`,
        ],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '1500k', '-pix_fmt', 'yuv420p'],
        ...['-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart', video],
      ],
      { durationSec: sec },
    );
    const render = await insertLessonRender(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      files: { ...media, video },
      videoDurationSec: sec,
      chapters: media.chapters,
    });
    const cells: string[] = [];
    let mb = 0;
    for (const format of FORMATS) {
      const jobId = await h.enqueue('export.lms', {
        lessonJobId: render.jobId,
        format,
        completionPercent: 90,
        includeQuiz: true,
      });
      const watcher = await h.watch(jobId);
      await waitFor(
        () => watcher.finished.length,
        (n) => n === 1,
        300_000,
      );
      if (watcher.finished[0]!.status !== 'completed') throw new Error(watcher.finished[0]!.error);
      const [t] = await h.db.sql<
        { seconds: number }[]
      >`select seconds from step_timings where job_id = ${jobId}`;
      const bytes = (watcher.finished[0]!.outputs[0]!.value as { bytes: number }).bytes;
      mb = bytes / 1e6;
      samples.push({ units: sec, seconds: Number(t!.seconds) });
      cells.push(`${Number(t!.seconds).toFixed(2)} s`);
    }
    console.log(`| ${sec} | ${mb.toFixed(1)} | ${cells.join(' | ')} |`);
  }
  const model = fitWorkModel('film-sec', samples)!;
  console.log(
    `\nfitted on ${cpus().length} cores: package = ${model.baseSec.toFixed(3)} s + ${model.secPerUnit.toFixed(4)} s per video second (${model.samples} runs)`,
  );
} finally {
  await worker.close();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
}
