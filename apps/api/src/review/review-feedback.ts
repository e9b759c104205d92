import type { Sql } from '@clapboard/server/db';
import type { ReviewSummary } from '@clapboard/shared/review';
import { COMMENT_COLUMNS, type CommentRow } from './comment-view';
import { anchorDrawing } from './draw-on-frame';
import { reviewSummary } from './review-summary';

/** Everything an export of review feedback shows: the summary and every live comment. */
export interface ReviewFeedback {
  projectName: string;
  summary: ReviewSummary;
  /** Not deleted, oldest first. */
  comments: CommentRow[];
}

/** Loads the review summary and the comments of a project for CSV and PDF exports. */
export async function loadReviewFeedback(sql: Sql, projectId: string): Promise<ReviewFeedback> {
  const [project] = await sql<{ name: string }[]>`select name from projects where id = ${projectId}`;
  const comments = await sql<CommentRow[]>`
    select ${sql.unsafe(COMMENT_COLUMNS)} from comments c left join users u on u.id = c.author_id
    where c.project_id = ${projectId} and c.deleted_at is null
    order by c.created_at, c.id`;
  return { projectName: project?.name ?? '', summary: await reviewSummary(sql, projectId), comments };
}

/** `m:ss` of a time in seconds. */
export function formatTimecode(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Where a comment points, in words: "render 0:03–0:05", "script", "scene", "project". */
export function describeAnchor(anchor: CommentRow['anchor']): string {
  if (anchor.kind === 'media') {
    const a = anchor as unknown as { startSec: number; endSec?: number; jobId?: string; drawing?: unknown[] };
    const range =
      a.endSec !== undefined
        ? `${formatTimecode(a.startSec)}–${formatTimecode(a.endSec)}`
        : formatTimecode(a.startSec);
    return `${a.jobId ? 'render' : 'video'} ${range}${a.drawing?.length ? ' (drawing)' : ''}`;
  }
  if (anchor.kind === 'scene' && anchorDrawing(anchor).length > 0) return 'scene (drawing)';
  return anchor.kind;
}
