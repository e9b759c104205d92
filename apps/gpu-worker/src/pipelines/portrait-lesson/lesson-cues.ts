import type { TimedPhone } from '../../speech/festival-segments';
import type { Cue } from '../render/subtitle-files';

/** Longest caption line group shown at once (characters), as players wrap it on two lines. */
const MAX_CUE_CHARS = 84;

/**
 * Splits narration into caption-sized pieces: sentences, and sentences longer than MAX_CUE_CHARS
 * at commas or, failing that, between words.
 */
export function captionPieces(text: string): string[] {
  const sentences =
    text
      .replace(/\s+/g, ' ')
      .trim()
      .match(/[^.!?]+[.!?]+["')\]]*|[^.!?]+$/g) ?? [];
  const pieces: string[] = [];
  for (const raw of sentences) {
    const sentence = raw.trim();
    if (!sentence) continue;
    if (sentence.length <= MAX_CUE_CHARS) {
      pieces.push(sentence);
      continue;
    }
    let line = '';
    for (const word of sentence.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (next.length > MAX_CUE_CHARS && line) {
        pieces.push(line);
        line = word;
      } else line = next;
      if (/[,;:]$/.test(line) && line.length > MAX_CUE_CHARS * 0.5) {
        pieces.push(line);
        line = '';
      }
    }
    if (line) pieces.push(line);
  }
  return pieces;
}

/**
 * Caption cues for one section spoken from `startSec` to `endSec`: each piece gets a share of the
 * time by its length, and where phone timings are known, each boundary moves to the middle of the
 * nearest pause the voice made (festival's `pau`), so a caption changes when the speaker breathes.
 *
 * @param phones the section's phones on the lesson's clock (may be empty)
 */
export function sectionCues(
  text: string,
  startSec: number,
  endSec: number,
  phones: readonly TimedPhone[],
): Cue[] {
  const pieces = captionPieces(text);
  if (!pieces.length) return [];
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const pauses: number[] = [];
  for (let i = 1; i < phones.length; i++)
    if (phones[i]!.phone === 'pau') pauses.push((phones[i - 1]!.endSec + phones[i]!.endSec) / 2);
  const span = endSec - startSec;
  const bounds = [startSec];
  let acc = 0;
  for (let i = 0; i < pieces.length - 1; i++) {
    acc += pieces[i]!.length;
    let t = startSec + (span * acc) / total;
    const near = pauses.reduce(
      (best, p) => (Math.abs(p - t) < Math.abs(best - t) ? p : best),
      Number.POSITIVE_INFINITY,
    );
    if (Number.isFinite(near) && Math.abs(near - t) < span / pieces.length / 2 && near > bounds.at(-1)! + 0.3)
      t = near;
    bounds.push(Math.max(t, bounds.at(-1)! + 0.2));
  }
  bounds.push(endSec);
  return pieces.map((p, i) => ({
    startSec: bounds[i]!,
    endSec: Math.max(bounds[i + 1]!, bounds[i]! + 0.2),
    text: p,
  }));
}
