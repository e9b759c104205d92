import * as Y from 'yjs';
import type { SceneSyncPlan } from './plan-scene-sync';
import { scenesArray } from './scene-record';

function indexOfId(scenes: Y.Array<Y.Map<unknown>>, id: string): number {
  let i = 0;
  for (const map of scenes) {
    if (map instanceof Y.Map && map.get('id') === id) return i;
    i++;
  }
  return -1;
}

function mapFrom(entries: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(entries)) map.set(k, v);
  return map;
}

/**
 * Applies a plan from `planSceneSync` to the document's `scenes` array in one `doc.transact`, so
 * collaborators see one change. Updates touch only the script-owned keys (heading, dialogue and, when
 * the script has one, synopsis); a move re-creates the map at its new place with all its keys (Yjs
 * cannot move an item). New scenes and moves are placed right after the previous scene of the script
 * order. Ids the document no longer has are skipped, so a stale plan cannot duplicate anything that
 * `dedupeScenes` could not fold back.
 *
 * @param origin transaction origin, for undo managers and update filters
 */
export function applySceneSync(doc: Y.Doc, plan: SceneSyncPlan, origin?: unknown): void {
  doc.transact(() => {
    const scenes = scenesArray(doc);
    const placed = new Set<string>();
    for (const change of plan.changes) {
      if (change.kind === 'update') {
        const at = indexOfId(scenes, change.id);
        if (at < 0) continue;
        const map = scenes.get(at);
        for (const [k, v] of Object.entries(change.fields)) map.set(k, v);
        if (change.revive) map.set('removed', false);
      } else if (change.kind === 'markRemoved') {
        const at = indexOfId(scenes, change.id);
        if (at >= 0) scenes.get(at).set('removed', true);
      } else if (change.kind === 'add' || change.kind === 'move') {
        placed.add(change.id);
      }
    }
    const adds = new Map(plan.changes.flatMap((c) => (c.kind === 'add' ? [[c.id, c.fields] as const] : [])));
    let previous: string | null = null;
    for (const id of plan.order) {
      if (placed.has(id)) {
        const added = adds.get(id);
        let entries: Record<string, unknown> | undefined = added ? { ...added } : undefined;
        if (!entries) {
          const from = indexOfId(scenes, id);
          if (from < 0) {
            previous = id;
            continue;
          }
          entries = scenes.get(from).toJSON();
          scenes.delete(from, 1);
        }
        const after = previous === null ? -1 : indexOfId(scenes, previous);
        scenes.insert(after + 1, [mapFrom(entries)]);
      }
      previous = id;
    }
  }, origin);
}
