import { scenesArray } from '@clapboard/screenplay';
import { useEffect, useState } from 'react';
import * as Y from 'yjs';

/** A scene as the storyboard shows it; `map` is the live Y.Map to write to. */
export interface SceneView {
  map: Y.Map<unknown>;
  index: number;
  id: string;
  heading: string;
  synopsis: string;
  shot: string;
  camera: string;
  durationSec: number;
  voice: string;
  frameAssetId: string | null;
  imagePrompt: string;
  seed: number | null;
  notes: string;
  removed: boolean;
}

function read(doc: Y.Doc): SceneView[] {
  const out: SceneView[] = [];
  scenesArray(doc).forEach((map, index) => {
    if (!(map instanceof Y.Map) || typeof map.get('id') !== 'string') return;
    const str = (k: string) => (typeof map.get(k) === 'string' ? (map.get(k) as string) : '');
    const num = (k: string) => (typeof map.get(k) === 'number' ? (map.get(k) as number) : null);
    out.push({
      map,
      index,
      id: map.get('id') as string,
      heading: str('heading'),
      synopsis: str('synopsis'),
      shot: str('shot') || 'medium',
      camera: str('camera') || 'static',
      durationSec: num('durationSec') ?? 5,
      voice: str('voice'),
      frameAssetId: str('frameAssetId') || null,
      imagePrompt: str('imagePrompt'),
      seed: num('seed'),
      notes: str('notes'),
      removed: map.get('removed') === true,
    });
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
