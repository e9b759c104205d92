import { runsFromFountain } from './fdx-styles';
import type { FountainDocument, FountainNode } from './fountain-ast';
import { parseInline } from './parse-inline';
import { escapeXml, openTag } from './write-xml';

function textRuns(fountainText: string): string {
  const runs = runsFromFountain(fountainText);
  if (runs.length === 0) return '<Text></Text>';
  return runs
    .map((r) => {
      const style = [r.bold && 'Bold', r.italic && 'Italic', r.underline && 'Underline']
        .filter(Boolean)
        .join('+');
      return `${openTag('Text', { Style: style || undefined })}${escapeXml(r.text)}</Text>`;
    })
    .join('');
}

/** A `ScriptNote` of the document's `ScriptNotes` block: its text in paragraphs, anchored by `Range`. */
function scriptNote(id: number, text: string, from: number, to: number): string {
  const body = text
    .split('\n')
    .map((line) => `<Paragraph><Text>${escapeXml(line.trim())}</Text></Paragraph>`)
    .join('');
  return `    ${openTag('ScriptNote', { ID: String(id), Range: `${from},${to}` })}${body}</ScriptNote>`;
}

/** Inline `[[notes]]` of a Fountain text. */
function inlineNotes(fountainText: string): string[] {
  if (!fountainText.includes('[[')) return [];
  return parseInline(fountainText).flatMap((n) => (n.type === 'note' ? [n.text] : []));
}

/** Length of a paragraph's text as Final Draft holds it (markup, notes and boneyard removed). */
function plainLength(fountainText: string): number {
  return runsFromFountain(fountainText).reduce((n, r) => n + r.text.length, 0);
}

type Attrs = Record<string, string | undefined>;

/**
 * Writes the top-level paragraphs of `Content` while measuring where each sits in the script's
 * text the way Final Draft measures a note's `Range` (paragraph texts one after another, one
 * character per paragraph break, two for an embedded DualDialogue block), so notes can be anchored.
 */
class ContentWriter {
  readonly lines: string[] = [];
  readonly notes: string[] = [];
  /** Where the next paragraph starts. */
  private at = 0;
  /** Where the last paragraph's text ends (a standalone note is anchored there). */
  private lastEnd = 0;

  paragraph(type: string, text: string, attrs: Attrs = {}, indent = '    '): string {
    return `${indent}${openTag('Paragraph', { Type: type, ...attrs })}${textRuns(text)}</Paragraph>`;
  }

  add(type: string, text: string, attrs: Attrs = {}): void {
    this.lines.push(this.paragraph(type, text, attrs));
    this.advance(plainLength(text), inlineNotes(text));
  }

  /** One DualDialogue paragraph holding both speeches: two characters of the script's text. */
  addDual(speeches: [string, string][], attrs: Attrs): void {
    this.lines.push(
      `    ${openTag('Paragraph', attrs)}`,
      '      <DualDialogue>',
      ...speeches.map(([type, text]) => this.paragraph(type, text, {}, '        ')),
      '      </DualDialogue>',
      '    </Paragraph>',
    );
    this.advance(
      2,
      speeches.flatMap(([, text]) => inlineNotes(text)),
    );
  }

  /** A note on its own, anchored (zero length) at the end of the paragraph before it. */
  note(text: string): void {
    this.notes.push(scriptNote(this.notes.length + 1, text, this.lastEnd, this.lastEnd));
  }

  private advance(length: number, notes: string[]): void {
    const start = this.at;
    for (const text of notes) this.notes.push(scriptNote(this.notes.length + 1, text, start, start + length));
    this.lastEnd = start + length;
    this.at = start + length + 1;
  }
}

function speechParagraphs(el: Extract<FountainNode, { type: 'dialogue' }>): [string, string][] {
  const cue = el.character + el.extensions.map((e) => ` (${e})`).join('');
  const out: [string, string][] = [['Character', cue]];
  for (const part of el.parts) {
    if (part.kind === 'parenthetical') out.push(['Parenthetical', part.text]);
    else if (part.kind === 'lyric') out.push(['Dialogue', `*${part.text.trim()}*`]);
    else if (part.kind === 'text') out.push(['Dialogue', part.text]);
    else out.push(['Dialogue', '']);
  }
  return out;
}

/**
 * Writes a Fountain tree as a Final Draft `.fdx` document (XML, UTF-8). Emphasis becomes Text
 * styles, dual dialogue a DualDialogue group, centered text centered Action, lyrics italic Action,
 * page breaks `StartsNewPage`, and notes (standalone and inline) the document's `ScriptNotes`
 * block as current Final Draft writes it, each anchored by `Range` to the paragraph it follows or
 * sits in. Sections, synopses and boneyard have no Final Draft equivalent and are left out.
 */
export function exportFdx(doc: FountainDocument): string {
  const out = new ContentWriter();
  let newPage = false;
  const attrs = (extra: Attrs = {}) => {
    const a = { ...extra, StartsNewPage: newPage ? 'Yes' : undefined };
    newPage = false;
    return a;
  };
  const els = doc.elements;
  for (let i = 0; i < els.length; i++) {
    const el = els[i]!;
    switch (el.type) {
      case 'scene_heading':
        out.add('Scene Heading', el.text, attrs({ Number: el.sceneNumber ?? undefined }));
        break;
      case 'action':
        for (const line of el.text.split('\n')) out.add('Action', line.trim(), attrs());
        break;
      case 'dialogue': {
        const next = els[i + 1];
        if (next?.type === 'dialogue' && next.dual && !el.dual) {
          out.addDual([...speechParagraphs(el), ...speechParagraphs(next)], attrs());
          i++;
        } else {
          for (const [j, [type, text]] of speechParagraphs(el).entries())
            out.add(type, text, j === 0 ? attrs() : {});
        }
        break;
      }
      case 'transition':
        out.add('Transition', el.text, attrs());
        break;
      case 'centered':
        for (const line of el.lines) out.add('Action', line, attrs({ Alignment: 'Center' }));
        break;
      case 'lyrics':
        for (const line of el.lines) out.add('Action', `*${line.trim()}*`, attrs());
        break;
      case 'page_break':
        newPage = true;
        break;
      case 'note':
        out.note(el.text);
        break;
      default:
        break;
    }
  }
  // Entries are separated by an empty paragraph, as on a Final Draft title page (the importer reads
  // the title as the centered lines before the first empty one).
  const title = doc.titlePage.flatMap((entry, i) => {
    const key = entry.key.toLowerCase();
    const align = key === 'contact' || key === 'draft date' || key === 'copyright' ? 'Left' : 'Center';
    const gap =
      i > 0
        ? [`      ${openTag('Paragraph', { Alignment: align, Type: 'General' })}<Text></Text></Paragraph>`]
        : [];
    return [
      ...gap,
      ...entry.values.map(
        (v) =>
          `      ${openTag('Paragraph', { Alignment: align, Type: 'General' })}${textRuns(v)}</Paragraph>`,
      ),
    ];
  });
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
    '<FinalDraft DocumentType="Script" Template="No" Version="5">',
    '  <Content>',
    ...out.lines,
    '  </Content>',
    ...(out.notes.length ? ['  <ScriptNotes>', ...out.notes, '  </ScriptNotes>'] : []),
    ...(title.length ? ['  <TitlePage>', '    <Content>', ...title, '    </Content>', '  </TitlePage>'] : []),
    '</FinalDraft>',
    '',
  ].join('\n');
}
