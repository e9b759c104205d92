import type { LessonLayout } from '@clapboard/shared/lessons';

/** A rectangle in output pixels (even coordinates and sizes, as YUV 4:2:0 needs). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the presenter's card and the slide sit in the frame. */
export interface LessonFrameLayout {
  /** The presenter (a 3:4 crop of the portrait around the face). */
  card: Rect;
  /** The slide (title and bullets), or null when the layout shows the presenter alone. */
  slide: Rect | null;
  /** Where the section title sits under a presenter shown alone (a lower third). */
  caption: Rect | null;
}

const even = (n: number) => Math.round(n / 2) * 2;
/**
 * The frame layout of a lesson (`LESSON_LAYOUTS`): `presenter` (card centred, the section title
 * below it), `presenter-and-slides` (slide beside the card in landscape frames, above it in
 * portrait frames), `slides-with-inset` (slide filling the frame, card inset bottom right). The
 * card keeps a 3:4 aspect so one crop of the portrait serves every section.
 */
export function lessonLayout(layout: LessonLayout, width: number, height: number): LessonFrameLayout {
  // Even edges, kept inside the frame (rounding each edge, not the size, so nothing spills over).
  const rect = (x: number, y: number, w: number, h: number): Rect => {
    const x0 = Math.min(width - 2, even(x));
    const y0 = Math.min(height - 2, even(y));
    return {
      x: x0,
      y: y0,
      width: Math.min(width, even(x + w)) - x0,
      height: Math.min(height, even(y + h)) - y0,
    };
  };
  const landscape = width >= height;
  const m = Math.round(Math.min(width, height) * 0.04);
  if (layout === 'presenter') {
    const h = Math.min(height * 0.78, ((width - 2 * m) * 4) / 3);
    const w = (h * 3) / 4;
    return {
      card: rect((width - w) / 2, m, w, h),
      slide: null,
      caption: rect(m, m + h, width - 2 * m, height - h - 2 * m),
    };
  }
  if (layout === 'slides-with-inset') {
    const h = (landscape ? height : width) * 0.34;
    const w = (h * 3) / 4;
    return {
      card: rect(width - w - m, height - h - m, w, h),
      slide: rect(0, 0, width, height),
      caption: null,
    };
  }
  if (landscape) {
    const h = height - 2 * m;
    const w = Math.min((h * 3) / 4, width * 0.4);
    const ch = (w * 4) / 3;
    return {
      card: rect(width - w - m, (height - ch) / 2, w, ch),
      slide: rect(m, m, width - w - 3 * m, height - 2 * m),
      caption: null,
    };
  }
  const h = height * 0.46;
  const w = Math.min((h * 3) / 4, width - 2 * m);
  const ch = (w * 4) / 3;
  return {
    card: rect((width - w) / 2, height - ch - m, w, ch),
    slide: rect(m, m, width - 2 * m, height - ch - 3 * m),
    caption: null,
  };
}
