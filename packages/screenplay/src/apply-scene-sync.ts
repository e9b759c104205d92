import * as Y from 'yjs';
import type { SceneSyncPlan } from './plan-scene-sync';
import { sceneData, sceneMap, sceneOrder } from './scene-record';

/** Puts the scene's id right after `previous`'s first place in the order (first when null). */
function placeAfter(doc: Y.Doc, id: string, previous: string | null): void {
  const order = sceneOrder(doc);
  for (let i = order.length - 1; i >= 0; i--) if (order.get(i) === id) order.delete(i, 1);
  const after = previous === null ? -1 : order.toArray().indexOf(previous);
  order.insert(after + 1, [id]);
}

/**
 * Applies a plan from `planSceneSync` to the document's scenes in one `doc.transact`, so
 * collaborators see one change. Updates touch only the script-owned keys (heading, dialogue and, when
 * the script has one, synopsis); a move moves only the id in `sceneOrder` (the map, with any
 * field edited concurrently, stays as it is). New scenes and moves are placed right after the previous scene of the script
 * order. Ids the document no longer has are skipped, so a stale plan cannot duplicate anything that
 * `dedupeScenes` could not fold back.
 *
 * @param origin transaction origin, for undo managers and update filters
 */
export function applySceneSync(doc: Y.Doc, plan: SceneSyncPlan, origin?: unknown): void {
  doc.transact(() => {
    const placed = new Set<string>();
    for (const change of plan.changes) {
      if (change.kind === 'update') {
        const map = sceneMap(doc, change.id);
        if (!map) continue;
        for (const [k, v] of Object.entries(change.fields)) map.set(k, v);
        if (change.revive) map.set('removed', false);
      } else if (change.kind === 'markRemoved') {
        sceneMap(doc, change.id)?.set('removed', true);
      } else if (change.kind === 'add' || change.kind === 'move') {
        placed.add(change.id);
      }
    }
    const adds = new Map(plan.changes.flatMap((c) => (c.kind === 'add' ? [[c.id, c.fields] as const] : [])));
    let previous: string | null = null;
    for (const id of plan.order) {
      if (placed.has(id)) {
        const added = adds.get(id);
        if (added) {
          const map = new Y.Map<unknown>();
          for (const [k, v] of Object.entries(added)) map.set(k, v);
          sceneData(doc).set(id, map);
        } else if (!sceneMap(doc, id)) {
          previous = id;
          continue;
        }
        placeAfter(doc, id, previous);
      }
      previous = id;
    }
  }, origin);
}
