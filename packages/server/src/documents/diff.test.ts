import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildRestoreUpdate } from './build-restore-update';
import { diffLines } from './diff-lines';
import { diffScenes } from './diff-scenes';
import { readDocumentContent } from './read-document-content';

describe('diffLines', () => {
  it('reports kept, removed and added lines in order', () => {
    expect(diffLines('a\nb\nc\nd', 'a\nc\nx\nd')).toEqual([
      { op: 'equal', text: 'a' },
      { op: 'remove', text: 'b' },
      { op: 'equal', text: 'c' },
      { op: 'add', text: 'x' },
      { op: 'equal', text: 'd' },
    ]);
  });
  it('handles empty texts', () => {
    expect(diffLines('', 'a')).toEqual([{ op: 'add', text: 'a' }]);
    expect(diffLines('a', '')).toEqual([{ op: 'remove', text: 'a' }]);
    expect(diffLines('', '')).toEqual([]);
  });
  it('rebuilds both sides from the diff', () => {
    const before = 'one\ntwo\nthree\nfour\nfive';
    const after = 'zero\ntwo\nthree\n3.5\nfive\nsix';
    const d = diffLines(before, after);
    expect(
      d
        .filter((l) => l.op !== 'add')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(before);
    expect(
      d
        .filter((l) => l.op !== 'remove')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(after);
  });
});

describe('diffScenes', () => {
  it('finds added, removed, changed and moved scenes by id', () => {
    const d = diffScenes(
      [
        { id: 'a', heading: 'A' },
        { id: 'b', heading: 'B', shot: 'wide' },
        { id: 'c', heading: 'C' },
      ],
      [
        { id: 'c', heading: 'C' },
        { id: 'b', heading: 'B', shot: 'close' },
        { id: 'd', heading: 'D' },
      ],
    );
    expect(d.added.map((s) => s.id)).toEqual(['d']);
    expect(d.removed.map((s) => s.id)).toEqual(['a']);
    expect(d.changed).toEqual([
      {
        id: 'b',
        fields: ['shot'],
        before: { id: 'b', heading: 'B', shot: 'wide' },
        after: { id: 'b', heading: 'B', shot: 'close' },
      },
    ]);
    expect(d.moved).toEqual(['b', 'c']);
  });
});

describe('buildRestoreUpdate', () => {
  function docWith(script: string, scenes: { id: string; heading: string }[], fps?: number): Y.Doc {
    const doc = new Y.Doc();
    doc.getText('script').insert(0, script);
    doc.getArray('scenes').push(
      scenes.map((s) => {
        const m = new Y.Map<unknown>();
        for (const [k, v] of Object.entries(s)) m.set(k, v);
        return m;
      }),
    );
    if (fps !== undefined) doc.getMap('settings').set('fps', fps);
    return doc;
  }

  it('turns the current content into the version content as a new change', () => {
    const version = docWith('FADE IN:\nINT. HOUSE', [{ id: 's1', heading: 'INT. HOUSE' }], 24);
    const server = docWith('FADE IN:\nEXT. GARDEN', [{ id: 's2', heading: 'EXT. GARDEN' }], 30);
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const update = buildRestoreUpdate(server, version);
    expect(update).not.toBeNull();
    Y.applyUpdate(client, update!);
    expect(readDocumentContent(client)).toEqual(readDocumentContent(version));
    expect(client.getMap('settings').get('fps')).toBe(24);
    expect(buildRestoreUpdate(server, version)).toBeNull();
  });
});
