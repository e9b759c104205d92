import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The slice of tfjs' `io` namespace this loader touches. */
export interface TfIo {
  registerLoadRouter(router: (url: string | string[]) => { load(): Promise<unknown> } | null): void;
}

interface ModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
  userDefinedMetadata?: unknown;
  weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
}

/**
 * Lets TF.js load graph models from `file://` URLs. Human's WASM build fetches models with the
 * global `fetch`, which has no `file:` scheme in Node, and tfjs-node (which would add one) does not
 * install offline; a load router reads `model.json` and its weight shards from disk instead.
 */
export function registerFileLoader(io: TfIo): void {
  io.registerLoadRouter((url) => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== 'string' || !u.startsWith('file://')) return null;
    return {
      async load() {
        const file = fileURLToPath(u);
        const json = JSON.parse(await readFile(file, 'utf8')) as ModelJson;
        const weightSpecs: unknown[] = [];
        const shards: Buffer[] = [];
        for (const group of json.weightsManifest) {
          weightSpecs.push(...group.weights);
          for (const p of group.paths) shards.push(await readFile(join(dirname(file), p)));
        }
        const all = Buffer.concat(shards);
        return {
          modelTopology: json.modelTopology,
          format: json.format,
          generatedBy: json.generatedBy,
          convertedBy: json.convertedBy,
          signature: json.signature,
          userDefinedMetadata: json.userDefinedMetadata,
          weightSpecs,
          weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        };
      },
    };
  });
}
