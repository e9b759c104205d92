import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportFdx } from './export-fdx';
import { extractScenes } from './extract-scenes';
import { SPEC_EXAMPLES } from './fixtures/spec-examples';
import { importFdx } from './import-fdx';
import { parseFountain } from './parse-fountain';
import { XmlError } from './parse-xml';
import { serializeFountain } from './serialize-fountain';

const FDX = `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="5">
  <Content>
    <Paragraph Type="Scene Heading" Number="7"><Text>INT. DINER - NIGHT</Text></Paragraph>
    <Paragraph Type="Action"><Text>Rain on the glass. </Text><Text Style="Bold+Underline">BANG.</Text><Text> A 5*3 sign &amp; a_b.</Text></Paragraph>
    <Paragraph Type="Shot"><Text>CLOSE ON THE DOOR</Text></Paragraph>
    <Paragraph Type="General"><Text>Something general.</Text></Paragraph>
    <Paragraph Type="Character"><Text>MOLLY (V.O.)</Text></Paragraph>
    <Paragraph Type="Parenthetical"><Text>(whispering)</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Who's there?</Text></Paragraph>
    <Paragraph>
      <DualDialogue>
        <Paragraph Type="Character"><Text>JAKE</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>Me.</Text></Paragraph>
        <Paragraph Type="Character"><Text>ROSA</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>Us.</Text></Paragraph>
      </DualDialogue>
    </Paragraph>
    <Paragraph Type="Transition"><Text>SMASH CUT</Text></Paragraph>
    <Paragraph Type="Scene Heading" StartsNewPage="Yes"><Text>DREAM</Text></Paragraph>
  </Content>
  <TitlePage>
    <Content>
      <Paragraph Alignment="Center"><Text>THE DINER</Text></Paragraph>
      <Paragraph Alignment="Center"><Text>Written by</Text></Paragraph>
      <Paragraph Alignment="Center"><Text>Ann Author</Text></Paragraph>
      <Paragraph Alignment="Left"><Text>ann@example.com</Text></Paragraph>
      <Paragraph Alignment="Left"><Text>3/4/2025</Text></Paragraph>
    </Content>
  </TitlePage>
</FinalDraft>`;

describe('importFdx', () => {
  it('reads every paragraph type, styles, dual dialogue and the title page', () => {
    const doc = importFdx(FDX);
    expect(doc.titlePage.map((e) => [e.key, e.values])).toEqual([
      ['Title', ['THE DINER']],
      ['Credit', ['Written by']],
      ['Author', ['Ann Author']],
      ['Contact', ['ann@example.com']],
      ['Draft date', ['3/4/2025']],
    ]);
    expect(doc.elements.map((e) => e.type)).toEqual([
      'scene_heading',
      'action',
      'action',
      'action',
      'dialogue',
      'dialogue',
      'dialogue',
      'transition',
      'page_break',
      'scene_heading',
    ]);
    expect(doc.elements[0]).toMatchObject({ text: 'INT. DINER - NIGHT', sceneNumber: '7' });
    expect(doc.elements[1]).toMatchObject({ text: 'Rain on the glass. _**BANG.**_ A 5\\*3 sign & a\\_b.' });
    expect(doc.elements[4]).toMatchObject({ character: 'MOLLY', extensions: ['V.O.'], dual: false });
    expect(doc.elements[6]).toMatchObject({ character: 'ROSA', dual: true });
    expect(doc.elements[7]).toMatchObject({ text: 'SMASH CUT', forced: true });
    expect(doc.elements[9]).toMatchObject({ text: 'DREAM', forced: true });
  });

  it('produces Fountain that parses back to the same scenes', () => {
    const fountain = serializeFountain(importFdx(FDX));
    const scenes = extractScenes(parseFountain(fountain));
    expect(scenes.map((s) => s.heading)).toEqual(['INT. DINER - NIGHT', 'DREAM']);
    expect(scenes[0]!.dialogue.map((d) => [d.character, d.text, d.parenthetical])).toEqual([
      ['MOLLY', "Who's there?", 'whispering'],
      ['JAKE', 'Me.', null],
      ['ROSA', 'Us.', null],
    ]);
    expect(scenes[0]!.action[0]).toBe('Rain on the glass. BANG. A 5*3 sign & a_b.');
  });

  it('rejects non-FDX and malformed files', () => {
    expect(() => importFdx('<html></html>')).toThrow(/not a Final Draft/);
    expect(() => importFdx('<FinalDraft><Content>')).toThrow(XmlError);
  });
});

