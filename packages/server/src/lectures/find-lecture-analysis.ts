import type { TimeSpan } from '@clapboard/shared/highlights';
import type { JobOutput } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import { findLectureVideo, type LectureVideo, LectureVideoError } from './find-lecture-video';

/**
 * Why clips cannot be cut from an analysis: `missing` (the lecture or the analysis is not there:
 * deleted, another project's or another lecture's, or not a `highlights.extract` job; API 422),
 * `not-ready` (the analysis has not completed; 409), `out-of-range` (a clip ends past the lecture;
 * 400). The worker fails the job with the message, without retrying.
 */
export class LectureAnalysisError extends Error {
  override name = 'LectureAnalysisError';
  constructor(
    readonly kind: 'missing' | 'not-ready' | 'out-of-range',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A completed analysis of a live lecture: the lecture's video and the analysis' result assets. */
export interface LectureAnalysis {
  video: LectureVideo;
  jobId: string;
  /** Output name (`HIGHLIGHT_OUTPUTS`) → its asset (a live asset of the project). */
  results: Record<string, { assetId: string; storageKey: string; byteSize: number }>;
}

/** Slack on the lecture's end: probes of the same file disagree by a frame or an AAC packet. */
const END_SLACK_SEC = 0.05;

/**
 * The completed `highlights.extract` job `analysisJobId` of lecture `lectureId` in `projectId`,
 * with the lecture's video, checked for cutting `clips` from it: the lecture is live with its
 * video stored, the job is an analysis of that lecture in that project and has completed, and
 * every clip ends within the lecture. One check for the submit and the worker.
 *
 * @throws LectureAnalysisError saying which check fails, in words a person can act on
 */
export async function findLectureAnalysis(
  sql: Sql,
  input: { projectId: string; lectureId: string; analysisJobId: string; clips?: readonly TimeSpan[] },
): Promise<LectureAnalysis> {
  let video: LectureVideo;
  try {
    video = await findLectureVideo(sql, input);
  } catch (err) {
    if (err instanceof LectureVideoError)
      throw new LectureAnalysisError('missing', err.message, { field: 'lectureId' });
    throw err;
  }
  const [job] = await sql<
    { type: string; status: string; params: Record<string, unknown>; outputs: JobOutput[] }[]
  >`select type, status, params, outputs from jobs where id = ${input.analysisJobId} and project_id = ${input.projectId}`;
  const field = { field: 'analysisJobId' };
  if (!job)
    throw new LectureAnalysisError('missing', 'analysisJobId does not name a job of this project.', field);
  if (job.type !== 'highlights.extract')
    throw new LectureAnalysisError(
      'missing',
      `analysisJobId names a ${job.type} job, not a lecture analysis (highlights.extract).`,
      field,
    );
  if (job.params.lectureId !== input.lectureId)
    throw new LectureAnalysisError('missing', 'analysisJobId is an analysis of another lecture.', field);
  if (job.status !== 'completed')
    throw new LectureAnalysisError(
      'not-ready',
      job.status === 'failed' || job.status === 'cancelled'
        ? `The analysis ${job.status}; run it again, then render the clips.`
        : `The analysis is still ${job.status}; render clips once it has completed.`,
      { ...field, status: job.status },
    );
  const duration = video.durationSec;
  for (const [i, clip] of (input.clips ?? []).entries())
    if (duration !== null && clip.endSec > duration + END_SLACK_SEC)
      throw new LectureAnalysisError(
        'out-of-range',
        `Clip ${i + 1} ends at ${clip.endSec} s, after the lecture ends (${duration.toFixed(2)} s).`,
        { field: `clips.${i}.endSec`, durationSec: duration },
      );
  const ids = job.outputs.flatMap((o) => (o.assetId ? [o.assetId] : []));
  const assets = ids.length
    ? await sql<{ id: string; storage_key: string; byte_size: string | number }[]>`
        select id, storage_key, byte_size from assets
        where project_id = ${input.projectId} and deleted_at is null and id in ${sql(ids)}`
    : [];
  const byId = new Map(assets.map((a) => [a.id, a]));
  const results: LectureAnalysis['results'] = {};
  for (const o of job.outputs) {
    const a = o.assetId ? byId.get(o.assetId) : undefined;
    if (a) results[o.name] = { assetId: a.id, storageKey: a.storage_key, byteSize: Number(a.byte_size) };
  }
  return { video, jobId: input.analysisJobId, results };
}
