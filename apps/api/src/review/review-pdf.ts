import { commentPlainText } from '@clapboard/shared/comment-markup';
import { createPdf } from '../pdf/create-pdf';
import { anchorDrawing, drawOnFrame, fittedBox } from './draw-on-frame';
import type { MediaFrame } from './media-frames';
import { describeAnchor, type ReviewFeedback } from './review-feedback';

const STATUS_LABEL = {
  approved: 'Approved',
  changes_requested: 'Changes requested',
  stale: 'Stale (changed since the decision)',
  not_reviewed: 'Not reviewed',
} as const;
const STATUS_COLOR = {
  approved: '#1a7f37',
  changes_requested: '#b35900',
  stale: '#8250df',
  not_reviewed: '#57606a',
};

/**
 * The review report as a PDF: the summary, then per scene its frame (when it has one), status,
 * decision and comment threads, then comments not tied to a scene. Uses DejaVu (any script) when
 * the system has it and pdfkit's built-in Helvetica otherwise; nothing is downloaded.
 *
 * Under a video comment (`anchor.kind === 'media'`) goes the still of its moment with the comment's
 * drawing stroked over it, or a grey line saying why there is none.
 *
 * @param frames PNG or JPEG bytes of scene frames by scene id (missing ones are skipped)
 * @param mediaFrames stills of video comments by comment id (`loadMediaFrames`)
 */
export async function reviewPdf(
  feedback: ReviewFeedback,
  frames: Map<string, Buffer>,
  mediaFrames: ReadonlyMap<string, MediaFrame> = new Map(),
): Promise<Buffer> {
  const { pdf, font, finish } = createPdf({
    size: 'A4',
    margin: 50,
    info: { Title: `Review report — ${feedback.projectName}` },
  });

  font('bold').fontSize(20).text(`Review report: ${feedback.projectName}`);
  const { counts } = feedback.summary;
  font('body')
    .fontSize(10)
    .fillColor('#57606a')
    .text(
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${feedback.summary.scenes.length} scenes · ` +
        `${counts.approved ?? 0} approved · ${counts.changes_requested ?? 0} changes requested · ` +
        `${counts.stale ?? 0} stale · ${counts.not_reviewed ?? 0} not reviewed`,
    )
    .fillColor('black')
    .moveDown();

  // pdfkit opens an image once for both its size and the drawing (its types omit `openImage`).
  const openImage = (bytes: Buffer) =>
    (pdf as unknown as { openImage(src: Buffer): { width: number; height: number } }).openImage(bytes);

  /** A video comment's still (its drawing over it) or the line saying why it has none. */
  const writeMediaFrame = (c: ReviewFeedback['comments'][number], indent: number) => {
    const frame = mediaFrames.get(c.id);
    if (!frame) return;
    if ('missing' in frame) {
      font('body').fontSize(9).fillColor('#57606a').text(frame.missing, { indent }).fillColor('black');
      return;
    }
    let image: { width: number; height: number };
    try {
      image = openImage(frame.image);
    } catch {
      font('body')
        .fontSize(9)
        .fillColor('#57606a')
        .text('The frame could not be drawn.', { indent })
        .fillColor('black');
      return;
    }
    const fit: [number, number] = [240, 135];
    const box = fittedBox(pdf.page.margins.left + indent, 0, fit, image.width, image.height);
    if (pdf.y + box.height + 6 > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
    box.y = pdf.y + 2;
    pdf.image(image as unknown as Buffer, box.x, box.y, { fit });
    drawOnFrame(pdf, anchorDrawing(c.anchor), box);
    pdf.x = pdf.page.margins.left;
    pdf.y = box.y + box.height + 4;
  };

  const threads = (sceneId: string | null) =>
    feedback.comments.filter((c) => c.scene_id === sceneId && !c.parent_id);
  const writeThreads = (sceneId: string | null) => {
    for (const root of threads(sceneId)) {
      for (const c of [root, ...feedback.comments.filter((r) => r.parent_id === root.id)]) {
        const indent = c === root ? 0 : 20;
        font('bold')
          .fontSize(9)
          .text(
            `${c.author_name ?? 'Someone'} · ${c.created_at.toISOString().slice(0, 16).replace('T', ' ')} · ${describeAnchor(c.anchor)}${c === root && c.resolved_at ? ' · resolved' : ''}`,
            { indent },
          );
        font('body').fontSize(10).text(commentPlainText(c.body), { indent });
        writeMediaFrame(c, indent);
        pdf.moveDown(0.4);
      }
    }
  };

  for (const scene of feedback.summary.scenes) {
    if (pdf.y > pdf.page.height - 250) pdf.addPage();
    font('bold')
      .fontSize(14)
      .text(`${scene.index + 1}. ${scene.heading || 'Untitled scene'}`);
    font('bold')
      .fontSize(10)
      .fillColor(STATUS_COLOR[scene.status])
      .text(STATUS_LABEL[scene.status])
      .fillColor('black');
    const a = scene.approval;
    if (a)
      font('body')
        .fontSize(9)
        .text(
          `${a.status === 'approved' ? 'Approved' : 'Changes requested'} by ${a.reviewer?.name ?? 'someone'} on ${a.createdAt.slice(0, 10)}${a.note ? `: ${a.note}` : ''}`,
        );
    if (a?.stale && a.changes.length > 0)
      font('body')
        .fontSize(9)
        .text(`Changed since: ${a.changes.map((ch) => ch.field).join(', ')}`);
    const frame = frames.get(scene.sceneId);
    if (frame) {
      pdf.moveDown(0.3);
      const top = pdf.y;
      const fit: [number, number] = [280, 158];
      const image = openImage(frame);
      pdf.image(image as unknown as Buffer, pdf.page.margins.left, top, { fit });
      // Drawings of the scene's comments (on its storyboard frame), over the frame.
      const box = fittedBox(pdf.page.margins.left, top, fit, image.width, image.height);
      for (const c of feedback.comments)
        if (c.scene_id === scene.sceneId && c.anchor.kind === 'scene')
          drawOnFrame(pdf, anchorDrawing(c.anchor), box);
      pdf.y = top + 162;
    }
    pdf.moveDown(0.5);
    writeThreads(scene.sceneId);
    pdf.moveDown();
  }
  const loose = threads(null);
  const orphaned = feedback.comments.filter(
    (c) => !c.parent_id && c.scene_id && !feedback.summary.scenes.some((s) => s.sceneId === c.scene_id),
  );
  if (loose.length + orphaned.length > 0) {
    font('bold').fontSize(14).text('General comments');
    pdf.moveDown(0.3);
    writeThreads(null);
    for (const c of orphaned) {
      font('body')
        .fontSize(10)
        .text(`(removed scene) ${commentPlainText(c.body)}`);
      writeMediaFrame(c, 0);
    }
  }
  return finish();
}
