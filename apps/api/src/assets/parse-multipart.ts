import { badRequest, unsupportedMediaType } from '../errors/http-error';

export interface MultipartPart {
  /** Form field name. */
  name: string;
  /** File name as sent (filename* decoded), when the part is a file. */
  filename?: string;
  contentType?: string;
  /** The part's bytes, streamed. Read it to the end (or cancel it) before asking for the next part. */
  body: ReadableStream<Uint8Array>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLFCRLF = encoder.encode('\r\n\r\n');
/** Largest header block accepted per part (bytes): headers are tiny, a huge one is an attack. */
const MAX_HEADER_BYTES = 16 * 1024;

/** The boundary from a `multipart/form-data` Content-Type; 415 when the body is something else. */
export function multipartBoundary(contentType: string | undefined): string {
  const match = /^multipart\/form-data\s*;.*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(
    contentType ?? '',
  );
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw unsupportedMediaType('Upload files as multipart/form-data with a "file" field.');
  return boundary;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  for (let i = haystack.indexOf(first, from); i !== -1; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function parseDisposition(value: string): { name?: string; filename?: string } {
  // Browsers do not backslash-escape in quoted names (WHATWG encodes `"` as %22), and old ones sent
  // Windows paths with raw backslashes, so a backslash is kept literally for sanitizeFilename to see.
  const param = (key: string) =>
    new RegExp(`(?:^|;)\\s*${key}="([^"]*)"|(?:^|;)\\s*${key}=([^;\\s]*)`, 'i').exec(value);
  const name = param('name');
  const filename = param('filename');
  const star = /(?:^|;)\s*filename\*=UTF-8''([^;\s]*)/i.exec(value);
  let decodedStar: string | undefined;
  if (star?.[1]) {
    try {
      decodedStar = decodeURIComponent(star[1]);
    } catch {
      throw badRequest('The file name is not valid UTF-8.');
    }
  }
  const unquote = (m: RegExpExecArray | null) => (m ? (m[1] ?? m[2]) : undefined);
  return { name: unquote(name), filename: decodedStar ?? unquote(filename) };
}

/**
 * Streams `multipart/form-data` parts out of a Web ReadableStream without buffering any part body:
 * only a sliding window of about one chunk plus the boundary length is held. Runtime-neutral (no
 * Node APIs). A body that ends mid-part, or headers over 16 KiB, throw a 400.
 */
export async function* parseMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
): AsyncGenerator<MultipartPart> {
  const reader = body.getReader();
  // A leading CRLF lets the first boundary match the same delimiter as the others.
  let buf: Uint8Array = encoder.encode('\r\n');
  let done = false;
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const truncated = () => badRequest('The upload ended before the multipart body was complete.');

  async function fill(): Promise<boolean> {
    if (done) return false;
    const r = await reader.read();
    if (r.done) {
      done = true;
      return false;
    }
    buf = concat(buf, r.value);
    return true;
  }

  try {
    // Skip the preamble up to the first delimiter.
    for (;;) {
      const at = indexOf(buf, delimiter);
      if (at !== -1) {
        buf = buf.subarray(at + delimiter.length);
        break;
      }
      buf = buf.subarray(Math.max(0, buf.length - delimiter.length));
      if (!(await fill())) throw truncated();
    }
    for (;;) {
      while (buf.length < 2) if (!(await fill())) throw truncated();
      if (buf[0] === 0x2d && buf[1] === 0x2d) return; // "--": the closing delimiter
      let headerEnd = indexOf(buf, CRLFCRLF);
      while (headerEnd === -1) {
        if (buf.length > MAX_HEADER_BYTES)
          throw badRequest('A multipart part has headers that are too large.');
        if (!(await fill())) throw truncated();
        headerEnd = indexOf(buf, CRLFCRLF);
      }
      // Headers start after the CRLF that ends the delimiter line (transport padding is ignored).
      const headerText = decoder.decode(buf.subarray(0, headerEnd));
      buf = buf.subarray(headerEnd + CRLFCRLF.length);
      const headers = new Map<string, string>();
      for (const line of headerText.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const { name, filename } = parseDisposition(headers.get('content-disposition') ?? '');
      if (name === undefined) throw badRequest('A multipart part has no name.');

      let partDone = false;
      const partBody = new ReadableStream<Uint8Array>({
        async pull(controller) {
          for (;;) {
            const at = indexOf(buf, delimiter);
            if (at !== -1) {
              if (at > 0) controller.enqueue(buf.slice(0, at));
              buf = buf.subarray(at + delimiter.length);
              partDone = true;
              controller.close();
              return;
            }
            // Emit all but a tail that could be the start of the delimiter.
            const safe = buf.length - (delimiter.length - 1);
            if (safe > 0) {
              controller.enqueue(buf.slice(0, safe));
              buf = buf.subarray(safe);
              return;
            }
            if (!(await fill())) {
              controller.error(truncated());
              return;
            }
          }
        },
      });
      yield { name, filename, contentType: headers.get('content-type'), body: partBody };
      if (!partDone) {
        // The consumer skipped the part: drain it so the next part can be found.
        const r = partBody.getReader();
        while (!(await r.read()).done) {}
      }
    }
  } finally {
    reader.releaseLock();
  }
}
