/** What a project's music prompt asks for, reduced to what the synthesizer can play. */
export interface MusicStyle {
  mood: 'calm' | 'upbeat' | 'tense' | 'sad';
  bpm: number;
  /** MIDI note of the key's root. */
  root: number;
  minor: boolean;
}

/** Picks a style from free-text mood words ("calm", "tense thriller", "happy"…); default calm. */
export function musicStyleFor(prompt: string): MusicStyle {
  const p = prompt.toLowerCase();
  if (/tense|suspense|dark|thrill|danger|mystery|ominous/.test(p))
    return { mood: 'tense', bpm: 92, root: 45, minor: true };
  if (/sad|melanchol|somber|grief|lonely|nostalg/.test(p))
    return { mood: 'sad', bpm: 66, root: 50, minor: true };
  if (/upbeat|happy|energetic|fun|bright|joy|epic|action/.test(p))
    return { mood: 'upbeat', bpm: 118, root: 48, minor: false };
  return { mood: 'calm', bpm: 76, root: 48, minor: false };
}

// Chord roots (semitones above the key) and qualities: I–V–vi–IV in major, i–VI–III–VII in minor.
const PROGRESSIONS = {
  major: [
    [0, [0, 4, 7]],
    [7, [0, 4, 7]],
    [9, [0, 3, 7]],
    [5, [0, 4, 7]],
  ],
  minor: [
    [0, [0, 3, 7]],
    [8, [0, 4, 7]],
    [3, [0, 4, 7]],
    [10, [0, 4, 7]],
  ],
} as const;

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

/**
 * Adds one note into `out`: a few harmonics under an attack/decay/release envelope that reaches
 * silence exactly at `start + length`, so nothing rings over the loop point.
 */
function addNote(
  out: Float32Array,
  rate: number,
  startSec: number,
  lengthSec: number,
  midi: number,
  gain: number,
  timbre: readonly number[],
  attackSec: number,
  decayPerSec: number,
): void {
  const f = hz(midi);
  const start = Math.round(startSec * rate);
  const n = Math.min(Math.round(lengthSec * rate), out.length - start);
  const release = Math.min(n, Math.round(0.12 * rate));
  const attack = Math.max(1, Math.round(attackSec * rate));
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    let env = Math.exp(-decayPerSec * t);
    if (i < attack) env *= i / attack;
    if (i > n - release) env *= (n - i) / release;
    let v = 0;
    for (let h = 0; h < timbre.length; h++) v += timbre[h]! * Math.sin(2 * Math.PI * f * (h + 1) * t);
    out[start + i]! += gain * env * v;
  }
}

/**
 * Synthesizes a loopable music bed: a chord progression (pad), a bass note per bar and an
 * eighth-note arpeggio, each note enveloped to end within its bar, so the loop joins without a
 * click. Four chords, played twice.
 *
 * @param sampleRate Hz; default 48 000
 * @returns mono float PCM, peak 0.5, a whole number of bars long
 */
export function synthesizeMusic(style: MusicStyle, sampleRate = 48_000): Float32Array {
  const beat = 60 / style.bpm;
  const bar = beat * 4;
  const chords = style.minor ? PROGRESSIONS.minor : PROGRESSIONS.major;
  const bars = chords.length * 2;
  const out = new Float32Array(Math.round(bars * bar * sampleRate));
  const arpStep = beat / 2;
  const busy = style.mood === 'upbeat' || style.mood === 'tense';
  for (let b = 0; b < bars; b++) {
    const [offset, quality] = chords[b % chords.length]!;
    const root = style.root + offset;
    const start = b * bar;
    for (const interval of quality)
      addNote(out, sampleRate, start, bar, root + 12 + interval, 0.09, [1, 0.35, 0.12], 0.25, 0.25);
    addNote(out, sampleRate, start, bar, root - 12, 0.22, [1, 0.5, 0.2], 0.02, 0.9);
    const pattern = [0, 1, 2, 1, 0, 2, 1, 2];
    for (let s = 0; s < 8; s++) {
      if (!busy && s % 2 === 1) continue;
      const note = root + 24 + quality[pattern[s]!]!;
      addNote(out, sampleRate, start + s * arpStep, arpStep, note, 0.12, [1, 0.2, 0.25], 0.005, 6);
    }
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  if (peak > 0) for (let i = 0; i < out.length; i++) out[i]! *= 0.5 / peak;
  return out;
}
