import sharp from 'sharp';
import { type FrameFont, type FrameTextColors, fitFrame, frameTextSvg } from '../render/compose-frame';

/** A rectangle in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Someone the reframing keeps in view: where they stand and where their head is. */
export interface PlateSubject {
  box: Box;
  head: Box;
}

/** What a scene's plate records besides its picture. */
export interface PlateValue {
  sha256: string;
  width: number;
  height: number;
  /** People (composed frames: the cast as placed; otherwise faces found), first speaker first. */
  subjects: PlateSubject[];
  /** A picked frame: its text is part of the picture, so it is fitted whole, never cropped. */
  textBaked: boolean;
  warnings: string[];
}

/**
 * The head of a person standing in `box`: the top of it, about as tall as the box is wide (a
 * silhouette's head and a portrait cut-out's face both sit there), centred across it.
 */
export function headOf(box: Box): Box {
  const height = Math.min(box.height, box.width * 0.75);
  return { x: box.x + box.width * 0.15, y: box.y, width: box.width * 0.7, height };
}

const union = (boxes: readonly Box[]): Box => {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
};

/** Where the focus's centre sits in the window, as a share of its height: heads in the upper part. */
const HEADS_AT = 0.38;

/**
 * The window of the plate (`canvas`) one aspect shows: the largest with the target's aspect that
 * fits the canvas, placed so the subjects' heads are in view: centred across on all of them, or on
 * the first speaker when they do not fit side by side; their heads at HEADS_AT of the height.
 * Without subjects, the centre of the canvas.
 */
export function reframeWindow(
  canvas: { width: number; height: number },
  target: { width: number; height: number },
  subjects: readonly PlateSubject[],
): Box {
  // The limiting side is the canvas' own; the other follows the target's aspect.
  const byWidth = canvas.width / target.width < canvas.height / target.height;
  const width = byWidth
    ? canvas.width
    : Math.min(canvas.width, Math.round((canvas.height * target.width) / target.height));
  const height = byWidth
    ? Math.min(canvas.height, Math.round((canvas.width * target.height) / target.width))
    : canvas.height;
  // Within a pixel or two of the whole canvas (even sizes round the aspects apart): the whole canvas.
  if (canvas.width - width <= 2 && canvas.height - height <= 2)
    return { x: 0, y: 0, width: canvas.width, height: canvas.height };
  const clamp = (v: number, max: number) => Math.round(Math.min(Math.max(0, v), Math.max(0, max)));
  if (!subjects.length)
    return {
      x: clamp((canvas.width - width) / 2, canvas.width - width),
      y: clamp((canvas.height - height) / 2, canvas.height - height),
      width,
      height,
    };
  const all = union(subjects.map((s) => s.head));
  const focus = all.width <= width ? all : subjects[0]!.head;
  return {
    x: clamp(focus.x + focus.width / 2 - width / 2, canvas.width - width),
    y: clamp(focus.y + focus.height / 2 - height * HEADS_AT, canvas.height - height),
    width,
    height,
  };
}

/**
 * One aspect's frame from a scene's plate: the window around its subjects scaled to the output
 * size with the scene's heading and caption laid on at that size (in the kit's colours and heading
 * font), or, for a
 * picked frame, the frame fitted whole (letterboxed in the kit's background colour).
 *
 * @returns a PNG of exactly `width`×`height`
 */
export async function reframePlate(
  plate: Buffer,
  value: PlateValue,
  target: { width: number; height: number },
  text: {
    heading: string;
    caption: string;
    colors?: FrameTextColors & { background: string };
    font?: FrameFont;
  },
): Promise<Buffer> {
  if (value.textBaked) return fitFrame(plate, target.width, target.height, text.colors?.background);
  const win = reframeWindow(value, target, value.subjects);
  const overlay = frameTextSvg(
    target.width,
    target.height,
    text.heading,
    text.caption,
    text.colors,
    text.font,
  );
  return sharp(plate)
    .extract({ left: win.x, top: win.y, width: win.width, height: win.height })
    .resize(target.width, target.height, { kernel: 'lanczos3' })
    .composite(overlay ? [{ input: Buffer.from(overlay), left: 0, top: 0 }] : [])
    .removeAlpha()
    .png({ compressionLevel: 1 })
    .toBuffer();
}
