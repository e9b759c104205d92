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

/**
 * Final Draft's script note, as its own files hold one: a `ScriptNote` inside the paragraph it is
 * attached to, its text in paragraphs of its own.
 */
function scriptNote(text: string): string {
  const body = text
    .split('\n')
    .map((line) => `<Paragraph><Text>${escapeXml(line.trim())}</Text></Paragraph>`)
    .join('');
  return `<ScriptNote>${body}</ScriptNote>`;
}

/** Inline `[[notes]]` of a Fountain text: Final Draft keeps them as script notes on the paragraph. */
function inlineNotes(fountainText: string): string {
  if (!fountainText.includes('[[')) return '';
  return parseInline(fountainText)
    .flatMap((n) => (n.type === 'note' ? [scriptNote(n.text)] : []))
    .join('');
}

function paragraph(type: string, text: string, attrs: Record<string, string | undefined> = {}): string {
  return `    ${openTag('Paragraph', { Type: type, ...attrs })}${inlineNotes(text)}${textRuns(text)}</Paragraph>`;
}

function speechParagraphs(el: Extract<FountainNode, { type: 'dialogue' }>): string[] {
  const cue = el.character + el.extensions.map((e) => ` (${e})`).join('');
  const out = [paragraph('Character', cue)];
  for (const part of el.parts) {
    if (part.kind === 'parenthetical') out.push(paragraph('Parenthetical', part.text));
    else if (part.kind === 'lyric') out.push(paragraph('Dialogue', `*${part.text.trim()}*`));
    else if (part.kind === 'text') out.push(paragraph('Dialogue', part.text));
    else out.push(paragraph('Dialogue', ''));
  }
  return out;
}

/**
 * Writes a Fountain tree as a Final Draft `.fdx` document (XML, UTF-8). Emphasis becomes Text
 * styles, dual dialogue a DualDialogue group, centered text centered Action, lyrics italic Action,
 * page breaks `StartsNewPage`, notes (standalone and inline) Final Draft `ScriptNote`s (a standalone
 * note on an empty General paragraph). Sections, synopses and boneyard have no Final Draft
 * equivalent and are left out.
 */
export function exportFdx(doc: FountainDocument): string {
  const lines: string[] = [];
  let newPage = false;
  const attrs = (extra: Record<string, string | undefined> = {}) => {
    const a = { ...extra, StartsNewPage: newPage ? 'Yes' : undefined };
    newPage = false;
    return a;
  };
  const els = doc.elements;
  for (let i = 0; i < els.length; i++) {
    const el = els[i]!;
    switch (el.type) {
      case 'scene_heading':
        lines.push(paragraph('Scene Heading', el.text, attrs({ Number: el.sceneNumber ?? undefined })));
        break;
      case 'action':
        for (const line of el.text.split('\n')) lines.push(paragraph('Action', line.trim(), attrs()));
        break;
      case 'dialogue': {
        const next = els[i + 1];
        if (next?.type === 'dialogue' && next.dual && !el.dual) {
          lines.push(`    <Paragraph${newPage ? ' StartsNewPage="Yes"' : ''}>`, '    <DualDialogue>');
          newPage = false;
          lines.push(
            ...speechParagraphs(el),
            ...speechParagraphs(next),
            '    </DualDialogue>',
            '    </Paragraph>',
          );
          i++;
        } else {
          const [first, ...rest] = speechParagraphs(el);
          lines.push(
            newPage ? first!.replace('<Paragraph ', '<Paragraph StartsNewPage="Yes" ') : first!,
            ...rest,
          );
          newPage = false;
        }
        break;
      }
      case 'transition':
        lines.push(paragraph('Transition', el.text, attrs()));
        break;
      case 'centered':
        for (const line of el.lines) lines.push(paragraph('Action', line, attrs({ Alignment: 'Center' })));
        break;
      case 'lyrics':
        for (const line of el.lines) lines.push(paragraph('Action', `*${line.trim()}*`, attrs()));
        break;
      case 'page_break':
        newPage = true;
        break;
      case 'note':
        lines.push(
          `    ${openTag('Paragraph', { Type: 'General', ...attrs() })}${scriptNote(el.text)}<Text></Text></Paragraph>`,
        );
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
    ...lines,
    '  </Content>',
    ...(title.length ? ['  <TitlePage>', '    <Content>', ...title, '    </Content>', '  </TitlePage>'] : []),
    '</FinalDraft>',
    '',
  ].join('\n');
}
