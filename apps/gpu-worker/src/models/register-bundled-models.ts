import { rnnoiseRuns, rnnoiseWarm } from '../audio/suppress-noise';
import { sileroVadSpec } from '../speech/silero-vad-model';
import { mattingSpec } from '../vision/matting-model';
import { ppocrSpecs } from '../vision/ocr-models';
import { faceDetectorRuns, faceDetectorWarm } from '../vision/shared-face-detector';
import type { ModelRegistry } from './model-registry';

/**
 * Registers every model that ships inside an npm or Debian package: the ONNX ones (VAD, matting,
 * OCR) as registry sessions, the rest (TF.js WASM, native programs) as reported externals. Nothing is
 * loaded here; each loads on first use.
 */
export function registerBundledModels(registry: ModelRegistry): void {
  registry.register(sileroVadSpec());
  registry.register(mattingSpec());
  for (const spec of ppocrSpecs()) registry.register(spec);
  // Always available: programs and WASM modules start per call or in milliseconds.
  const ready = () => true;
  registry.registerExternal({
    name: 'human-face',
    task: 'face-detection',
    version: 'Human 3.3.6 (BlazeFace + FaceMesh)',
    license: 'MIT',
    source: 'npm @vladmandic/human 3.3.6 on @tensorflow/tfjs-backend-wasm 4.22.0',
    provider: 'wasm',
    isWarm: faceDetectorWarm,
    runs: faceDetectorRuns,
  });
  registry.registerExternal({
    name: 'rnnoise',
    task: 'noise-suppression',
    version: '0.2.0',
    license: 'BSD-3-Clause',
    source: 'npm @echogarden/rnnoise-wasm 0.2.0',
    provider: 'wasm',
    isWarm: rnnoiseWarm,
    runs: rnnoiseRuns,
  });
  registry.registerExternal({
    name: 'festival',
    task: 'speech-synthesis',
    version: 'Festival 2.5 + kal diphone; Flite 2.2 (slt, rms, awb)',
    license: 'X11-style (Festival, Flite, festvox-kallpc16k)',
    source: 'Debian festival, festvox-kallpc16k, flite',
    provider: 'native',
    isWarm: ready,
  });
  registry.registerExternal({
    name: 'espeak-ng',
    task: 'speech-synthesis',
    version: '1.0.2 (WASM)',
    license: 'GPL-3.0-or-later',
    source: 'npm espeak-ng 1.0.2',
    provider: 'wasm',
    isWarm: ready,
  });
  registry.registerExternal({
    name: 'pocketsphinx',
    task: 'speech-recognition',
    version: '5prealpha, en-us model',
    license: 'BSD-2-Clause',
    source: 'Debian pocketsphinx, pocketsphinx-en-us',
    provider: 'native',
    isWarm: ready,
  });
}
