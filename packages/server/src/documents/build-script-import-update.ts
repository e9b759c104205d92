import {
  migrateSceneLayout,
  type SceneSyncPlan,
  sceneMap,
  syncScenesFromScript,
} from '@clapboard/screenplay';
import { DOC_KEYS, type SCENE_USER_FIELDS, type StoredScene } from '@clapboard/shared/document';
import * as Y from 'yjs';
import { replaceText } from './replace-text';

/**
 * The Yjs update that makes the document stored as `currentState` hold `fountain` as its script,
 * with the storyboard synced from it (`syncScenesFromScript`: scenes whose heading survives keep
 * their id, frame and notes; new ones are added; the rest are marked removed), as ONE change on top
 * of the history, so every client merges it like an edit and restoring the version saved before
 * undoes it whole. Pass an empty state (`new Uint8Array([0, 0])`) for a new project's first state.
 *
 * @param options.newId ids for new scenes (default `crypto.randomUUID`)
 * @param options.sceneFields storyboard fields to set, in the same change, on the scene of the
 *   script at each index (a storyboard draft's length, shot, image prompt and synopsis); entries past
 *   the script's scenes are ignored
 * @returns the update (null when the document already holds that script and those scenes) and the
 *   scene sync plan applied, for a preview of what happens to the storyboard (`describeSceneSync`)
 */
export function buildScriptImportUpdate(
  currentState: Uint8Array,
  fountain: string,
  options: {
    newId?: () => string;
    sceneFields?: readonly Partial<Pick<StoredScene, (typeof SCENE_USER_FIELDS)[number]>>[];
  } = {},
): { update: Uint8Array | null; plan: SceneSyncPlan } {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, currentState);
    let update: Uint8Array | null = null;
    // The transaction's own update event carries exactly this change (see buildRestoreUpdate).
    doc.on('update', (u: Uint8Array) => {
      update = update ? Y.mergeUpdates([update, u]) : u;
    });
    let plan: SceneSyncPlan = { changes: [], order: [] };
    doc.transact(() => {
      // A document still in the old scene layout moves to the current one in this same update.
      migrateSceneLayout(doc);
      replaceText(doc.getText(DOC_KEYS.script), fountain);
      plan = syncScenesFromScript(doc, options);
      // `plan.order` holds the live scenes in script order, so index i is the script's scene i.
      options.sceneFields?.forEach((fields, i) => {
        const id = plan.order[i];
        const map = id === undefined ? undefined : sceneMap(doc, id);
        if (map) for (const [k, v] of Object.entries(fields)) if (v !== undefined) map.set(k, v);
      });
    });
    return { update, plan };
  } finally {
    doc.destroy();
  }
}
