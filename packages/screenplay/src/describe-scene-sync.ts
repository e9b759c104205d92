import type { SceneSyncPlan } from './plan-scene-sync';

export interface SceneSyncPreview {
  added: number;
  updated: number;
  moved: number;
  removed: number;
  unchanged: number;
  /** One human-readable sentence per change worth showing (unchanged scenes are counted, not listed). */
  lines: string[];
  /** e.g. "2 new, 1 changed, 1 to remove" or "Scenes are up to date". */
  summary: string;
}

/**
 * Turns a plan into what a "sync from script" dialog shows. Scene numbers are 1-based positions in
 * the script.
 */
export function describeSceneSync(plan: SceneSyncPlan): SceneSyncPreview {
  const p: SceneSyncPreview = {
    added: 0,
    updated: 0,
    moved: 0,
    removed: 0,
    unchanged: 0,
    lines: [],
    summary: '',
  };
  for (const c of plan.changes) {
    switch (c.kind) {
      case 'keep':
        p.unchanged++;
        break;
      case 'add':
        p.added++;
        p.lines.push(`New scene ${c.index + 1}: ${c.heading}`);
        break;
      case 'update':
        p.updated++;
        p.lines.push(
          c.revive
            ? `Restore scene ${c.index + 1}: ${c.heading} (back in the script)`
            : c.previousHeading !== c.heading
              ? `Scene ${c.index + 1} renamed: ${c.previousHeading} → ${c.heading}`
              : `Scene ${c.index + 1} text changed: ${c.heading}`,
        );
        break;
      case 'move':
        p.moved++;
        p.lines.push(`Move ${c.heading} to position ${c.index + 1}`);
        break;
      case 'markRemoved':
        p.removed++;
        p.lines.push(`Remove ${c.heading} (no longer in the script; kept until you confirm)`);
        break;
    }
  }
  const parts = [
    p.added && `${p.added} new`,
    p.updated && `${p.updated} changed`,
    p.moved && `${p.moved} moved`,
    p.removed && `${p.removed} to remove`,
  ].filter(Boolean);
  p.summary = parts.length > 0 ? parts.join(', ') : 'Scenes are up to date';
  return p;
}
