/** One physical line of the input: its text without the line ending and where it sits. */
export interface SourceLine {
  text: string;
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character (before `\r\n`, `\n` or `\r`). */
  end: number;
}

/**
 * Splits text into lines on `\n`, `\r\n` and lone `\r`, keeping offsets into the original string so
 * ranges stay valid for Windows and classic-Mac line endings alike. Always returns at least one line.
 */
export function splitLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push({ text: text.slice(start, i), start, end: i });
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lines.push({ text: text.slice(start), start, end: n });
  return lines;
}
