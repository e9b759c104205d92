/**
 * One CSV cell. Quoted always; a leading = + - @ (or tab/CR) gets a ' so spreadsheets do not run
 * a cell as a formula (CSV injection). null and undefined are empty.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/** Rows as RFC 4180 CSV: every cell quoted, CRLF line ends, a final CRLF. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
