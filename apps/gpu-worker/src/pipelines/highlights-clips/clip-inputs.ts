import {
  findLectureAnalysis,
  type LectureAnalysis,
  LectureAnalysisError,
  readAnalysisResult,
} from '@clapboard/server/lectures';
import type { BlobStore } from '@clapboard/server/storage';
import type { TimeSpan } from '@clapboard/shared/highlights';
import type { JobPayload } from '@clapboard/shared/jobs';
import { UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import type { StepContext } from '../../jobs/pipeline';

type Params = JobPayload<'highlights.clips'>;

/** The clip a step works on (its plan item), and its 1-based number in the job. */
export function clipOf(ctx: StepContext<Params>) {
  const i = Number(ctx.item?.clip);
  const clip = ctx.params.clips[i];
  if (!clip) throw new UnrecoverableError(`This job has no clip ${i + 1}.`);
  return { clip, n: i + 1, index: i };
}

/**
 * The job's analysis and lecture video, checked again (a lecture deleted since the submit fails the
 * job with the reason, without retrying).
 */
export async function loadAnalysis(
  ctx: StepContext<Params>,
  clips: readonly TimeSpan[],
): Promise<LectureAnalysis> {
  try {
    return await findLectureAnalysis(ctx.sql, {
      projectId: ctx.projectId,
      lectureId: ctx.params.lectureId,
      analysisJobId: ctx.params.analysisJobId,
      clips,
    });
  } catch (err) {
    if (err instanceof LectureAnalysisError) throw new UnrecoverableError(err.message);
    throw err;
  }
}

/** One JSON result of the analysis, validated; a missing one fails the job without retrying. */
export async function readResult<S extends z.ZodType>(
  store: BlobStore,
  analysis: LectureAnalysis,
  name: string,
  schema: S,
): Promise<z.infer<S>> {
  try {
    return await readAnalysisResult(store, analysis, name, schema);
  } catch (err) {
    if (err instanceof LectureAnalysisError) throw new UnrecoverableError(err.message);
    throw err;
  }
}
