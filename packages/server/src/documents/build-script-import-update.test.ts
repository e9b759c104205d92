import { docFromState, sceneEntries, sceneJson } from '@clapboard/screenplay';
import { DOC_KEYS } from '@clapboard/shared/document';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildScriptImportUpdate } from './build-script-import-update';

const EMPTY = Y.encodeStateAsUpdate(new Y.Doc());

function read(state: Uint8Array) {
  const doc = docFromState(state);
  return {
    script: doc.getText(DOC_KEYS.script).toString(),
    scenes: sceneJson(doc) as unknown as {
      id: string;
      heading: string;
      removed?: boolean;
      notes?: string;
    }[],
  };
}

describe('buildScriptImportUpdate', () => {
  it('writes a new document: script and scenes in one update', () => {
    let n = 0;
    const { update } = buildScriptImportUpdate(EMPTY, 'INT. A - DAY\nBOB\nHi.\n\nEXT. B - NIGHT\n', {
      newId: () => `s${++n}`,
    });
    const got = read(update!);
    expect(got.script).toBe('INT. A - DAY\nBOB\nHi.\n\nEXT. B - NIGHT\n');
    expect(got.scenes.map((s) => [s.id, s.heading])).toEqual([
      ['s1', 'INT. A - DAY'],
      ['s2', 'EXT. B - NIGHT'],
    ]);
  });

  it('replaces a script as one change: kept headings keep their scene, others are marked removed', () => {
    let n = 0;
    const newId = () => `s${++n}`;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildScriptImportUpdate(EMPTY, 'INT. A - DAY\n\nEXT. B - NIGHT\n', { newId }).update!);
    sceneEntries(doc)[0]!.map.set('notes', 'keep me');
    const before = Y.encodeStateAsUpdate(doc);
    const { update, plan } = buildScriptImportUpdate(before, 'INT. A - DAY\nNew action.\n\nINT. C - DAY\n', {
      newId,
    });
    expect(plan.changes.map((c) => c.kind).sort()).toEqual(['add', 'keep', 'markRemoved']);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    Y.applyUpdate(doc, update!);
    expect(updates).toHaveLength(1);
    const got = read(Y.encodeStateAsUpdate(doc));
    expect(got.script).toBe('INT. A - DAY\nNew action.\n\nINT. C - DAY\n');
    expect(got.scenes.map((s) => [s.id, s.heading, !!s.removed, s.notes ?? ''])).toEqual([
      ['s1', 'INT. A - DAY', false, 'keep me'],
      ['s3', 'INT. C - DAY', false, ''],
      ['s2', 'EXT. B - NIGHT', true, ''],
    ]);
    expect(buildScriptImportUpdate(Y.encodeStateAsUpdate(doc), got.script, { newId }).update).toBeNull();
  });

  it('sets storyboard fields on the scenes of the script by index, in the same one change', () => {
    let n = 0;
    const newId = () => `s${++n}`;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, buildScriptImportUpdate(EMPTY, 'INT. A - DAY\n', { newId }).update!);
    sceneEntries(doc)[0]!.map.set('notes', 'kept');
    const { update } = buildScriptImportUpdate(Y.encodeStateAsUpdate(doc), 'INT. B - DAY\n\nINT. A - DAY\n', {
      newId,
      sceneFields: [
        { durationSec: 7, shot: 'wide', imagePrompt: 'a field' },
        { durationSec: 3, synopsis: 'Back in A.' },
        { durationSec: 99 },
      ],
    });
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    Y.applyUpdate(doc, update!);
    expect(updates).toHaveLength(1);
    const scenes = read(Y.encodeStateAsUpdate(doc)).scenes as unknown as Record<string, unknown>[];
    expect(
      scenes.map((s) => [s.id, s.heading, s.durationSec, s.shot, s.imagePrompt, s.synopsis, s.notes]),
    ).toEqual([
      ['s2', 'INT. B - DAY', 7, 'wide', 'a field', '', ''],
      ['s1', 'INT. A - DAY', 3, 'medium', '', 'Back in A.', 'kept'],
    ]);
  });
});
