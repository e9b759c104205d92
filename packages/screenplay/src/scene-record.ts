import {
  DOC_KEYS,
  orderSceneIds,
  readStoredScene,
  type StoredDialogueLine,
} from '@clapboard/shared/document';
import * as Y from 'yjs';

/** Scene ids in storyboard order (raw: may hold an id twice; read it through `sceneEntries`). */
export function sceneOrder(doc: Y.Doc): Y.Array<string> {
  return doc.getArray<string>(DOC_KEYS.sceneOrder);
}

/** Scene id → the scene's Y.Map of fields. */
export function sceneData(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(DOC_KEYS.sceneData);
}

/** One scene of the storyboard: its id, its live Y.Map (write fields here) and its place. */
export interface SceneEntry {
  id: string;
  map: Y.Map<unknown>;
  /** Position in the storyboard order (removed scenes counted), from 0. */
  index: number;
}

/** The storyboard's scenes in order (`orderSceneIds`: duplicates folded, ids without data skipped). */
export function sceneEntries(doc: Y.Doc): SceneEntry[] {
  const data = sceneData(doc);
  const ids = orderSceneIds(
    sceneOrder(doc).toArray(),
    [...data.entries()].flatMap(([id, map]) => (map instanceof Y.Map ? [id] : [])),
  );
  return ids.map((id, index) => ({ id, map: data.get(id)!, index }));
}

/** The scene's live map, or undefined when the document has no scene with that id. */
export function sceneMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const map = sceneData(doc).get(id);
  return map instanceof Y.Map ? map : undefined;
}

/** Each scene as plain JSON, in order, its data key as `id`. */
export function sceneJson(doc: Y.Doc): Record<string, unknown>[] {
  return sceneEntries(doc).map(({ id, map }) => ({ ...(map.toJSON() as Record<string, unknown>), id }));
}

/** Calls `fn` on any change to the scenes (order or any field, local or remote); returns the unsubscribe. */
export function observeScenes(doc: Y.Doc, fn: () => void): () => void {
  const order = sceneOrder(doc);
  const data = sceneData(doc);
  order.observe(fn);
  data.observeDeep(fn);
  return () => {
    order.unobserve(fn);
    data.unobserveDeep(fn);
  };
}

/** Where in the raw order array the scene shown at `index` sits (the array's end past the last). */
function rawPosition(doc: Y.Doc, ids: readonly string[], index: number): number {
  const next = ids[index];
  if (next === undefined) return sceneOrder(doc).length;
  const at = sceneOrder(doc).toArray().indexOf(next);
  return at < 0 ? sceneOrder(doc).length : at;
}

function mapFrom(entries: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(entries)) map.set(k, v);
  return map;
}

/**
 * Adds a scene (`fields.id` names it) so it is shown at `index` (past the end: last). Call inside a
 * transaction to group it with other edits. Returns the new live map.
 */
export function insertScene(
  doc: Y.Doc,
  index: number,
  fields: Record<string, unknown> & { id: string },
): Y.Map<unknown> {
  const ids = sceneEntries(doc)
    .map((e) => e.id)
    .filter((id) => id !== fields.id);
  const map = mapFrom(fields);
  doc.transact(() => {
    removeFromOrder(doc, fields.id);
    sceneData(doc).set(fields.id, map);
    sceneOrder(doc).insert(rawPosition(doc, ids, Math.max(0, index)), [fields.id]);
  });
  return map;
}

function removeFromOrder(doc: Y.Doc, id: string): void {
  const order = sceneOrder(doc);
  for (let i = order.length - 1; i >= 0; i--) if (order.get(i) === id) order.delete(i, 1);
}

/**
 * Moves a scene so it ends up shown at `to`: only its id moves (deleted from the order and inserted
 * again); its map is untouched, so a field edited concurrently by anyone survives. Two peers moving
 * the same scene at once leave its id twice; readers take the first (`orderSceneIds`).
 *
 * @returns false when there is no such scene or `to` is out of range
 */
export function moveScene(doc: Y.Doc, id: string, to: number, origin?: unknown): boolean {
  const ids = sceneEntries(doc).map((e) => e.id);
  if (!ids.includes(id) || to < 0 || to >= ids.length) return false;
  const rest = ids.filter((x) => x !== id);
  doc.transact(() => {
    removeFromOrder(doc, id);
    sceneOrder(doc).insert(rawPosition(doc, rest, to), [id]);
  }, origin);
  return true;
}

/** Replaces every scene with `scenes`, in that order, in one transaction (imports, fixtures). */
export function replaceScenes(
  doc: Y.Doc,
  scenes: readonly (Record<string, unknown> & { id: string })[],
  origin?: unknown,
): void {
  doc.transact(() => {
    const order = sceneOrder(doc);
    order.delete(0, order.length);
    const data = sceneData(doc);
    for (const id of [...data.keys()]) data.delete(id);
    for (const fields of scenes) {
      data.set(fields.id, mapFrom(fields));
      order.push([fields.id]);
    }
  }, origin);
}

/** Deletes a scene: its data and every place of its id in the order. */
export function deleteScene(doc: Y.Doc, id: string, origin?: unknown): void {
  doc.transact(() => {
    removeFromOrder(doc, id);
    sceneData(doc).delete(id);
  }, origin);
}

/**
 * Converts the old layout (`DOC_KEYS.legacyScenes`, a Y.Array of scene maps) into `sceneOrder` +
 * `sceneData`, in one transaction, and empties the old array. Idempotent: a document without old
 * scenes is left alone; an id already in `sceneData` keeps its data (the first old copy of an id
 * wins, as `dedupeScenes` did); maps without a string id are dropped, as every reader skipped them.
 * Two servers migrating at once converge: the same keys are set, and a doubled id is folded on read.
 *
 * @returns whether anything was converted
 */
export function migrateSceneLayout(doc: Y.Doc, origin?: unknown): boolean {
  const legacy = doc.getArray<unknown>(DOC_KEYS.legacyScenes);
  if (legacy.length === 0) return false;
  doc.transact(() => {
    const data = sceneData(doc);
    const order = sceneOrder(doc);
    const placed = new Set(order.toArray());
    for (const item of legacy.toArray()) {
      if (!(item instanceof Y.Map)) continue;
      const id = item.get('id');
      if (typeof id !== 'string' || id === '') continue;
      if (!data.has(id)) data.set(id, item.clone());
      if (!placed.has(id)) {
        order.push([id]);
        placed.add(id);
      }
    }
    legacy.delete(0, legacy.length);
  }, origin);
  return true;
}

/** Decodes an encoded state into a fresh Y.Doc in the current layout (migrated in memory only). */
export function docFromState(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  migrateSceneLayout(doc);
  return doc;
}

/** What the planner needs to know about one existing scene map. */
export interface SceneRecord {
  id: string;
  heading: string;
  synopsis: string;
  dialogue: StoredDialogueLine[];
  removed: boolean;
  /** Position in the storyboard order. */
  index: number;
}

/** Reads the scenes into plain records, in order. */
export function readScenes(doc: Y.Doc): SceneRecord[] {
  const out: SceneRecord[] = [];
  for (const { id: key, map, index } of sceneEntries(doc)) {
    const scene = readStoredScene({ ...map.toJSON(), id: key });
    if (!scene) continue;
    const { id, heading, synopsis, dialogue, removed } = scene;
    out.push({ id, heading, synopsis, dialogue, removed, index });
  }
  return out;
}
