/** GPT-2's byte ↔ printable-character table, which Whisper's byte-level BPE vocab is written in. */
function unicodeToByte(): Map<string, number> {
  const bytes: number[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(b);
  for (let b = 161; b <= 172; b++) bytes.push(b);
  for (let b = 174; b <= 255; b++) bytes.push(b);
  const chars = [...bytes];
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + n++);
    }
  return new Map(bytes.map((b, i) => [String.fromCodePoint(chars[i]!), b]));
}
const BYTE_OF = unicodeToByte();

/**
 * Turns Whisper token ids back into text with the tokenizer's `vocab.json` (token string → id).
 * Ids outside the vocab and `<|...|>` tokens (start of transcript, language, timestamps, end) are
 * control tokens and are dropped.
 */
export function decodeBpeTokens(ids: Iterable<number>, vocab: Record<string, number>): string {
  const byId = new Map(Object.entries(vocab).map(([token, id]) => [id, token]));
  const bytes: number[] = [];
  for (const id of ids) {
    const token = byId.get(id);
    if (token === undefined || /^<\|.*\|>$/.test(token)) continue;
    for (const ch of token) {
      const b = BYTE_OF.get(ch);
      if (b !== undefined) bytes.push(b);
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes)).trim();
}
