import { createFaceDetector, type FaceDetector } from './detect-faces';

let shared: Promise<FaceDetector> | undefined;
let loaded: FaceDetector | undefined;

/**
 * The process's one face detector, loaded on first use (Human's WASM models take ~0.2 s and some
 * memory, so pipelines share one instead of each loading their own).
 */
export function sharedFaceDetector(): Promise<FaceDetector> {
  shared ??= createFaceDetector().then(
    (d) => {
      loaded = d;
      return d;
    },
    (err) => {
      shared = undefined;
      throw err;
    },
  );
  return shared;
}

/** Whether the shared face detector has finished loading (for the models report). */
export const faceDetectorWarm = () => loaded !== undefined;
/** Detections run by the shared face detector (for the models report). */
export const faceDetectorRuns = () => loaded?.runs ?? 0;
