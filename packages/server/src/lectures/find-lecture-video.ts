import { LECTURE_LIMITS } from '@clapboard/shared/highlights';
import type { Sql } from '../db/connect-db';

/** A live lecture and its uploaded video, as an analysis reads it. */
export interface LectureVideo {
  lectureId: string;
  projectId: string;
  title: string;
  assetId: string;
  storageKey: string;
  mime: string;
  byteSize: number;
  /** Seconds (the upload's probe, else the lecture row's); null when neither knows. */
  durationSec: number | null;
}

/**
 * Why a lecture cannot be analysed: `missing` (no live lecture of that id in the project: never
 * made, deleted, or another project's) or `no-video` (its video asset is gone or is not a video
 * within LECTURE_LIMITS). The API answers 422; the worker fails the job without retrying.
 */
export class LectureVideoError extends Error {
  override name = 'LectureVideoError';
  constructor(
    readonly kind: 'missing' | 'no-video',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The lecture `lectureId` of `projectId` with its video, checked for an analysis: the lecture is
 * live and its asset is a live video of the project within LECTURE_LIMITS.
 *
 * @throws LectureVideoError with a sentence a person can act on
 */
export async function findLectureVideo(
  sql: Sql,
  input: { projectId: string; lectureId: string },
): Promise<LectureVideo> {
  const [row] = await sql<
    {
      title: string;
      asset_id: string;
      lecture_duration: number | null;
      storage_key: string | null;
      mime: string | null;
      kind: string | null;
      byte_size: string | number | null;
      asset_duration: number | null;
    }[]
  >`
    select l.title, l.asset_id, l.duration_sec as lecture_duration,
           a.storage_key, a.mime, a.kind, a.byte_size, a.duration_sec as asset_duration
    from lectures l
    left join assets a on a.id = l.asset_id and a.project_id = l.project_id and a.deleted_at is null
    where l.id = ${input.lectureId} and l.project_id = ${input.projectId} and l.deleted_at is null`;
  if (!row)
    throw new LectureVideoError(
      'missing',
      'lectureId does not name a lecture of this project (it may have been deleted).',
    );
  if (!row.storage_key || !row.mime)
    throw new LectureVideoError(
      'no-video',
      `The video of lecture "${row.title}" is no longer stored; upload it again as a new lecture.`,
    );
  if (row.kind !== 'video')
    throw new LectureVideoError('no-video', `The file of lecture "${row.title}" is not a video.`);
  const byteSize = Number(row.byte_size ?? 0);
  if (byteSize > LECTURE_LIMITS.maxBytes)
    throw new LectureVideoError(
      'no-video',
      `A lecture video may be at most ${LECTURE_LIMITS.maxBytes} bytes.`,
    );
  const durationSec = row.asset_duration ?? row.lecture_duration ?? null;
  if (durationSec !== null && durationSec > LECTURE_LIMITS.maxDurationSec)
    throw new LectureVideoError(
      'no-video',
      `A lecture may be at most ${LECTURE_LIMITS.maxDurationSec / 3600} hours long.`,
    );
  return {
    lectureId: input.lectureId,
    projectId: input.projectId,
    title: row.title,
    assetId: row.asset_id,
    storageKey: row.storage_key,
    mime: row.mime,
    byteSize,
    durationSec,
  };
}
