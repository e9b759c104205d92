import type { LessonSlide } from '@clapboard/shared/lessons';
import sharp from 'sharp';
import { wrapText } from '../render/compose-frame';
import type { LessonFrameLayout } from './lesson-layout';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What one section shows around the presenter. */
export interface SectionPicture {
  /** The slide, or a title-only slide made from the section's title. */
  slide: LessonSlide | null;
  /** The section's title (under the presenter when the layout has no slide). */
  title: string;
}

/** An SVG of the slide's title and bullets inside `width` × `height` (a light card). */
function slideSvg(slide: LessonSlide, width: number, height: number): string {
  const pad = Math.round(Math.min(width, height) * 0.07);
  const titleSize = Math.round(Math.min(height * 0.085, width * 0.06));
  const bulletSize = Math.round(titleSize * 0.62);
  const charW = 0.55;
  const titleLines = wrapText(
    slide.title,
    Math.max(8, Math.floor((width - 2 * pad) / (titleSize * charW))),
    2,
  );
  let y = pad + titleSize;
  const parts: string[] = [
    `<rect x="0" y="0" width="${width}" height="${height}" rx="${Math.round(pad / 3)}" fill="#f8fafc"/>`,
  ];
  for (const line of titleLines) {
    parts.push(
      `<text x="${pad}" y="${y}" font-family="DejaVu Sans" font-weight="bold" font-size="${titleSize}" fill="#0f172a">${escapeXml(line)}</text>`,
    );
    y += Math.round(titleSize * 1.25);
  }
  y += Math.round(bulletSize * 0.6);
  const bulletChars = Math.max(8, Math.floor((width - 2 * pad - bulletSize * 1.4) / (bulletSize * charW)));
  for (const bullet of slide.bullets) {
    const lines = wrapText(bullet, bulletChars, 3);
    for (const [i, line] of lines.entries()) {
      if (y > height - pad) break;
      if (i === 0)
        parts.push(
          `<circle cx="${pad + bulletSize * 0.35}" cy="${y - bulletSize * 0.35}" r="${bulletSize * 0.16}" fill="#2563eb"/>`,
        );
      parts.push(
        `<text x="${pad + bulletSize * 1.1}" y="${y}" font-family="DejaVu Sans" font-size="${bulletSize}" fill="#1e293b">${escapeXml(line)}</text>`,
      );
      y += Math.round(bulletSize * 1.35);
    }
    y += Math.round(bulletSize * 0.35);
  }
  return parts.join('');
}

/**
 * One section's picture without the presenter (RGB, `width` × `height`): the background colour,
 * the slide where the layout has one (a section without a slide gets its title as one), and the
 * section's title as a lower third where the layout shows the presenter alone. The presenter's
 * card is drawn over it per frame; `card` (RGB at the layout's card size), when given, is
 * composited here instead (a still presenter, as a preview shows).
 */
export async function drawLessonFrame(o: {
  width: number;
  height: number;
  layout: LessonFrameLayout;
  background: string;
  picture: SectionPicture;
  card?: Uint8Array;
}): Promise<Uint8Array> {
  const { width, height, layout } = o;
  const parts: string[] = [];
  if (layout.slide) {
    const s = layout.slide;
    const slide = o.picture.slide ?? { title: o.picture.title, bullets: [] };
    parts.push(`<g transform="translate(${s.x},${s.y})">${slideSvg(slide, s.width, s.height)}</g>`);
  }
  if (layout.caption && o.picture.title) {
    const c = layout.caption;
    const size = Math.round(Math.min(c.height * 0.45, height * 0.06));
    const line = wrapText(o.picture.title, Math.floor(c.width / (size * 0.55)), 1)[0] ?? '';
    parts.push(
      `<text x="${width / 2}" y="${c.y + c.height / 2 + size * 0.35}" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="${size}" fill="#f8fafc">${escapeXml(line)}</text>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${o.background}"/>${parts.join('')}</svg>`;
  let image = sharp(Buffer.from(svg));
  if (o.card)
    image = sharp(await image.png({ compressionLevel: 0 }).toBuffer()).composite([
      {
        input: Buffer.from(o.card.buffer, o.card.byteOffset, o.card.byteLength),
        raw: { width: layout.card.width, height: layout.card.height, channels: 3 },
        left: layout.card.x,
        top: layout.card.y,
      },
    ]);
  const { data } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
