import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { extractScenes } from './extract-scenes';
import { parseFountain } from './parse-fountain';
import { sceneJson } from './scene-record';
import { serializeFountain } from './serialize-fountain';
import { syncScenesFromScript } from './sync-scenes-from-script';

const types = (text: string) => parseFountain(text).elements.map((e) => e.type);

/** Real-world files the spec's strict blank-line rules misread (see the package README). */
describe('parseFountain: leniency for real files', () => {
  it('reads a heading followed at once by action', () => {
    const doc = parseFountain('EXT. PATIO - DAY\nBrick sips lemonade.\n\nINT. HOUSE - NIGHT\nDark.\n');
    expect(doc.elements.map((e) => [e.type, 'text' in e ? e.text : ''])).toEqual([
      ['scene_heading', 'EXT. PATIO - DAY'],
      ['action', 'Brick sips lemonade.'],
      ['scene_heading', 'INT. HOUSE - NIGHT'],
      ['action', 'Dark.'],
    ]);
  });

  it('reads every natural prefix with no blank line after it', () => {
    for (const h of ['INT. A', 'EXT. B', 'EST. C', 'INT./EXT. D', 'INT/EXT E', 'I/E F', 'int. g', 'EXT A']) {
      expect(types(`${h}\nSomething happens.\n`), h).toEqual(['scene_heading', 'action']);
    }
  });

  it('reads a forced heading followed at once by action', () => {
    const doc = parseFountain('.OPENING TITLES\nWhite letters on black.\n');
    expect(doc.elements[0]).toMatchObject({ type: 'scene_heading', text: 'OPENING TITLES', forced: true });
    expect(doc.elements[1]).toMatchObject({ type: 'action', text: 'White letters on black.' });
    // An ellipsis is still action.
    expect(types('...and then\nmore.\n')).toEqual(['action']);
  });

  it('does not voice dialogue under a speaker named after the heading', () => {
    const text = 'INT. DINER - NIGHT\nMOLLY\nWho is there?\n\nJAKE\nMe.\n';
    const [scene] = extractScenes(parseFountain(text));
    expect(scene!.heading).toBe('INT. DINER - NIGHT');
    expect(scene!.dialogue.map((d) => [d.character, d.text])).toEqual([
      ['MOLLY', 'Who is there?'],
      ['JAKE', 'Me.'],
    ]);
    expect(scene!.characters).not.toContain('INT. DINER - NIGHT');
  });

  it('keeps the strict rules for everything else', () => {
    // A heading still needs a blank line before it.
    expect(types('Bob enters.\nINT. HOUSE - DAY\n\nHe sits.\n')).toEqual(['action', 'action']);
    // An uppercase line with text under it that is no heading stays a character cue.
    expect(types('BOB\nHello.\n')).toEqual(['dialogue']);
    // `INTERIOR` and `EXTRA` are not prefixes; `!` still forces action.
    expect(types('INTERIOR DESIGN\nIs fun.\n')).toEqual(['dialogue']);
    expect(types('EXTRA\nSits.\n')).toEqual(['dialogue']);
    expect(types('!INT. HOUSE - DAY\nStill action.\n')).toEqual(['action']);
    // A transition still needs blank lines around it (and `… TO:` is never a cue).
    expect(types('CUT TO:\nBob.\n')).toEqual(['action']);
    expect(types('CUT TO:\n\nBob.\n')).toEqual(['transition', 'action']);
  });

  it('reads the title page after leading notes or boneyard', () => {
    const text =
      '[[Draft 3: cut the diner?]]\n/* old opening */\n\nTitle: Night Shift\nAuthor: Ann\n\nINT. DINER - NIGHT\n\nRain.\n';
    const doc = parseFountain(text);
    expect(doc.titlePage.map((e) => [e.key, e.values])).toEqual([
      ['Title', ['Night Shift']],
      ['Author', ['Ann']],
    ]);
    expect(doc.elements.map((e) => e.type)).toEqual(['note', 'boneyard', 'scene_heading', 'action']);
    expect(doc.elements[0]).toMatchObject({ text: 'Draft 3: cut the diner?' });
    const [note] = doc.elements;
    expect(text.slice(note!.range.start, note!.range.end)).toBe('[[Draft 3: cut the diner?]]');
    // A leading blank line still means "no title page", as the spec says.
    expect(parseFountain(`\n${text}`).titlePage).toEqual([]);
    // And a note with no title page after it is just a note.
    expect(types('[[a note]]\n\nBob waits.\n')).toEqual(['note', 'action']);
  });

  it('serializes lenient input so it reads back the same', () => {
    for (const text of [
      'EXT. PATIO - DAY\nBrick sips.\nBOB\nHi.\n',
      '.OPENING TITLES\nWhite.\n',
      '[[n]]\n\nTitle: T\n\nINT. A - DAY\n',
    ]) {
      const doc = parseFountain(text);
      const again = parseFountain(serializeFountain(doc));
      const strip = (d: typeof doc) => JSON.stringify(d, (k, v) => (k === 'range' ? undefined : v));
      expect(strip(again)).toBe(strip(doc));
    }
    // A note followed by an action that looks like a title key stays a note and an action.
    const tricky = { titlePage: [], elements: parseFountain('[[n]]\n\nBob waits.\n\n!Title: no\n').elements };
    expect(parseFountain(serializeFountain(tricky)).titlePage).toEqual([]);
  });

  it('lets the storyboard sync pick up scenes that follow the headings at once', () => {
    const doc = new Y.Doc();
    doc
      .getText('script')
      .insert(
        0,
        'EXT. PATIO - DAY\nBrick sips.\n\n.OPENING TITLES\nWhite.\n\nINT. DINER - NIGHT\nMOLLY\nHi.\n',
      );
    let n = 0;
    syncScenesFromScript(doc, { newId: () => `s${++n}` });
    const scenes = sceneJson(doc) as unknown as { heading: string; dialogue: { character: string }[] }[];
    expect(scenes.map((s) => s.heading)).toEqual([
      'EXT. PATIO - DAY',
      'OPENING TITLES',
      'INT. DINER - NIGHT',
    ]);
    expect(scenes[2]!.dialogue.map((d) => d.character)).toEqual(['MOLLY']);
  });
});
