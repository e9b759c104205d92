/** One subtitle: a spoken line and when it is heard (seconds from the start of the video). */
export interface Cue {
  startSec: number;
  endSec: number;
  text: string;
  /** Who speaks; WebVTT carries it as a voice span, SRT as a prefix. */
  speaker?: string;
}

function clock(seconds: number, separator: '.' | ','): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

// A blank line ends a cue in both formats and "-->" starts timing, so neither may appear in text.
const clean = (text: string) =>
  text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/-->/g, '->')
    .trim();
const escapeVtt = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** WebVTT (text/vtt) with one cue per line and the speaker as a `<v>` voice span. */
export function formatVtt(cues: readonly Cue[]): string {
  const body = cues.map((c, i) => {
    const text = escapeVtt(clean(c.text));
    const line = c.speaker ? `<v ${escapeVtt(clean(c.speaker))}>${text}` : text;
    return `${i + 1}\n${clock(c.startSec, '.')} --> ${clock(c.endSec, '.')}\n${line}\n`;
  });
  return `WEBVTT\n\n${body.join('\n')}`;
}

/** SubRip (.srt), the format FFmpeg's subtitles filter burns in. */
export function formatSrt(cues: readonly Cue[]): string {
  return cues
    .map((c, i) => {
      const text = c.speaker ? `${clean(c.speaker)}: ${clean(c.text)}` : clean(c.text);
      return `${i + 1}\n${clock(c.startSec, ',')} --> ${clock(c.endSec, ',')}\n${text}\n`;
    })
    .join('\n');
}

/** Parses the cues back out of WebVTT (timings and text, voice spans removed). */
export function parseVtt(vtt: string): Cue[] {
  const seconds = (t: string) => {
    const [h, m, s] = t.split(':').map(Number) as [number, number, number];
    return h * 3600 + m * 60 + s;
  };
  const cues: Cue[] = [];
  for (const block of vtt.split(/\n\n+/)) {
    const m = /(\d+:\d+:\d+\.\d+) --> (\d+:\d+:\d+\.\d+)\n(.*)/s.exec(block);
    if (!m) continue;
    const voice = /^<v ([^>]*)>/.exec(m[3]!);
    cues.push({
      startSec: seconds(m[1]!),
      endSec: seconds(m[2]!),
      text: m[3]!.replace(/^<v [^>]*>/, '').trim(),
      ...(voice ? { speaker: voice[1] } : {}),
    });
  }
  return cues;
}
