import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { charactersMap, readCast } from './read-cast';
import { insertScene } from './scene-record';
import { updateCharacter } from './update-character';

function docWith(scenes: Array<{ id: string; removed?: boolean; speakers: string[] }>): Y.Doc {
  const doc = new Y.Doc();
  for (const s of scenes) {
    insertScene(doc, Number.POSITIVE_INFINITY, {
      id: s.id,
      heading: `INT. ${s.id} - DAY`,
      dialogue: s.speakers.map((character) => ({
        character,
        text: 'Hi.',
        parenthetical: null,
        extension: null,
      })),
      ...(s.removed ? { removed: true } : {}),
    });
  }
  return doc;
}

describe('readCast', () => {
  it('lists speakers of shown scenes in order of first line, then characters who only have an entry', () => {
    const doc = docWith([
      { id: 'a', speakers: ['rita ', 'BOB', 'RITA'] },
      { id: 'gone', removed: true, speakers: ['GHOST'] },
      { id: 'b', speakers: ['Bob'] },
    ]);
    const zed = new Y.Map<unknown>([['voice', 'flite-rms']]);
    charactersMap(doc).set('Zed', zed);
    charactersMap(doc).set('ANNA', { description: 'plain object', portraitAssetId: null });
    const rita = new Y.Map<unknown>([
      ['portraitAssetId', '8d0f6c57-1d8b-4f0c-9a53-0b6c3e3f1a11'],
      ['voice', 'festival-kal'],
      ['gender', 'female'],
    ]);
    charactersMap(doc).set('Rita', rita);

    expect(readCast(doc)).toEqual([
      {
        name: 'RITA',
        key: 'Rita',
        portraitAssetId: '8d0f6c57-1d8b-4f0c-9a53-0b6c3e3f1a11',
        voice: 'festival-kal',
        gender: 'female',
        description: '',
        lines: 2,
        scenes: 1,
      },
      {
        name: 'BOB',
        key: null,
        portraitAssetId: null,
        voice: '',
        gender: null,
        description: '',
        lines: 2,
        scenes: 2,
      },
      {
        name: 'ANNA',
        key: 'ANNA',
        portraitAssetId: null,
        voice: '',
        gender: null,
        description: 'plain object',
        lines: 0,
        scenes: 0,
      },
      {
        name: 'ZED',
        key: 'Zed',
        portraitAssetId: null,
        voice: 'flite-rms',
        gender: null,
        description: '',
        lines: 0,
        scenes: 0,
      },
    ]);
  });
});

describe('updateCharacter', () => {
  it('creates an upper-cased Y.Map entry for a speaker, and clears fields by deleting them', () => {
    const doc = docWith([{ id: 'a', speakers: ['Bob'] }]);
    expect(updateCharacter(doc, 'bob', { portraitAssetId: 'p1', voice: 'flite-slt' })).toBe('BOB');
    const bob = charactersMap(doc).get('BOB');
    expect(bob).toBeInstanceOf(Y.Map);
    expect((bob as Y.Map<unknown>).toJSON()).toEqual({ portraitAssetId: 'p1', voice: 'flite-slt' });
    updateCharacter(doc, 'BOB', { voice: '', gender: 'male' });
    expect(readCast(doc)[0]).toMatchObject({ name: 'BOB', gender: 'male' });
    updateCharacter(doc, 'BOB', { gender: null });
    updateCharacter(doc, 'BOB', { portraitAssetId: null });
    expect((bob as Y.Map<unknown>).toJSON()).toEqual({});
    expect(readCast(doc)[0]).toMatchObject({ name: 'BOB', key: 'BOB', portraitAssetId: null, voice: '' });
  });

  it('writes into an existing entry whatever its case, turning a plain object into a Y.Map', () => {
    const doc = docWith([]);
    charactersMap(doc).set('Anna', { description: 'The lead', voice: 'flite-awb' });
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    expect(updateCharacter(doc, 'ANNA', { portraitAssetId: 'p2' })).toBe('Anna');
    expect(transactions).toBe(1);
    const anna = charactersMap(doc).get('Anna') as Y.Map<unknown>;
    expect(anna).toBeInstanceOf(Y.Map);
    expect(anna.toJSON()).toEqual({ description: 'The lead', voice: 'flite-awb', portraitAssetId: 'p2' });
    expect([...charactersMap(doc).keys()]).toEqual(['Anna']);
  });

  it('keeps both of two concurrent edits to different fields of one character', () => {
    const a = docWith([{ id: 's', speakers: ['MARA'] }]);
    updateCharacter(a, 'MARA', { description: 'x' });
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    updateCharacter(a, 'MARA', { portraitAssetId: 'p3' });
    updateCharacter(b, 'MARA', { voice: 'espeak-en-gb' });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const doc of [a, b])
      expect(readCast(doc)[0]).toMatchObject({ portraitAssetId: 'p3', voice: 'espeak-en-gb' });
  });
});
