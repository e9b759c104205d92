import { scenesArray } from '@clapboard/screenplay';
import { readStoredScene, type StoredScene } from '@clapboard/shared/document';
import { useEffect, useState } from 'react';
import * as Y from 'yjs';

/** A scene as the storyboard shows it (the shared stored shape); `map` is the live Y.Map to write to. */
export interface SceneView extends StoredScene {
  map: Y.Map<unknown>;
  index: number;
}

function read(doc: Y.Doc): SceneView[] {
  const out: SceneView[] = [];
  scenesArray(doc).forEach((map, index) => {
    if (!(map instanceof Y.Map)) return;
    const scene = readStoredScene(map.toJSON());
    if (scene) out.push({ ...scene, map, index });
  });
  return out;
}

/** The document's `scenes` in order, re-read on any change inside them (local or remote). */
export function useScenes(doc: Y.Doc): SceneView[] {
  const [scenes, setScenes] = useState(() => read(doc));
  useEffect(() => {
    const arr = scenesArray(doc);
    const update = () => setScenes(read(doc));
    arr.observeDeep(update);
    update();
    return () => arr.unobserveDeep(update);
  }, [doc]);
  return scenes;
}
