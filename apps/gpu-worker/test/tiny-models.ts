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
