import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import type { Box, LayoutKind, LayoutSpan } from '@clapboard/shared/highlights';
import type { FaceDetector } from '../../vision/detect-faces';
import type { TextLine, TextRecognizer } from '../../vision/recognize-text';

/** Scene changes closer than this to the previous one are merged into it (seconds). */
export const MIN_SPAN_SEC = 1;
/** Where in a span frames are sampled (share of its length); OCR reads the middle one. */
const SAMPLE_AT = [0.2, 0.5, 0.8] as const;
/** Faces under this detector score, or smaller than this share of the frame's height, are ignored. */
const MIN_FACE_SCORE = 0.5;
const MIN_FACE_HEIGHT = 0.06;
/** A frame shows a slide when recognised text covers this share of it, over at least two lines. */
const MIN_TEXT_DENSITY = 0.01;

export interface LayoutInput {
  file: string;
  width: number;
  height: number;
  durationSec: number;
  /** Scene-change times (seconds), ascending. */
  changes: readonly number[];
}

export interface LayoutTools {
  faces: FaceDetector;
  ocr: TextRecognizer;
  /** Folder for sampled frames. */
  dir: string;
  signal?: AbortSignal;
  /** Share of spans done, 0–1. */
  onProgress?: (fraction: number) => void;
}

/** Spans between scene changes, short ones merged into the one before. */
export function spansBetween(changes: readonly number[], durationSec: number): Array<[number, number]> {
  const cuts = [0];
  for (const t of changes)
    if (t - cuts.at(-1)! >= MIN_SPAN_SEC && durationSec - t >= MIN_SPAN_SEC) cuts.push(t);
  cuts.push(durationSec);
  return cuts.slice(0, -1).map((t, i) => [t, cuts[i + 1]!]);
}

const area = (b: Box) => b.width * b.height;
function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
function lineBox(line: TextLine): Box {
  const xs = line.box.map((p) => p[0]);
  const ys = line.box.map((p) => p[1]);
  const x = Math.max(0, Math.min(...xs));
  const y = Math.max(0, Math.min(...ys));
  return { x, y, width: Math.max(1, Math.max(...xs) - x), height: Math.max(1, Math.max(...ys) - y) };
}
const round = (b: Box): Box => ({
  x: Math.round(b.x),
  y: Math.round(b.y),
  width: Math.max(1, Math.round(b.width)),
  height: Math.max(1, Math.round(b.height)),
});

/**
 * What one span shows, from a face (or none) and the text lines read off its middle frame:
 * a face and text → picture-in-picture (the slide is where the text is, beside the face's inset);
 * a face alone → speaker; no face → slide (the whole frame). Text that lies on the face's box is
 * not counted (a name caption under a speaker does not make a slide).
 */
export function classifyFrame(
  face: Box | null,
  lines: readonly TextLine[],
  frame: { width: number; height: number },
): { kind: LayoutKind; slide: Box | null; textDensity: number; slideText: string } {
  const full: Box = { x: 0, y: 0, width: frame.width, height: frame.height };
  const textLines = lines.filter((l) => !face || !overlaps(lineBox(l), face));
  const boxes = textLines.map(lineBox);
  const textDensity = Math.min(1, boxes.reduce((s, b) => s + area(b), 0) / area(full));
  const slideText = textLines
    .map((l) => l.text)
    .join('\n')
    .slice(0, 5000);
  const hasText = textDensity >= MIN_TEXT_DENSITY && textLines.length >= 2;
  if (!face) return { kind: 'slide', slide: full, textDensity, slideText };
  if (!hasText) return { kind: 'speaker', slide: null, textDensity, slideText };
  // The slide: the text's bounding box with a margin, kept off the face's side of the frame.
  const pad = 0.04 * frame.width;
  let x0 = Math.max(0, Math.min(...boxes.map((b) => b.x)) - pad);
  let x1 = Math.min(frame.width, Math.max(...boxes.map((b) => b.x + b.width)) + pad);
  const y0 = Math.max(0, Math.min(...boxes.map((b) => b.y)) - pad);
  const y1 = Math.min(frame.height, Math.max(...boxes.map((b) => b.y + b.height)) + pad);
  const faceCentre = face.x + face.width / 2;
  if (faceCentre > (x0 + x1) / 2) x1 = Math.min(x1, face.x);
  else x0 = Math.max(x0, face.x + face.width);
  const slide = x1 - x0 > 1 ? round({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }) : null;
  return { kind: 'picture-in-picture', slide, textDensity, slideText };
}

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]{2,}/g) ?? []);

