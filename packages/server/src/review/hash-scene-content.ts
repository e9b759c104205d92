import { createHash } from 'node:crypto';
import type { SceneReviewContent } from '@clapboard/shared/review';

/**
 * JSON with sorted keys, so equal content hashes (and compares) equally whatever order fields were
 * written in; Postgres jsonb, for one, reorders keys.
 */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** `sha256:<hex>` of the scene content an approval covers. */
export function hashSceneContent(content: SceneReviewContent): string {
  return `sha256:${createHash('sha256').update(stableJson(content)).digest('hex')}`;
}
