/**
 * Reads a stream to the end into one buffer, but never more than `maxBytes`: past the limit it
 * cancels the stream (so the sender stops) and throws what `tooLarge` returns, given the bytes seen.
 * Web streams only, so it serves request bodies and `fetch` responses alike.
 */
export async function readBounded(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  tooLarge: (bytesSeen: number) => Error,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(size);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
