/** A phone festival spoke and when it ends, in seconds from the start of its WAV. */
export interface TimedPhone {
  /** Festival's phone name (radio phoneset for the kal voice: `pau`, `hh`, `ax`, `l`, `ow`, …). */
  phone: string;
  endSec: number;
}

/**
 * Parses an ESPS label file as festival's `utt.save.segs` writes it: a header up to a `#` line,
 * then one `end-time colour phone` line per segment. Lines that do not parse are skipped.
 */
export function parseFestivalSegments(text: string): TimedPhone[] {
  const body = text.slice(text.indexOf('\n#') >= 0 ? text.indexOf('\n#') + 2 : 0);
  const phones: TimedPhone[] = [];
  for (const line of body.split('\n')) {
    const m = /^\s*([\d.]+)\s+\S+\s+(\S+)\s*$/.exec(line);
    if (m) phones.push({ phone: m[2]!, endSec: Number(m[1]) });
  }
  return phones;
}
