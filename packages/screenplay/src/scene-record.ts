import * as Y from 'yjs';

export type SceneShot = 'wide' | 'medium' | 'close';
export type SceneCamera =
  | 'static'
  | 'pan-left'
  | 'pan-right'
  | 'zoom-in'
  | 'zoom-out'
  | 'tilt-up'
  | 'tilt-down';

/** A dialogue line as stored in a scene map's `dialogue` key (plain JSON). */
export interface StoredDialogueLine {
  character: string;
  text: string;
  parenthetical: string | null;
  extension: string | null;
}

/** Keys of a scene map (see ARCHITECTURE.md, "The project document"). */
export interface SceneFields {
  id: string;
  heading: string;
  synopsis: string;
  dialogue: StoredDialogueLine[];
  shot: SceneShot;
  camera: SceneCamera;
  durationSec: number;
  voice: string;
  frameAssetId: string | null;
  imagePrompt: string;
  seed: number | null;
  notes: string;
  removed: boolean;
}

/** Fields people set in the storyboard; sync never overwrites them (synopsis only from a `=` line). */
export const USER_FIELDS = [
  'shot',
  'camera',
  'durationSec',
  'voice',
  'frameAssetId',
  'imagePrompt',
  'seed',
  'notes',
  'synopsis',
] as const;

/** Values a new scene starts with, apart from id and what the script gives. */
export const SCENE_DEFAULTS = {
  shot: 'medium',
  camera: 'static',
  voice: '',
  frameAssetId: null,
  imagePrompt: '',
  seed: null,
  notes: '',
  removed: false,
} as const satisfies Partial<SceneFields>;

/** The scene array of a project document. */
export function scenesArray(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>('scenes');
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
    const id = map.get('id');
    if (typeof id !== 'string') return;
    const dialogue = map.get('dialogue');
    out.push({
      id,
      heading: String(map.get('heading') ?? ''),
      synopsis: String(map.get('synopsis') ?? ''),
      dialogue: Array.isArray(dialogue) ? (dialogue as StoredDialogueLine[]) : [],
      removed: map.get('removed') === true,
      index,
    });
  });
  return out;
}
