import { observeScenes, type SceneEntry, sceneEntries } from '@clapboard/screenplay';
import { readStoredScene, type StoredScene } from '@clapboard/shared/document';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';

/** A scene as the storyboard shows it (the shared stored shape); `map` is the live Y.Map to write to. */
export interface SceneView extends StoredScene {
  map: SceneEntry['map'];
  index: number;
}

function read(doc: Y.Doc): SceneView[] {
  const out: SceneView[] = [];
  for (const { id, map, index } of sceneEntries(doc)) {
    const scene = readStoredScene({ ...map.toJSON(), id });
    if (scene) out.push({ ...scene, map, index });
  }
  return out;
}

/** The document's scenes in order, re-read on any change to the order or a scene (local or remote). */
export function useScenes(doc: Y.Doc): SceneView[] {
  const [scenes, setScenes] = useState(() => read(doc));
  useEffect(() => {
    const update = () => setScenes(read(doc));
    const stop = observeScenes(doc, update);
    update();
    return stop;
  }, [doc]);
  return scenes;
}