describe('exportFdx', () => {
  it('writes escaped, styled XML that imports back to the same script', () => {
    const source = `${SPEC_EXAMPLES.titlePage}
STEEL (V.O.)
(starting the engine)
So <much> for "retirement" & **more**!

BRICK
Screw retirement.

STEEL ^
Screw retirement.

CUT TO:

===

INT. HOUSE - DAY #12#

>THE END<
`;
    const xml = exportFdx(parseFountain(source));
    expect(xml).toContain(
      'So &lt;much&gt; for &quot;retirement&quot; &amp; </Text><Text Style="Bold">more</Text>',
    );
    expect(xml).toContain('<DualDialogue>');
    expect(xml).toContain('Number="12"');
    expect(xml).toContain('StartsNewPage="Yes"');
    const back = importFdx(xml);
    const again = parseFountain(serializeFountain(back));
    const types = (d: { elements: { type: string }[] }) => d.elements.map((e) => e.type);
    expect(types(again)).toEqual(types(parseFountain(source)).filter((t) => t !== 'section'));
    expect(extractScenes(again).map((s) => [s.heading, s.dialogue.length])).toEqual(
      extractScenes(parseFountain(source)).map((s) => [s.heading, s.dialogue.length]),
    );
    expect(back.titlePage[0]).toMatchObject({
      key: 'Title',
      values: ['_**BRICK & STEEL**_', '_**FULL RETIRED**_'],
    });
  });
});

describe('Final Draft sample structure', () => {
  const sample = readFileSync(new URL('./fixtures/final-draft-sample.fdx', import.meta.url), 'utf8');

  it('imports a file laid out as Final Draft writes it', () => {
    const doc = importFdx(sample);
    expect(doc.titlePage.map((e) => [e.key, e.values])).toEqual([
      ['Title', ['_**BRICK & STEEL**_']],
      ['Credit', ['Written by']],
      ['Author', ['Stu Maschwitz']],
      ['Contact', ['Next Level Productions']],
    ]);
    expect(doc.elements.map((e) => e.type)).toEqual([
      'scene_heading',
      'action',
      'note',
      'dialogue',
      'dialogue',
      'dialogue',
      'note',
      'transition',
      'scene_heading',
      'action',
      'action',
      'page_break',
      'centered',
    ]);
    // AllCaps styling applies; SceneProperties (arc beats and all) are not script text.
    expect(doc.elements[0]).toMatchObject({
      text: "EXT. BRICK'S PATIO - DAY",
      sceneNumber: '1',
      forced: false,
    });
    expect(doc.elements[1]).toMatchObject({
      text: 'A gorgeous day. BRICK BRADDOCK, retired police detective, sits by the *pool*.',
    });
    expect(doc.elements[2]).toMatchObject({ text: 'Is the pool too much?' });
    expect(doc.elements[3]).toMatchObject({ character: 'STEEL', extensions: ['O.S.'], dual: false });
    expect(doc.elements[4]).toMatchObject({ character: 'BRICK', dual: false });
    expect(doc.elements[5]).toMatchObject({ character: 'STEEL', dual: true });
    // The document's ScriptNotes, placed by Range: one on the action, one on the dual dialogue
    // (after both speeches, so they stay side by side).
    expect(doc.elements[6]).toMatchObject({ type: 'note', text: 'Overlap these two lines.\nBoth at once.' });
    expect(doc.elements[7]).toMatchObject({ text: 'CUT TO:', forced: false });
    expect(doc.elements[12]).toMatchObject({ lines: ['**THE END**'] });
    const scenes = extractScenes(parseFountain(serializeFountain(doc)));
    expect(scenes.map((s) => [s.heading, s.sceneNumber, s.dialogue.length])).toEqual([
      ["EXT. BRICK'S PATIO - DAY", '1', 3],
      ['INT. TRAILER HOME - NIGHT', '2', 0],
    ]);
    expect(JSON.stringify(doc)).not.toContain('Arc beat');
  });

  it('places document notes by Range and reads notes kept inside a paragraph', () => {
    // Paragraph starts: "INT. LAB - DAY" 0, "Hum." 15, the dual group 20 (two characters), "Go." 23.
    const xml = `<FinalDraft DocumentType="Script"><Content>
      <Paragraph Type="Scene Heading"><Text>INT. LAB - DAY</Text></Paragraph>
      <Paragraph Type="Action"><ScriptNote><Paragraph><Text>old style</Text></Paragraph></ScriptNote><Text>Hum.</Text></Paragraph>
      <Paragraph><DualDialogue>
        <Paragraph Type="Character"><Text>MARA</Text></Paragraph><Paragraph Type="Dialogue"><Text>Yes.</Text></Paragraph>
        <Paragraph Type="Character"><Text>JON</Text></Paragraph><Paragraph Type="Dialogue"><Text>No.</Text></Paragraph>
      </DualDialogue></Paragraph>
      <Paragraph Type="Action"><Text>Go.</Text></Paragraph>
      </Content><ScriptNotes>
      <ScriptNote Range="23,26"><Paragraph><Text>on go</Text></Paragraph></ScriptNote>
      <ScriptNote Range="2,5"><Paragraph><Text>on the heading</Text></Paragraph></ScriptNote>
      <ScriptNote Range="20,22"><Paragraph><Text>on the pair</Text></Paragraph></ScriptNote>
      <ScriptNote Range="16,16"><Paragraph><Text>in hum</Text></Paragraph></ScriptNote>
      <ScriptNote Range="900,901"><Paragraph><Text>past the end</Text></Paragraph></ScriptNote>
      <ScriptNote><Paragraph><Text>no range</Text></Paragraph></ScriptNote>
      <ScriptNote Range="1,2"><Paragraph><Text>  </Text></Paragraph></ScriptNote>
      </ScriptNotes></FinalDraft>`;
    const got = importFdx(xml).elements.map((e) =>
      e.type === 'note'
        ? `note:${e.text}`
        : e.type === 'dialogue'
          ? `${e.character}${e.dual ? '^' : ''}`
          : e.type,
    );
    expect(got).toEqual([
      'scene_heading',
      'note:on the heading',
      'action',
      'note:old style',
      'note:in hum',
      'MARA',
      'JON^',
      'note:on the pair',
      'action',
      'note:on go',
      'note:past the end',
      'note:no range',
    ]);
  });
});

