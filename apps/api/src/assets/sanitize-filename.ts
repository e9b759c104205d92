import { badRequest } from '../errors/http-error';

/**
 * Cleans the uploader's file name for display. Names with a path (`/`, `\`) or made only of dots are refused
 * outright: browsers send a bare name, so a path is a probe, not a user. Control characters go,
 * length is capped at 200. The name never reaches a store key.
 */
export function sanitizeFilename(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (/[/\\]/.test(raw) || /^\.+$/.test(raw.trim()))
    throw badRequest('The file name must be a plain name, without folders or "..".');
  const clean = raw
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  return clean.length > 0 ? clean : null;
}
