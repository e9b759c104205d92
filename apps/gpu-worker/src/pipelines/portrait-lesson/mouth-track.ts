import type { TimedPhone } from '../../speech/festival-segments';

/**
 * How far the jaw opens for each phone (0 closed – 1 widest), by viseme class: open vowels widest,
 * rounded and close vowels less, bilabials (m, b, p) shut, labiodentals and dentals nearly shut.
 * Phone names are festival's radio phoneset (what the kal voice speaks); unknown phones count as a
 * mid consonant.
 */
export const VISEME_OPENING: Readonly<Record<string, number>> = {
  pau: 0,
  'h#': 0,
  // open vowels
  aa: 1,
  ae: 0.9,
  ah: 0.85,
  ao: 0.9,
  aw: 0.9,
  ay: 0.9,
  ax: 0.6,
  // mid and close vowels
  eh: 0.7,
  ey: 0.65,
  er: 0.55,
  ih: 0.5,
  iy: 0.4,
  // rounded vowels
  ow: 0.6,
  oy: 0.7,
  uh: 0.5,
  uw: 0.4,
  // bilabials: lips together
  m: 0,
  b: 0,
  p: 0,
  // labiodentals, dentals
  f: 0.12,
  v: 0.12,
  th: 0.25,
  dh: 0.25,
  // alveolars and the rest
  s: 0.2,
  z: 0.2,
  sh: 0.3,
  zh: 0.3,
  ch: 0.3,
  jh: 0.3,
  t: 0.3,
  d: 0.3,
  n: 0.3,
  l: 0.35,
  r: 0.35,
  k: 0.4,
  g: 0.4,
  ng: 0.35,
  hh: 0.45,
  y: 0.35,
  w: 0.3,
};

/** Opening for a phone name (case-insensitive; stress digits ignored). */
export function visemeOpening(phone: string): number {
  return VISEME_OPENING[phone.toLowerCase().replace(/\d/g, '')] ?? 0.35;
}

/**
 * RMS level of `samples` in one window per video frame (window = one frame, centred on the
 * frame's time), in linear amplitude.
 */
export function rmsPerFrame(
  samples: Float32Array,
  sampleRate: number,
  fps: number,
  frames: number,
): Float32Array {
  const out = new Float32Array(frames);
  const hop = sampleRate / fps;
  for (let f = 0; f < frames; f++) {
    const a = Math.max(0, Math.round(f * hop));
    const b = Math.min(samples.length, Math.round((f + 1) * hop));
    let sum = 0;
    for (let i = a; i < b; i++) sum += samples[i]! * samples[i]!;
    out[f] = b > a ? Math.sqrt(sum / (b - a)) : 0;
  }
  return out;
}

/** The `q`-quantile of the non-silent values (above `floor`), or 0 when none are. */
function quantile(values: Float32Array, q: number, floor: number): number {
  const loud = Array.from(values).filter((v) => v > floor);
  if (!loud.length) return 0;
  loud.sort((a, b) => a - b);
  return loud[Math.min(loud.length - 1, Math.floor(q * loud.length))]!;
}

/** Level below which a frame counts as silent (about −46 dBFS, as the render's trimming). */
const SILENT_RMS = 0.005;

/**
 * The mouth's opening per video frame (0–1): the speech envelope (RMS per frame, normalised by its
 * 90th percentile), shaped by the viseme of the phone spoken at that frame when phone timings are
 * known (a bilabial closes the lips even while the voice sounds), then smoothed so the jaw moves
 * at a human pace (fast attack, slower release). Silence closes the mouth.
 *
 * @param phones phone end times in seconds on the same clock as `samples`, or empty
 */
export function mouthTrack(
  samples: Float32Array,
  sampleRate: number,
  fps: number,
  phones: readonly TimedPhone[] = [],
): Float32Array {
  const frames = Math.max(1, Math.round((samples.length / sampleRate) * fps));
  const rms = rmsPerFrame(samples, sampleRate, fps, frames);
  const ref = quantile(rms, 0.9, SILENT_RMS) || 1;
  const raw = new Float32Array(frames);
  let p = 0;
  for (let f = 0; f < frames; f++) {
    const env = rms[f]! < SILENT_RMS ? 0 : Math.min(1, rms[f]! / ref);
    let open = env;
    if (phones.length) {
      const t = (f + 0.5) / fps;
      while (p < phones.length - 1 && phones[p]!.endSec < t) p++;
      const vis = phones[p] && phones[p]!.endSec >= t ? visemeOpening(phones[p]!.phone) : 0;
      // The envelope says how loud, the viseme what shape: mostly the envelope, so the jaw never
      // flaps in silence, with the viseme closing it on m/b/p and widening it on open vowels.
      open = env * (0.45 + 0.55 * vis) + 0.15 * vis * Math.min(1, env * 4);
    }
    raw[f] = Math.min(1, open);
  }
  // Attack within a frame or two, release over ~3 frames: jaws snap open and settle shut.
  const out = new Float32Array(frames);
  let y = 0;
  for (let f = 0; f < frames; f++) {
    const x = raw[f]!;
    y += (x - y) * (x > y ? 0.7 : 0.45);
    out[f] = y;
  }
  return out;
}
