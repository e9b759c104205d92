import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { registerFileLoader, type TfIo } from './human-file-loader';

/** A face found in an image, in source pixels. */
export interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
  /** Detector confidence 0–1. */
  score: number;
  /** 468 face-mesh points `[x, y, z]` (x, y in pixels) when the mesh ran. */
  landmarks: Array<[number, number, number]>;
}

export interface FaceDetector {
  detect(image: Buffer | string): Promise<DetectedFace[]>;
  readonly runs: number;
  close(): void;
}

interface HumanResult {
  face: Array<{
    box: [number, number, number, number];
    score: number;
    mesh: Array<[number, number, number]>;
  }>;
}
interface HumanInstance {
  tf: {
    io: TfIo;
    tensor4d(data: Int32Array, shape: [number, number, number, number], dtype: 'int32'): { dispose(): void };
  };
  load(): Promise<void>;
  detect(input: unknown): Promise<HumanResult>;
}

/**
 * Face detection (BlazeFace) and 468-point landmarks (FaceMesh) from `@vladmandic/human` (MIT) on
 * TF.js' WASM backend, with the models the package ships. Loads once; later calls reuse it.
 *
 * @param options.maxFaces most faces returned per image; default 10
 */
export async function createFaceDetector(options: { maxFaces?: number } = {}): Promise<FaceDetector> {
  const require = createRequire(import.meta.url);
  // Human's package.json `exports` keys lack "./", so its WASM build is reached by file path.
  const dist = dirname(require.resolve('@vladmandic/human'));
  const { Human } = require(join(dist, 'human.node-wasm.js')) as {
    Human: new (config: Record<string, unknown>) => HumanInstance;
  };
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${pathToFileURL(wasmDir).href}/`,
    modelBasePath: `${pathToFileURL(join(dist, '..', 'models')).href}/`,
    debug: false,
    cacheModels: false,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: options.maxFaces ?? 10, minConfidence: 0.3 },
      mesh: { enabled: true },
      iris: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
  });
  registerFileLoader(human.tf.io);
  await human.load();
  let runs = 0;
  let closed = false;
  return {
    get runs() {
      return runs;
    },
    async detect(image) {
      if (closed) throw new Error('The face detector is closed.');
      const { data, info } = await sharp(image).removeAlpha().toColourspace('srgb').raw().toBuffer({
        resolveWithObject: true,
      });
      const tensor = human.tf.tensor4d(Int32Array.from(data), [1, info.height, info.width, 3], 'int32');
      try {
        const result = await human.detect(tensor);
        runs++;
        return result.face.map((f) => ({
          box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] },
          score: f.score,
          landmarks: f.mesh,
        }));
      } finally {
        tensor.dispose();
      }
    },
    close() {
      closed = true;
    },
  };
}
