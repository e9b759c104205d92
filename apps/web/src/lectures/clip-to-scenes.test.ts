import { extractScenes, parseFountain, sceneEntries, sceneJson } from '@clapboard/screenplay';
import { sampleLectureAnalysis } from '@clapboard/server/testing/sample';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clipToScenes, LECTURER } from './clip-to-scenes';
import { sendToStoryboard } from './send-to-storyboard';

const sample = sampleLectureAnalysis(20);
const build = (startSec: number, endSec: number) =>
  clipToScenes({
    title: 'Heat, briefly',
    clip: { startSec, endSec },
    transcript: sample.transcript,
    layout: sample.layout.spans,
  });

describe('a clip becomes storyboard scenes', () => {
  it('groups the sentences by the layout they start in, with shots and timing from them', () => {
    const { fountain, scenes } = build(4, 16);
    // 4.5–7.7 is on the slide span (0–8), 8.5–15.7 on the speaker span.
    expect(scenes.map((s) => [s.heading, s.shot, s.durationSec])).toEqual([
      ['INT. LECTURE - HEAT, BRIEFLY - 00:05', 'wide', 3.2],
      ['INT. LECTURE - HEAT, BRIEFLY - 00:09', 'close', 7.2],
    ]);
    const parsed = extractScenes(parseFountain(fountain));
    expect(parsed.map((s) => s.heading)).toEqual(scenes.map((s) => s.heading));
    expect(parsed[0]!.dialogue).toEqual([
      expect.objectContaining({ character: LECTURER, text: 'The key idea is that energy flows downhill.' }),
    ]);
    expect(parsed[1]!.dialogue[0]!.text).toContain('Why does a hot cup cool down so fast?');
    expect(parsed[1]!.dialogue[0]!.text).toContain('In summary heat always moves to colder things.');
    expect(fountain).toContain('A slide fills the frame: "Heat flows downhill"');
  });

  it('refuses a clip without a sentence', () => {
    expect(() => build(16.5, 19)).toThrow(/no transcribed sentence/);
  });

  it('appends to the script and the storyboard syncs editable scenes from it, existing scenes kept', () => {
    const doc = new Y.Doc();
    doc.getText('script').insert(0, 'INT. KITCHEN - DAY\n\nALEX\nMorning.\n');
    const before = sendToStoryboard(doc, { fountain: '', scenes: [] });
    expect(before).toEqual([]);
    const [first] = sceneEntries(doc);
    const kitchen = first!.id;
    first!.map.set('notes', 'keep me');
    const ids = sendToStoryboard(doc, build(4, 16));
    expect(ids).toHaveLength(2);
    const maps = sceneJson(doc) as Array<Record<string, unknown> & { dialogue: { character: string }[] }>;
    expect(maps.map((m) => m.heading)).toEqual([
      'INT. KITCHEN - DAY',
      'INT. LECTURE - HEAT, BRIEFLY - 00:05',
      'INT. LECTURE - HEAT, BRIEFLY - 00:09',
    ]);
    expect(maps[0]).toMatchObject({ id: kitchen, notes: 'keep me' });
    expect(maps[1]).toMatchObject({ id: ids[0], shot: 'wide', durationSec: 3.2 });
    expect(maps[2]).toMatchObject({ id: ids[1], shot: 'close', durationSec: 7.2 });
    expect(maps[2]!.dialogue[0]!.character).toBe(LECTURER);
    expect(doc.getText('script').toString()).toMatch(/Morning\.\n\nINT\. LECTURE - HEAT, BRIEFLY - 00:05\n/);
  });
});
