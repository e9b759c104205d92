import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as screenplay from './index';

describe('package entry', () => {
  it('exposes the whole flow: parse, derive, sync, export', () => {
    const doc = new Y.Doc();
    doc.getText('script').insert(0, 'INT. LAB - NIGHT\n\nDR. NO\nWelcome.\n');
    const plan = screenplay.syncScenesFromScript(doc, { newId: () => 'scene-1' });
    expect(screenplay.describeSceneSync(plan).summary).toBe('1 new');
    expect(screenplay.readScenes(doc).map((s) => s.id)).toEqual(['scene-1']);
    const parsed = screenplay.parseFountain(doc.getText('script').toString());
    expect(screenplay.importFdx(screenplay.exportFdx(parsed)).elements.map((e) => e.type)).toEqual([
      'scene_heading',
      'dialogue',
    ]);
  });
});
