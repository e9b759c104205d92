/**
 * Standard screenplay indents in characters from the action margin (1.5" from the page edge at 10
 * characters an inch): character cue 2.2", parenthetical 1.6", dialogue 1.0", action and headings
 * 60 characters wide, dialogue 35, parentheticals 25; transitions end at the right margin.
 */
export const SHOOTING_SCRIPT_LAYOUT = {
  gutter: 6,
  actionWidth: 60,
  characterIndent: 22,
  dialogueIndent: 10,
  dialogueWidth: 35,
  parentheticalIndent: 16,
  parentheticalWidth: 25,
} as const;

/** Wraps text at `width` characters on word boundaries; each `\n` starts a new line. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/(?<=\s)(?=\S)/)) {
      if ((line + word).trimEnd().length > width && line.trim()) {
        out.push(line.trimEnd());
        line = word.trimStart();
      } else line += word;
    }
    out.push(line.trimEnd());
  }
  return out;
}
