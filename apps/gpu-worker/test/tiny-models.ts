import { buildOnnxModel } from '../src/models/build-onnx-model';

/**
 * Stand-ins with the exact input/output signature of real exports, small enough to build in a test.
 * Text-to-image: image = tanh(noise + 0.01 · mean(input_ids)), so prompt and seed both change it.
 */
export function tinyTextToImage(size = 32): Uint8Array {
  return buildOnnxModel({
    name: 'tiny-text-to-image',
    inputs: [
      { name: 'input_ids', dtype: 'int64', shape: [1, 16] },
      { name: 'latent_noise', dtype: 'float32', shape: [1, 3, size, size] },
    ],
    outputs: [{ name: 'image', dtype: 'float32', shape: [1, 3, size, size] }],
    nodes: [
      { opType: 'Cast', inputs: ['input_ids'], outputs: ['ids_f'], attributes: [{ name: 'to', int: 1 }] },
      {
        opType: 'ReduceMean',
        inputs: ['ids_f'],
        outputs: ['ids_mean'],
        attributes: [{ name: 'keepdims', int: 1 }],
      },
      { opType: 'Mul', inputs: ['ids_mean', 'scale'], outputs: ['bias'] },
      { opType: 'Add', inputs: ['latent_noise', 'bias'], outputs: ['pre'] },
      { opType: 'Tanh', inputs: ['pre'], outputs: ['image'] },
    ],
    initializers: [{ name: 'scale', dtype: 'float32', dims: [1], values: [0.01] }],
  });
}

/** The `MODELS_DIR` manifest of `tinyTextToImage(size)` saved as `model.onnx` (its tanh output is in [-1, 1]). */
export function tinyTextToImageManifest(size = 32) {
  return {
    name: 'tiny-painter',
    task: 'text-to-image',
    license: 'MIT',
    source: 'built by the test',
    file: 'model.onnx',
    inputs: [
      { name: 'input_ids', dtype: 'int64', shape: [1, 16] },
      { name: 'latent_noise', dtype: 'float32', shape: [1, 3, size, size] },
    ],
    outputs: [{ name: 'image', dtype: 'float32', shape: [1, 3, size, size] }],
    io: { inputIds: 'input_ids', noise: 'latent_noise', image: 'image' },
    tokenizer: { type: 'bytes', offset: 1 },
    maxTokens: 16,
    outputRange: 'minus-one-one',
  } as const;
}

/**
 * Whisper (WhisperBeamSearch signature): sequences = `speech` tokens when the log-mel features vary
 * (there is sound), `silence` tokens when they are flat — so the test sees real features arrive.
 */
export function tinyWhisper(speech: number[], silence: number[]): Uint8Array {
  if (speech.length !== silence.length) throw new Error('token lists must be the same length');
  const int1 = (name: string) => ({ name, dtype: 'int32' as const, shape: [1] });
  const float1 = (name: string) => ({ name, dtype: 'float32' as const, shape: [1] });
  return buildOnnxModel({
    name: 'tiny-whisper',
    inputs: [
      { name: 'input_features', dtype: 'float32', shape: [1, 80, 3000] },
      int1('max_length'),
      int1('min_length'),
      int1('num_beams'),
      int1('num_return_sequences'),
      float1('length_penalty'),
      float1('repetition_penalty'),
    ],
    outputs: [{ name: 'sequences', dtype: 'int32', shape: [1, 1, speech.length] }],
    nodes: [
      {
        opType: 'ReduceMax',
        inputs: ['input_features'],
        outputs: ['hi'],
        attributes: [{ name: 'keepdims', int: 0 }],
      },
      {
        opType: 'ReduceMin',
        inputs: ['input_features'],
        outputs: ['lo'],
        attributes: [{ name: 'keepdims', int: 0 }],
      },
      { opType: 'Sub', inputs: ['hi', 'lo'], outputs: ['range'] },
      { opType: 'Greater', inputs: ['range', 'half'], outputs: ['has_sound'] },
      { opType: 'Where', inputs: ['has_sound', 'speech_ids', 'silence_ids'], outputs: ['sequences'] },
    ],
    initializers: [
      { name: 'half', dtype: 'float32', dims: [], values: [0.5] },
      { name: 'speech_ids', dtype: 'int32', dims: [1, 1, speech.length], values: speech },
      { name: 'silence_ids', dtype: 'int32', dims: [1, 1, silence.length], values: silence },
    ],
  });
}