describe('Fountain → FDX → Fountain', () => {
  const source = `Title: Round Trip
Author: Ann

INT. HOUSE - DAY

[[Check the props list.]]

Bob waits. [[Is he sitting?]]

BRICK
Screw retirement.

STEEL ^
(shouting)
Screw retirement.

> SMASH CUT

CUT TO:

> THE END <
> ROLL CREDITS <

[[A note
  over two lines]]

FADE OUT.
`;
  const strip = (v: unknown) => JSON.stringify(v, (k, x) => (k === 'range' ? undefined : x));

  it('keeps notes, dual dialogue, centred text and transitions', () => {
    const xml = exportFdx(parseFountain(source));
    expect(xml).toContain('<ScriptNotes>');
    const back = parseFountain(serializeFountain(importFdx(xml)));
    const want = parseFountain(source);
    const kinds = (d: typeof want) =>
      d.elements.map((e) => {
        if (e.type === 'note') return `note:${e.text}`;
        if (e.type === 'dialogue') return `dialogue:${e.character}:${e.dual}`;
        if (e.type === 'transition') return `transition:${e.text}:${e.forced}`;
        if (e.type === 'centered') return `centered:${e.lines.join('|')}`;
        if (e.type === 'action') return `action:${e.text}`;
        return e.type;
      });
    expect(kinds(back)).toEqual([
      'scene_heading',
      'note:Check the props list.',
      'action:Bob waits.',
      'note:Is he sitting?',
      'dialogue:BRICK:false',
      'dialogue:STEEL:true',
      'transition:SMASH CUT:true',
      'transition:CUT TO::false',
      'centered:THE END|ROLL CREDITS',
      'note:A note\nover two lines',
      'transition:FADE OUT.:false',
    ]);
    // Apart from the inline note (moved after its paragraph) and the note's indentation, the tree
    // is the same, title page included.
    const expected = kinds(want).map((k) =>
      k === 'action:Bob waits. [[Is he sitting?]]' ? 'action:Bob waits.' : k,
    );
    expected.splice(3, 0, 'note:Is he sitting?');
    expect(kinds(back).map((k) => k.replace('\n  ', '\n'))).toEqual(
      expected.map((k) => k.replace('\n  ', '\n')),
    );
    expect(strip(back.titlePage)).toBe(strip(want.titlePage));
    expect(strip(back.elements[5])).toBe(strip(want.elements[4]));
  });

  it('writes FDX that xmllint accepts', () => {
    const xml = exportFdx(parseFountain(source));
    const out = execFileSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
    expect(out).toBe('');
    expect(() => execFileSync('xmllint', ['--noout', '-'], { input: `${xml}<x>`, stdio: 'pipe' })).toThrow();
  });
});
