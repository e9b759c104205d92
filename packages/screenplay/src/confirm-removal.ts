import * as Y from 'yjs';
import { scenesArray } from './scene-record';

/**
 * Deletes scenes marked `removed: true`, once a person has confirmed it (the sync only marks them,
 * so a frame or notes are never lost to a careless script edit). Scenes not marked removed are left
 * alone even when their id is listed.
 *
 * @param ids which removed scenes to delete; default all of them
 * @returns the ids deleted
 */
export function confirmRemoval(doc: Y.Doc, ids?: readonly string[], origin?: unknown): string[] {
  const scenes = scenesArray(doc);
  const only = ids ? new Set(ids) : null;
  const deleted: string[] = [];
  doc.transact(() => {
    for (let i = scenes.length - 1; i >= 0; i--) {
      const map = scenes.get(i);
      if (!(map instanceof Y.Map) || map.get('removed') !== true) continue;
      const id = String(map.get('id'));
      if (only && !only.has(id)) continue;
      scenes.delete(i, 1);
      deleted.unshift(id);
    }
  }, origin);
  return deleted;
}