/** Whether two slide texts are the same slide as OCR reads it (80 % of their words shared). */
function sameText(a: string, b: string): boolean {
  const [x, y] = [words(a), words(b)];
  if (!x.size && !y.size) return true;
  const shared = [...x].filter((w) => y.has(w)).length;
  return shared >= 0.8 * Math.max(x.size, y.size);
}

/**
 * Joins neighbouring spans that show the same thing (same kind and the same slide text): the scene
 * threshold is low enough to catch a slide that changes only its text, so a speaker who moves
 * can cut a span in two.
 */
export function mergeAlike(spans: readonly LayoutSpan[]): LayoutSpan[] {
  const out: LayoutSpan[] = [];
  for (const span of spans) {
    const prev = out.at(-1);
    if (prev && prev.kind === span.kind && sameText(prev.slideText, span.slideText))
      prev.endSec = span.endSec;
    else out.push({ ...span });
  }
  return out;
}

/** One frame of the video at `t` seconds, as PNG at its own size (fast seek, then exact). */
async function grabFrame(file: string, t: number, out: string, signal?: AbortSignal): Promise<void> {
  await runFfmpeg(['-y', '-ss', t.toFixed(3), '-i', file, '-an', '-frames:v', '1', '-c:v', 'png', out], {
    signal,
  });
}

/**
 * Layout of the lecture per span between scene changes: a few frames per span (not every frame)
 * go through face detection, the middle one through PP-OCR; `classifyFrame` decides the kind and
 * regions. The face is the largest one found in most of the sampled frames.
 */
export async function analyseLayout(input: LayoutInput, tools: LayoutTools): Promise<LayoutSpan[]> {
  const spans = spansBetween(input.changes, input.durationSec);
  const out: LayoutSpan[] = [];
  for (const [i, [start, end]] of spans.entries()) {
    tools.signal?.throwIfAborted();
    const points = end - start < 1.5 ? [0.5] : SAMPLE_AT;
    const faces: Array<Box | null> = [];
    let lines: TextLine[] = [];
    for (const at of points) {
      const frame = join(tools.dir, `span-${i}-${at}.png`);
      await grabFrame(
        input.file,
        Math.min(input.durationSec - 0.05, start + (end - start) * at),
        frame,
        tools.signal,
      );
      const found = (await tools.faces.detect(frame))
        .filter((f) => f.score >= MIN_FACE_SCORE && f.box.height >= MIN_FACE_HEIGHT * input.height)
        .sort((a, b) => area(b.box) - area(a.box));
      faces.push(found[0] ? round(found[0].box) : null);
      if (at === 0.5) lines = await tools.ocr.recognize(frame);
    }
    const withFace = faces.filter((f): f is Box => f !== null);
    const face =
      withFace.length * 2 >= faces.length ? (withFace.sort((a, b) => area(b) - area(a))[0] ?? null) : null;
    const c = classifyFrame(face, lines, input);
    out.push({
      startSec: Math.round(start * 1000) / 1000,
      endSec: Math.round(end * 1000) / 1000,
      kind: c.kind,
      slide: c.slide,
      face: c.kind === 'slide' ? null : face,
      textDensity: Math.round(c.textDensity * 1e4) / 1e4,
      slideText: c.slideText,
    });
    tools.onProgress?.((i + 1) / spans.length);
  }
  return mergeAlike(out);
}
