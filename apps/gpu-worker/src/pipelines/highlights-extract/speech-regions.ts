import type { SpeechRegions, TimeSpan } from '@clapboard/shared/highlights';

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Speech spans (VAD) and the silences between them, covering `durationSec` whole: the stretch
 * before the first span and after the last count as silences too.
 */
export function speechRegions(spans: readonly TimeSpan[], durationSec: number): SpeechRegions {
  const speech = spans
    .map((s) => ({
      startSec: round3(Math.max(0, s.startSec)),
      endSec: round3(Math.min(durationSec, s.endSec)),
    }))
    .filter((s) => s.endSec > s.startSec);
  const silences: TimeSpan[] = [];
  let at = 0;
  for (const s of speech) {
    if (s.startSec > at) silences.push({ startSec: round3(at), endSec: s.startSec });
    at = Math.max(at, s.endSec);
  }
  if (durationSec > at) silences.push({ startSec: round3(at), endSec: round3(durationSec) });
  return { speech, silences, durationSec: round3(durationSec) };
}

/** The silence that holds time `t` (seconds), if any. */
export function silenceAt(silences: readonly TimeSpan[], t: number): TimeSpan | undefined {
  return silences.find((s) => s.startSec <= t && t <= s.endSec);
}
