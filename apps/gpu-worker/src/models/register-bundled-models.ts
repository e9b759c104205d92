import { rnnoiseRuns, rnnoiseWarm } from '../audio/suppress-noise';
import { sileroVadSpec } from '../speech/silero-vad-model';
import { defaultSpeechEngines, type SpeechEngine, type SpeechEngines } from '../speech/speech-engines';
import { mattingSpec } from '../vision/matting-model';
import { ppocrSpecs } from '../vision/ocr-models';
import { faceDetectorRuns, faceDetectorWarm } from '../vision/shared-face-detector';
import type { ModelRegistry } from './model-registry';

/**
 * Registers every model that ships inside an npm or Debian package: the ONNX ones (VAD, matting,
 * OCR) as registry sessions, the rest (TF.js WASM, native programs) as reported externals. Nothing is
 * loaded here; each loads on first use. The speech engines report what `engines`' smoke runs found.
 *
 * @param engines default the process's (`defaultSpeechEngines`)
 */
export function registerBundledModels(
  registry: ModelRegistry,
  engines: SpeechEngines = defaultSpeechEngines(),
): void {
  registry.register(sileroVadSpec());
  registry.register(mattingSpec());
  for (const spec of ppocrSpecs()) registry.register(spec);
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
  // Speech engines are ready only once their smoke run passed on this machine (see SpeechEngines).
  const smoke = (engine: SpeechEngine) => () => {
    const { status, reason } = engines.state(engine);
    return { status, reason };
  };
  const warm = (engine: SpeechEngine) => () => engines.state(engine).status === 'ready';
  registry.registerExternal({
    name: 'festival',
    task: 'speech-synthesis',
    version: 'Festival 2.5 + kal diphone',
    license: 'X11-style (Festival, festvox-kallpc16k)',
    source: 'Debian festival, festvox-kallpc16k',
    provider: 'native',
    isWarm: warm('festival'),
    status: smoke('festival'),
  });
  registry.registerExternal({
    name: 'flite',
    task: 'speech-synthesis',
    version: 'Flite 2.2 (slt, rms, awb)',
    license: 'X11-style (Flite)',
    source: 'Debian flite',
    provider: 'native',
    isWarm: warm('flite'),
    status: smoke('flite'),
  });
  registry.registerExternal({
    name: 'espeak-ng',
    task: 'speech-synthesis',
    version: '1.0.2 (WASM)',
    license: 'GPL-3.0-or-later',
    source: 'npm espeak-ng 1.0.2',
    provider: 'wasm',
    isWarm: warm('espeak-ng'),
    status: smoke('espeak-ng'),
  });
  registry.registerExternal({
    name: 'pocketsphinx',
    task: 'speech-recognition',
    version: '5prealpha, en-us model',
    license: 'BSD-2-Clause',
    source: 'Debian pocketsphinx, pocketsphinx-en-us',
    provider: 'native',
    isWarm: warm('pocketsphinx'),
    status: smoke('pocketsphinx'),
  });
}
