/** Loudness of a signal as ITU-R BS.1770-4 / EBU R128 defines it. */
export interface Loudness {
  /** Gated integrated loudness (LUFS); -Infinity when every block is below the absolute gate. */
  integratedLufs: number;
  /** Highest absolute sample (dBFS); -Infinity for silence. */
  samplePeakDbfs: number;
}

type Biquad = { b: [number, number, number]; a: [number, number] };

/**
 * The two K-weighting stages for `rate` (a high shelf modelling the head, then the RLB high-pass),
 * from the analog prototypes libebur128 uses, so they hold at any rate and match the standard's
 * published 48 kHz coefficients.
 */
function kWeighting(rate: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / rate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b: [(vh + (vb * k) / q + k * k) / a0, (2 * (k * k - vh)) / a0, (vh - (vb * k) / q + k * k) / a0],
    a: [(2 * (k * k - 1)) / a0, (1 - k / q + k * k) / a0],
  };
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * f0) / rate);
  a0 = 1 + k / q + k * k;
  const highPass: Biquad = { b: [1, -2, 1], a: [(2 * (k * k - 1)) / a0, (1 - k / q + k * k) / a0] };
  return [shelf, highPass];
}

/**
 * Measures mono PCM the way FFmpeg's `ebur128` filter does for a mono file: K-weighted mean square
 * over 400 ms blocks every 100 ms, an absolute gate at −70 LUFS, then a relative gate 10 LU under
 * the mean of the blocks that passed. Runs in a few milliseconds per minute of audio, so the render
 * can normalize without a separate FFmpeg pass over the whole film.
 */
export function measureLoudness(samples: Float32Array, sampleRate: number): Loudness {
  const [s, h] = kWeighting(sampleRate);
  const step = Math.round(sampleRate / 10);
  const steps = Math.floor(samples.length / step);
  // Energy of each 100 ms step; a block is four consecutive steps.
  const energy = new Float64Array(steps);
  let peak = 0;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  let z1 = 0;
  let z2 = 0;
  for (let j = 0; j < steps; j++) {
    let sum = 0;
    for (let i = j * step, end = i + step; i < end; i++) {
      const x = samples[i]!;
      const ax = x < 0 ? -x : x;
      if (ax > peak) peak = ax;
      const y = s.b[0] * x + s.b[1] * x1 + s.b[2] * x2 - s.a[0] * y1 - s.a[1] * y2;
      x2 = x1;
      x1 = x;
      const z = h.b[0] * y + h.b[1] * y1 + h.b[2] * y2 - h.a[0] * z1 - h.a[1] * z2;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      sum += z * z;
    }
    energy[j] = sum;
  }
  for (let i = steps * step; i < samples.length; i++) {
    const ax = Math.abs(samples[i]!);
    if (ax > peak) peak = ax;
  }
  const blocks: number[] = [];
  for (let j = 0; j + 4 <= steps; j++)
    blocks.push((energy[j]! + energy[j + 1]! + energy[j + 2]! + energy[j + 3]!) / (4 * step));
  const lufs = (meanSquare: number) => -0.691 + 10 * Math.log10(meanSquare);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const absolute = blocks.filter((z) => lufs(z) > -70);
  let integratedLufs = Number.NEGATIVE_INFINITY;
  if (absolute.length) {
    const relative = lufs(mean(absolute)) - 10;
    const gated = absolute.filter((z) => lufs(z) > relative);
    integratedLufs = lufs(mean(gated));
  }
  return { integratedLufs, samplePeakDbfs: peak > 0 ? 20 * Math.log10(peak) : Number.NEGATIVE_INFINITY };
}
