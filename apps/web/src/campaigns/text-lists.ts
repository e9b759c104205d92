/**
 * Lists typed into a textarea: must-say lines one per line, banned words one per line or separated
 * by commas, lengths separated by commas or spaces. Blank entries are dropped, the rest trimmed;
 * the shared schema then judges each entry (length, count).
 */
export function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Words or phrases separated by new lines or commas. */
export function wordsOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((w) => w.trim())
    .filter(Boolean);
}

/** Numbers separated by commas or spaces; an entry that is not a number stays NaN for the schema to refuse. */
export function numbersOf(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((n) => (/^\d+(\.\d+)?$/.test(n) ? Number(n) : Number.NaN));
}
