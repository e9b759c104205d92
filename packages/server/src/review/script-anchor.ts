import { DOC_KEYS } from '@clapboard/shared/document';
import * as Y from 'yjs';

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * Encodes a range of the `script` Y.Text as two relative positions (base64), so the range follows
 * edits made before, inside or after it. The start sticks to the character after it and the end to
 * the character before it, so text typed at either edge stays outside the range.
 * Offsets past the end of the text are clamped.
 */
export function encodeScriptAnchor(doc: Y.Doc, from: number, to: number): { start: string; end: string } {
  const text = doc.getText(DOC_KEYS.script);
  const a = Math.min(from, text.length);
  const b = Math.min(Math.max(to, a), text.length);
  return {
    start: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, a, 0))),
    end: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, b, -1))),
  };
}

/** Whether `value` decodes to a relative position (a client may send garbage that is valid base64). */
export function isRelativePosition(value: string): boolean {
  try {
    Y.decodeRelativePosition(Buffer.from(value, 'base64'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves an encoded range against the current document: the offsets now, and the text between
 * them (first 200 characters). Offsets are null when a position no longer resolves.
 */
export function resolveScriptAnchor(
  doc: Y.Doc,
  start: string,
  end: string,
): { from: number | null; to: number | null; quote: string } {
  const text = doc.getText(DOC_KEYS.script);
  const resolve = (encoded: string) => {
    try {
      const abs = Y.createAbsolutePositionFromRelativePosition(
        Y.decodeRelativePosition(Buffer.from(encoded, 'base64')),
        doc,
      );
      return abs && abs.type === text ? abs.index : null;
    } catch {
      return null;
    }
  };
  const from = resolve(start);
  const to = resolve(end);
  const quote =
    from !== null && to !== null && to > from ? text.toString().slice(from, to).slice(0, 200) : '';
  return { from, to: to !== null && from !== null ? Math.max(to, from) : to, quote };
}
