import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { migrateSceneLayout, moveScene, sceneEntries, sceneMap, sceneOrder } from './scene-record';

function oldLayout(): Uint8Array {
  const doc = new Y.Doc();
  for (const [id, notes] of [
    ['a', 'one'],
    ['b', 'two'],
    ['a', 'stale copy'],
  ]) {
    const m = new Y.Map<unknown>();
    m.set('id', id);
    m.set('notes', notes);
    doc.getArray('scenes').push([m]);
  }
  return Y.encodeStateAsUpdate(doc);
}

const read = (doc: Y.Doc) => sceneEntries(doc).map(({ id, map }) => [id, map.get('notes')]);

describe('migrateSceneLayout', () => {
  it('converts once: first copy of an id wins, a second run changes nothing', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, oldLayout());
    expect(migrateSceneLayout(doc)).toBe(true);
    expect(read(doc)).toEqual([
      ['a', 'one'],
      ['b', 'two'],
    ]);
    const before = Y.encodeStateVector(doc);
    expect(migrateSceneLayout(doc)).toBe(false);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('two servers migrating the same stored document at once converge, each scene shown once', () => {
    const [a, b] = [new Y.Doc(), new Y.Doc()];
    Y.applyUpdate(a, oldLayout());
    Y.applyUpdate(b, oldLayout());
    migrateSceneLayout(a);
    migrateSceneLayout(b);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(read(a)).toEqual(read(b));
    expect(read(a)).toEqual([
      ['a', 'one'],
      ['b', 'two'],
    ]);
    // The id order holds each id twice; readers fold it.
    expect(sceneOrder(a).length).toBe(4);
  });
});

describe('moveScene', () => {
  it('moves only the id: the scene map is the same object before and after', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, oldLayout());
    migrateSceneLayout(doc);
    const map = sceneMap(doc, 'a');
    expect(moveScene(doc, 'a', 1)).toBe(true);
    expect(read(doc).map(([id]) => id)).toEqual(['b', 'a']);
    expect(sceneMap(doc, 'a')).toBe(map);
    expect(moveScene(doc, 'a', 2)).toBe(false);
    expect(moveScene(doc, 'nope', 0)).toBe(false);
  });
});
