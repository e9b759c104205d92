import type { PaginatedScreenplay } from '@clapboard/screenplay';
import { createPdf, winAnsiEncodable } from '../pdf/create-pdf';

/** US Letter in points, Courier 12 pt: 10 characters (7.2 pt each) and 6 lines (12 pt) an inch. */
export const SCREENPLAY_PDF_LAYOUT = {
  pageWidth: 612,
  pageHeight: 792,
  fontSize: 12,
  charWidth: 7.2,
  lineHeight: 12,
  /** The action margin, 1.5" from the left edge; scene numbers sit in the gutter to its left. */
  actionLeft: 108,
  /** The right margin, 1" from the right edge: page numbers end here. */
  rightEdge: 540,
  /** The page number line, 0.5" from the top; the body starts 1" from the top. */
  headerTop: 36,
  bodyTop: 72,
  /** The version stamp's baseline area, 0.5" from the bottom. */
  footerTop: 756,
} as const;

export interface ScreenplayPdfOptions {
  /** Document title (PDF metadata and the footer). */
  title: string;
  /** The pinned version's id, printed in every page's footer and stored in the PDF's metadata. */
  versionId: string;
  /** The version's name for people. */
  versionName: string;
}

/**
 * Draws paginated screenplay pages as a PDF in Courier 12 pt on US Letter: the monospaced lines of
 * `paginateScreenplay` placed on the character grid (so its indents are the industry's 1.5" left
 * and 1" right margins), the page number top right from page 2, a title page first when there is
 * one, and a small footer on every page with the version id (also in the Subject and Keywords).
 */
export function screenplayPdf(
  paginated: PaginatedScreenplay,
  options: ScreenplayPdfOptions,
): Promise<Buffer> {
  const P = SCREENPLAY_PDF_LAYOUT;
  const stamp = `${options.title} · version ${options.versionName} (${options.versionId})`;
  const { pdf, finish, monoFallback } = createPdf({
    size: [P.pageWidth, P.pageHeight],
    margin: 0,
    autoFirstPage: false,
    info: {
      Title: options.title,
      Subject: `Screenplay, version ${options.versionId}`,
      Keywords: `clapboard-version:${options.versionId}`,
      Creator: 'Clapboard',
    },
  });
  // Column 0 of a line is the scene-number gutter, left of the action margin.
  const left = P.actionLeft - 6 * P.charWidth;
  const line = (text: string, y: number) => {
    if (!text) return;
    // Courier's encoding is Windows-1252; other scripts take a Unicode face with the same advance.
    if (winAnsiEncodable(text)) pdf.text(text, left, y, { lineBreak: false });
    else pdf.font(monoFallback()).text(text, left, y, { lineBreak: false }).font('Courier');
  };
  const footer = () => {
    pdf.fontSize(8);
    line(stamp, P.footerTop);
    pdf.fontSize(P.fontSize);
  };
  const newPage = () => {
    pdf.addPage({ size: [P.pageWidth, P.pageHeight], margin: 0 });
    pdf.font('Courier').fontSize(P.fontSize);
  };
  if (paginated.titlePage) {
    newPage();
    for (const [i, l] of paginated.titlePage.entries()) line(l, P.bodyTop + i * P.lineHeight);
    footer();
  }
  for (const page of paginated.pages) {
    newPage();
    if (page.number > 1) {
      // Right-aligned at the 1" right margin.
      const label = `${page.number}.`;
      pdf.text(label, P.rightEdge - label.length * P.charWidth, P.headerTop, {
        lineBreak: false,
      });
    }
    for (const [i, l] of page.lines.entries()) line(l, P.bodyTop + i * P.lineHeight);
    footer();
  }
  return finish();
}
