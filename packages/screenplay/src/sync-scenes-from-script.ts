import type * as Y from 'yjs';
import { applySceneSync } from './apply-scene-sync';
import { dedupeScenes } from './dedupe-scenes';
import { extractScenes } from './extract-scenes';
import { parseFountain } from './parse-fountain';
import { type PlanSceneSyncOptions, planSceneSync, type SceneSyncPlan } from './plan-scene-sync';
import { readScenes } from './scene-record';

/**
 * Plans the sync of the document's `scenes` with its `script` without changing anything: what a
 * "sync from script" dialog shows (see `describeSceneSync`).
 */
export function previewSceneSync(doc: Y.Doc, options: PlanSceneSyncOptions = {}): SceneSyncPlan {
  const scenes = extractScenes(parseFountain(doc.getText('script').toString()));
  return planSceneSync(scenes, readScenes(doc), options);
}

/**
 * Brings `scenes` in line with `script`: folds duplicates left by concurrent syncs, plans from the
 * current state and applies, all in one transaction.
 *
 * @returns the plan that was applied
 */
export function syncScenesFromScript(
  doc: Y.Doc,
  options: PlanSceneSyncOptions & { origin?: unknown } = {},
): SceneSyncPlan {
  let plan: SceneSyncPlan = { changes: [], order: [] };
  doc.transact(() => {
    dedupeScenes(doc, options.origin);
    plan = previewSceneSync(doc, options);
    applySceneSync(doc, plan, options.origin);
  }, options.origin);
  return plan;
}
