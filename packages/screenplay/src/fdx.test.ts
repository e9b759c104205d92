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
