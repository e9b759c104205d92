import { parseInline } from './parse-inline';

/** A run of FDX text with its Final Draft style flags. */
export interface StyledRun {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
}

/** Fountain inline markup → styled runs (notes and boneyard dropped: Final Draft has no such text). */
export function runsFromFountain(text: string): StyledRun[] {
  return parseInline(text).flatMap((n) =>
    n.type === 'text' ? [{ text: n.text, bold: n.bold, italic: n.italic, underline: n.underline }] : [],
  );
}

/** Escapes characters Fountain would read as markup. */
export function escapeFountainText(text: string): string {
  return text
    .replace(/[\\*_]/g, (c) => `\\${c}`)
    .replace(/\[\[/g, '\\[[')
    .replace(/\/\*/g, '/\\*');
}

/** Styled runs → Fountain markup (`_***text***_`), escaping literal markers. */
export function fountainFromRuns(runs: StyledRun[]): string {
  return runs
    .map((r) => {
      const body = escapeFountainText(r.text);
      if (!body.trim()) return body;
      // Markers must hug non-space characters, so keep surrounding spaces outside them.
      const lead = body.match(/^\s*/)![0];
      const trail = body.match(/\s*$/)![0];
      let core = body.slice(lead.length, body.length - trail.length);
      const stars = (r.bold ? 2 : 0) + (r.italic ? 1 : 0);
      if (stars) core = `${'*'.repeat(stars)}${core}${'*'.repeat(stars)}`;
      if (r.underline) core = `_${core}_`;
      return lead + core + trail;
    })
    .join('');
}
