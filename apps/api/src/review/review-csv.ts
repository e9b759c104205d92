import { commentPlainText } from '@clapboard/shared/comment-markup';
import { toCsv } from '../csv/to-csv';
import { describeAnchor, type ReviewFeedback } from './review-feedback';

const HEADER = [
  'scene_number',
  'scene_id',
  'scene_heading',
  'scene_status',
  'decision',
  'decision_note',
  'decided_by',
  'decided_at',
  'comment_id',
  'thread_id',
  'author',
  'created_at',
  'anchor',
  'resolved',
  'comment',
];

/**
 * Review feedback as CSV (RFC 4180, CRLF): one row per comment with its scene's review state, and
 * one row for each scene nobody commented on, so every scene's status is in the file.
 */
export function reviewCsv(feedback: ReviewFeedback): string {
  const rows: unknown[][] = [HEADER];
  const scenes = new Map(feedback.summary.scenes.map((s) => [s.sceneId, s]));
  const sceneCols = (sceneId: string | null) => {
    const s = sceneId ? scenes.get(sceneId) : undefined;
    if (!s) return [null, sceneId, null, null, null, null, null, null];
    const a = s.approval;
    return [s.index + 1, s.sceneId, s.heading, s.status, a?.status, a?.note, a?.reviewer?.name, a?.createdAt];
  };
  const commented = new Set<string>();
  for (const c of feedback.comments) {
    if (c.scene_id) commented.add(c.scene_id);
    rows.push([
      ...sceneCols(c.scene_id),
      c.id,
      c.parent_id ?? c.id,
      c.author_name,
      c.created_at.toISOString(),
      describeAnchor(c.anchor),
      c.resolved_at ? 'yes' : 'no',
      commentPlainText(c.body),
    ]);
  }
  for (const s of feedback.summary.scenes)
    if (!commented.has(s.sceneId))
      rows.push([...sceneCols(s.sceneId), null, null, null, null, null, null, null]);
  return toCsv(rows);
}
