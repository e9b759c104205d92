import { type ImportedScript, importScript, ScriptImportError } from '@clapboard/screenplay';
import type { ScriptImportPreview } from '@clapboard/shared/script-import';
import { HttpError, unprocessable } from '../errors/http-error';
import type { ScriptUpload } from './read-script-upload';

/**
 * Reads an uploaded script into Fountain with its preview. Binary files and unknown extensions are
 * 415; empty files, malformed XML and XML that is not Final Draft are 422, each with the reason.
 */
export function importScriptFile(upload: ScriptUpload): {
  script: ImportedScript;
  preview: ScriptImportPreview;
} {
  let script: ImportedScript;
  try {
    script = importScript(upload.bytes, upload.filename);
  } catch (err) {
    if (!(err instanceof ScriptImportError)) throw err;
    const details = { reason: err.code, ...err.details };
    if (err.code === 'binary' || err.code === 'unsupported_type')
      throw new HttpError(415, 'unsupported_media_type', err.message, details);
    throw unprocessable(err.message, details);
  }
  return {
    script,
    preview: {
      filename: upload.filename,
      format: script.format,
      title: script.title,
      scenes: script.scenes,
      characters: script.characters,
      scriptLength: script.fountain.length,
    },
  };
}
