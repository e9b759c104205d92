import { replaceScenes } from '@clapboard/screenplay';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readProjectScene } from './render-document';

function state(scenes: Array<Record<string, unknown>>): Uint8Array {
  const doc = new Y.Doc();
  replaceScenes(
    doc,
    scenes.map((s) => ({ ...s, id: String(s.id) })),
  );
  const mara = new Y.Map<unknown>();
  mara.set('portraitAssetId', null);
  doc.getMap('characters').set('Mara', mara);
  return Y.encodeStateAsUpdate(doc);
}

describe('readProjectScene', () => {
  const doc = state([
    { id: 'a', heading: 'INT. A - DAY' },
    { id: 'gone', heading: 'INT. GONE - DAY', removed: true },
    { id: 'b', heading: 'EXT. B - NIGHT', seed: 7, durationSec: 9999 },
    { id: 'c', heading: 'EXT. C - NIGHT', seed: 3, imagePrompt: 'a pier at night' },
  ]);

  it('finds a scene by id, counting only scenes shown, and reads the cast', () => {
    const found = readProjectScene(doc, 'c');
    expect(found.index).toBe(2);
    expect(found.scene).toMatchObject({ id: 'c', seed: 3, imagePrompt: 'a pier at night', shot: 'medium' });
    expect(Object.keys(found.characters)).toEqual(['MARA']);
  });

  it('validates only the scene asked for', () => {
    expect(readProjectScene(doc, 'a').index).toBe(0);
    expect(() => readProjectScene(doc, 'b')).toThrow(/Scene 3 \(EXT. B - NIGHT\) lasts 9999 s/);
  });

  it('refuses unknown and removed scenes with a reason, without retry', () => {
    const unknown = () => readProjectScene(doc, 'nope');
    expect(unknown).toThrow(UnrecoverableError);
    expect(unknown).toThrow(`This project's storyboard has no scene "nope" (3 scenes)`);
    expect(() => readProjectScene(doc, 'gone')).toThrow(/was removed from the storyboard/);
  });
});
