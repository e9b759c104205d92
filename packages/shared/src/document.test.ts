import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCENE_DURATION_SEC,
  orderSceneIds,
  readStoredScene,
  SCENE_DEFAULTS,
  sceneSchema,
} from './document';

describe('readStoredScene', () => {
  it('reads every key of a scene map, defaults where unset', () => {
    expect(readStoredScene({ id: 's1', heading: 'INT. LAB - DAY' })).toEqual({
      ...SCENE_DEFAULTS,
      id: 's1',
      heading: 'INT. LAB - DAY',
      synopsis: '',
      dialogue: [],
      durationSec: DEFAULT_SCENE_DURATION_SEC,
    });
  });

  it('keeps what people set and reads a wrongly typed value as its default, never hiding the scene', () => {
    const line = { character: 'ADA', text: 'Hello.', parenthetical: null, extension: null };
    const scene = readStoredScene({
      id: 's2',
      heading: 'EXT. ROOF - NIGHT',
      shot: 'close',
      camera: 'sideways',
      durationSec: '7',
      seed: 42,
      frameAssetId: '',
      dialogue: [line],
      removed: true,
    });
    expect(scene).toMatchObject({
      shot: 'close',
      camera: 'static',
      durationSec: DEFAULT_SCENE_DURATION_SEC,
      seed: 42,
      frameAssetId: null,
      dialogue: [line],
      removed: true,
    });
  });

  it('a map without a string id is not a scene', () => {
    expect(readStoredScene({ heading: 'INT. LAB - DAY' })).toBeNull();
    expect(readStoredScene({ id: 7 })).toBeNull();
  });

  it('the validated schema fills the same defaults', () => {
    expect(sceneSchema.parse({ id: 's3', heading: 'H' })).toMatchObject({
      shot: SCENE_DEFAULTS.shot,
      camera: SCENE_DEFAULTS.camera,
      durationSec: DEFAULT_SCENE_DURATION_SEC,
    });
  });
});

describe('orderSceneIds', () => {
  it('keeps the first occurrence of an id moved twice at once and skips ids without data', () => {
    expect(orderSceneIds(['a', 'b', 'gone', 'a', 7, 'c', 'b'], ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(orderSceneIds(['c', 'a', 'c'], ['a', 'c'])).toEqual(['c', 'a']);
  });

  it('appends scenes that have data but no place, sorted by id, so no data is hidden', () => {
    expect(orderSceneIds(['b'], ['z', 'b', 'a'])).toEqual(['b', 'a', 'z']);
    expect(orderSceneIds([], [])).toEqual([]);
  });
});
