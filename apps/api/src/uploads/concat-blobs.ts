import type { BlobStore } from '@clapboard/server/storage';

/**
 * One stream of several stored objects, in order, opened one at a time (never all at once, so a
 * 4 GiB upload in hundreds of chunks holds one file handle). Errors when a key is missing.
 */
export function concatBlobs(store: BlobStore, keys: readonly string[]): ReadableStream<Uint8Array> {
  let next = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (!reader) {
          const key = keys[next++];
          if (key === undefined) {
            controller.close();
            return;
          }
          const object = await store.get(key);
          if (!object) {
            controller.error(new Error(`stored chunk ${key} is missing`));
            return;
          }
          reader = object.body.getReader();
        }
        const r = await reader.read();
        if (r.done) {
          reader = null;
          continue;
        }
        controller.enqueue(r.value);
        return;
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}
