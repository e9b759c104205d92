import { join } from 'node:path';
import { downloadAsset, saveJobFile } from '@clapboard/server/assets';
import { findLessonRender, LessonRenderError, loadRenderLesson } from '@clapboard/server/lessons';
import { ffprobe } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import type { JobPayload } from '@clapboard/shared/jobs';
import type { LmsFormat } from '@clapboard/shared/lessons';
import { UnrecoverableError } from 'bullmq';
import type { Pipeline } from '../../jobs/pipeline';
import { writeLmsPackage } from './write-lms-package';

type Params = JobPayload<'export.lms'>;

/** What people call each format, for file names and progress messages. */
export const LMS_FORMAT_LABELS: Readonly<Record<LmsFormat, string>> = {
  scorm12: 'SCORM 1.2',
  scorm2004: 'SCORM 2004 4th Edition',
  cmi5: 'cmi5',
};

/**
 * `export.lms`: one self-contained zip for an LMS from a finished final lesson render: the video,
 * its captions and poster, the chapter markers, the quiz when the lesson has one and the export
 * includes it, the player and the format's manifest. Output `package` (the zip, an asset of the
 * project). A render that cannot be used (gone, not final, its lesson deleted) fails the job
 * without retrying; the API refuses such submissions before they reach a worker.
 */
export function exportLmsPipeline(deps: { store: BlobStore }): Pipeline<Params> {
  return {
    type: 'export.lms',
    steps: {
      package: {
        // Never reused from the step cache: packaging is cheap, and the lesson's title, the player
        // and the render's files may all have changed since an earlier export.
        version: 1,
        run: async (ctx) => {
          const { params } = ctx;
          const label = LMS_FORMAT_LABELS[params.format];
          ctx.report({ stage: 'reading the lesson render', progress: 2 });
          let render: Awaited<ReturnType<typeof findLessonRender>>;
          let lesson: Awaited<ReturnType<typeof loadRenderLesson>>;
          try {
            render = await findLessonRender(ctx.sql, { projectId: ctx.projectId, jobId: params.lessonJobId });
            lesson = await loadRenderLesson(ctx.sql, render);
          } catch (err) {
            if (err instanceof LessonRenderError) throw new UnrecoverableError(err.message);
            throw err;
          }
          const dir = ctx.scratchDir;
          const video = join(dir, 'lesson.mp4');
          await downloadAsset(deps.store, render.video.storageKey, video);
          ctx.report({ stage: 'reading the lesson render', progress: 8, message: 'video copied' });
          const captions = render.captions ? join(dir, 'captions.vtt') : null;
          if (render.captions && captions)
            await downloadAsset(deps.store, render.captions.storageKey, captions);
          const poster = render.poster ? { file: join(dir, 'poster'), mime: render.poster.mime } : null;
          if (render.poster && poster) await downloadAsset(deps.store, render.poster.storageKey, poster.file);
          const durationSec =
            render.video.durationSec ?? (await ffprobe(video, { signal: ctx.signal })).durationSec ?? 0;
          if (!(durationSec > 0)) throw new UnrecoverableError('The lesson video has no duration.');

          const out = join(dir, `lesson-${params.format}.zip`);
          ctx.report({ stage: `packaging for ${label}`, progress: 15 });
          const written = await writeLmsPackage(
            {
              format: params.format,
              lessonId: render.lessonId,
              renderJobId: render.jobId,
              title: render.lessonTitle,
              video: { file: video, durationSec },
              captions,
              poster,
              chapters: render.chapters,
              completionPercent: params.completionPercent,
              quiz: params.includeQuiz ? (lesson?.quiz ?? null) : null,
            },
            out,
            {
              signal: ctx.signal,
              onProgress: (f) => ctx.report({ stage: `packaging for ${label}`, progress: 15 + f * 75 }),
            },
          );
          const name = `${render.lessonTitle.replace(/[/\\]/g, '-')} (${label}).zip`;
          const assetId = await saveJobFile(ctx.sql, deps.store, {
            projectId: ctx.projectId,
            jobId: ctx.jobId,
            file: out,
            kind: 'document',
            mime: 'application/zip',
            name,
          });
          ctx.trackAsset(assetId);
          ctx.report({ stage: 'package ready', progress: 100 });
          return {
            outputs: [
              {
                name: 'package',
                assetId,
                value: {
                  format: params.format,
                  files: written.entries.length,
                  bytes: written.bytes,
                  quiz: params.includeQuiz && !!lesson?.quiz,
                },
              },
            ],
          };
        },
      },
    },
  };
}
