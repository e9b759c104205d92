import { type Drawing, drawingSchema } from '@clapboard/shared/review';

/** Where a frame image sits on the page, in points. */
export interface FrameBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The drawing a stored anchor carries, or none (an anchor without one, or one that no longer parses). */
export function anchorDrawing(anchor: unknown): Drawing {
  const parsed = drawingSchema.safeParse((anchor as { drawing?: unknown } | null)?.drawing ?? []);
  return parsed.success ? parsed.data : [];
}

/**
 * The box `pdf.image(…, { fit })` draws an image of `width`×`height` into at (`x`, `y`): scaled to
 * fit both sides, aspect kept, top-left aligned (pdfkit's default).
 */
export function fittedBox(
  x: number,
  y: number,
  fit: [number, number],
  width: number,
  height: number,
): FrameBox {
  const scale = Math.min(fit[0] / width, fit[1] / height);
  return { x, y, width: width * scale, height: height * scale };
}

/**
 * Strokes a drawing over a frame already on the page: its normalised 0–1 points are mapped onto
 * `box`. Pen strokes are polylines, arrows a line with a head at the second point, rectangles and
 * ellipses span their two points.
 */
export function drawOnFrame(pdf: PDFKit.PDFDocument, drawing: Drawing, box: FrameBox): void {
  const at = ([u, v]: readonly [number, number]) => [box.x + u * box.width, box.y + v * box.height] as const;
  pdf.save().lineWidth(2).lineJoin('round').lineCap('round');
  for (const shape of drawing) {
    const pts = shape.points.map(at);
    const [a, b] = [pts[0]!, pts[1] ?? pts[0]!];
    pdf.strokeColor(shape.color);
    switch (shape.kind) {
      case 'rect':
        pdf
          .rect(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]))
          .stroke();
        break;
      case 'ellipse':
        pdf
          .ellipse((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, Math.abs(b[0] - a[0]) / 2, Math.abs(b[1] - a[1]) / 2)
          .stroke();
        break;
      case 'line':
      case 'arrow': {
        pdf.moveTo(a[0], a[1]).lineTo(b[0], b[1]).stroke();
        if (shape.kind === 'arrow') {
          const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
          const head = 8;
          pdf
            .moveTo(b[0] - head * Math.cos(angle - Math.PI / 6), b[1] - head * Math.sin(angle - Math.PI / 6))
            .lineTo(b[0], b[1])
            .lineTo(b[0] - head * Math.cos(angle + Math.PI / 6), b[1] - head * Math.sin(angle + Math.PI / 6))
            .stroke();
        }
        break;
      }
      case 'path': {
        pdf.moveTo(a[0], a[1]);
        for (const p of pts.slice(1)) pdf.lineTo(p[0], p[1]);
        pdf.stroke();
        break;
      }
    }
  }
  pdf.restore();
}
