/**
 * A Markdown table padded the way the repo's formatter (Biome) writes it, so a bench run leaves
 * docs/benchmarks.md lint-clean. `align` per column: `l` or `r`.
 */
export function markdownTable(headers: string[], align: Array<'l' | 'r'>, rows: string[][]): string {
  const width = headers.map((h, c) => Math.max(h.length, 3, ...rows.map((r) => (r[c] ?? '').length)));
  const cell = (v: string, c: number) => (align[c] === 'r' ? v.padStart(width[c]!) : v.padEnd(width[c]!));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${width.map((w, c) => (align[c] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
