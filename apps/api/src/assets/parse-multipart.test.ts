import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors/http-error';
import { multipartBoundary, parseMultipart } from './parse-multipart';

const enc = new TextEncoder();
/** Streams `body` in pieces of `size` bytes, so delimiters land across chunk edges. */
function chunked(body: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= body.length) return c.close();
      c.enqueue(body.slice(at, at + size));
      at += size;
    },
  });
}
async function collect(body: Uint8Array, boundary: string, size: number) {
  const parts: { name: string; filename?: string; contentType?: string; data: string }[] = [];
  for await (const p of parseMultipart(chunked(body, size), boundary)) {
    const data = new TextDecoder().decode(await new Response(p.body).arrayBuffer());
    parts.push({ name: p.name, filename: p.filename, contentType: p.contentType, data });
  }
  return parts;
}

const B = 'AaB03x';
const sample = enc.encode(
  `preamble\r\n--${B}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHello\r\n` +
    `--${B}\r\nContent-Disposition: form-data; name="file"; filename="a b.png"\r\nContent-Type: image/png\r\n\r\n` +
    `line1\r\n--AaB0 almost a delimiter\r\n\r\n--${B}--\r\nepilogue`,
);

describe('parseMultipart', () => {
  it.each([1, 2, 7, 64, 100_000])('parses parts identically with %i-byte chunks', async (size) => {
    expect(await collect(sample, B, size)).toEqual([
      { name: 'title', filename: undefined, contentType: undefined, data: 'Hello' },
      {
        name: 'file',
        filename: 'a b.png',
        contentType: 'image/png',
        data: `line1\r\n--AaB0 almost a delimiter\r\n`,
      },
    ]);
  });

  it('lets a consumer skip a part without reading it', async () => {
    const names: string[] = [];
    for await (const p of parseMultipart(chunked(sample, 5), B)) names.push(p.name);
    expect(names).toEqual(['title', 'file']);
  });

  it('decodes filename* (RFC 5987) and keeps backslashes literally', async () => {
    const body = enc.encode(
      `--${B}\r\nContent-Disposition: form-data; name="file"; filename="x"; filename*=UTF-8''%C3%A9t%C3%A9.wav\r\n\r\nA\r\n` +
        `--${B}\r\nContent-Disposition: form-data; name="f2"; filename="C:\\Users\\me\\a.png"\r\n\r\nB\r\n--${B}--`,
    );
    const parts = await collect(body, B, 3);
    expect(parts.map((p) => p.filename)).toEqual(['été.wav', 'C:\\Users\\me\\a.png']);
  });

  it('fails with 400 when the body ends inside a part', async () => {
    const cut = sample.subarray(0, sample.length - 30);
    await expect(collect(cut, B, 16)).rejects.toMatchObject({ status: 400 });
  });

  it('reads the boundary from Content-Type, 415 for other types', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${B}`)).toBe(B);
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="q q"')).toBe('q q');
    expect(() => multipartBoundary('application/json')).toThrow(HttpError);
    expect(() => multipartBoundary(undefined)).toThrow(/multipart/);
  });
});
