import { DOC_KEYS, readStoredScene, type StoredDialogueLine } from '@clapboard/shared/document';
import * as Y from 'yjs';

/** The scene array of a project document. */
export function scenesArray(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(DOC_KEYS.scenes);
}

/** What the planner needs to know about one existing scene map. */
export interface SceneRecord {
  id: string;
  heading: string;
  synopsis: string;
  dialogue: StoredDialogueLine[];
  removed: boolean;
  /** Position in the `scenes` array. */
  index: number;
}

/** Reads the `scenes` array into plain records (maps without a string id are skipped). */
export function readScenes(doc: Y.Doc): SceneRecord[] {
  const out: SceneRecord[] = [];
  scenesArray(doc).forEach((map, index) => {
    if (!(map instanceof Y.Map)) return;
    const scene = readStoredScene(map.toJSON());
    if (!scene) return;
    const { id, heading, synopsis, dialogue, removed } = scene;
    out.push({ id, heading, synopsis, dialogue, removed, index });
  });
  return out;
}
