import Ocr, { FileUtilsBase, registerBackend } from '@gutenye/ocr-common';
import { splitIntoLineImages } from '@gutenye/ocr-common/splitIntoLineImages';
import type { ModelRegistry } from '../models/model-registry';
import { OcrImage } from './ocr-image';
import { OCR_DETECTION, OCR_RECOGNITION, ppocrFiles } from './ocr-models';

/** One line of recognised text. */
export interface TextLine {
  text: string;
  /** Mean per-character confidence 0–1 (lines under 0.5 are dropped). */
  confidence: number;
  /** Corner points `[x, y]` in source pixels, clockwise from top-left. */
  box: Array<[number, number]>;
}

class OcrFiles extends FileUtilsBase {
  static override async read(path: string): Promise<string> {
    const { readFile } = await import('node:fs/promises');
    return readFile(path, 'utf8');
  }
}

/**
 * Stands in for onnxruntime's `InferenceSession` inside the OCR pipeline so its two models run as
 * registry models (shared device choice, limits and report) instead of sessions of their own.
 */
function registrySessions(registry: ModelRegistry) {
  const files = ppocrFiles();
  const byPath = new Map([
    [files.detection, OCR_DETECTION],
    [files.recognition, OCR_RECOGNITION],
  ]);
  return {
    async create(path: string) {
      const name = byPath.get(path);
      if (!name) throw new Error(`OCR asked for an unknown model file ${path}.`);
      const { session } = await registry.load(name);
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        run: (feeds: Parameters<ModelRegistry['run']>[1]) => registry.run(name, feeds),
      };
    },
  };
}

/** Reads text from images. */
export interface TextRecognizer {
  recognize(image: Buffer | string): Promise<TextLine[]>;
}

/**
 * PP-OCRv4 text detection + recognition (the `@gutenye/ocr-common` pipeline: DBNet boxes, line
 * crops, CTC decoding) with both ONNX models run through the registry. The pipeline's backend is
 * process-global, so every recognizer in a process shares the registry passed last.
 */
export async function createTextRecognizer(registry: ModelRegistry): Promise<TextRecognizer> {
  const files = ppocrFiles();
  registerBackend({
    FileUtils: OcrFiles,
    ImageRaw: OcrImage,
    InferenceSession: registrySessions(registry),
    splitIntoLineImages,
    defaultModels: {
      detectionPath: files.detection,
      recognitionPath: files.recognition,
      dictionaryPath: files.dictionary,
    },
  });
  const ocr = await Ocr.create();
  return {
    async recognize(image) {
      const lines = await ocr.detect(image as string);
      return lines
        .filter((l) => l.text.trim())
        .map((l) => ({
          text: l.text.trim(),
          confidence: l.mean,
          box: (l.box ?? []).map((p) => [p[0] ?? 0, p[1] ?? 0] as [number, number]),
        }));
    },
  };
}
