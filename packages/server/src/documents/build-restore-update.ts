import { docFromState, migrateSceneLayout, sceneData, sceneOrder } from '@clapboard/screenplay';
import { DOC_KEYS } from '@clapboard/shared/document';
import * as Y from 'yjs';
import { replaceText } from './replace-text';

function copyValue(value: unknown): unknown {
  // Y types belong to one document; a restored value needs a fresh, unintegrated copy.
  return value instanceof Y.AbstractType ? value.clone() : value;
}

function jsonOf(value: unknown): string {
  return JSON.stringify(value instanceof Y.AbstractType ? value.toJSON() : value) ?? 'undefined';
}

function syncMap(current: Y.Map<unknown>, target: Y.Map<unknown>): void {
  for (const key of [...current.keys()]) if (!target.has(key)) current.delete(key);
  for (const [key, value] of target.entries()) {
    if (!current.has(key) || jsonOf(current.get(key)) !== jsonOf(value)) current.set(key, copyValue(value));
  }
}

/**
 * Computes the Yjs update that turns `current`'s content into `target`'s (a stored version) as a new
 * change on top: nothing in history is rewritten, so clients merge it like any edit. The script is
 * replaced between the common prefix and suffix (cursors outside the changed span survive), the
 * scene order is replaced and each scene's fields are set or removed where they differ, and `characters` / `settings` keys are set or removed where they differ.
 *
 * `current` is modified (the change is applied to it). Returns the update, or null when the
 * contents were already equal.
 */
export function buildRestoreUpdate(current: Y.Doc, target: Y.Doc): Uint8Array | null {
  let update: Uint8Array | null = null;
  // The transaction's own update event carries exactly this change (encodeStateAsUpdate with a
  // state vector would also repeat the document's whole delete set).
  const capture = (u: Uint8Array) => {
    update = u;
  };
  current.on('update', capture);
  try {
    current.transact(() => {
      replaceText(current.getText(DOC_KEYS.script), target.getText(DOC_KEYS.script).toString());
      // Either side may be stored in the old scene layout; compare and copy in the current one.
      migrateSceneLayout(current);
      migrateSceneLayout(target);
      const order = sceneOrder(current);
      const targetOrder = sceneOrder(target);
      if (jsonOf(order) !== jsonOf(targetOrder)) {
        order.delete(0, order.length);
        order.insert(0, targetOrder.toArray());
      }
      // Per scene, per field: a scene whose fields already match keeps its map (and its history).
      const data = sceneData(current);
      const targetData = sceneData(target);
      for (const id of [...data.keys()]) if (!targetData.has(id)) data.delete(id);
      for (const [id, map] of targetData.entries()) {
        const mine = data.get(id);
        if (mine instanceof Y.Map && map instanceof Y.Map) syncMap(mine, map);
        else data.set(id, copyValue(map) as Y.Map<unknown>);
      }
      syncMap(current.getMap(DOC_KEYS.characters), target.getMap(DOC_KEYS.characters));
      syncMap(current.getMap(DOC_KEYS.settings), target.getMap(DOC_KEYS.settings));
    });
  } finally {
    current.off('update', capture);
  }
  return update;
}

/**
 * `buildRestoreUpdate` on encoded states: the update that turns the document stored as
 * `currentState` into `targetState`'s content, or null when they already match.
 */
export function restoreUpdateFromStates(
  currentState: Uint8Array,
  targetState: Uint8Array,
): Uint8Array | null {
  const current = new Y.Doc();
  const target = docFromState(targetState);
  try {
    Y.applyUpdate(current, currentState);
    return buildRestoreUpdate(current, target);
  } finally {
    current.destroy();
    target.destroy();
  }
}
