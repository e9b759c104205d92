import { dedupeScenes, scenesArray } from '@clapboard/screenplay';
import * as Y from 'yjs';

/**
 * Moves the scene at `from` so it ends up at index `to`. Yjs arrays have no move, so this deletes
 * the map and inserts a clone in one transaction. When two people move the same scene at once,
 * both clones survive the merge; `dedupeScenes` then folds them (same id: the first stays) the same
 * way on every peer, so the documents converge.
 *
 * @returns false when the indices are out of range or equal
 */
export function moveScene(doc: Y.Doc, from: number, to: number): boolean {
  const scenes = scenesArray(doc);
  if (from === to || from < 0 || to < 0 || from >= scenes.length || to >= scenes.length) return false;
  const map = scenes.get(from);
  if (!(map instanceof Y.Map)) return false;
  doc.transact(() => {
    const clone = map.clone();
    scenes.delete(from, 1);
    scenes.insert(to, [clone]);
  });
  dedupeScenes(doc);
  return true;
}
