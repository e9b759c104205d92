import RNNoise from '@echogarden/rnnoise-wasm';
import type { PcmAudio } from '../media/decode-audio';

/** RNNoise works on 10 ms frames of 48 kHz audio. */
export const RNNOISE_SAMPLE_RATE = 48_000;

let modulePromise: ReturnType<typeof RNNoise> | undefined;
let runs = 0;

/** Whether the RNNoise WASM module has been instantiated in this process (for the models report). */
export const rnnoiseWarm = () => modulePromise !== undefined;
/** Calls of suppressNoise() completed in this process (for the models report). */
export const rnnoiseRuns = () => runs;

/**
 * Removes steady background noise (fans, hiss, hum) from speech with RNNoise (BSD-3-Clause, WASM
 * build from `@echogarden/rnnoise-wasm`). The output is aligned with the input (RNNoise's one-frame
 * delay is removed) and has the same length.
 *
 * @param audio mono PCM at 48 kHz (decode with `decodeAudio(file, { sampleRate: 48000 })`)
 * @throws RangeError for any other sample rate
 */
export async function suppressNoise(
  audio: PcmAudio,
): Promise<PcmAudio & { speechProbability: Float32Array }> {
  if (audio.sampleRate !== RNNOISE_SAMPLE_RATE)
    throw new RangeError(`RNNoise needs 48 kHz audio, got ${audio.sampleRate} Hz.`);
  modulePromise ??= RNNoise();
  const rn = await modulePromise;
  const frame = rn._rnnoise_get_frame_size();
  const state = rn._rnnoise_create(0);
  const ptr = rn._malloc(frame * 4);
  const frames = Math.ceil(audio.samples.length / frame) + 1; // +1 flushes the delayed last frame
  const out = new Float32Array(frames * frame);
  const vad = new Float32Array(frames);
  try {
    for (let f = 0; f < frames; f++) {
      const heap = rn.HEAPF32.subarray(ptr >> 2, (ptr >> 2) + frame);
      // RNNoise expects 16-bit sample magnitudes in floats.
      for (let i = 0; i < frame; i++) heap[i] = (audio.samples[f * frame + i] ?? 0) * 32768;
      vad[f] = rn._rnnoise_process_frame(state, ptr, ptr);
      const done = rn.HEAPF32.subarray(ptr >> 2, (ptr >> 2) + frame);
      for (let i = 0; i < frame; i++) out[f * frame + i] = (done[i] ?? 0) / 32768;
    }
    runs++;
  } finally {
    rn._free(ptr);
    rn._rnnoise_destroy(state);
  }
  return {
    samples: out.slice(frame, frame + audio.samples.length),
    sampleRate: audio.sampleRate,
    speechProbability: vad.slice(1),
  };
}
