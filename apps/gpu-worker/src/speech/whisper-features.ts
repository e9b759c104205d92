/** Whisper's front end: 16 kHz, 25 ms Hann windows every 10 ms, 30 s per chunk. */
export const WHISPER_SAMPLE_RATE = 16_000;
const N_FFT = 400;
const HOP = 160;
export const WHISPER_FRAMES = 3000;
const BINS = N_FFT / 2 + 1;

const hzToMel = (hz: number) => {
  // Slaney's scale (librosa default, what Whisper's filters use): linear below 1 kHz, log above.
  const fSp = 200 / 3;
  if (hz < 1000) return hz / fSp;
  return 1000 / fSp + Math.log(hz / 1000) / (Math.log(6.4) / 27);
};
const melToHz = (mel: number) => {
  const fSp = 200 / 3;
  const minLogMel = 1000 / fSp;
  if (mel < minLogMel) return mel * fSp;
  return 1000 * Math.exp((Math.log(6.4) / 27) * (mel - minLogMel));
};

/** librosa.filters.mel(sr=16000, n_fft=400, n_mels, htk=False, norm='slaney'): [nMels][201]. */
export function melFilterBank(nMels: number): Float32Array[] {
  const fftFreqs = Array.from({ length: BINS }, (_, i) => (i * WHISPER_SAMPLE_RATE) / N_FFT);
  const maxMel = hzToMel(WHISPER_SAMPLE_RATE / 2);
  const melPoints = Array.from({ length: nMels + 2 }, (_, i) => melToHz((i * maxMel) / (nMels + 1)));
  return Array.from({ length: nMels }, (_, m) => {
    const [lo, mid, hi] = [melPoints[m]!, melPoints[m + 1]!, melPoints[m + 2]!];
    const enorm = 2 / (hi - lo);
    return Float32Array.from(
      fftFreqs,
      (f) => Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid))) * enorm,
    );
  });
}

let tables: { cos: Float32Array; sin: Float32Array; window: Float32Array } | undefined;
function dftTables() {
  if (tables) return tables;
  const cos = new Float32Array(BINS * N_FFT);
  const sin = new Float32Array(BINS * N_FFT);
  for (let k = 0; k < BINS; k++)
    for (let n = 0; n < N_FFT; n++) {
      cos[k * N_FFT + n] = Math.cos((2 * Math.PI * k * n) / N_FFT);
      sin[k * N_FFT + n] = Math.sin((2 * Math.PI * k * n) / N_FFT);
    }
  // Periodic Hann, as torch.hann_window(400).
  const window = Float32Array.from(
    { length: N_FFT },
    (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT),
  );
  tables = { cos, sin, window };
  return tables;
}

/**
 * Whisper's log-mel spectrogram of up to 30 s of 16 kHz mono audio, padded with silence to 30 s:
 * `[nMels × 3000]` row-major, as `whisper.audio.log_mel_spectrogram` computes it (reflect-padded
 * STFT, power, Slaney mel filters, log10, floor at max − 8, then (x + 4) / 4). A direct 400-point
 * DFT is used (400 is not a power of two); frames of pure padding are skipped.
 *
 * @throws RangeError for audio longer than 30 s (split it first)
 */
export function whisperLogMel(samples: Float32Array, nMels: 80 | 128 = 80): Float32Array {
  const maxSamples = WHISPER_SAMPLE_RATE * 30;
  if (samples.length > maxSamples) throw new RangeError('Whisper takes at most 30 s per chunk.');
  const padded = new Float32Array(maxSamples);
  padded.set(samples);
  const { cos, sin, window } = dftTables();
  const filters = melFilterBank(nMels);
  const half = N_FFT / 2;
  // torch.stft(center=True) reflect-pads n_fft/2 on both sides.
  const at = (i: number) => {
    const j = i < 0 ? -i : i >= padded.length ? 2 * padded.length - i - 2 : i;
    return padded[j] ?? 0;
  };
  const mel = new Float32Array(nMels * WHISPER_FRAMES);
  const frame = new Float32Array(N_FFT);
  const power = new Float32Array(BINS);
  const lastAudible = samples.length + N_FFT;
  for (let t = 0; t < WHISPER_FRAMES; t++) {
    const start = t * HOP - half;
    let silent = start > lastAudible;
    if (!silent) {
      silent = true;
      for (let n = 0; n < N_FFT; n++) {
        frame[n] = at(start + n) * window[n]!;
        if (frame[n] !== 0) silent = false;
      }
    }
    if (silent) power.fill(0);
    else
      for (let k = 0; k < BINS; k++) {
        let re = 0;
        let im = 0;
        const row = k * N_FFT;
        for (let n = 0; n < N_FFT; n++) {
          re += frame[n]! * cos[row + n]!;
          im -= frame[n]! * sin[row + n]!;
        }
        power[k] = re * re + im * im;
      }
    for (let m = 0; m < nMels; m++) {
      const f = filters[m]!;
      let sum = 0;
      for (let k = 0; k < BINS; k++) sum += f[k]! * power[k]!;
      mel[m * WHISPER_FRAMES + t] = Math.log10(Math.max(sum, 1e-10));
    }
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const v of mel) if (v > max) max = v;
  for (let i = 0; i < mel.length; i++) mel[i] = (Math.max(mel[i]!, max - 8) + 4) / 4;
  return mel;
}
