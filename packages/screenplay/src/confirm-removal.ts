import type * as Y from 'yjs';
import { deleteScene, sceneEntries } from './scene-record';

/**
 * Deletes scenes marked `removed: true`, once a person has confirmed it (the sync only marks them,
 * so a frame or notes are never lost to a careless script edit). Scenes not marked removed are left
 * alone even when their id is listed.
 *
 * @param ids which removed scenes to delete; default all of them
 * @returns the ids deleted
 */
export function confirmRemoval(doc: Y.Doc, ids?: readonly string[], origin?: unknown): string[] {
  const only = ids ? new Set(ids) : null;
  const deleted: string[] = [];
  doc.transact(() => {
    for (const { id, map } of sceneEntries(doc)) {
      if (map.get('removed') !== true || (only && !only.has(id))) continue;
      deleteScene(doc, id);
      deleted.push(id);
    }
  }, origin);
  return deleted;
}
