import { readBounded } from '@clapboard/server/read-bounded';
import { MAX_SCRIPT_IMPORT_BYTES } from '@clapboard/shared/script-import';
import type { Context } from 'hono';
import { multipartBoundary, parseMultipart } from '../assets/parse-multipart';
import { sanitizeFilename } from '../assets/sanitize-filename';
import { badRequest, payloadTooLarge } from '../errors/http-error';

/** Multipart framing and a few short text fields add a little to the file itself. */
const ENVELOPE_BYTES = 16 * 1024;
/** Longest text field accepted (bytes): fields are names, not content. */
const MAX_FIELD_BYTES = 1024;

export interface ScriptUpload {
  bytes: Uint8Array;
  filename: string;
  /** Text fields sent beside the file (`name`), as sent. */
  fields: Record<string, string>;
}

/**
 * Reads a script upload: `multipart/form-data` with a `file` part (at most
 * `MAX_SCRIPT_IMPORT_BYTES`) and optional short text fields. Streams and stops reading as soon as
 * the file passes the limit.
 *
 * @throws HttpError 413 past the limit (declared or read), 415 when the body is not multipart, 400
 *   when there is no file part or a field is too long
 */
export async function readScriptUpload(c: Context): Promise<ScriptUpload> {
  const tooLarge = () =>
    payloadTooLarge(`Script files may be at most ${MAX_SCRIPT_IMPORT_BYTES / (1024 * 1024)} MB.`);
  const declared = Number(c.req.header('content-length') ?? 'NaN');
  if (declared > MAX_SCRIPT_IMPORT_BYTES + ENVELOPE_BYTES) throw tooLarge();
  const boundary = multipartBoundary(c.req.header('content-type'));
  if (!c.req.raw.body) throw badRequest('The upload has no body.');
  const fields: Record<string, string> = {};
  let file: { bytes: Uint8Array; filename: string } | null = null;
  for await (const part of parseMultipart(c.req.raw.body, boundary)) {
    if (part.name === 'file' && part.filename !== undefined && !file) {
      const bytes = await readBounded(part.body, MAX_SCRIPT_IMPORT_BYTES, tooLarge);
      file = { bytes, filename: sanitizeFilename(part.filename) ?? 'script' };
      continue;
    }
    const value = await readBounded(part.body, MAX_FIELD_BYTES, () =>
      badRequest(`The "${part.name}" field is too long.`),
    );
    if (part.filename === undefined) fields[part.name] = new TextDecoder().decode(value);
  }
  if (!file) throw badRequest('Send the script as a "file" part with a file name.');
  return { ...file, fields };
}
