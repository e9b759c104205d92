import { loadRenderLesson } from '@clapboard/server/lessons';
import type { H264Encoder } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import type { JobPayload } from '@clapboard/shared/jobs';
import type { LessonContent, LessonSection } from '@clapboard/shared/lessons';
import { UnrecoverableError } from 'bullmq';
import type { StepContext } from '../../jobs/pipeline';
import type { FaceDetector } from '../../vision/detect-faces';
import type { RenderModels } from '../render/render-models';

export type LessonParams = JobPayload<'portrait.lesson'>;
export type LessonStepContext = StepContext<LessonParams>;

/** What the lesson steps need besides their context. */
export interface LessonDeps {
  store: BlobStore;
  /** Speech for voices that are not bundled festival ones (provider voices, flite, eSpeak). */
  speak: RenderModels['speak'];
  /** The bundled engines: a bundled voice whose engine is unavailable falls back to eSpeak NG. */
  engines: RenderModels['engines'];
  /** The process's face detector (Human's face model), loaded on first use. */
  faces: () => Promise<FaceDetector>;
  encoder: () => Promise<H264Encoder>;
  /** Final x264 settings (the render's). */
  quality: { preset: string; crf: number };
}

/** Frames per second of a final render (the talking presenter). */
export const LESSON_FPS = 25;
/** Frames per second of a preview: its picture changes only between sections. */
export const PREVIEW_FPS = 5;

/**
 * The lesson as the job pinned it at submit, and its sections that have narration (the ones the
 * video shows, in order).
 * @throws UnrecoverableError when the pinned version or the lesson in it is gone
 */
export async function loadPinnedLesson(
  ctx: LessonStepContext,
): Promise<{ content: LessonContent; sections: LessonSection[] }> {
  const [job] = await ctx.sql<
    { version_id: string | null }[]
  >`select version_id from jobs where id = ${ctx.jobId}`;
  const content = job?.version_id
    ? await loadRenderLesson(ctx.sql, { versionId: job.version_id, lessonId: ctx.params.lessonId }).catch(
        (err: Error) => {
          throw new UnrecoverableError(err.message);
        },
      )
    : null;
  if (!content)
    throw new UnrecoverableError('The lesson as it was pinned for this render is gone; start a new render.');
  return { content, sections: content.sections.filter((s) => s.narration.trim()) };
}

/** A section's chapter title: its own, else its slide's, else its number. */
export function sectionTitle(section: LessonSection, index: number): string {
  return section.title.trim() || section.slide?.title.trim() || `Part ${index + 1}`;
}
