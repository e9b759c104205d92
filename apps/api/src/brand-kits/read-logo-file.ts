import { MAX_LOGO_SIDE } from '@clapboard/shared/campaigns';

export interface LogoInfo {
  format: 'svg' | 'png';
  mime: 'image/svg+xml' | 'image/png';
  /** Intrinsic size (an SVG's width/height, else its viewBox). */
  width: number;
  height: number;
}

/** Why a logo was refused (422, or 415 for neither SVG nor PNG). */
export class LogoFileError extends Error {
  override name = 'LogoFileError';
  constructor(
    readonly reason: 'not_a_logo' | 'unsafe' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * SVG features a logo does not need and a renderer or a browser viewing the file could be abused
 * through: scripts and event handlers, embedded HTML, entity declarations (XXE, billion laughs),
 * and references to anything outside the file (`href` not starting with `#`, `url()` to other files,
 * CSS imports). A logo with any of them is refused, not cleaned, so what is stored is what was sent.
 */
const UNSAFE_SVG: readonly [RegExp, string][] = [
  [/<!DOCTYPE|<!ENTITY/i, 'a DOCTYPE or entity declaration'],
  [/<\s*script\b/i, 'a script'],
  [/<\s*foreignObject\b/i, 'embedded HTML (foreignObject)'],
  [/\son[a-z]+\s*=/i, 'an event handler attribute'],
  [/javascript:/i, 'a javascript: URL'],
  [/(?:xlink:)?href\s*=\s*["'](?!#)/i, 'a link to something outside the file'],
  [/url\(\s*["']?(?!#)/i, 'a url() to something outside the file'],
  [/@import/i, 'a CSS import'],
];

const number = (v: string | undefined) => {
  const m = v?.trim().match(/^(\d+(?:\.\d+)?)(px)?$/);
  return m ? Number(m[1]) : null;
};

/**
 * Checks an uploaded logo: a PNG (by its signature; size from its header, decoded later by the
 * probe) or a self-contained SVG with a size (width/height or a viewBox). Sides up to
 * `MAX_LOGO_SIDE`.
 *
 * @throws LogoFileError
 */
export function readLogoFile(bytes: Uint8Array): LogoInfo {
  if (bytes.length >= 24 && PNG_SIG.every((b, i) => bytes[i] === b)) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR')
      throw new LogoFileError('unreadable', 'The PNG has no header.');
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    return checked({ format: 'png', mime: 'image/png', width, height });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new LogoFileError('not_a_logo', 'A logo must be an SVG or a PNG file.');
  }
  if (!/^\s*</.test(text) || !/<svg\b/i.test(text))
    throw new LogoFileError('not_a_logo', 'A logo must be an SVG or a PNG file.');
  for (const [pattern, what] of UNSAFE_SVG)
    if (pattern.test(text))
      throw new LogoFileError('unsafe', `The SVG contains ${what}; logos must be self-contained drawings.`);
  const root = text.match(/^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg\b([^>]*)>/i);
  if (!root) throw new LogoFileError('not_a_logo', 'A logo must be an SVG or a PNG file.');
  if (!/<\/svg\s*>\s*$/i.test(text))
    throw new LogoFileError('unreadable', 'The SVG is cut short (no closing </svg>).');
  const attrs = root[1]!;
  const attr = (name: string) => attrs.match(new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i'))?.[1];
  const viewBox = attr('viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  const vbW = viewBox?.length === 4 ? viewBox[2]! : null;
  const vbH = viewBox?.length === 4 ? viewBox[3]! : null;
  const width = number(attr('width')) ?? vbW;
  const height = number(attr('height')) ?? vbH;
  if (!width || !height || !Number.isFinite(width) || !Number.isFinite(height))
    throw new LogoFileError(
      'unreadable',
      'The SVG has no size: give its <svg> a viewBox or width and height.',
    );
  return checked({
    format: 'svg',
    mime: 'image/svg+xml',
    width: Math.round(width),
    height: Math.round(height),
  });
}

function checked(info: LogoInfo): LogoInfo {
  if (info.width < 1 || info.height < 1) throw new LogoFileError('unreadable', 'The logo has no pixels.');
  if (info.width > MAX_LOGO_SIDE || info.height > MAX_LOGO_SIDE)
    throw new LogoFileError(
      'unreadable',
      `A logo may be at most ${MAX_LOGO_SIDE} pixels on a side (this one is ${info.width}×${info.height}).`,
    );
  return info;
}
