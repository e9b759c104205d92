import type { SceneReviewContent } from '@clapboard/shared/review';
import { diffLines, type LineChange } from '../documents/diff-lines';
import { stableJson } from './hash-scene-content';

export interface ReviewContentDiff {
  changes: { field: string; before: unknown; after: unknown }[];
  scriptDiff: LineChange[];
}

/**
 * What changed in a scene since an approval: each differing field with both values, and a line
 * diff of its script part. `after` null means the scene no longer exists.
 */
export function diffReviewContent(
  before: SceneReviewContent,
  after: SceneReviewContent | null,
): ReviewContentDiff {
  if (!after) return { changes: [{ field: 'scene', before: before.heading, after: null }], scriptDiff: [] };
  const changes: ReviewContentDiff['changes'] = [];
  for (const field of Object.keys(before) as (keyof SceneReviewContent)[]) {
    if (stableJson(before[field]) !== stableJson(after[field]))
      changes.push({ field, before: before[field], after: after[field] });
  }
  const scriptDiff =
    before.scriptText === after.scriptText ? [] : diffLines(before.scriptText, after.scriptText);
  return { changes, scriptDiff };
}
