import type { Scene } from '@clapboard/shared/document';
import { STORYBOARD_FRAMES_PER_PAGE } from '@clapboard/shared/script-deliverables';
import { createPdf } from '../pdf/create-pdf';

export interface StoryboardPdfOptions {
  title: string;
  versionId: string;
  versionName: string;
  /** Frames per page, 1–6 (clamped); default `STORYBOARD_FRAMES_PER_PAGE.default`. */
  perPage?: number;
}

const MARGIN = 36;
const FOOTER = 20;

const dialogueText = (scene: Scene) =>
  scene.dialogue
    .map((d) => `${d.character.toUpperCase()}${d.parenthetical ? ` ${d.parenthetical}` : ''}: ${d.text}`)
    .join('\n');

/**
 * The storyboard as a PDF on landscape A4: `perPage` frames a page (one column up to 3, two
 * columns for 4–6), each with its frame (or a grey placeholder box when the scene has none), the
 * scene number and heading, shot, camera move, duration, dialogue and notes. Every page's footer
 * names the project and the pinned version; the version id is also in the PDF's metadata.
 *
 * @param frames PNG or JPEG bytes by scene id (see `loadFrameImages`)
 */
export function storyboardPdf(
  scenes: readonly Scene[],
  frames: Map<string, Buffer>,
  options: StoryboardPdfOptions,
): Promise<Buffer> {
  const { min, max } = STORYBOARD_FRAMES_PER_PAGE;
  const perPage = Math.min(max, Math.max(min, options.perPage ?? STORYBOARD_FRAMES_PER_PAGE.default));
  const { pdf, font, finish } = createPdf({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    autoFirstPage: false,
    info: {
      Title: `${options.title} — storyboard`,
      Subject: `Storyboard, version ${options.versionId}`,
      Keywords: `clapboard-version:${options.versionId}`,
      Creator: 'Clapboard',
    },
  });
  const cols = perPage <= 3 ? 1 : 2;
  const rows = Math.ceil(perPage / cols);
  const pages = Math.max(1, Math.ceil(scenes.length / perPage));
  for (let p = 0; p < pages; p++) {
    pdf.addPage({ size: 'A4', layout: 'landscape', margin: 0 });
    const width = pdf.page.width;
    const height = pdf.page.height;
    const cellW = (width - 2 * MARGIN - (cols - 1) * 12) / cols;
    const cellH = (height - 2 * MARGIN - FOOTER - (rows - 1) * 10) / rows;
    scenes.slice(p * perPage, (p + 1) * perPage).forEach((scene, i) => {
      const x = MARGIN + (i % cols) * (cellW + 12);
      const y = MARGIN + Math.floor(i / cols) * (cellH + 10);
      // The frame box: 16:9, as large as half the cell's width and its height allow.
      const boxW = Math.min(cellW * 0.48, (cellH - 4) * (16 / 9));
      const boxH = boxW * (9 / 16);
      const frame = frames.get(scene.id);
      if (frame) pdf.image(frame, x, y, { fit: [boxW, boxH], align: 'center', valign: 'center' });
      else {
        pdf.save().rect(x, y, boxW, boxH).fillAndStroke('#eeeeee', '#999999').restore();
        font('body')
          .fontSize(9)
          .fillColor('#777777')
          .text('No frame', x, y + boxH / 2 - 5, { width: boxW, align: 'center', lineBreak: false })
          .fillColor('black');
      }
      pdf.rect(x, y, boxW, boxH).lineWidth(0.5).stroke('#999999');
      const tx = x + boxW + 10;
      const tw = cellW - boxW - 10;
      const number = scenes.indexOf(scene) + 1;
      font('bold')
        .fontSize(cellH < 120 ? 9 : 11)
        .text(`${number}. ${scene.heading || 'Untitled scene'}`, tx, y, {
          width: tw,
          height: cellH,
          ellipsis: true,
        });
      font('body')
        .fontSize(cellH < 120 ? 7.5 : 9)
        .fillColor('#444444')
        .text(`Shot: ${scene.shot} · Camera: ${scene.camera} · Duration: ${scene.durationSec} s`, {
          width: tw,
        })
        .fillColor('black');
      const rest = [dialogueText(scene), scene.notes ? `Notes: ${scene.notes}` : '']
        .filter(Boolean)
        .join('\n');
      if (rest) {
        const used = pdf.y - y;
        pdf
          .moveDown(0.3)
          .text(rest, tx, pdf.y, { width: tw, height: Math.max(10, cellH - used - 4), ellipsis: true });
      }
    });
    font('body')
      .fontSize(8)
      .fillColor('#57606a')
      .text(
        `${options.title} · storyboard · version ${options.versionName} (${options.versionId}) · page ${p + 1} of ${pages}`,
        MARGIN,
        height - MARGIN - 10,
        { lineBreak: false },
      )
      .fillColor('black');
  }
  return finish();
}
